"""Family-side words are invited, never chased: whoever on the family's side is asked for their
words (the family, a child's advocate, a supporter) gets one gentle reminder, and the social
worker one check-in note; nothing says overdue and nothing reaches the chair."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.rules.messages import MessageKind
from bot.rules.vocabulary import Agency, MeetingKind, MeetingStatus, Nation, Role
from bot.rules.wanted import CaseState, wanted
from storage.models import Area, Case, Meeting, Member, UpdateRequest

DUE_AT = datetime(2027, 3, 17, 23, 59, 59, tzinfo=UTC)


def _state(role: Role, agency: Agency) -> CaseState:
    area = Area(id=1, slack_team_id="T1", name="Oakshire")
    case = Case(
        id=7,
        area_id=1,
        reference="oak-family",
        slack_channel_id="C1",
        nation=Nation.ENG,
        icpc_date=date(2027, 2, 1),
    )
    people = [
        Member(id=1, case_id=7, slack_user_id="U1", display_name="Sam", role=role, agency=agency),
        Member(
            id=2,
            case_id=7,
            slack_user_id="U2",
            display_name="Priya",
            role=Role.SOCIAL_WORKER,
            agency=Agency.CHILDRENS_SOCIAL_CARE,
        ),
        Member(
            id=3,
            case_id=7,
            slack_user_id="U3",
            display_name="Chris",
            role=Role.CHAIR,
            agency=Agency.CHILDRENS_SOCIAL_CARE,
        ),
    ]
    # A core group with its date set (a meeting with no date asks nobody for an update).
    core = Meeting(
        id=10,
        case_id=7,
        kind=MeetingKind.CORE_GROUP,
        sequence=1,
        due_by=date(2027, 3, 19),
        starts_at=datetime(2027, 3, 19, 10, 0, tzinfo=UTC),
        status=MeetingStatus.SCHEDULED,
    )
    requests = {10: [UpdateRequest(id=100, meeting_id=10, member_id=1, due_at=DUE_AT)]}
    return CaseState(case, area, people, [core], [], requests)


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.FAMILY, Agency.FAMILY),
        (Role.ADVOCATE, Agency.ADVOCACY),
        (Role.FAMILY_SUPPORTER, Agency.FAMILY),
    ],
)
def test_a_family_side_member_is_reminded_once_and_their_social_worker_checks_in(
    role: Role, agency: Agency
) -> None:
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    about = [m for m in wanted(_state(role, agency), now) if "r100" in m.key]
    by_kind = {(m.kind, m.recipient) for m in about}
    assert by_kind == {
        (MessageKind.PROMPT, "U1"),
        (MessageKind.CHASE, "U1"),
        (MessageKind.CHECK_IN, "U2"),
    }
    assert len([m for m in about if m.kind == MessageKind.CHASE]) == 1


def test_a_professional_is_still_chased_and_the_chair_told() -> None:
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    about = [m for m in wanted(_state(Role.PROFESSIONAL, Agency.SCHOOL), now) if "r100" in m.key]
    kinds = {m.kind for m in about}
    assert {MessageKind.OVERDUE_NOTICE, MessageKind.ESCALATION} <= kinds
    assert MessageKind.CHECK_IN not in kinds

"""The history in words: each audit action with the detail its service records, and old rows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import WELSH, speaking
from bot.rules.vocabulary import Agency, MeetingKind, Role
from bot.services import audit
from bot.services.history import Lookups, event_words
from bot.services.status import history_text
from storage.db import UnitOfWork
from storage.models import AuditEvent, Meeting, Member, PlanAction, UpdateRequest
from tests.test_i18n import english_leaks

from .test_storage import make_case

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b|[a-z]+_[a-z_]+")

FOUND = Lookups(
    tz=ZoneInfo("Europe/London"),
    people={"U_SW": "Priya Shah", "U_SCHOOL": "Ms Reed", "U_HV": "Jan Kowalski"},
    members={1: "Priya Shah", 2: "Ms Reed", 3: "Dan (dad)"},
    meetings={
        7: "the core group meeting on Thu  3 Dec 2026",
        9: "the review conference on Mon  1 Feb 2027",
    },
    meeting_kinds={7: "the core group meeting", 9: "the review conference"},
    requests={40: 7},
    actions={12: "Walk Jo to the school gate each morning"},
)

# Each action with the detail its service records today, and the words the history shows.
WORDS: dict[AuditAction, tuple[dict[str, Any], str]] = {
    AuditAction.CASE_OPENED: (
        {
            "reference": "oak-family",
            "channel": "C1",
            "icpc": "2026-11-20",
            "members": [{"user": "U_SW", "role": "social_worker", "agency": "school"}] * 6,
        },
        "opened the case, with 6 people in the core group, after the initial conference on "
        "Fri 20 Nov 2026",
    ),
    AuditAction.CASE_ARCHIVED: ({}, "archived the case channel"),
    AuditAction.CASE_EXPORTED: (
        {"files": 2, "checksum": "sha256:ab"},
        "exported the case's record for the authority's system",
    ),
    AuditAction.CASE_PURGED: (
        {"reference": "oak-family", "deleted": {"cases": 1}, "reason": "retention period over"},
        "purged the case's data, keeping only this note",
    ),
    AuditAction.CASE_WITHDRAWN: (
        {"reference": "oak-family", "withdrawn_case": 7, "reason": "name_taken"},
        "saw a case withdrawn because its channel could not be made",
    ),
    AuditAction.CASE_CHANNEL_ARCHIVED: (
        {},
        "found that the case channel had been archived in Slack",
    ),
    AuditAction.MEMBER_ADDED: (
        {
            "user": "U_HV",
            "before": None,
            "after": {"role": "professional", "agency": "health_visitor", "active": True},
        },
        "added Jan Kowalski to the core group (Health visitor)",
    ),
    AuditAction.MEMBER_REMOVED: (
        {"user": "U_HV", "before": {"active": True}, "after": {"active": False}},
        "took Jan Kowalski out of the core group",
    ),
    AuditAction.MEMBER_ROLE_CHANGED: (
        {"user": "U_SCHOOL", "before": {"role": "professional"}, "after": {"role": "advocate"}},
        "changed Ms Reed's role in the core group: from professional to advocate",
    ),
    AuditAction.MEMBER_INVITE_FAILED: (
        {"user": "U_HV", "error": "user_disabled"},
        "could not add Jan Kowalski to the case channel: their Slack account has been deactivated",
    ),
    AuditAction.MEMBER_JOINED_CHANNEL: (
        {"user": "U_HV"},
        "saw Jan Kowalski join the case channel and added them to the core group",
    ),
    AuditAction.MEMBER_LEFT_CHANNEL: (
        {"user": "U_HV"},
        "saw Jan Kowalski leave the case channel and took them out of the core group",
    ),
    AuditAction.MEMBER_AWAY: (
        {"before": {"away_until": None}, "after": {"away_until": "2026-12-11", "cover": "U_SW"}},
        "changed when they are away: away until Fri 11 Dec 2026, with Priya Shah getting their "
        "reminders",
    ),
    AuditAction.MEETING_SCHEDULED: (
        {
            "meeting": 7,
            "before": {"starts_at": "2026-12-01T10:00:00+00:00", "place": None},
            "after": {"starts_at": "2026-12-03T10:00:00+00:00", "place": "Oak Primary School"},
        },
        "set the date of the core group meeting: Thu  3 Dec 2026 at 10:00, Oak Primary School "
        "(moved from Tue  1 Dec 2026 at 10:00)",
    ),
    AuditAction.MEETING_REPLY: (
        {"meeting": 7, "before": "apologies", "after": "attending"},
        "replied to the invitation to the core group meeting on Thu  3 Dec 2026: coming "
        "(before: apologies)",
    ),
    AuditAction.MEETING_ATTENDANCE: (
        {"meeting": 7, "marks": {"1": "present", "2": "present", "3": "absent"}},
        "recorded who came to the core group meeting on Thu  3 Dec 2026: 2 came, 1 did not come",
    ),
    AuditAction.MEETING_HELD_ANSWER: (
        {"meeting": 7, "held": False, "reason": "Snow", "starts_at": "2026-12-03T10:00:00+00:00"},
        "said whether the core group meeting on Thu  3 Dec 2026 was held: it was not, because "
        "“Snow”",
    ),
    AuditAction.UPDATE_SUBMITTED: (
        {"request": 40, "version": 2, "late": True, "on_behalf_of": 3},
        "sent an update for the core group meeting on Thu  3 Dec 2026 on behalf of Dan (dad), "
        "changing an earlier one, after the deadline",
    ),
    AuditAction.PLAN_OUTCOME_SAVED: (
        {"outcome": 5, "before": None, "after": "Jo goes to school every day, on time"},
        "saved an outcome in the plan: “Jo goes to school every day, on time”",
    ),
    AuditAction.PLAN_ACTION_SAVED: (
        {
            "action_id": 12,
            "before": None,
            "after": {"description": "Walk Jo to school", "due": "2026-12-18", "owner": 2},
        },
        "saved an action in the plan: “Walk Jo to school”, for Ms Reed, by Fri 18 Dec 2026",
    ),
    AuditAction.PLAN_ACTION_DONE: (
        {"action_id": 12},
        "marked an action in the plan as done: “Walk Jo to the school gate each morning”",
    ),
    AuditAction.PLAN_FAMILY_MAY_EDIT: (
        {"before": False, "after": True},
        "changed whether the family may edit the plan: the family may now edit it",
    ),
    AuditAction.SUMMARY_DRAFTED: (
        {"meeting": 9},
        "drafted the summary of the review conference on Mon  1 Feb 2027",
    ),
    AuditAction.SUMMARY_RELEASED: (
        {"meeting": 9},
        "shared the summary of the review conference on Mon  1 Feb 2027 with the core group",
    ),
    AuditAction.CONFERENCE_DECISION: (
        {"meeting": 9, "decision": "continue", "category": "neglect", "dissent": True},
        "recorded the decision of the review conference on Mon  1 Feb 2027: continue the child "
        "protection plan, under the category of neglect; someone's disagreement was recorded",
    ),
    AuditAction.APPROVAL_REQUESTED: (
        {"approval": 4, "kind": "cover", "user": "U_HV"},
        "asked the social worker to agree to Jan Kowalski standing in or coming",
    ),
    AuditAction.APPROVAL_DECIDED: (
        {"approval": 4, "kind": "cover", "user": "U_HV", "approved": False},
        "answered the request about Jan Kowalski: did not agree",
    ),
    AuditAction.AGENDA_SAVED: (
        {"harm": "Jo misses school", "children": [{"name": "Jo", "age": 6, "due": None}]},
        "recorded the conference agenda with the family",
    ),
    AuditAction.FAMILY_SEPARATE: (
        {"before": False, "after": True},
        "changed whether family members are served separately, so none sees another's words: "
        "each is now kept in touch by direct message",
    ),
    AuditAction.WORDS_RELEASED: (
        {"user": "U_HV", "author": "U_SCHOOL"},
        "let Jan Kowalski read another family member's words",
    ),
    AuditAction.UPDATE_OPENED: ({"update_id": 3}, "opened an update that reported new harm"),
    AuditAction.MANAGER_GRANTED: (
        {"user": "U_HV", "role": "manager"},
        "gave Jan Kowalski a role across the area (its figures, never a case)",
    ),
    AuditAction.MANAGER_REMOVED: (
        {"user": "U_HV"},
        "took away the role Jan Kowalski had across the area",
    ),
    AuditAction.LANGUAGE_CHOSEN: (
        {"before": "en", "after": "cy"},
        "chose the language the bot speaks to them",
    ),
    AuditAction.AREA_LANGUAGE_CHANGED: (
        {"before": "en", "after": "cy"},
        "changed the area's default language",
    ),
    AuditAction.AREA_RENAMED: (
        {"before": "T0EMULATOR", "after": "Safeguarding Team North"},
        "renamed the area",
    ),
}


def test_every_action_has_an_example_here() -> None:
    assert set(WORDS) == set(AuditAction)


@pytest.mark.parametrize("action", list(AuditAction))
def test_each_action_reads_in_words_with_its_detail(action: AuditAction) -> None:
    detail, words = WORDS[action]
    shown = event_words(action.value, detail, FOUND)
    assert shown == words
    assert not CODE.search(shown), shown


@pytest.mark.parametrize("action", list(AuditAction))
@pytest.mark.parametrize(
    "detail",
    [
        {},
        {"user": None, "meeting": "7", "before": 3, "after": [1], "marks": None},
        {"after": {"role": "mayor", "away_until": "soon"}, "decision": "adjourn"},
    ],
)
def test_detail_in_a_shape_this_version_does_not_expect_never_breaks_the_history(
    action: AuditAction, detail: dict[str, Any]
) -> None:
    shown = event_words(action.value, detail, FOUND)
    assert shown
    assert not CODE.search(shown), shown


def test_an_old_row_with_an_action_no_longer_known_reads_as_a_change_to_the_case(
    engine: Engine,
) -> None:
    with UnitOfWork(engine)() as session:
        case = make_case(session)
        session.add(
            Member(
                case_id=case.id or 0,
                slack_user_id="U_SW",
                display_name="Priya Shah",
                role=Role.SOCIAL_WORKER,
                agency=Agency.CHILDRENS_SOCIAL_CARE,
            )
        )
        # A row written by some other version: its action is not (or no longer) a member.
        session.add(
            AuditEvent(
                actor="U_SW",
                action="plan.outcome_dropped",
                at=AT,
                case_id=case.id,
                detail={"outcome": 3},
            )
        )
        audit.record(
            session,
            actor="U_SW",
            action=AuditAction.PLAN_FAMILY_MAY_EDIT,
            at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
            case_id=case.id,
            before=False,
            after=True,
        )
    with Session(engine) as session:
        text = history_text(session, case)
    assert text.splitlines() == [
        "*Recent changes to oak-family*",
        "• Tue 24 Nov 2026 09:30 · Priya Shah · changed whether the family may edit the plan: "
        "the family may now edit it",
        "• Mon 23 Nov 2026 10:00 · Priya Shah · made a change to the case",
    ]


def test_updates_and_actions_are_named_from_the_rows_they_point_at(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        case = make_case(session)
        assert case.id is not None
        school = Member(
            case_id=case.id,
            slack_user_id="U_SCHOOL",
            display_name="Ms Reed",
            role=Role.PROFESSIONAL,
            agency=Agency.SCHOOL,
        )
        meeting = Meeting(
            case_id=case.id,
            kind=MeetingKind.CORE_GROUP,
            sequence=1,
            due_by=date(2026, 12, 4),
            starts_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
        )
        session.add_all([school, meeting])
        session.flush()
        assert school.id is not None and meeting.id is not None
        request = UpdateRequest(meeting_id=meeting.id, member_id=school.id, due_at=AT)
        action = PlanAction(case_id=case.id, description="Walk Jo to the school gate")
        session.add_all([request, action])
        session.flush()
        audit.record(
            session,
            actor="U_SCHOOL",
            action=AuditAction.UPDATE_SUBMITTED,
            at=AT,
            case_id=case.id,
            request=request.id,
            version=1,
            late=False,
            on_behalf_of=None,
        )
        audit.record(
            session,
            actor="U_SCHOOL",
            action=AuditAction.PLAN_ACTION_DONE,
            at=datetime(2026, 11, 23, 11, 0, tzinfo=UTC),
            case_id=case.id,
            action_id=action.id,
        )
    with Session(engine) as session:
        text = history_text(session, case)
    assert text.splitlines()[1:] == [
        "• Mon 23 Nov 2026 11:00 · Ms Reed · marked an action in the plan as done: "
        "“Walk Jo to the school gate”",
        "• Mon 23 Nov 2026 10:00 · Ms Reed · sent an update for the core group meeting on "
        "Thu  3 Dec 2026",
    ]


def test_the_history_in_welsh_says_every_detail_in_welsh(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        case = make_case(session)
        assert case.id is not None
        for user, name, role, agency in (
            ("U_SW", "Priya Shah", Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE),
            ("U_SCHOOL", "Ms Reed", Role.PROFESSIONAL, Agency.SCHOOL),
            ("U_HV", "Jan Kowalski", Role.PROFESSIONAL, Agency.HEALTH_VISITOR),
        ):
            session.add(
                Member(
                    case_id=case.id, slack_user_id=user, display_name=name, role=role, agency=agency
                )
            )
        # Every action with the detail its service records, as rows of the trail.
        for action, (detail, _english) in WORDS.items():
            session.add(
                AuditEvent(actor="U_SW", action=action.value, at=AT, case_id=case.id, detail=detail)
            )
    with Session(engine) as session, speaking(WELSH):
        text = history_text(session, case, limit=len(WORDS))
    lines = text.splitlines()
    assert lines[0] == "*Newidiadau diweddar i oak-family*"
    assert len(lines) == len(WORDS) + 1
    assert not english_leaks(lines), english_leaks(lines)
    for welsh in (
        "gyda 6 o bobl yn y grŵp craidd",
        ": naddo, oherwydd “Snow”",
        "(cyn ei symud: Maw  1 Rhag 2026 am 10:00)",
        ", o dan y categori esgeulustod; cofnodwyd anghytundeb rhywun",
        ": i ffwrdd tan Gwen 11 Rhag 2026, gyda Priya Shah yn cael eu nodiadau atgoffa",
        # The verb first, and people counted: never "2 daeth".
        ": daeth 2 o bobl, ni ddaeth 1 person",
    ):
        assert welsh in text, welsh

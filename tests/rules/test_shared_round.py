"""A core group close before a review conference shares the review's update round."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.rules.messages import RENDER, MessageKind
from bot.rules.vocabulary import Agency, MeetingKind, MeetingStatus, Nation, Role
from bot.rules.wanted import CaseState, wanted
from storage.models import Area, Case, Meeting, Member, UpdateRequest

DUE_AT = datetime(2027, 4, 30, 23, 59, tzinfo=UTC)


def _state(core_group_day: date, review_day: date) -> CaseState:
    area = Area(id=1, slack_team_id="T1", name="Oakshire")
    case = Case(
        id=7,
        area_id=1,
        reference="oak-family",
        slack_channel_id="C1",
        nation=Nation.ENG,
        icpc_date=date(2027, 2, 1),
    )
    school = Member(
        id=1,
        case_id=7,
        slack_user_id="U1",
        display_name="School",
        role=Role.PROFESSIONAL,
        agency=Agency.SCHOOL,
    )
    # Both arranged for 10:00 on their latest days: nobody is asked about an unarranged meeting.
    core = Meeting(
        id=10,
        case_id=7,
        kind=MeetingKind.CORE_GROUP,
        sequence=3,
        due_by=core_group_day,
        starts_at=datetime.combine(core_group_day, time(10, 0), UTC),
        status=MeetingStatus.SCHEDULED,
    )
    review = Meeting(
        id=20,
        case_id=7,
        kind=MeetingKind.RCPC,
        sequence=1,
        due_by=review_day,
        starts_at=datetime.combine(review_day, time(10, 0), UTC),
        status=MeetingStatus.SCHEDULED,
    )
    requests = {
        10: [UpdateRequest(id=100, meeting_id=10, member_id=1, due_at=DUE_AT)],
        20: [UpdateRequest(id=200, meeting_id=20, member_id=1, due_at=DUE_AT)],
    }
    return CaseState(case, area, [school], [core, review], [], requests)


def _prompts(state: CaseState) -> list[tuple[object, datetime]]:
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    return [
        (m.payload[RENDER].get("request"), m.due_at)
        for m in wanted(state, now)
        if m.kind == MessageKind.PROMPT and m.recipient == "U1"
    ]


def test_a_core_group_two_weeks_before_a_review_asks_once() -> None:
    # Core group Fri 16 Apr, review Fri 30 Apr: one round, the review's, asked for in time for
    # the core group (5 working days before its deadline, Wed 14 Apr: Wed 7 Apr).
    prompts = _prompts(_state(date(2027, 4, 16), date(2027, 4, 30)))
    assert [request for request, _at in prompts] == [200]
    assert prompts[0][1].date() == date(2027, 4, 7)


def test_a_core_group_six_weeks_before_a_review_has_its_own_round() -> None:
    prompts = _prompts(_state(date(2027, 3, 19), date(2027, 4, 30)))
    assert sorted(request for request, _at in prompts) == [100, 200]
    days = sorted(at for _request, at in prompts)
    assert (days[1] - days[0]).days >= 28

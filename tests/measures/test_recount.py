"""Random small worlds: each measure the SQL counts equals a direct recount in Python."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from bot.rules.measures import (
    CORE_GROUP_TOLERANCE_DAYS,
    AgencyAttendance,
    Measure,
    QuorumNotice,
    Ratio,
)
from bot.rules.quorum import NOT_AGENCIES, Invitee, forecast
from bot.rules.vocabulary import (
    HEALTH_AGENCIES,
    Agency,
    Attendance,
    MeetingKind,
    MeetingStatus,
    Role,
    Rsvp,
)
from bot.rules.working_days import WorkingCalendar
from bot.services.measures import ALL_TEAMS, Period, measure
from storage.models import Area, Member
from tests.measures.world import World, at

START = date(2026, 1, 1)
PERIOD = Period(date(2026, 1, 10), date(2026, 2, 20))
NOW = at(date(2026, 2, 10))
AGENCIES = [
    Agency.CHILDRENS_SOCIAL_CARE,
    Agency.POLICE,
    Agency.GP,
    Agency.HEALTH_VISITOR,
    Agency.SCHOOL,
    Agency.FAMILY,
]
day = st.integers(0, 60).map(lambda n: START + timedelta(days=n))
member = st.tuples(st.sampled_from(AGENCIES), st.booleans())  # agency, direct contact
meeting = st.tuples(
    st.one_of(st.sampled_from(list(MeetingKind)), st.just(MeetingKind.ICPC)),
    st.integers(1, 3),  # sequence
    day,  # due by
    st.one_of(st.none(), day),  # held on
    st.booleans(),  # cancelled (when not held)
    # each invitee: what happened on the day, their reply and its hour before the meeting
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(list(Attendance)), st.just(Attendance.PRESENT)),
            st.one_of(st.sampled_from(list(Rsvp)), st.just(Rsvp.ATTENDING)),
            st.integers(-24, 16 * 24),
        ),
        max_size=6,
    ),
    # updates: member index, due day, received after due (days, None: not received), views
    st.lists(
        st.tuples(st.integers(0, 5), day, st.one_of(st.none(), st.integers(-3, 3)), st.booleans()),
        max_size=4,
    ),
)
case = st.tuples(
    st.integers(0, 1),
    # social care first, more often than not, so that conferences can be quorate
    st.one_of(
        st.lists(member, min_size=1, max_size=6),
        st.lists(member, min_size=2, max_size=5).map(
            lambda ms: [(Agency.CHILDRENS_SOCIAL_CARE, True), *ms]
        ),
    ),
    st.lists(meeting, max_size=5),
)


def _in(d: date) -> bool:
    return PERIOD.start <= d <= PERIOD.end


_P, _A, _R = Attendance.PRESENT, Rsvp.ATTENDING, Rsvp.REPRESENTATIVE
# A world where quorum was known days ahead, on the day, and never (random worlds are seldom
# quorate), with a health group, an agency without direct contact and the family.
_RICH = (
    0,
    [
        (Agency.CHILDRENS_SOCIAL_CARE, True),
        (Agency.POLICE, True),
        (Agency.GP, True),
        (Agency.HEALTH_VISITOR, True),
        (Agency.SCHOOL, False),
        (Agency.FAMILY, True),
    ],
    [
        (
            MeetingKind.ICPC,
            1,
            START + timedelta(days=20),
            START + timedelta(days=20),
            False,
            [
                (_P, _A, 200),
                (_P, _A, 100),
                (Attendance.LATE, _R, 30),
                (None, Rsvp.APOLOGIES, 5),
                (_P, _A, 300),
                (_P, _A, 400),
            ],
            [],
        ),
        (
            MeetingKind.RCPC,
            1,
            START + timedelta(days=30),
            START + timedelta(days=30),
            False,
            [(_P, Rsvp.NONE, 0)] * 4,
            [],
        ),
        (
            MeetingKind.ICPC,
            2,
            START + timedelta(days=40),
            START + timedelta(days=40),
            False,
            [(_P, _A, 2), (_P, _A, 3), (_P, _R, 1)],
            [],
        ),
    ],
)


def migrated_in_memory(template: Path) -> Engine:
    """A database in memory, copied from the migrated template (its triggers included)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    with sqlite3.connect(template) as source, engine.connect() as connection:
        source.backup(connection.connection.driver_connection)  # type: ignore[arg-type]
    return engine


@example(cases=[_RICH], min_others=2)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(cases=st.lists(case, max_size=4), min_others=st.integers(1, 2))
def test_the_sql_counts_what_a_recount_counts(
    sqlite_template: Path,
    cases: list,  # type: ignore[type-arg]
    min_others: int,
) -> None:
    engine = migrated_in_memory(sqlite_template)
    expected: dict[Measure, Ratio] = {m: Ratio() for m in Measure if m is not Measure.HARM_OPENED}
    updates: Counter[tuple[Agency, str]] = Counter()
    attendance: Counter[tuple[Agency, str]] = Counter()
    ahead: Counter[int] = Counter()
    never = 0
    with Session(engine) as session:
        w = World(session)
        areas = [w.area("A", quorum_min_other_agencies=min_others), w.area("B")]
        for area_index, members_spec, meetings_spec in cases:
            c = w.case(areas[area_index], START)
            members = [
                w.member(
                    c, agency, Role.FAMILY if agency is Agency.FAMILY else Role.PROFESSIONAL, direct
                )
                for agency, direct in members_spec
            ]
            used: set[tuple[MeetingKind, int]] = set()
            for kind, seq, due, held, cancelled, outcomes, requests in meetings_spec:
                if (kind, seq) in used:
                    continue
                used.add((kind, seq))
                status = MeetingStatus.CANCELLED if cancelled and held is None else None
                m = w.meeting(c, kind, seq, due, held=held, status=status)
                counted = status is None and _in(due)
                in_time = held is not None and held <= due
                if kind is MeetingKind.CORE_GROUP and seq == 1 and counted:
                    expected[Measure.FIRST_CORE_GROUP] += Ratio(int(in_time), 1)
                if kind is MeetingKind.CORE_GROUP and seq > 1 and counted:
                    on_cycle = held is not None and held <= due + timedelta(
                        days=CORE_GROUP_TOLERANCE_DAYS
                    )
                    expected[Measure.CORE_GROUP_CYCLE] += Ratio(int(on_cycle), 1)
                if kind is MeetingKind.RCPC and counted:
                    expected[Measure.REVIEW_IN_TIME] += Ratio(int(in_time), 1)
                came: list[tuple[Agency, bool]] = []
                replies: list[tuple[datetime, Member, Rsvp]] = []
                recorded = False  # anyone's attendance
                for who, (outcome, rsvp, hours) in zip(members, outcomes, strict=False):
                    recorded = recorded or outcome is not None
                    replied = None
                    if rsvp is not Rsvp.NONE:
                        replied = at(held or due) - timedelta(hours=hours)
                        replies.append((replied, who, rsvp))
                    w.invite(m, who, outcome, rsvp, replied)
                    if held is not None and _in(held):
                        attendance[(who.agency, _attendance_column(outcome))] += 1
                    if outcome in (Attendance.PRESENT, Attendance.LATE, Attendance.REPRESENTED):
                        came.append((who.agency, who.direct_contact))
                views = False
                seen: set[int] = set()
                for index, due_day, after, said in requests:
                    if index >= len(members) or index in seen:
                        continue
                    seen.add(index)
                    who = members[index]
                    received = None if after is None else at(due_day + timedelta(days=after))
                    w.request(m, who, at(due_day), received, child_views="views" if said else None)
                    views = views or (received is not None and said)
                    if _in(due_day):
                        if received is not None:
                            updates[(who.agency, "late" if after and after > 0 else "on_time")] += 1
                        elif at(due_day) < NOW:
                            updates[(who.agency, "missing")] += 1
                conference = kind is not MeetingKind.CORE_GROUP and held is not None and _in(held)
                # Neither counted where it is not known: no attendance recorded, no report asked.
                if conference and seen:
                    expected[Measure.CHILD_VIEWS] += Ratio(int(views), 1)
                if conference and recorded:
                    quorate = _quorate(came, areas[area_index].quorum_min_other_agencies)
                    expected[Measure.QUORATE] += Ratio(int(quorate), 1)
                    if quorate:
                        area = areas[area_index]
                        known = _first_quorate(replies, area.quorum_min_other_agencies, area)
                        if known is None:
                            never += 1
                        else:
                            ahead[_ahead(WorkingCalendar(c.nation), known, at(held))] += 1
        session.commit()
        total = measure(session, period=PERIOD, now=NOW)[-1]
    assert total.team == ALL_TEAMS
    for m, ratio in expected.items():
        assert total.ratio(m) == ratio, m
    for u in total.updates:
        assert (u.on_time, u.late, u.missing) == (
            updates[(u.agency, "on_time")],
            updates[(u.agency, "late")],
            updates[(u.agency, "missing")],
        )
    assert sum(u.due for u in total.updates) == sum(updates.values())
    for a in total.attendance:
        assert a == AgencyAttendance(a.agency, *(attendance[(a.agency, k)] for k in _COLUMNS))
    assert sum(a.invited for a in total.attendance) == sum(attendance.values())
    assert total.quorum_notice == QuorumNotice(tuple(sorted(ahead.items())), never)


def _first_quorate(
    replies: list[tuple[datetime, Member, Rsvp]], needed: int, area: Area
) -> datetime | None:
    """Replay the replies in the order they were given through the live quorum forecast: the
    first instant it said the conference would be quorate."""
    for instant in sorted({when for when, _, _ in replies}):
        invitees = [
            Invitee(
                who.id or 0,
                who.display_name,
                who.agency,
                who.direct_contact,
                rsvp if when <= instant else Rsvp.NONE,
            )
            for when, who, rsvp in replies
        ]
        found = forecast(
            invitees,
            min_other_agencies=needed,
            health_as_one=area.health_counts_as_one_agency,
        )
        if found.quorate:
            return instant
    return None


def _ahead(calendar: WorkingCalendar, known: datetime, start: datetime) -> int:
    """The working days after the day quorum was known, up to the conference's day."""
    days = (start.date() - known.date()).days
    return sum(
        calendar.is_working_day(known.date() + timedelta(days=n)) for n in range(1, days + 1)
    )


_COLUMNS = ("came", "sent_someone", "apologies", "did_not_come", "not_recorded")


def _attendance_column(outcome: Attendance | None) -> str:
    return {
        Attendance.PRESENT: "came",
        Attendance.LATE: "came",
        Attendance.REPRESENTED: "sent_someone",
        Attendance.APOLOGIES: "apologies",
        Attendance.ABSENT: "did_not_come",
        None: "not_recorded",
    }[outcome]


def _quorate(came: list[tuple[Agency, bool]], needed: int) -> bool:
    social_care = any(a is Agency.CHILDRENS_SOCIAL_CARE for a, _ in came)
    others = {
        "health" if a in HEALTH_AGENCIES else a.value
        for a, direct in came
        if a is not Agency.CHILDRENS_SOCIAL_CARE and a not in NOT_AGENCIES and direct
    }
    return social_care and len(others) >= needed

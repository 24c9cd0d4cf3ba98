"""A hand-built world whose every measure is known, counted on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from bot.rules.measures import (
    AgencyAttendance,
    AgencyUpdates,
    HarmOpening,
    Measure,
    QuorumNotice,
    Ratio,
    TeamMeasures,
)
from bot.rules.vocabulary import Agency, Attendance, MeetingKind, MeetingStatus, Role, Rsvp
from bot.services.measures import ALL_TEAMS, Period, measure
from tests.measures.world import World, at

ICPC, CORE, RCPC = MeetingKind.ICPC, MeetingKind.CORE_GROUP, MeetingKind.RCPC
CSC, POLICE, GP, HV = (
    Agency.CHILDRENS_SOCIAL_CARE,
    Agency.POLICE,
    Agency.GP,
    Agency.HEALTH_VISITOR,
)
SCHOOL, FAMILY = Agency.SCHOOL, Agency.FAMILY
PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
NOW = at(date(2026, 4, 15))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def build(session: Session) -> None:
    """North: two cases with late and missing things; South: one case where all went well."""
    w = World(session)
    north = w.area("North")
    south = w.area("South", quorum_min_other_agencies=1, health_counts_as_one_agency=False)

    a = w.case(north, d(1, 5))
    sw_a = w.member(a, CSC, Role.SOCIAL_WORKER)
    chair_a = w.member(a, CSC, Role.CHAIR)
    police_a, gp_a, hv_a = w.member(a, POLICE), w.member(a, GP), w.member(a, HV)
    family_a = w.member(a, FAMILY, Role.FAMILY)
    icpc_a = w.meeting(a, ICPC, 0, d(1, 5), held=d(1, 5))  # a Monday
    # The replies made quorum known on Tuesday 30 December, when social care said yes (police
    # and health already had): 3 working days ahead (31 December, 2 and 5 January; New Year's
    # Day is a bank holiday). The chair's early yes is not a quorum question.
    for member, came, rsvp, replied in (
        (chair_a, None, Rsvp.ATTENDING, at(d(12, 15, 2025))),
        (sw_a, Attendance.PRESENT, Rsvp.ATTENDING, at(d(12, 30, 2025))),
        (police_a, Attendance.PRESENT, Rsvp.ATTENDING, at(d(12, 23, 2025))),
        (gp_a, Attendance.PRESENT, Rsvp.APOLOGIES, at(d(12, 19, 2025))),
        # GP and health visitor are one "health" group in North: the stand-in completes it.
        (hv_a, Attendance.LATE, Rsvp.REPRESENTATIVE, at(d(12, 29, 2025), 9)),
        (family_a, Attendance.PRESENT, Rsvp.ATTENDING, at(d(12, 20, 2025))),
    ):
        w.invite(icpc_a, member, came, rsvp, replied)
    w.request(icpc_a, police_a, at(d(1, 3)), at(d(1, 2)), child_views="She likes her nursery")
    w.meeting(a, CORE, 1, d(1, 19), held=d(1, 16))
    cg2_a = w.meeting(a, CORE, 2, d(3, 2), held=d(3, 8))  # six days late: within the tolerance
    w.meeting(a, RCPC, 1, d(3, 31), held=d(4, 2))  # two days late, held after the period
    harm_gp = w.request(cg2_a, gp_a, at(d(3, 5)), at(d(3, 1)), new_harm=True)
    w.request(cg2_a, hv_a, at(d(3, 5)), at(d(3, 4)), new_harm=True)  # never opened
    assert harm_gp is not None
    w.opened(a, harm_gp, chair_a, at(d(3, 1), 11))  # the chair first: not the social worker
    w.opened(a, harm_gp, sw_a, at(d(3, 1), 16))  # six hours
    w.opened(a, harm_gp, sw_a, at(d(3, 2), 16))  # a second look changes nothing

    b = w.case(north, d(12, 20, 2025))
    sw_b = w.member(b, CSC, Role.SOCIAL_WORKER)
    police_b, school_b = w.member(b, POLICE), w.member(b, SCHOOL)
    family_b = w.member(b, FAMILY, Role.FAMILY)
    w.meeting(b, ICPC, 0, d(12, 20, 2025), held=d(12, 20, 2025))
    cg1_b = w.meeting(b, CORE, 1, d(1, 6), held=d(1, 8))
    w.invite(cg1_b, police_b, Attendance.REPRESENTED)
    w.invite(cg1_b, family_b, None)
    w.meeting(b, CORE, 2, d(2, 17), held=d(2, 27))  # ten days late
    w.meeting(b, CORE, 3, d(3, 30))  # not held yet, and past its date
    w.meeting(b, CORE, 4, d(3, 20), status=MeetingStatus.CANCELLED)
    rcpc_b = w.meeting(b, RCPC, 1, d(3, 20), held=d(3, 19))
    w.invite(rcpc_b, sw_b, Attendance.PRESENT)
    w.invite(rcpc_b, school_b, Attendance.APOLOGIES)
    w.invite(rcpc_b, police_b, Attendance.ABSENT)
    due = at(d(3, 17))
    harm_school = w.request(rcpc_b, school_b, due, at(d(3, 18)), child_views="  ", new_harm=True)
    w.request(rcpc_b, police_b, due)
    w.request(rcpc_b, family_b, due)
    w.request(rcpc_b, sw_b, due, waived=True)
    assert harm_school is not None
    w.opened(b, harm_school, sw_b, at(d(3, 20)))  # 48 hours

    c = w.case(south, d(2, 2))
    sw_c, gp_c, school_c = (
        w.member(c, CSC, Role.SOCIAL_WORKER),
        w.member(c, GP),
        w.member(c, SCHOOL),
    )
    icpc_c = w.meeting(c, ICPC, 0, d(2, 2), held=d(2, 2))
    # Quorum (one other agency in South) known only on the day, when the GP's stand-in said yes.
    w.invite(icpc_c, sw_c, Attendance.PRESENT, Rsvp.ATTENDING, at(d(1, 20)))
    w.invite(icpc_c, gp_c, Attendance.REPRESENTED, Rsvp.REPRESENTATIVE, at(d(2, 2), 8))
    w.invite(icpc_c, school_c, None, Rsvp.APOLOGIES, at(d(1, 21)))
    w.request(icpc_c, school_c, at(d(1, 30)), at(d(1, 29)), child_views="Likes school")
    w.meeting(c, CORE, 1, d(2, 16), held=d(2, 16))

    # Quorate on the day, though nobody replied: its quorum was never forecast.
    e = w.case(south, d(3, 10))
    icpc_e = w.meeting(e, ICPC, 0, d(3, 10), held=d(3, 10))
    w.invite(icpc_e, w.member(e, CSC, Role.SOCIAL_WORKER), Attendance.PRESENT)
    w.invite(icpc_e, w.member(e, SCHOOL), Attendance.PRESENT)

    # An initial conference held before its case came to the bot: invited to nothing the bot
    # recorded, asked for no report. Whether it was quorate or heard the child is not known, so
    # it counts in neither measure (it is not a failure of either).
    f = w.case(south, d(3, 2))
    w.meeting(f, ICPC, 0, d(3, 2), held=d(3, 2))
    # One whose invitations were answered but whose attendance was never recorded: the same.
    g = w.case(south, d(3, 4))
    icpc_g = w.meeting(g, ICPC, 0, d(3, 4), held=d(3, 4))
    w.invite(icpc_g, w.member(g, CSC, Role.SOCIAL_WORKER), None, Rsvp.ATTENDING, at(d(3, 1)))
    session.commit()


def by_team(engine: Engine, team: str | None = None) -> dict[str, TeamMeasures]:
    with Session(engine) as session:
        build(session)
        return {t.team: t for t in measure(session, period=PERIOD, now=NOW, team=team)}


def test_every_measure_of_the_hand_built_world(engine: Engine) -> None:
    teams = by_team(engine)
    assert list(teams) == ["North", "South", ALL_TEAMS]
    north, south, total = teams["North"], teams["South"], teams[ALL_TEAMS]
    expected = {
        Measure.FIRST_CORE_GROUP: (Ratio(1, 2), Ratio(1, 1), Ratio(2, 3)),
        Measure.CORE_GROUP_CYCLE: (Ratio(1, 3), Ratio(0, 0), Ratio(1, 3)),
        Measure.REVIEW_IN_TIME: (Ratio(1, 2), Ratio(0, 0), Ratio(1, 2)),
        Measure.QUORATE: (Ratio(1, 2), Ratio(2, 2), Ratio(3, 4)),
        # South's second initial conference asked nobody for a report: it is not counted.
        Measure.CHILD_VIEWS: (Ratio(1, 2), Ratio(1, 1), Ratio(2, 3)),
        Measure.HARM_OPENED: (Ratio(1, 3), Ratio(0, 0), Ratio(1, 3)),
    }
    for m, (n, s, t) in expected.items():
        assert (north.ratio(m), south.ratio(m), total.ratio(m)) == (n, s, t), m

    assert north.updates == (
        AgencyUpdates(GP, on_time=1),
        AgencyUpdates(HV, on_time=1),
        AgencyUpdates(POLICE, on_time=1, missing=1),
        AgencyUpdates(SCHOOL, late=1),
        AgencyUpdates(FAMILY, missing=1),  # shown apart, as "not given"
    )
    assert south.updates == (AgencyUpdates(SCHOOL, on_time=1),)
    assert AgencyUpdates(SCHOOL, on_time=1, late=1) in total.updates

    assert north.attendance == (
        AgencyAttendance(CSC, came=2, not_recorded=1),  # the chair's attendance not recorded
        AgencyAttendance(FAMILY, came=1, not_recorded=1),
        AgencyAttendance(GP, came=1),
        AgencyAttendance(HV, came=1),
        AgencyAttendance(POLICE, came=1, sent_someone=1, did_not_come=1),
        AgencyAttendance(SCHOOL, apologies=1),
    )
    assert south.attendance == (
        AgencyAttendance(CSC, came=2, not_recorded=1),  # the unrecorded conference
        AgencyAttendance(GP, sent_someone=1),
        AgencyAttendance(SCHOOL, came=1, not_recorded=1),
    )
    assert north.harm == HarmOpening(flagged=3, opened=2, within_target=1, total_seconds=54 * 3600)
    assert north.harm.mean_hours == 27

    assert north.quorum_notice == QuorumNotice(ahead=((3, 1),))
    assert south.quorum_notice == QuorumNotice(ahead=((0, 1),), never=1)
    assert total.quorum_notice == QuorumNotice(ahead=((0, 1), (3, 1)), never=1)
    notice = total.quorum_notice
    assert notice.quorate == total.ratio(Measure.QUORATE).numerator == 3
    assert (notice.at_least(5), notice.at_least(3), notice.at_least(1)) == (0, 1, 1)
    assert (notice.on_the_day, notice.never, notice.median_days) == (1, 1, 1.5)
    assert north.quorum_notice.median_days == 3


def test_one_team_alone(engine: Engine) -> None:
    teams = by_team(engine, team="TSOUTH")
    assert list(teams) == ["South"]
    assert teams["South"].ratio(Measure.QUORATE) == Ratio(2, 2)


def test_the_period_bounds_are_inclusive(engine: Engine) -> None:
    with Session(engine) as session:
        build(session)
        # Only 19 January: the day case A's first core group was due (it was held in time).
        day = Period(date(2026, 1, 19), date(2026, 1, 19))
        total = measure(session, period=day, now=NOW)[-1]
    assert total.ratio(Measure.FIRST_CORE_GROUP) == Ratio(1, 1)
    assert total.ratio(Measure.QUORATE) == Ratio(0, 0)

"""The managers' measures, counted by aggregate SQL where the data is (the same on SQLite and
PostgreSQL): no case is loaded into Python, only one row of counts per team and group.

A period runs from its first day to its last, inclusive, in UTC days. "Held within the limit"
compares the day a meeting was held with its `due_by`, the latest day the nation's timescale
(and the area's settings) allowed when the timeline was planned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Date,
    Float,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import N_, gettext
from bot.rules.measures import (
    CORE_GROUP_TOLERANCE_DAYS,
    HARM_OPEN_TARGET_HOURS,
    AgencyAttendance,
    AgencyUpdates,
    HarmOpening,
    Measure,
    QuorumNotice,
    Ratio,
    TeamMeasures,
    combine,
)
from bot.rules.quorum import HEALTH, NOT_AGENCIES
from bot.rules.schedule import working_calendar
from bot.rules.vocabulary import (
    HEALTH_AGENCIES,
    Agency,
    Attendance,
    MeetingKind,
    MeetingStatus,
    Nation,
    Role,
    Rsvp,
    UpdateRequestStatus,
)
from bot.rules.working_days import WorkingCalendar
from bot.ui.measures import month_words
from storage.models import (
    AgencyUpdate,
    Area,
    AuditEvent,
    Case,
    ConferenceQuorum,
    Invitation,
    Meeting,
    Member,
    QuorumChange,
    UpdateRequest,
)
from storage.queries import chunks, dialect, upsert
from storage.types import UTCDateTime

if TYPE_CHECKING:
    from bot.deps import Dependencies

ALL_TEAMS = "All teams"
# Social workers do not see the measures: they are management information across a caseload,
# and a social worker's own cases already show them what is due and late (status, reminders).
ONLY_MANAGERS = N_(
    "Sorry, the measures are for the area's managers. Your area admin can add you with "
    "`/coregroup managers add @you`; your own cases' dates are in `/coregroup status`."
)
_CONFERENCES = (MeetingKind.ICPC.value, MeetingKind.RCPC.value)
_SOCIAL_CARE = "social_care"
_ATTENDED = (Attendance.PRESENT.value, Attendance.LATE.value, Attendance.REPRESENTED.value)
# Conferences counted per statement when their quorum is counted again.
QUORUM_CHUNK = 2000


@dataclass(frozen=True)
class Period:
    """The days measured, first and last included."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        """The first instant of the period (UTC)."""
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the period (UTC)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)


class _Sql:
    """The few expressions the two databases spell differently, giving the same numbers."""

    def __init__(self, session: Session) -> None:
        self.postgres = dialect(session) == "postgresql"

    def day_of_instant(self, instant: Any) -> ColumnElement[Any]:
        """A day number (comparable with `day_of_date`) for the UTC day of an instant."""
        if self.postgres:
            return cast(func.timezone("UTC", instant), Date) - literal(date(1970, 1, 1))
        return func.julianday(func.date(instant))

    def day_of_date(self, day: Any) -> ColumnElement[Any]:
        """A day number for a date column."""
        if self.postgres:
            return day - literal(date(1970, 1, 1))  # type: ignore[no-any-return]
        return func.julianday(day)

    def date_of_instant(self, instant: Any) -> ColumnElement[Any]:
        """The UTC day of an instant, as a date."""
        if self.postgres:
            return cast(func.timezone("UTC", instant), Date)
        return type_coerce(func.date(instant), Date)

    def seconds_between(self, earlier: Any, later: Any) -> ColumnElement[Any]:
        """The seconds from one instant to another."""
        if self.postgres:
            return func.extract("epoch", later - earlier)
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _n(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """Count the rows where a condition holds."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def measure(
    session: Session, *, period: Period, now: datetime, team: str | None = None
) -> list[TeamMeasures]:
    """Every measure for each team (area), then all of them together; `team` (a workspace id or
    an area's name) keeps that team alone. `now` decides which updates are missing."""
    sql = _Sql(session)
    if sql.postgres:
        # These statements are short: compiling them (PostgreSQL's JIT, which their estimated
        # cost over a year of cases triggers) takes longer than running them.
        session.execute(text("SET LOCAL jit = off"))
        # A year's counting by member sorts a few megabytes: in memory, not spilled to disk.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    areas = select(col(Area.id), col(Area.name))
    if team is not None:
        areas = areas.where(or_(col(Area.slack_team_id) == team, col(Area.name) == team))
    names = {row[0]: row[1] for row in session.execute(areas)}
    if not names:
        return []
    ratios: dict[int, dict[Measure, Ratio]] = defaultdict(dict)
    quorate, notice = _quorate(session, sql, period)
    for measure_, rows in (
        *_timeliness(session, sql, period).items(),
        (Measure.QUORATE, quorate),
        (Measure.CHILD_VIEWS, _child_views(session, period)),
    ):
        for area_id, numerator, denominator in rows:
            ratios[area_id][measure_] = Ratio(int(numerator), int(denominator))
    updates = _updates(session, period, now)
    attendance = _attendance(session, sql, period)
    harm = _harm(session, sql, period)
    teams = [
        TeamMeasures(
            team=names[area_id],
            ratios=ratios.get(area_id, {}),
            updates=tuple(sorted(updates.get(area_id, []), key=lambda u: (u.family, u.agency))),
            attendance=tuple(sorted(attendance.get(area_id, []), key=lambda a: a.agency)),
            harm=harm.get(area_id, HarmOpening()),
            quorum_notice=notice.get(area_id, QuorumNotice()),
        )
        for area_id in sorted(names, key=lambda a: names[a])
    ]
    # One team asked for is its own total; otherwise the area's total follows the teams.
    return teams if team is not None else [*teams, combine(ALL_TEAMS, teams)]


def _held_by(sql: _Sql, grace_days: int) -> ColumnElement[bool]:
    held_day = sql.day_of_instant(col(Meeting.held_at))
    return and_(
        col(Meeting.status) == MeetingStatus.HELD.value,
        col(Meeting.held_at).is_not(None),
        held_day <= sql.day_of_date(col(Meeting.due_by)) + grace_days,
    )


def _due_in(period: Period) -> ColumnElement[bool]:
    return and_(col(Meeting.due_by) >= period.start, col(Meeting.due_by) <= period.end)


def _timeliness(session: Session, sql: _Sql, period: Period) -> dict[Measure, list[Any]]:
    """The three "held in time" measures in one pass over the meetings due in the period: every
    first core group, later core group and review due counts, held or not (one not yet held is
    late)."""
    core_group = col(Meeting.kind) == MeetingKind.CORE_GROUP.value
    kinds = {
        Measure.FIRST_CORE_GROUP: (and_(core_group, col(Meeting.sequence) == 1), 0),
        Measure.CORE_GROUP_CYCLE: (
            and_(core_group, col(Meeting.sequence) > 1),
            CORE_GROUP_TOLERANCE_DAYS,
        ),
        Measure.REVIEW_IN_TIME: (col(Meeting.kind) == MeetingKind.RCPC.value, 0),
    }
    query = (
        select(
            col(Case.area_id),
            *(
                column
                for which, grace in kinds.values()
                for column in (_n(and_(which, _held_by(sql, grace))), _n(which))
            ),
        )
        .select_from(Meeting)
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .where(
            col(Meeting.kind).in_([MeetingKind.CORE_GROUP.value, MeetingKind.RCPC.value]),
            col(Meeting.status) != MeetingStatus.CANCELLED,
            _due_in(period),
        )
        .group_by(col(Case.area_id))
    )
    found: dict[Measure, list[Any]] = {m: [] for m in kinds}
    for area_id, *counts in session.execute(query):
        for index, m in enumerate(kinds):
            numerator, denominator = counts[2 * index], counts[2 * index + 1]
            if denominator:
                found[m].append((area_id, numerator, denominator))
    return found


def _held_conferences(period: Period) -> ColumnElement[bool]:
    return and_(
        col(Meeting.kind).in_(_CONFERENCES),
        col(Meeting.status) == MeetingStatus.HELD.value,
        col(Meeting.held_at) >= period.since,
        col(Meeting.held_at) < period.until,
    )


def _quorum_group(health_as_one: Any) -> ColumnElement[Any]:
    """The group a member's agency counts as for quorum, as the quorum rules count them: children's
    social care, or another agency with direct contact (health as one group where the area says
    so); None for the family and their advocate, and an agency without direct contact."""
    other = and_(
        col(Member.agency).not_in([a.value for a in NOT_AGENCIES]),
        col(Member.direct_contact),
    )
    health = and_(health_as_one, col(Member.agency).in_([a.value for a in HEALTH_AGENCIES]))
    return type_coerce(  # a group name, not an Agency
        case(
            (col(Member.agency) == Agency.CHILDRENS_SOCIAL_CARE.value, literal(_SOCIAL_CARE)),
            (and_(other, health), literal(HEALTH)),
            (other, col(Member.agency)),
        ),
        String,
    )


def _quorate(
    session: Session, sql: _Sql, period: Period
) -> tuple[list[Any], dict[int, QuorumNotice]]:
    """Held conferences quorate by who came (social care and enough other groups), among those
    with someone's attendance recorded, and for each quorate one, when its replies first made
    the quorum forecast met: read from each conference's count, brought up to date first."""
    count_conference_quorum(session)
    quorum = ConferenceQuorum
    met = col(quorum.met)
    start = func.coalesce(col(Meeting.starts_at), col(Meeting.held_at))
    days = (
        select(
            col(Case.area_id).label("area_id"),
            col(Case.nation).label("nation"),
            met.label("met"),
            # For a quorate one, the day quorum was known and the conference's day.
            case((met, sql.date_of_instant(col(quorum.known_at)))).label("known"),
            case((met, sql.date_of_instant(start))).label("start"),
        )
        .select_from(Meeting)
        .join(quorum, col(quorum.meeting_id) == col(Meeting.id))
        .join(Case, col(Case.id) == col(Meeting.case_id))
        # A conference whose attendance nobody recorded (an initial conference held before its
        # case came to the bot) is not counted either way: whether it was quorate is not known.
        .where(_held_conferences(period), col(quorum.recorded))
        .subquery()
    )
    counted = session.execute(select(days, func.count()).group_by(*days.c)).all()
    held: dict[int, int] = defaultdict(int)
    quorate: dict[int, int] = defaultdict(int)
    rows = []
    for area_id, nation, was_met, known, day, n in counted:
        held[area_id] += n
        if was_met:
            quorate[area_id] += n
            rows.append((area_id, nation, known, day, n))
    ratios = [(area_id, quorate[area_id], count) for area_id, count in held.items()]
    return ratios, _notice(session, rows)


def count_conference_quorum(session: Session) -> int:
    """Count again the quorum of every conference the database's triggers noted as changed, and
    take the notes: how many conferences were counted. Never commits.

    The notes are taken (deleted) first, so a change committed meanwhile leaves a note of its
    own for the next count, and a count that is rolled back leaves them all in place."""
    noted = session.execute(delete(QuorumChange).returning(col(QuorumChange.meeting_id)))
    meeting_ids = sorted(set(noted.scalars()))
    for chunk in chunks(meeting_ids, QUORUM_CHUNK):
        upsert(session, ConferenceQuorum, _count_quorum(session, chunk), key=["meeting_id"])
    return len(meeting_ids)


def _count_quorum(session: Session, meeting_ids: list[int]) -> list[dict[str, Any]]:
    """Each of these conferences' quorum, as the live forecast counts replies (the chair's aside,
    members still on the core group) and who came. A release that changes how this counts must
    note every conference in a migration (as 0020 does), or the kept counts keep the old rule.

    One pass over the conferences' invitations, pre-aggregated per conference and agency group:
    whether someone of the group came, and the first reply time at which someone of the group
    said they (or someone in their place) would come. The replies are the ones recorded, each at
    the time it was last given. The quorum was known once social care and the N-th other group
    had said so: the later of the two first times."""
    chosen = col(Meeting.id).in_(meeting_ids)
    # Each conference still here, and whether anyone's attendance is recorded for it (notes of
    # a meeting since deleted, by a purge, are taken and dropped).
    recorded_attendance = exists(
        select(col(Invitation.id)).where(
            col(Invitation.meeting_id) == col(Meeting.id), col(Invitation.attendance).is_not(None)
        )
    )
    conferences = select(col(Meeting.id), recorded_attendance).where(
        chosen, col(Meeting.kind).in_(_CONFERENCES)
    )
    recorded = {meeting_id: bool(any_) for meeting_id, any_ in session.execute(conferences)}
    needed = col(Area.quorum_min_other_agencies)
    coming = and_(
        col(Invitation.rsvp).in_([Rsvp.ATTENDING.value, Rsvp.REPRESENTATIVE.value]),
        col(Member.role) != Role.CHAIR.value,
        col(Member.active),
    )
    grp = _quorum_group(col(Area.health_counts_as_one_agency))
    # Each conference's invitations read once, into one row per agency group: whether someone
    # of it came, and its first "coming" reply. Materialized: both counts below read it.
    groups = (
        select(
            col(Meeting.id).label("meeting_id"),
            grp.label("grp"),
            func.max(case((col(Invitation.attendance).in_(_ATTENDED), 1), else_=0)).label("came"),
            func.min(case((coming, col(Invitation.replied_at)))).label("said_at"),
        )
        .select_from(Meeting)
        .join(Invitation, col(Invitation.meeting_id) == col(Meeting.id))
        .join(Member, col(Member.id) == col(Invitation.member_id))
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .join(Area, col(Area.id) == col(Case.area_id))
        .where(chosen, col(Meeting.kind).in_(_CONFERENCES), grp.is_not(None))
        .group_by(col(Meeting.id), grp)
        .cte("quorum_groups")
        .prefix_with("MATERIALIZED")
    )
    g = groups.c
    social_care = g.grp == _SOCIAL_CARE
    # Per conference: did social care come, how many other groups came, when social care first
    # said they would.
    per_meeting = select(
        g.meeting_id,
        func.max(case((social_care, g.came), else_=0)).label("social_care_came"),
        func.sum(case((social_care, 0), else_=g.came)).label("others_came"),
        func.min(case((social_care, g.said_at))).label("social_care_said"),
        null().label("said_at"),
        null().label("rank"),
    ).group_by(g.meeting_id)
    # The other groups that said they would come, in the order they first said so: the N-th
    # completed the forecast (N the area's quorum, found with the conference below).
    ranked = select(
        g.meeting_id,
        *(null().label(name) for name in ("social_care_came", "others_came", "social_care_said")),
        g.said_at,
        func.row_number().over(partition_by=g.meeting_id, order_by=g.said_at).label("rank"),
    ).where(~social_care, g.said_at.is_not(None))
    # Added together by a union and a grouping: never a join between two derived tables (which
    # SQLite would scan for each row).
    both = union_all(per_meeting, ranked).subquery()
    c = both.c
    social_care_said = type_coerce(func.max(c.social_care_said), UTCDateTime)
    nth_said = type_coerce(func.max(case((c.rank == needed, c.said_at))), UTCDateTime)
    query = (
        select(
            c.meeting_id,
            func.max(c.social_care_came),
            func.max(c.others_came),
            func.max(needed),
            social_care_said,
            nth_said,
        )
        .select_from(both)
        .join(Meeting, col(Meeting.id) == c.meeting_id)
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .join(Area, col(Area.id) == col(Case.area_id))
        .group_by(c.meeting_id)
    )
    counts = {
        meeting_id: {
            "met": bool(social_care_came) and (others_came or 0) >= quorum,
            "known_at": max(said, nth) if said is not None and nth is not None else None,
        }
        for meeting_id, social_care_came, others_came, quorum, said, nth in session.execute(query)
    }
    nothing = {"met": False, "known_at": None}
    return [
        {"meeting_id": m_id, "recorded": known, **counts.get(m_id, nothing)}
        for m_id, known in sorted(recorded.items())
    ]


def _notice(session: Session, rows: Sequence[Any]) -> dict[int, QuorumNotice]:
    """Working days ahead, in each case's calendar (its nation's, less its area's closure days),
    from the day quorum was known to the conference's day; per team."""
    closures = {a: c for a, c in session.execute(select(col(Area.id), col(Area.closure_days)))}
    calendars: dict[tuple[int, str], WorkingCalendar] = {}
    ahead: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    never: dict[int, int] = defaultdict(int)
    for area_id, nation, known, start, n in rows:
        if known is None:
            never[area_id] += n
            continue
        calendar = calendars.get((area_id, nation))
        if calendar is None:
            calendar = working_calendar(Nation(nation), closures.get(area_id, ()))
            calendars[(area_id, nation)] = calendar
        ahead[area_id][_working_days_ahead(calendar, known, start)] += n
    return {
        area_id: QuorumNotice(tuple(sorted(ahead[area_id].items())), never[area_id])
        for area_id in set(ahead) | set(never)
    }


@lru_cache(maxsize=1 << 16)
def _working_days_ahead(calendar: WorkingCalendar, known: date, start: date) -> int:
    """The working days after the day quorum was known, up to and including the conference's day
    (0 when it was known on the day, or only after)."""
    if known >= start:
        return 0
    return calendar.working_days_between(known, start) + int(calendar.is_working_day(start))


def _child_views(session: Session, period: Period) -> list[Any]:
    views = exists(
        select(col(AgencyUpdate.id))
        .join(UpdateRequest, col(UpdateRequest.id) == col(AgencyUpdate.request_id))
        .where(
            col(UpdateRequest.meeting_id) == col(Meeting.id),
            col(AgencyUpdate.child_views).is_not(None),
            func.length(func.trim(col(AgencyUpdate.child_views))) > 0,
        )
    )
    # Only the conferences the bot asked for reports for: of one it asked nobody about (an
    # initial conference held before its case came to the bot) it cannot say.
    asked = exists(
        select(col(UpdateRequest.id)).where(
            col(UpdateRequest.meeting_id) == col(Meeting.id),
            col(UpdateRequest.status) != UpdateRequestStatus.WAIVED.value,
        )
    )
    query = (
        select(col(Case.area_id), _n(views), func.count())
        .select_from(Meeting)
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .where(_held_conferences(period), asked)
        .group_by(col(Case.area_id))
    )
    return list(session.execute(query))


def _by_member(counts: Any, *names: str) -> Any:
    """Per-member counts summed per team and agency: the big tables are counted once by member
    (an index's order), so only one row per member meets the join to its case."""
    per_member = counts.subquery()
    return (
        select(
            col(Case.area_id),
            col(Member.agency),
            *(func.sum(per_member.c[name]) for name in names),
        )
        .select_from(per_member)
        .join(Member, col(Member.id) == per_member.c.member_id)
        .join(Case, col(Case.id) == col(Member.case_id))
        .group_by(col(Case.area_id), col(Member.agency))
    )


def _updates(session: Session, period: Period, now: datetime) -> dict[int, list[AgencyUpdates]]:
    received = col(UpdateRequest.received_at).is_not(None)
    on_time = and_(received, col(UpdateRequest.received_at) <= col(UpdateRequest.due_at))
    late = and_(received, col(UpdateRequest.received_at) > col(UpdateRequest.due_at))
    missing = and_(col(UpdateRequest.received_at).is_(None), col(UpdateRequest.due_at) < now)
    counts = (
        select(
            col(UpdateRequest.member_id).label("member_id"),
            _n(on_time).label("on_time"),
            _n(late).label("late"),
            _n(missing).label("missing"),
        )
        .where(
            col(UpdateRequest.status) != UpdateRequestStatus.WAIVED.value,
            col(UpdateRequest.due_at) >= period.since,
            col(UpdateRequest.due_at) < period.until,
        )
        .group_by(col(UpdateRequest.member_id))
    )
    found: dict[int, list[AgencyUpdates]] = defaultdict(list)
    for area_id, agency, *n in session.execute(_by_member(counts, "on_time", "late", "missing")):
        row = AgencyUpdates(Agency(agency), *(int(x) for x in n))
        if row.due:
            found[area_id].append(row)
    return found


_OUTCOMES = {
    "came": (Attendance.PRESENT, Attendance.LATE),
    "sent_someone": (Attendance.REPRESENTED,),
    "apologies": (Attendance.APOLOGIES,),
    "did_not_come": (Attendance.ABSENT,),
}


def _attendance(session: Session, sql: _Sql, period: Period) -> dict[int, list[AgencyAttendance]]:
    """The invitations of meetings held in the period, by team, agency and what happened.

    Each outcome is a filtered count (one pass, no expression summed per row). The two databases
    are best at different shapes of the same count: SQLite counts per member first, walking the
    invitations' index in member order (a join to the member for each of the year's invitations
    costs it a lookup each), then sums per team and agency; PostgreSQL joins every invitation to
    its member in one hash join and counts straight into the few rows per team and agency
    (counting per member first made it hash 60,000 groups)."""
    held = and_(
        col(Meeting.status) == MeetingStatus.HELD.value,
        col(Meeting.held_at) >= period.since,
        col(Meeting.held_at) < period.until,
    )
    names = [*_OUTCOMES, "not_recorded"]
    outcomes = [
        *(col(Invitation.attendance).in_([v.value for v in vs]) for vs in _OUTCOMES.values()),
        col(Invitation.attendance).is_(None),
    ]
    counts = [func.count().filter(outcome) for outcome in outcomes]
    query: Any
    if sql.postgres:
        query = (
            select(col(Case.area_id), col(Member.agency), *counts)
            .select_from(Meeting)
            .join(Invitation, col(Invitation.meeting_id) == col(Meeting.id))
            .join(Member, col(Member.id) == col(Invitation.member_id))
            .join(Case, col(Case.id) == col(Member.case_id))
            .where(held)
            .group_by(col(Case.area_id), col(Member.agency))
        )
    else:
        per_member: Any = (
            select(
                col(Invitation.member_id).label("member_id"),
                *(n.label(name) for n, name in zip(counts, names, strict=True)),
            )
            .where(col(Invitation.meeting_id).in_(select(col(Meeting.id)).where(held)))
            .group_by(col(Invitation.member_id))
        )
        query = _by_member(per_member, *names)
    found: dict[int, list[AgencyAttendance]] = defaultdict(list)
    for area_id, agency, *n in session.execute(query):
        found[area_id].append(AgencyAttendance(Agency(agency), *(int(x) for x in n)))
    return found


def _harm(session: Session, sql: _Sql, period: Period) -> dict[int, HarmOpening]:
    # The first time the case's social worker opened each update (from its alert).
    opened_update = col(AuditEvent.detail)["update_id"].as_integer()
    first_open = (
        select(opened_update.label("update_id"), func.min(col(AuditEvent.at)).label("at"))
        .select_from(AuditEvent)
        .join(
            Member,
            and_(
                col(Member.case_id) == col(AuditEvent.case_id),
                col(Member.slack_user_id) == col(AuditEvent.actor),
                col(Member.role) == Role.SOCIAL_WORKER.value,
            ),
        )
        .where(col(AuditEvent.action) == AuditAction.UPDATE_OPENED.value)
        .group_by(opened_update)
        .subquery()
    )
    seconds = sql.seconds_between(col(AgencyUpdate.submitted_at), first_open.c.at)
    query = (
        select(
            col(Case.area_id),
            func.count(),
            func.count(first_open.c.at),
            _n(and_(first_open.c.at.is_not(None), seconds <= HARM_OPEN_TARGET_HOURS * 3600)),
            func.coalesce(func.sum(cast(seconds, Float)), 0.0),
        )
        .select_from(AgencyUpdate)
        .join(UpdateRequest, col(UpdateRequest.id) == col(AgencyUpdate.request_id))
        .join(Member, col(Member.id) == col(UpdateRequest.member_id))
        .join(Case, col(Case.id) == col(Member.case_id))
        .outerjoin(first_open, first_open.c.update_id == col(AgencyUpdate.id))
        .where(
            col(AgencyUpdate.new_harm),
            col(AgencyUpdate.submitted_at) >= period.since,
            col(AgencyUpdate.submitted_at) < period.until,
        )
        .group_by(col(Case.area_id))
    )
    return {
        area_id: HarmOpening(int(flagged), int(opened), int(within), float(total))
        for area_id, flagged, opened, within, total in session.execute(query)
    }


def for_manager(
    deps: Dependencies, *, team_id: str, user_id: str, period: Period
) -> list[TeamMeasures] | str:
    """The area's measures for one of its managers; a kind refusal for anyone else."""
    from bot.services.access import is_manager

    with deps.unit_of_work() as session:
        area_id = session.execute(
            select(col(Area.id)).where(col(Area.slack_team_id) == team_id)
        ).scalar()
        if area_id is None or not is_manager(session, area_id=area_id, user_id=user_id):
            return gettext(ONLY_MANAGERS)
        return measure(session, period=period, now=deps.clock.now(), team=team_id)


def managed_quarter(session: Session, *, user_id: str, today: date) -> list[TeamMeasures]:
    """This quarter so far, for each area the person manages (nothing for anyone else)."""
    from bot.rules.measures import quarter_of
    from bot.rules.vocabulary import AreaRole
    from storage.models import AreaStaff

    teams = session.execute(
        select(col(Area.slack_team_id))
        .join(AreaStaff, col(AreaStaff.area_id) == col(Area.id))
        .where(col(AreaStaff.slack_user_id) == user_id, col(AreaStaff.role) == AreaRole.MANAGER)
    ).scalars()
    period = Period(quarter_of(today)[0], today)
    now = datetime.combine(today, time(), tzinfo=UTC)
    return [
        found for team in teams for found in measure(session, period=period, now=now, team=team)
    ]


def plan_monthly_digests(deps: Dependencies) -> int:
    """On an area's first working day of the month, queue last month's measures to each of its
    managers (keyed by area, month and person: once each, however often the job runs); how many
    were queued. The figures are counted when the message is sent."""
    from zoneinfo import ZoneInfo

    from bot.rules.measures import last_month
    from bot.rules.messages import RENDER, MessageKind, PlannedMessage, outbox_key
    from bot.rules.schedule import working_calendar
    from bot.rules.vocabulary import AreaRole
    from bot.services.outbox import enqueue
    from storage.models import AreaStaff

    now = deps.clock.now()
    planned = 0
    with deps.unit_of_work() as session:
        rows = session.execute(
            select(Area, col(AreaStaff.slack_user_id))
            .join(AreaStaff, col(AreaStaff.area_id) == col(Area.id))
            .where(col(AreaStaff.role) == AreaRole.MANAGER)
            .order_by(col(Area.id), col(AreaStaff.slack_user_id))
        ).all()
        for area, user in rows:
            today = now.astimezone(ZoneInfo(area.timezone)).date()
            calendar = working_calendar(area.nation, area.closure_days)
            if today != calendar.on_or_after(today.replace(day=1)):
                continue
            start, end = last_month(today)
            message = PlannedMessage(
                outbox_key(MessageKind.MEASURES_DIGEST, area.id, f"{start:%Y%m}", user),
                MessageKind.MEASURES_DIGEST,
                user,
                now,
                {RENDER: {"area": area.id, "from": start.isoformat(), "to": end.isoformat()}},
            )
            planned += int(enqueue(session, message, now=now))
    return planned


def digest_figures(session: Session, args: dict[str, Any]) -> tuple[str, list[TeamMeasures]]:
    """What a monthly digest row stands for: the period's words and its team's figures (missing
    updates as of the period's end, so the message says the same whenever it is sent)."""
    period = Period(date.fromisoformat(args["from"]), date.fromisoformat(args["to"]))
    team = session.execute(
        select(col(Area.slack_team_id)).where(col(Area.id) == int(args["area"]))
    ).scalar()
    if team is None:
        return "", []
    said = month_words(period.start)  # in the language the message is being written in
    return said, measure(session, period=period, now=period.until, team=team)

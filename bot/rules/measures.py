"""The managers' measures as plain data: their names, tolerances and the shape of their figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from bot.rules.i18n import N_, gettext
from bot.rules.vocabulary import Agency

# A core group meeting is on cycle when it is held no later than this many calendar days after
# the date the cycle set for it (the interval from the meeting before): a week's grace for a
# meeting moved to fit the family, which local procedures allow without it counting as late.
CORE_GROUP_TOLERANCE_DAYS = 7

# The social worker should open an update that reports new harm within a working day; the measure
# counts the alerts opened within this many hours.
HARM_OPEN_TARGET_HOURS = 24

# How far ahead of a quorate conference its quorum was known, in working days: the replies first
# made the forecast quorate at least 5 working days ahead (a working week: time to find a
# stand-in), at least 3 (the chair's quorum warning, by default), at least 1 (the day before or
# earlier); the rest were known only on the day, or never (quorate on the day without the replies
# ever forecasting it).
QUORUM_NOTICE_DAYS = (5, 3, 1)


class Measure(StrEnum):
    """The ratio measures, in the order they are shown."""

    FIRST_CORE_GROUP = "first_core_group"
    CORE_GROUP_CYCLE = "core_group_cycle"
    REVIEW_IN_TIME = "review_in_time"
    QUORATE = "quorate"
    CHILD_VIEWS = "child_views"
    HARM_OPENED = "harm_opened"


# Each measure's title, marked for the catalog; `title` reads it in the current locale.
TITLES: dict[Measure, str] = {
    Measure.FIRST_CORE_GROUP: N_("First core group held within the nation's limit"),
    Measure.CORE_GROUP_CYCLE: N_("Core groups held on cycle (within {days} days of the interval)"),
    Measure.REVIEW_IN_TIME: N_("Review conferences held within timescale"),
    Measure.QUORATE: N_("Conferences quorate"),
    Measure.CHILD_VIEWS: N_("Conferences with the child's views captured"),
    Measure.HARM_OPENED: N_("New harm opened by the social worker within {hours} hours"),
}


def title(measure: Measure) -> str:
    """A measure's title in the language being rendered, its limits filled in."""
    return gettext(TITLES[measure]).format(
        days=CORE_GROUP_TOLERANCE_DAYS, hours=HARM_OPEN_TARGET_HOURS
    )


@dataclass(frozen=True)
class Ratio:
    """A measure as its numerator over its denominator (nothing to count: 0 of 0)."""

    numerator: int = 0
    denominator: int = 0

    @property
    def percent(self) -> float | None:
        """The ratio as a percentage, or None when there was nothing to count."""
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class AgencyUpdates:
    """Updates due from one agency in the period: in by the deadline, late, and missing (for the
    family, "not given": a family contribution is never missing). Still-open requests whose
    deadline has not passed, and waived ones, are not counted."""

    agency: Agency
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def family(self) -> bool:
        """Whether this is the family's contribution, shown apart from the agencies'."""
        return self.agency is Agency.FAMILY

    @property
    def due(self) -> int:
        """The denominator: every update counted."""
        return self.on_time + self.late + self.missing

    def __add__(self, other: AgencyUpdates) -> AgencyUpdates:
        return AgencyUpdates(
            self.agency,
            self.on_time + other.on_time,
            self.late + other.late,
            self.missing + other.missing,
        )


@dataclass(frozen=True)
class AgencyAttendance:
    """Invitations of one agency to meetings held in the period, by what happened on the day."""

    agency: Agency
    came: int = 0  # present, or late
    sent_someone: int = 0
    apologies: int = 0
    did_not_come: int = 0
    not_recorded: int = 0

    @property
    def invited(self) -> int:
        """The denominator: every invitation to a held meeting."""
        return (
            self.came + self.sent_someone + self.apologies + self.did_not_come + self.not_recorded
        )

    def __add__(self, other: AgencyAttendance) -> AgencyAttendance:
        return AgencyAttendance(
            self.agency,
            self.came + other.came,
            self.sent_someone + other.sent_someone,
            self.apologies + other.apologies,
            self.did_not_come + other.did_not_come,
            self.not_recorded + other.not_recorded,
        )


@dataclass(frozen=True)
class HarmOpening:
    """New-harm updates sent in the period and how soon the case's social worker opened them."""

    flagged: int = 0
    opened: int = 0
    within_target: int = 0
    total_seconds: float = 0.0  # over the opened ones, for the mean

    @property
    def mean_hours(self) -> float | None:
        """Mean time from the update to the social worker opening it, in hours."""
        return None if self.opened == 0 else self.total_seconds / self.opened / 3600

    def __add__(self, other: HarmOpening) -> HarmOpening:
        return HarmOpening(
            self.flagged + other.flagged,
            self.opened + other.opened,
            self.within_target + other.within_target,
            self.total_seconds + other.total_seconds,
        )


@dataclass(frozen=True)
class QuorumNotice:
    """Quorate conferences in the period, and how many working days before each one the replies
    first made its quorum forecast met. `ahead` holds (working days ahead, conferences) pairs in
    ascending order: 0 is on the day (or later); `never` counts those the replies never forecast
    as quorate (people came without saying so)."""

    ahead: tuple[tuple[int, int], ...] = ()
    never: int = 0

    @property
    def quorate(self) -> int:
        """The denominator: every quorate conference."""
        return sum(n for _, n in self.ahead) + self.never

    def at_least(self, days: int) -> int:
        """Conferences whose quorum was known at least `days` working days ahead."""
        return sum(n for ahead, n in self.ahead if ahead >= days)

    @property
    def on_the_day(self) -> int:
        """Conferences whose quorum was known only on the day (or not before it started)."""
        return sum(n for ahead, n in self.ahead if ahead <= 0)

    @property
    def median_days(self) -> float | None:
        """The median working days ahead, over the conferences whose quorum was known at all."""
        known = sum(n for _, n in self.ahead)
        if known == 0:
            return None
        # The middle one (or the mean of the middle two) of the values laid out in order.
        lower, upper = (known - 1) // 2, known // 2
        found: list[int] = []
        seen = 0
        for ahead, n in self.ahead:
            for index in (lower, upper):
                if seen <= index < seen + n:
                    found.append(ahead)
            seen += n
        return sum(found) / 2

    def __add__(self, other: QuorumNotice) -> QuorumNotice:
        counts: dict[int, int] = dict(self.ahead)
        for ahead, n in other.ahead:
            counts[ahead] = counts.get(ahead, 0) + n
        return QuorumNotice(tuple(sorted(counts.items())), self.never + other.never)


@dataclass(frozen=True)
class TeamMeasures:
    """Every measure for one team (an area), or for all of them together."""

    team: str
    ratios: dict[Measure, Ratio] = field(default_factory=dict)
    updates: tuple[AgencyUpdates, ...] = ()
    attendance: tuple[AgencyAttendance, ...] = ()
    harm: HarmOpening = HarmOpening()
    quorum_notice: QuorumNotice = QuorumNotice()

    def ratio(self, measure: Measure) -> Ratio:
        """One ratio measure (0 of 0 when nothing counted)."""
        if measure is Measure.HARM_OPENED:
            return Ratio(self.harm.within_target, self.harm.flagged)
        return self.ratios.get(measure, Ratio())


def combine(team: str, parts: list[TeamMeasures]) -> TeamMeasures:
    """The figures of several teams added together (the area's total)."""
    ratios = {m: sum((p.ratios.get(m, Ratio()) for p in parts), Ratio()) for m in Measure}
    updates: dict[Agency, AgencyUpdates] = {}
    attendance: dict[Agency, AgencyAttendance] = {}
    for part in parts:
        for u in part.updates:
            updates[u.agency] = updates.get(u.agency, AgencyUpdates(u.agency)) + u
        for a in part.attendance:
            attendance[a.agency] = attendance.get(a.agency, AgencyAttendance(a.agency)) + a
    return TeamMeasures(
        team=team,
        ratios={m: r for m, r in ratios.items() if m is not Measure.HARM_OPENED},
        updates=tuple(sorted(updates.values(), key=lambda u: (u.family, u.agency.value))),
        attendance=tuple(sorted(attendance.values(), key=lambda a: a.agency.value)),
        harm=sum((p.harm for p in parts), HarmOpening()),
        quorum_notice=sum((p.quorum_notice for p in parts), QuorumNotice()),
    )


def quarter_of(today: date) -> tuple[date, date]:
    """The calendar quarter a day falls in, first and last day."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end_month = first_month + 3
    end = date(today.year + 1, 1, 1) if end_month > 12 else date(today.year, end_month, 1)
    return start, end - timedelta(days=1)


def parse_period(words: tuple[str, ...], today: date) -> tuple[date, date] | None:
    """The period `/coregroup measures` was given: nothing or `quarter` (this quarter so far),
    `month`, `year` (the last twelve months), or two days `YYYY-MM-DD YYYY-MM-DD`; None if the
    words are none of these."""
    word = words[0].lower() if len(words) == 1 else ""
    if not words or word == "quarter":
        return quarter_of(today)[0], today
    if word == "month":
        return today.replace(day=1), today
    if word == "year":
        return today - timedelta(days=365), today
    if len(words) == 2:
        try:
            start, end = date.fromisoformat(words[0]), date.fromisoformat(words[1])
        except ValueError:
            return None
        return (start, end) if start <= end else None
    return None


def last_month(today: date) -> tuple[date, date]:
    """The calendar month before the one a day falls in, first and last day."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end

"""The values a review conference summary and a chair's digest are rendered from (the contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from bot.rules.i18n import N_
from bot.rules.vocabulary import ActionStatus, Attendance, Category, Rag, Role


class Audience(StrEnum):
    """Who a rendered summary is for; the family's copy never holds professional-only content."""

    PROFESSIONAL = "professional"
    FAMILY = "family"


class Trend(StrEnum):
    """Which way ratings moved: compared on Red < Amber < Green."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"
    NEW = "new"  # only one rating so far: nothing to compare with


class UpdateSection(StrEnum):
    """The parts of a member's update that can be marked professional only (Sussex 7.12.5)."""

    GOING_WELL = "going_well"
    WORRIES = "worries"
    NEW_HARM = "new_harm"  # the flag and its detail travel together
    CHILD_SEEN = "child_seen"
    CHILD_VIEWS = "child_views"  # the child's words travel as the summary's ChildView
    NEXT_STEPS = "next_steps"
    HELP_NEEDED = "help_needed"


@dataclass(frozen=True)
class Conference:
    """A conference's name and when and where it meets (time and place once known)."""

    label: str
    day: date
    starts_at: time | None = None
    place: str | None = None


@dataclass(frozen=True)
class Period:
    """The days a summary covers: since the last conference, up to this one."""

    since: date
    until: date

    def __post_init__(self) -> None:
        if self.since > self.until:
            raise ValueError(f"a period cannot end ({self.until}) before it starts ({self.since})")


@dataclass(frozen=True)
class ChildView:
    """A child's own words, and who brought them (the child, an advocate, a worker)."""

    by: str
    text: str
    captured_on: date
    # Kept from family members by the professional who brought them (like an update's sections).
    professional_only: bool = False


@dataclass(frozen=True)
class Outcome:
    """One outcome of the plan, in the family's words."""

    id: int
    wording: str


@dataclass(frozen=True)
class CoreGroup:
    """One core group meeting held in the period: a cycle of updates and ratings."""

    id: int
    label: str
    held_on: date


@dataclass(frozen=True)
class Rating:
    """One member's RAG rating of one outcome at one core group, with their note."""

    outcome_id: int
    core_group_id: int
    by: str  # the grid's row: an agency, or a family member, as the service labels them
    rag: Rag
    note: str | None = None


@dataclass(frozen=True)
class MemberUpdate:
    """One member's latest update for the conference; `late` means after the report deadline."""

    name: str
    agency: str
    role: Role
    submitted_at: datetime  # aware; shown in the summary's time zone
    late: bool = False
    going_well: str | None = None
    worries: str | None = None
    new_harm: bool = False
    new_harm_detail: str | None = None
    child_last_seen: date | None = None
    child_seen_alone: bool | None = None
    next_steps: str | None = None
    help_needed: str | None = None
    professional_only: str | None = None  # third-party information, police intelligence
    professional_only_sections: frozenset[UpdateSection] = frozenset()
    # The cover who sent it for this member while they were away, shown "sent by X for Y".
    sent_by: str | None = None

    def __post_init__(self) -> None:
        if self.submitted_at.tzinfo is None:
            raise ValueError(f"submitted_at of {self.name}'s update must be timezone-aware")


@dataclass(frozen=True)
class PlanAction:
    """Who will do what, by when, for which outcome (None: the plan as a whole)."""

    description: str
    owner: str | None
    due: date | None
    status: ActionStatus
    outcome_id: int | None = None


@dataclass(frozen=True)
class AttendanceRecord:
    """How one member attended one core group; `represented_by` names who came in their place."""

    core_group_id: int
    name: str
    agency: str
    attendance: Attendance
    represented_by: str | None = None


@dataclass(frozen=True)
class Report:
    """A report or update owed to the conference: due by a day, received on a day or not yet."""

    name: str
    agency: str
    due: date
    received_on: date | None = None

    @property
    def missing(self) -> bool:
        """Not received."""
        return self.received_on is None

    @property
    def late(self) -> bool:
        """Received after the day it was due."""
        return self.received_on is not None and self.received_on > self.due


@dataclass(frozen=True)
class RagKey:
    """What each RAG colour means in this area (a setting; these are the defaults)."""

    green: str = N_("Achieved, or on track with evidence")
    amber: str = N_("Some progress, or at risk of slipping")
    red: str = N_("No progress, worse, or overdue")


@dataclass(frozen=True)
class FamilyMeeting:
    """What the social worker recorded with the family for the conference's first part."""

    children: tuple[str, ...] = ()  # "Jo, 6", "Baby due Mon 1 Mar 2027"
    category: Category | None = None
    advocate: str | None = None
    language: str | None = None
    interpreter_needed: bool = False


@dataclass(frozen=True)
class SummaryInput:
    """Everything a review conference summary shows, in the order the service reads it."""

    reference: str
    conference: Conference
    period: Period
    family_description: str | None
    child_views: tuple[ChildView, ...]
    harm_to_address: str | None
    outcomes: tuple[Outcome, ...]  # plan order
    cycles: tuple[CoreGroup, ...]  # date order
    ratings: tuple[Rating, ...] = ()
    updates: tuple[MemberUpdate, ...] = ()
    actions: tuple[PlanAction, ...] = ()
    attendance: tuple[AttendanceRecord, ...] = ()
    reports: tuple[Report, ...] = ()
    rag_key: RagKey = field(default_factory=RagKey)
    timezone: str = "Europe/London"
    children: str = "the children"  # or "the child", "the baby": how the texts name them
    # The case's nation's words for the review ("Review CPPM"), and its short name in
    # notifications ("RCPC" in England).
    review_heading: str = "Review conference"
    review_short: str = "RCPC"
    harm_impact: str | None = None
    family_meeting: FamilyMeeting = field(default_factory=FamilyMeeting)

    def __post_init__(self) -> None:
        # A rating or record pointing nowhere would drop out of the grid silently: refuse it here.
        outcome_ids = {outcome.id for outcome in self.outcomes}
        cycle_ids = {cycle.id for cycle in self.cycles}
        if len(outcome_ids) != len(self.outcomes) or len(cycle_ids) != len(self.cycles):
            raise ValueError("outcome and core group ids must be unique")
        seen: set[tuple[int, int, str]] = set()
        for rating in self.ratings:
            if rating.outcome_id not in outcome_ids:
                raise ValueError(
                    f"rating by {rating.by} is for unknown outcome {rating.outcome_id}"
                )
            if rating.core_group_id not in cycle_ids:
                raise ValueError(
                    f"rating by {rating.by} is for unknown core group {rating.core_group_id}"
                )
            key = (rating.outcome_id, rating.core_group_id, rating.by)
            if key in seen:
                raise ValueError(f"{rating.by} rated outcome {rating.outcome_id} twice in a cycle")
            seen.add(key)
        for action in self.actions:
            if action.outcome_id is not None and action.outcome_id not in outcome_ids:
                raise ValueError(f"action {action.description!r} is for an unknown outcome")
        for record in self.attendance:
            if record.core_group_id not in cycle_ids:
                raise ValueError(f"attendance of {record.name} is for an unknown core group")


@dataclass(frozen=True)
class QuorumForecast:
    """Whether the conference looks quorate from the replies so far, and who has not replied."""

    quorate: bool
    confirmed: tuple[str, ...]  # agencies that will be there (or send someone)
    short_by: int  # agencies still needed; 0 when quorate
    not_replied: tuple[str, ...]  # people, with their agency, as the service labels them


@dataclass(frozen=True)
class OutcomeOverview:
    """One outcome at a glance: the latest ratings by colour, and their direction this period."""

    wording: str
    red: int
    amber: int
    green: int
    direction: Trend


@dataclass(frozen=True)
class HarmFlag:
    """Someone reported new harm in their update; the detail is in the summary, not the digest."""

    by: str
    agency: str
    flagged_at: datetime  # aware
    sent_by: str | None = None  # a cover who sent the update for them


@dataclass(frozen=True)
class Kept:
    """Someone kept parts of their update from family members: which parts, never their words."""

    by: str
    agency: str
    sections: tuple[UpdateSection, ...]
    further_information: bool = False  # the professionals-only box was filled in


@dataclass(frozen=True)
class DigestInput:
    """What the chair needs a few days before the conference, to prepare and to check quorum."""

    reference: str
    conference: Conference
    quorum: QuorumForecast
    reports: tuple[Report, ...]  # all owed: those received and those missing
    overview: tuple[OutcomeOverview, ...]  # plan order
    new_harm: tuple[HarmFlag, ...] = ()
    category: Category | None = None  # the plan's current category, if it has one
    timezone: str = "Europe/London"
    kept: tuple[Kept, ...] = ()  # what was kept from the family's copy, by whom (never what)
    review_short: str = "RCPC"  # the review's short name in the case's nation's words

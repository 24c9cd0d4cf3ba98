"""SQLModel tables for the whole domain: cases, members, plans, meetings, updates, outbox, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.rules.retention import DEFAULT_RETENTION_DAYS
from bot.rules.timeline import TimelineRules
from bot.rules.vocabulary import (
    ActionStatus,
    Agency,
    ApprovalKind,
    ApprovalState,
    AreaRole,
    Attendance,
    CaseStatus,
    Category,
    Decision,
    JobState,
    Language,
    MeetingKind,
    MeetingStatus,
    Nation,
    OutboxState,
    Rag,
    Role,
    Rsvp,
    UpdateRequestStatus,
)
from storage.types import EnumText, UTCDateTime

# Until an area sets its own: the out-of-hours team's number belongs here.
URGENT_CONTACT = (
    "your children's services front door (out of hours: the emergency duty team), "
    "or 999 if a child is in immediate danger"
)

# Until an area sets its own: the address calendar files name as their organiser. The reserved
# `.invalid` domain means a calendar that tries to reply to it reaches no one.
CALENDAR_ORGANIZER = "coregroup-bot@coregroup.invalid"


def utc_now() -> datetime:
    """Default for creation timestamps; services pass their clock's time where it matters."""
    return datetime.now(UTC)


def _enum(enum_type: type[StrEnum], default: Any = ..., **kwargs: Any) -> Any:
    return Field(default=default, sa_type=EnumText(enum_type), **kwargs)


def _instant(default: Any = ..., **kwargs: Any) -> Any:
    return Field(default=default, sa_type=UTCDateTime, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False), **kwargs)


def new_calendar_uid() -> str:
    """A meeting's calendar UID: random, so no two deployments or rebuilt databases share one."""
    return str(uuid4())


def _text(default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(Text, nullable=default is not ...))


_DEFAULTS = TimelineRules()


# An area (a workspace, or a team within one) with its own settings for the rules in DOMAIN.md.
class Area(SQLModel, table=True):
    __tablename__ = "areas"
    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    nation: Nation = _enum(Nation, Nation.ENG)
    timezone: str = Field(default="Europe/London", max_length=64)
    # The timescales start from the rules' defaults, which are set nowhere else.
    local_time_of_day: time = Field(default=_DEFAULTS.local_time)
    core_group_interval_weeks: int = _DEFAULTS.core_group_interval_weeks
    first_core_group_working_days: int = _DEFAULTS.first_core_group_working_days
    report_deadline_working_days: int = _DEFAULTS.report_deadline_working_days
    prompt_lead_working_days: int = _DEFAULTS.prompt_lead_working_days
    invitation_lead_working_days: int = _DEFAULTS.invitation_lead_working_days
    quorum_warning_working_days: int = _DEFAULTS.quorum_warning_working_days
    digest_lead_working_days: int = _DEFAULTS.digest_lead_working_days
    pre_birth_rcpc_working_days: int = _DEFAULTS.pre_birth_rcpc_working_days
    quorum_min_other_agencies: int = 2
    health_counts_as_one_agency: bool = True
    rag_green_meaning: str = Field(default="Achieved, or on track with evidence", max_length=500)
    rag_amber_meaning: str = Field(default="Some progress, or at risk of slipping", max_length=500)
    rag_red_meaning: str = Field(default="No progress, worse, or overdue", max_length=500)
    # ISO dates the area's offices are closed beyond the bank holidays.
    closure_days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Who to contact when a child is at risk now: the update form says it is not a referral and
    # names this, above the question about new harm (DOMAIN.md, Stand-ins, supporters and safety).
    urgent_contact: str = Field(default=URGENT_CONTACT, max_length=300)
    # How long a case's data stays after its plan ends, and whether the purge waits for an
    # export to the authority's record (written, its checksum recorded) before deleting anything.
    retention_days: int = DEFAULT_RETENTION_DAYS
    purge_needs_export: bool = True
    # What families are told: who helps with travel, childcare, an interpreter or an advocate,
    # the area's leaflet for parents, and how to disagree with a decision or complain. Empty
    # means the area has not set it, and the words leave it out rather than invent one.
    family_help_contact: str = Field(default="", max_length=500)
    family_leaflet_url: str = Field(default="", max_length=500)
    complaints_text: str = Field(default="", max_length=2000)
    complaints_url: str = Field(default="", max_length=500)
    # The family copy is released this many working days before a review conference, in time
    # for the social worker's preparation visit (seed 001: at least three days before).
    family_copy_lead_working_days: int = _DEFAULTS.family_copy_lead_working_days
    # The bot's address, the ORGANIZER of every calendar file (iTIP requires one to publish or
    # cancel an event): a mailbox the area owns, or the `.invalid` default.
    calendar_organizer: str = Field(default=CALENDAR_ORGANIZER, max_length=254)
    # The language of a new case, and of a person who has not chosen one: English, Welsh or
    # bilingual (Welsh first). Changing it never changes a person's own choice.
    language: Language = _enum(Language, Language.ENGLISH)
    created_at: datetime = _instant(default_factory=utc_now)


# Someone who acts across an area rather than inside one case (a manager auditing timeliness).
class AreaStaff(SQLModel, table=True):
    __tablename__ = "area_staff"
    __table_args__ = (UniqueConstraint("area_id", "slack_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True)
    slack_user_id: str = Field(max_length=32)
    role: AreaRole = _enum(AreaRole, AreaRole.MANAGER)


# The language a person reads the bot in: their direct messages, forms and Home tab. Chosen with
# `/coregroup language` (chosen=True), or first taken from their Slack locale (chosen=False,
# changed again by a later locale but never over a choice). Without a row: the area's default.
class PersonLanguage(SQLModel, table=True):
    __tablename__ = "person_languages"
    slack_user_id: str = Field(primary_key=True, max_length=32)
    language: Language = _enum(Language)
    chosen: bool = False
    changed_at: datetime = _instant(default_factory=utc_now)


# A child protection case: one plan, one private core group channel, known by its reference.
class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("area_id", "reference"),)
    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True)
    reference: str = Field(max_length=80)
    slack_channel_id: str | None = Field(default=None, max_length=32, unique=True)
    nation: Nation = _enum(Nation)
    timezone: str = Field(default="Europe/London", max_length=64)
    icpc_date: date
    pre_birth: bool = False
    birth_date: date | None = None
    status: CaseStatus = _enum(CaseStatus, CaseStatus.OPEN)
    family_may_edit_plan: bool = False
    # Family members must not see each other's words (domestic abuse, a protective order): each
    # family-side member is served by direct message, never in the shared channel.
    family_separate: bool = False
    channel_archived: bool = False
    # The pinned case card, updated in place whenever the core group or its dates change.
    card_ts: str | None = Field(default=None, max_length=32)
    # The pinned plan, likewise updated in place and never reposted.
    plan_ts: str | None = Field(default=None, max_length=32)
    # When the passing of time alone next changes what this case needs planned (a meeting day
    # goes by): the daily pass re-plans only cases whose moment has come. Changes re-plan at once.
    next_replan_at: datetime | None = _instant(default=None, index=True)
    # The family's own words for the children, and the harm the conference must address.
    family_description: str | None = _text()
    harm_to_address: str | None = _text()
    # The rest of the conference agenda (seed 003), recorded by the social worker with the
    # family: every save is kept whole in the audit trail. Children: first name or initials with
    # an age, or an unborn baby with a due date ({"name", "age", "due"}).
    children: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    category: Category | None = _enum(Category, None, nullable=True)
    harm_impact: str | None = _text()
    child_advocate: str | None = Field(default=None, max_length=300)
    language: str | None = Field(default=None, max_length=200)
    interpreter_needed: bool = False
    # The bot's language in the case's channel and its documents (not `language` above, which is
    # the family's own, for the conference); taken from the area's default when the case opens.
    bot_language: Language = _enum(Language, Language.ENGLISH)
    created_at: datetime = _instant(default_factory=utc_now)
    closed_at: datetime | None = _instant(default=None)


# A person in a case's core group: a Slack user, or a family member recorded offline.
class Member(SQLModel, table=True):
    __tablename__ = "members"
    __table_args__ = (Index("ix_members_case_slack_user", "case_id", "slack_user_id", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    slack_user_id: str | None = Field(default=None, max_length=32, index=True)
    display_name: str = Field(max_length=200)
    role: Role = _enum(Role)
    agency: Agency = _enum(Agency)
    # Quorum counts agencies that have had direct contact with the family.
    direct_contact: bool = True
    active: bool = True
    away_until: date | None = None
    cover_member_id: int | None = Field(default=None, foreign_key="members.id")
    added_at: datetime = _instant(default_factory=utc_now)
    removed_at: datetime | None = _instant(default=None)
    # Where this family member's own copy of the plan is, when the family is served separately:
    # it is updated in place, like the pinned plan in the channel.
    plan_channel: str | None = Field(default=None, max_length=32)
    plan_ts: str | None = Field(default=None, max_length=32)


# An outcome the family want, in their own words.
class Outcome(SQLModel, table=True):
    __tablename__ = "outcomes"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    position: int
    wording: str = _text(...)
    created_at: datetime = _instant(default_factory=utc_now)
    retired_at: datetime | None = _instant(default=None)


# Who will do what, by when, towards which outcome.
class PlanAction(SQLModel, table=True):
    __tablename__ = "plan_actions"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    outcome_id: int | None = Field(default=None, foreign_key="outcomes.id")
    owner_member_id: int | None = Field(default=None, foreign_key="members.id")
    description: str = _text(...)
    due_date: date | None = None
    status: ActionStatus = _enum(ActionStatus, ActionStatus.OPEN)
    done_at: datetime | None = _instant(default=None)
    created_at: datetime = _instant(default_factory=utc_now)


# Every version of the plan, kept whole, so what the core group agreed can always be shown.
class PlanVersion(SQLModel, table=True):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("case_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    version: int
    snapshot: dict[str, Any] = _json()
    created_by: str = Field(max_length=32)
    created_at: datetime = _instant(default_factory=utc_now)


# An initial conference, a core group meeting or a review conference.
class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("case_id", "kind", "sequence"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: MeetingKind = _enum(MeetingKind)
    sequence: int
    due_by: date
    starts_at: datetime | None = _instant(default=None)
    place: str | None = Field(default=None, max_length=300)
    status: MeetingStatus = _enum(MeetingStatus, MeetingStatus.DUE)
    reports_due: date | None = None
    held_at: datetime | None = _instant(default=None)
    decision: Decision | None = _enum(Decision, None, nullable=True)
    category: Category | None = _enum(Category, None, nullable=True)
    dissent: str | None = _text()
    # What the conference changed in the plan, in the chair's words, for the decision notice.
    plan_changes: str | None = _text()
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = _instant(default=None)
    # Raised on every move, so calendars update the entry they hold (iCalendar SEQUENCE).
    calendar_sequence: int = 0
    # Why the meeting was not held on the date it had (the social worker's answer to "was it
    # held?"); the meeting then waits for a new date.
    not_held_reason: str | None = _text()
    # The iCalendar UID, the same for the meeting's whole life and unique across every
    # deployment: a random UUID, not the row id, which a second deployment repeats.
    calendar_uid: str = Field(default_factory=new_calendar_uid, max_length=36, unique=True)
    # The Slack file the .ics of `calendar_file_sequence` was uploaded as, recorded before it is
    # shared: a job run again finds it (shared already, or to share) instead of a second file.
    calendar_file_id: str | None = Field(default=None, max_length=32)
    calendar_file_sequence: int | None = None


# One member's invitation to one meeting: their reply, and afterwards their attendance.
class Invitation(SQLModel, table=True):
    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        # The measures' counts read only these columns, in meeting order.
        Index(
            "ix_invitations_meeting_replies",
            "meeting_id",
            "member_id",
            "attendance",
            "rsvp",
            "replied_at",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    member_id: int = Field(foreign_key="members.id", index=True)
    rsvp: Rsvp = _enum(Rsvp, Rsvp.NONE)
    representative_member_id: int | None = Field(default=None, foreign_key="members.id")
    replied_at: datetime | None = _instant(default=None)
    attendance: Attendance | None = _enum(Attendance, None, nullable=True)
    attendance_recorded_at: datetime | None = _instant(default=None)


# What one conference's invitations say about its quorum, counted as the measures count it and
# kept current: the database's triggers (storage/triggers.py) note each conference whose count
# may have changed, and the measures count those again before reading these.
class ConferenceQuorum(SQLModel, table=True):
    __tablename__ = "conference_quorum"
    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True)
    # Someone's attendance is recorded: whether the conference was quorate is known.
    recorded: bool
    # Social care came, and enough other agencies with direct contact.
    met: bool
    # When the replies, as last given, first made the quorum forecast met (None: never).
    known_at: datetime | None = _instant(default=None)


# A conference whose quorum count may have changed (an invitation, a member, an area's rule or a
# case's area changed), written by the database's triggers; taken when the count is redone. No
# foreign key: a purge deletes the meeting in the same transaction as the rows that noted it.
class QuorumChange(SQLModel, table=True):
    __tablename__ = "quorum_changes"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int


# The duty of one member to send an update before one meeting, and whether it was met.
class UpdateRequest(SQLModel, table=True):
    __tablename__ = "update_requests"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        # The measures count a period's requests per member from this index alone, in its order.
        Index("ix_update_requests_member_due", "member_id", "due_at", "received_at", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    member_id: int = Field(foreign_key="members.id", index=True)
    due_at: datetime = _instant()
    status: UpdateRequestStatus = _enum(UpdateRequestStatus, UpdateRequestStatus.REQUESTED)
    received_at: datetime | None = _instant(default=None)


# One version of a member's update; editing adds a version, nothing is overwritten.
class AgencyUpdate(SQLModel, table=True):
    __tablename__ = "agency_updates"
    __table_args__ = (
        UniqueConstraint("request_id", "version"),
        # The measures find the period's few new-harm updates without reading every update.
        Index(
            "ix_agency_updates_new_harm",
            "submitted_at",
            sqlite_where=text("new_harm = 1"),
            postgresql_where=text("new_harm"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="update_requests.id", index=True)
    version: int
    submitted_by: str = Field(max_length=32)
    submitted_at: datetime = _instant()
    going_well: str | None = _text()
    worries: str | None = _text()
    new_harm: bool = False
    new_harm_detail: str | None = _text()
    child_last_seen: date | None = None
    child_seen_alone: bool | None = None
    child_views: str | None = _text()
    next_steps: str | None = _text()
    help_needed: str | None = _text()
    # Third-party information and police intelligence: never shown to family members.
    professional_only: str | None = _text()
    professional_only_sections: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The cover who sent this version for the member (shown as "sent by X for Y"); None when
    # the member sent it, or the social worker filled it in with a family member.
    cover_member_id: int | None = Field(default=None, foreign_key="members.id")


# Something only the case's social worker may agree to (a stand-in from another agency, a family
# supporter): nothing it asks for happens until they approve it by the button they were sent.
class ApprovalRequest(SQLModel, table=True):
    __tablename__ = "approval_requests"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: ApprovalKind = _enum(ApprovalKind)
    state: ApprovalState = _enum(ApprovalState, ApprovalState.PENDING)
    requested_by: str = Field(max_length=32)
    # The member asking (the away professional, the one sending someone, the family member).
    member_id: int = Field(foreign_key="members.id")
    # The Slack user who would stand in or come along.
    subject_user: str = Field(max_length=32)
    # What else the request needs to be carried out: the return date, the meeting, the kind of
    # supporter, the subject's name as Slack gave it.
    detail: dict[str, Any] = _json()
    requested_at: datetime = _instant()
    decided_by: str | None = Field(default=None, max_length=32)
    decided_at: datetime | None = _instant(default=None)


# With the family served separately: the social worker let one family-side member read what
# another wrote. Nothing another family member wrote reaches them otherwise.
class WordRelease(SQLModel, table=True):
    __tablename__ = "word_releases"
    __table_args__ = (UniqueConstraint("author_member_id", "reader_member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    author_member_id: int = Field(foreign_key="members.id")
    reader_member_id: int = Field(foreign_key="members.id")
    released_by: str = Field(max_length=32)
    released_at: datetime = _instant()


# A RAG rating of one outcome within one update version.
class OutcomeRating(SQLModel, table=True):
    __tablename__ = "outcome_ratings"
    __table_args__ = (UniqueConstraint("update_id", "outcome_id"),)
    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="agency_updates.id", index=True)
    outcome_id: int = Field(foreign_key="outcomes.id")
    rag: Rag = _enum(Rag)
    note: str | None = _text()


# A message the bot will send on its own initiative, keyed so that planning is idempotent.
class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_due", "state", "due_at"),
        # Planning reads the live (pending or cancelled) rows of a batch of cases.
        Index("ix_outbox_case_state", "case_id", "state"),
        # Planning reads a case's keys by prefix (LIKE 'c12:%'); PostgreSQL needs pattern ops.
        Index("ix_outbox_key_prefix", "key", postgresql_ops={"key": "varchar_pattern_ops"}).ddl_if(
            dialect="postgresql"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id")
    kind: str = Field(max_length=64)
    recipient: str = Field(max_length=32)
    due_at: datetime = _instant()
    state: OutboxState = _enum(OutboxState, OutboxState.PENDING)
    attempts: int = 0
    last_error: str | None = _text()
    claimed_at: datetime | None = _instant(default=None)
    claimed_by: str | None = Field(default=None, max_length=64)
    payload: dict[str, Any] = _json()
    slack_channel: str | None = Field(default=None, max_length=32)
    slack_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = _instant(default=None)
    created_at: datetime = _instant(default_factory=utc_now)


# Work a person's click or form left for after Slack's answer (creating a channel, re-rendering an
# invitation), written in the same transaction as the change that caused it and done by a worker.
class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_due", "state", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    # The case it is about, if any (no foreign key: a withdrawn case's job outlives its rows).
    case_id: int | None = Field(default=None, index=True)
    # The ids it is about (never people's words): a plain function of these does the work.
    payload: dict[str, Any] = _json()
    # A repeated click or a redelivered request makes one job: the same key, kept for ever.
    key: str | None = Field(default=None, max_length=255, unique=True)
    # Refreshes of the same thing coalesce: one pending job per key, freed when it is claimed.
    pending_key: str | None = Field(default=None, max_length=255, unique=True)
    # When it is next due; while running, when its claim lapses (as the outbox's claims do).
    due_at: datetime = _instant()
    # A waiting refresh is not taken before `settle_at`, which each change joining it moves later
    # but never past `settle_by` (a burst of clicks, one re-render). Seconds since 1970 by the
    # database's own clock, not the injected one: a debounce is about real clicks a moment apart,
    # and must pass while a test's or a rehearsal's clock stands still.
    settle_at: float | None = None
    settle_by: float | None = None
    state: JobState = _enum(JobState, JobState.PENDING)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=128)
    last_error: str | None = _text()
    created_at: datetime = _instant()
    finished_at: datetime | None = _instant(default=None)


# Who did what to which case, when: append-only (the database refuses updates and deletes).
class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    area_id: int | None = Field(default=None, foreign_key="areas.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)
    actor: str = Field(max_length=32)
    action: str = Field(max_length=64)
    at: datetime = _instant()
    detail: dict[str, Any] = _json()


# A purge under way: created before anything is deleted and removed with the case's rows, so a
# purge interrupted at any step resumes where it stopped. The audit trail's triggers allow the
# deletion of a case's events only while its case has one of these and is no longer open.
class CasePurge(SQLModel, table=True):
    __tablename__ = "case_purges"
    case_id: int = Field(primary_key=True, foreign_key="cases.id")
    started_at: datetime = _instant()
    # Who or what asked: a Slack user id, or "system" for the daily job's retention purge.
    requested_by: str = Field(max_length=64)
    reason: str = _text(...)
    export_checksum: str | None = Field(default=None, max_length=80)
    # When the bot's messages and files in Slack were deleted and the channel archived.
    slack_done_at: datetime | None = _instant(default=None)


# Slack event ids already handled, so a redelivered event is processed once.
class ProcessedEvent(SQLModel, table=True):
    __tablename__ = "processed_events"
    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _instant()


# Which day's run of a once-a-day job has finished, so replicas sharing the database do it once.
class JobRun(SQLModel, table=True):
    __tablename__ = "job_runs"
    job: str = Field(primary_key=True, max_length=64)
    day: date = Field(primary_key=True)
    worker: str = Field(max_length=128)
    finished_at: datetime = _instant()

"""The domain's closed vocabularies (nations, roles, meetings, RAG, RSVP...) as plain enums."""

from __future__ import annotations

from enum import StrEnum


class Nation(StrEnum):
    """The four UK nations; each has its own bank holidays."""

    ENG = "ENG"
    WLS = "WLS"
    SCT = "SCT"
    NIR = "NIR"


class Role(StrEnum):
    """What a person is in a case's core group."""

    FAMILY = "family"
    PROFESSIONAL = "professional"
    SOCIAL_WORKER = "social_worker"
    CHAIR = "chair"
    ADVOCATE = "advocate"
    # Someone a family member brings (a friend, relative, advocate or interpreter): family-side.
    FAMILY_SUPPORTER = "family_supporter"


class AreaRole(StrEnum):
    """Roles held across an area rather than within one case."""

    MANAGER = "manager"  # sees the area's measures, never a case's content
    ADMIN = "admin"  # grants and takes away the manager role (given with the command line)


class Agency(StrEnum):
    """The agencies a core group member can represent (DOMAIN.md, People and roles)."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    FAMILY = "family"
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    HEALTH_VISITOR = "health_visitor"
    SCHOOL_NURSE = "school_nurse"
    GP = "gp"
    MIDWIFE = "midwife"
    CAMHS = "camhs"
    POLICE = "police"
    PROBATION = "probation"
    HOUSING = "housing"
    DOMESTIC_ABUSE = "domestic_abuse"
    ADULT_MENTAL_HEALTH = "adult_mental_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    ADVOCACY = "advocacy"
    OTHER = "other"


# Agencies that an area may count together as one "health" agency for quorum (a setting).
HEALTH_AGENCIES = frozenset(
    {
        Agency.HEALTH_VISITOR,
        Agency.SCHOOL_NURSE,
        Agency.GP,
        Agency.MIDWIFE,
        Agency.CAMHS,
        Agency.ADULT_MENTAL_HEALTH,
    }
)


class MeetingKind(StrEnum):
    """Initial conference, core group meeting, or review conference."""

    ICPC = "icpc"
    CORE_GROUP = "core_group"
    RCPC = "rcpc"


class MeetingStatus(StrEnum):
    """Where a meeting is in its life."""

    DUE = "due"  # on the timeline, date not yet fixed by the social worker or chair
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class CaseStatus(StrEnum):
    """Whether the plan is running."""

    OPEN = "open"
    STEPPED_DOWN = "stepped_down"
    ENDED = "ended"


class Decision(StrEnum):
    """What a review conference can decide."""

    CONTINUE = "continue"
    STEP_DOWN = "step_down"
    END = "end"


class Category(StrEnum):
    """Categories of abuse under which a plan continues."""

    NEGLECT = "neglect"
    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    SEXUAL = "sexual"


class Rag(StrEnum):
    """Red / Amber / Green rating of progress towards one outcome."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Rsvp(StrEnum):
    """A reply to an invitation."""

    NONE = "none"
    ATTENDING = "attending"
    REPRESENTATIVE = "representative"
    APOLOGIES = "apologies"


class Attendance(StrEnum):
    """What happened on the day, recorded after a meeting."""

    PRESENT = "present"
    LATE = "late"
    REPRESENTED = "represented"
    APOLOGIES = "apologies"  # sent apologies: not the same as not coming
    ABSENT = "absent"


class ActionStatus(StrEnum):
    """Progress of one action in the plan."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class UpdateRequestStatus(StrEnum):
    """Whether a member's update for a meeting has arrived."""

    REQUESTED = "requested"
    RECEIVED = "received"
    WAIVED = "waived"


class OutboxState(StrEnum):
    """Life of one queued message."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"  # gave up after the attempt limit; shown to operators, never silently dropped


class JobState(StrEnum):
    """Life of one piece of work left for after Slack's answer (a durable job)."""

    PENDING = "pending"
    RUNNING = "running"  # claimed by a worker until its lease lapses
    DONE = "done"
    FAILED = "failed"  # gave up after the attempt limit; the social worker was told


class SupporterKind(StrEnum):
    """Who a family member may bring (DOMAIN.md, Stand-ins, supporters and safety)."""

    FRIEND = "friend"
    RELATIVE = "relative"
    ADVOCATE = "advocate"
    INTERPRETER = "interpreter"


class ApprovalKind(StrEnum):
    """What a social worker is asked to agree to before it happens."""

    COVER = "cover"  # a professional of another agency covers an away professional
    REPRESENTATIVE = "representative"  # someone not of the sender's agency comes in their place
    SUPPORTER = "supporter"  # a family member brings someone


class ApprovalState(StrEnum):
    """Where a request for the social worker's approval stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Language(StrEnum):
    """The language the bot speaks to a person, in a case's channel or in an area by default.

    Bilingual is Welsh first, then English, in one message (Welsh Language Standards)."""

    ENGLISH = "en"
    WELSH = "cy"
    BILINGUAL = "bilingual"

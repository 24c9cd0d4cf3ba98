"""The words people read for each value of the shared vocabulary: one place per enum.

Where one enum is said in more than one way, each way has its own map here, named for where it
is read (a heading, the middle of a sentence, the case card), so that they stay side by side.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.rules.nations import nation_rules
from bot.rules.vocabulary import (
    Agency,
    Attendance,
    Category,
    Decision,
    MeetingKind,
    Nation,
    Rag,
    Role,
    Rsvp,
    SupporterKind,
)

NATION_NAMES: Mapping[Nation, str] = {
    Nation.ENG: "England",
    Nation.WLS: "Wales",
    Nation.SCT: "Scotland",
    Nation.NIR: "Northern Ireland",
}

AGENCY_NAMES: Mapping[Agency, str] = {
    Agency.CHILDRENS_SOCIAL_CARE: "Children's social care",
    Agency.FAMILY: "Family",
    Agency.SCHOOL: "School",
    Agency.EARLY_YEARS: "Early years",
    Agency.HEALTH_VISITOR: "Health visitor",
    Agency.SCHOOL_NURSE: "School nurse",
    Agency.GP: "GP",
    Agency.MIDWIFE: "Midwife",
    # Spelt out: the family reads agency names on the case card and in the summary.
    Agency.CAMHS: "Children's mental health service (CAMHS)",
    Agency.POLICE: "Police",
    Agency.PROBATION: "Probation",
    Agency.HOUSING: "Housing",
    Agency.DOMESTIC_ABUSE: "Domestic abuse service",
    Agency.ADULT_MENTAL_HEALTH: "Adult mental health",
    Agency.SUBSTANCE_MISUSE: "Substance misuse service",
    Agency.ADVOCACY: "Advocacy",
    Agency.OTHER: "Other",
}

# The case card and status list people by role; professionals are listed by their agency.
ROLE_LABELS: Mapping[Role, str] = {
    Role.SOCIAL_WORKER: "Social worker",
    Role.CHAIR: "Conference chair",
    Role.FAMILY: "Family",
    Role.ADVOCATE: "Advocate",
    Role.FAMILY_SUPPORTER: "Family supporter",
}
# The review summary names every update's author by role.
ROLE_WORDS: Mapping[Role, str] = {
    Role.FAMILY: "Family",
    Role.PROFESSIONAL: "Professional",
    Role.SOCIAL_WORKER: "Social worker",
    Role.CHAIR: "Chair",
    Role.ADVOCATE: "Advocate",
    Role.FAMILY_SUPPORTER: "Family supporter",
}


def meeting_heading(kind: MeetingKind, nation: Nation) -> str:
    """A meeting as a heading or list label, in its nation's words: "Review CPPM"."""
    return nation_rules(nation).words.heading(kind)


def meeting_words(kind: MeetingKind, nation: Nation, *, capital: bool = False) -> str:
    """A meeting in the middle of a sentence, in its nation's words: "review CPPM" (or, with
    `capital`, at its start: "Review CPPM", "Core group meeting")."""
    words = nation_rules(nation).words.meeting(kind)
    # Not str.capitalize(): it would lower "CPPM" and "Child Protection Planning Meeting".
    return words[:1].upper() + words[1:] if capital else words


def review_short(nation: Nation) -> str:
    """The review's short name in a notification: "RCPC" in England, "Review CPPM" in
    Scotland."""
    words = nation_rules(nation).words
    return words.review_abbreviation or words.review_heading


# Who came, in plain words: the attendance form's choices and the case's history alike.
# Sending apologies is not the same as not coming.
ATTENDANCE_LABELS: Mapping[Attendance, str] = {
    Attendance.PRESENT: "Came",
    Attendance.LATE: "Came late",
    Attendance.REPRESENTED: "Sent someone",
    Attendance.APOLOGIES: "Sent apologies",
    Attendance.ABSENT: "Did not come",
}

DECISION_WORDS: Mapping[Decision, str] = {
    Decision.CONTINUE: "continue the child protection plan",
    Decision.STEP_DOWN: "end the child protection plan and step down to a child in need plan",
    Decision.END: "end the child protection plan, with no further plan",
}

CATEGORY_WORDS: Mapping[Category, str] = {
    Category.NEGLECT: "neglect",
    Category.PHYSICAL: "physical abuse",
    Category.EMOTIONAL: "emotional abuse",
    Category.SEXUAL: "sexual abuse",
}

RAG_NAMES: Mapping[Rag, str] = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green"}
# The grid reads in black and white too.
RAG_LETTERS: Mapping[Rag, str] = {Rag.RED: "R", Rag.AMBER: "A", Rag.GREEN: "G"}
# The family rates in their own words; the colours underneath are the same.
RAG_FAMILY_WORDS: Mapping[Rag, str] = {
    Rag.GREEN: "Going well",
    Rag.AMBER: "Some progress",
    Rag.RED: "Worried",
}
# What each of the family's words means, in the key of their copy's grid.
RAG_FAMILY_MEANINGS: Mapping[Rag, str] = {
    Rag.GREEN: "things are on track",
    Rag.AMBER: "some things are better, some not yet",
    Rag.RED: "the person is worried about this",
}
# Slack emoji beside a rating, in the update form, the summary and the digest alike.
RAG_EMOJI: Mapping[Rag, str] = {
    Rag.RED: ":red_circle:",
    Rag.AMBER: ":large_orange_circle:",
    Rag.GREEN: ":large_green_circle:",
}
# Unicode dots beside a rating in the summary's Markdown and HTML.
RAG_DOTS: Mapping[Rag, str] = {Rag.RED: "🔴", Rag.AMBER: "🟠", Rag.GREEN: "🟢"}

# How a reply to an invitation reads mid-sentence, in the case's history.
RSVP_WORDS: Mapping[Rsvp, str] = {
    Rsvp.ATTENDING: "coming",
    Rsvp.REPRESENTATIVE: "sending someone",
    Rsvp.APOLOGIES: "apologies",
    Rsvp.NONE: "no reply",
}

# Who a family member would like to bring, as the choice in the form reads.
SUPPORTER_KIND_LABELS: Mapping[SupporterKind, str] = {
    SupporterKind.FRIEND: "A friend",
    SupporterKind.RELATIVE: "A relative",
    SupporterKind.ADVOCATE: "An advocate",
    SupporterKind.INTERPRETER: "An interpreter",
}

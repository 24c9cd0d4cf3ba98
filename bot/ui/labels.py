"""The words people read for each value of the shared vocabulary: one place per enum.

Where one enum is said in more than one way, each way has its own map here, named for where it
is read (a heading, the middle of a sentence, the case card), so that they stay side by side.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.rules.i18n import N_, Translated, _
from bot.rules.messages import MessageKind
from bot.rules.nations import nation_rules
from bot.rules.vocabulary import (
    Agency,
    Attendance,
    Category,
    Decision,
    Language,
    MeetingKind,
    Nation,
    Rag,
    Role,
    Rsvp,
    SupporterKind,
)

NATION_NAMES: Mapping[Nation, str] = Translated(
    {
        Nation.ENG: N_("England"),
        Nation.WLS: N_("Wales"),
        Nation.SCT: N_("Scotland"),
        Nation.NIR: N_("Northern Ireland"),
    }
)

AGENCY_NAMES: Mapping[Agency, str] = Translated(
    {
        Agency.CHILDRENS_SOCIAL_CARE: N_("Children's social care"),
        Agency.FAMILY: N_("Family"),
        Agency.SCHOOL: N_("School"),
        Agency.EARLY_YEARS: N_("Early years"),
        Agency.HEALTH_VISITOR: N_("Health visitor"),
        Agency.SCHOOL_NURSE: N_("School nurse"),
        Agency.GP: N_("GP"),
        Agency.MIDWIFE: N_("Midwife"),
        # Spelt out: the family reads agency names on the case card and in the summary.
        Agency.CAMHS: N_("Children's mental health service (CAMHS)"),
        Agency.POLICE: N_("Police"),
        Agency.PROBATION: N_("Probation"),
        Agency.HOUSING: N_("Housing"),
        Agency.DOMESTIC_ABUSE: N_("Domestic abuse service"),
        Agency.ADULT_MENTAL_HEALTH: N_("Adult mental health"),
        Agency.SUBSTANCE_MISUSE: N_("Substance misuse service"),
        Agency.ADVOCACY: N_("Advocacy"),
        Agency.OTHER: N_("Other"),
    }
)

# The case card and status list people by role; professionals are listed by their agency.
ROLE_LABELS: Mapping[Role, str] = Translated(
    {
        Role.SOCIAL_WORKER: N_("Social worker"),
        Role.CHAIR: N_("Conference chair"),
        Role.FAMILY: N_("Family"),
        Role.ADVOCATE: N_("Advocate"),
        Role.FAMILY_SUPPORTER: N_("Family supporter"),
    }
)
# The review summary names every update's author by role.
ROLE_WORDS: Mapping[Role, str] = Translated(
    {
        Role.FAMILY: N_("Family"),
        Role.PROFESSIONAL: N_("Professional"),
        Role.SOCIAL_WORKER: N_("Social worker"),
        Role.CHAIR: N_("Chair"),
        Role.ADVOCATE: N_("Advocate"),
        Role.FAMILY_SUPPORTER: N_("Family supporter"),
    }
)


def meeting_heading(kind: MeetingKind, nation: Nation) -> str:
    """A meeting as a heading or list label, in its nation's words: "Review CPPM"."""
    return _(nation_rules(nation).words.heading(kind))


def meeting_words(kind: MeetingKind, nation: Nation, *, capital: bool = False) -> str:
    """A meeting in the middle of a sentence, in its nation's words: "review CPPM" (or, with
    `capital`, at its start: "Review CPPM", "Core group meeting")."""
    words = _(nation_rules(nation).words.meeting(kind))
    # Not str.capitalize(): it would lower "CPPM" and "Child Protection Planning Meeting".
    return words[:1].upper() + words[1:] if capital else words


# A meeting's words in the plural, as each nation says them (the catalog has each).
_PLURALS = (
    N_("review conferences"),
    N_("review CPPMs"),
    N_("review case conferences"),
    N_("core group meetings"),
    N_("initial conferences"),
)


def meetings_words(kind: MeetingKind, nation: Nation) -> str:
    """Meetings of a kind in the middle of a sentence, in the plural: "review conferences"."""
    return _(f"{nation_rules(nation).words.meeting(kind)}s")


def review_short(nation: Nation) -> str:
    """The review's short name in a notification: "RCPC" in England, "Review CPPM" in
    Scotland."""
    words = nation_rules(nation).words
    return words.review_abbreviation or words.review_heading


# Who came, in plain words: the attendance form's choices and the case's history alike.
# Sending apologies is not the same as not coming.
ATTENDANCE_LABELS: Mapping[Attendance, str] = Translated(
    {
        Attendance.PRESENT: N_("Came"),
        Attendance.LATE: N_("Came late"),
        Attendance.REPRESENTED: N_("Sent someone"),
        Attendance.APOLOGIES: N_("Sent apologies"),
        Attendance.ABSENT: N_("Did not come"),
    }
)

DECISION_WORDS: Mapping[Decision, str] = Translated(
    {
        Decision.CONTINUE: N_("continue the child protection plan"),
        Decision.STEP_DOWN: N_(
            "end the child protection plan and step down to a child in need plan"
        ),
        Decision.END: N_("end the child protection plan, with no further plan"),
    }
)

CATEGORY_WORDS: Mapping[Category, str] = Translated(
    {
        Category.NEGLECT: N_("neglect"),
        Category.PHYSICAL: N_("physical abuse"),
        Category.EMOTIONAL: N_("emotional abuse"),
        Category.SEXUAL: N_("sexual abuse"),
    }
)

RAG_NAMES: Mapping[Rag, str] = Translated(
    {Rag.RED: N_("Red"), Rag.AMBER: N_("Amber"), Rag.GREEN: N_("Green")}
)
# The grid reads in black and white too.
RAG_LETTERS: Mapping[Rag, str] = {Rag.RED: "R", Rag.AMBER: "A", Rag.GREEN: "G"}
# The family rates in their own words; the colours underneath are the same.
RAG_FAMILY_WORDS: Mapping[Rag, str] = Translated(
    {
        Rag.GREEN: N_("Going well"),
        Rag.AMBER: N_("Some progress"),
        Rag.RED: N_("Worried"),
    }
)
# What each of the family's words means, in the key of their copy's grid.
RAG_FAMILY_MEANINGS: Mapping[Rag, str] = Translated(
    {
        Rag.GREEN: N_("things are on track"),
        Rag.AMBER: N_("some things are better, some not yet"),
        Rag.RED: N_("the person is worried about this"),
    }
)
# Slack emoji beside a rating, in the update form, the summary and the digest alike.
RAG_EMOJI: Mapping[Rag, str] = {
    Rag.RED: ":red_circle:",
    Rag.AMBER: ":large_orange_circle:",
    Rag.GREEN: ":large_green_circle:",
}
# Unicode dots beside a rating in the summary's Markdown and HTML.
RAG_DOTS: Mapping[Rag, str] = {Rag.RED: "🔴", Rag.AMBER: "🟠", Rag.GREEN: "🟢"}

# How a reply to an invitation reads mid-sentence, in the case's history.
RSVP_WORDS: Mapping[Rsvp, str] = Translated(
    {
        Rsvp.ATTENDING: N_("coming"),
        Rsvp.REPRESENTATIVE: N_("sending someone"),
        Rsvp.APOLOGIES: N_("apologies"),
        Rsvp.NONE: N_("no reply"),
    }
)

# Who a family member would like to bring, as the choice in the form reads.
SUPPORTER_KIND_LABELS: Mapping[SupporterKind, str] = Translated(
    {
        SupporterKind.FRIEND: N_("A friend"),
        SupporterKind.RELATIVE: N_("A relative"),
        SupporterKind.ADVOCATE: N_("An advocate"),
        SupporterKind.INTERPRETER: N_("An interpreter"),
    }
)

# Each language in its own words, in every locale alike: a menu of languages must be read by
# someone who cannot read the one the page is in (as language switchers do). Welsh first.
LANGUAGE_AUTONYMS: Mapping[Language, str] = {
    Language.WELSH: "Cymraeg",
    Language.ENGLISH: "English",
    Language.BILINGUAL: "Dwyieithog (Cymraeg yn gyntaf) / Bilingual (Welsh first)",
}

# A language as a sentence names it, in the reader's language ("the area's language is now ...").
LANGUAGE_NAMES: Mapping[Language, str] = Translated(
    {
        Language.WELSH: N_("Welsh"),
        Language.ENGLISH: N_("English"),
        Language.BILINGUAL: N_("Welsh and English, Welsh first"),
    }
)

# A kind of message the bot sends, as a sentence names it ("I couldn't deliver {what} to ..."),
# with its article: the social worker hears what did not arrive, never the outbox's code word.
MESSAGE_KIND_WORDS: Mapping[MessageKind, str] = Translated(
    {
        MessageKind.INVITATION: N_("an invitation"),
        MessageKind.FAMILY_INVITATION: N_("an invitation written for the family"),
        MessageKind.QUORUM_WARNING: N_("a quorum warning"),
        MessageKind.ACTION_REMINDER: N_("a reminder about an action in the plan"),
        MessageKind.PROGRESS: N_("a note of which updates have come in"),
        MessageKind.PROMPT: N_("a request for an update"),
        MessageKind.CHASE: N_("a reminder that an update is due"),
        MessageKind.OVERDUE_NOTICE: N_("a note that an update is late"),
        MessageKind.ESCALATION: N_("a note to the chair that an update is still missing"),
        MessageKind.CHECK_IN: N_("a note that a family member's words have not come yet"),
        MessageKind.DIGEST: N_("the chair's digest"),
        MessageKind.ARRANGE_REMINDER: N_("a reminder to set a meeting's date"),
        MessageKind.HELD_CHECK: N_("a question whether a meeting was held"),
        MessageKind.FAMILY_COPY: N_(
            "a reminder to prepare the family with their copy of the summary"
        ),
        MessageKind.UNDELIVERED: N_("a note about a message that could not be delivered"),
        MessageKind.NEW_HARM: N_("an alert about new harm"),
        MessageKind.APPROVAL: N_("a request for the social worker's agreement"),
        MessageKind.APPROVAL_ANSWER: N_("the social worker's answer to a request"),
        MessageKind.PURGE_NOTICE: N_("a notice that a closed case's records will be deleted"),
        MessageKind.MEASURES_DIGEST: N_("a manager's monthly measures"),
    }
)

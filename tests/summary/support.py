"""Factories for summary tests (the Oak family's first review conference) and readers of output."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from pypdf import PdfReader

from bot.rules.vocabulary import ActionStatus, Attendance, Category, Rag, Role
from bot.summary import (
    AttendanceRecord,
    ChildView,
    Conference,
    CoreGroup,
    DigestInput,
    MemberUpdate,
    Outcome,
    Period,
    PlanAction,
    QuorumForecast,
    Rating,
    Report,
    SummaryInput,
    UpdateSection,
    harm_flags,
    rag_overview,
)
from bot.summary.model import FamilyMeeting
from tests.html_dom import Element, parse_page  # noqa: F401 (re-exported for the tests)

R, A, G = Rag.RED, Rag.AMBER, Rag.GREEN
CG1, CG2 = 101, 102
SCHOOL_RUN, CALM_HOME, HEALTH = 11, 12, 13

# Words that only professionals may read; none of them may reach the family's copy.
POLICE_INTELLIGENCE = "Intelligence from a neighbour: raised voices at the address on 21 Feb."
POLICE_WORRY = "A call-out on 21 Feb was logged; officers saw no injuries."
HOUSING_HELP = "A third party says the landlord plans to serve notice in April."
PROFESSIONAL_ONLY_WORDS = (POLICE_INTELLIGENCE, POLICE_WORRY, HOUSING_HELP)

# The six agencies of the core group, and the family, as the service labels their grid rows.
ROWS = (
    "Kerry (Family)",
    "Children's social care",
    "School",
    "Health visitor",
    "Police",
    "Housing",
    "Domestic abuse service",
)


def at(text: str) -> datetime:
    """A UTC instant from "2026-03-16 16:05"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _ratings() -> tuple[Rating, ...]:
    grid: dict[int, dict[str, tuple[Rag | None, Rag | None]]] = {
        SCHOOL_RUN: {
            "Kerry (Family)": (A, G),
            "Children's social care": (A, A),
            "School": (R, A),
            "Health visitor": (A, None),
        },
        CALM_HOME: {
            "Kerry (Family)": (A, A),
            "Children's social care": (R, A),
            "Police": (A, R),
            "Domestic abuse service": (None, A),
        },
        HEALTH: {
            "Children's social care": (R, A),
            "Health visitor": (R, G),
            "Housing": (G, G),
        },
    }
    notes = {
        (SCHOOL_RUN, CG2, "School"): "Jack was in on time 18 days out of 20 this half term.",
        (CALM_HOME, CG2, "Police"): "One call-out to the address in February.",
    }
    return tuple(
        Rating(outcome, cycle, who, rag, notes.get((outcome, cycle, who)))
        for outcome, rows in grid.items()
        for who, rags in rows.items()
        for cycle, rag in zip((CG1, CG2), rags, strict=True)
        if rag is not None
    )


def _updates() -> tuple[MemberUpdate, ...]:
    return (
        MemberUpdate(
            name="Sam Patel",
            agency="Children's social care",
            role=Role.SOCIAL_WORKER,
            submitted_at=at("2026-03-13 11:20"),
            going_well="Kerry has walked the children to school most mornings and it shows.",
            worries="The incident in February: Kerry and I have talked about a safety plan.",
            child_last_seen=date(2026, 3, 10),
            child_seen_alone=True,
            next_steps="Visit every two weeks and finish the safety plan with Kerry by 1 April.",
        ),
        MemberUpdate(
            name="Kerry",
            agency="Family",
            role=Role.FAMILY,
            submitted_at=at("2026-03-12 20:45"),
            going_well=(
                "We have a morning routine now. Jack sets the table for breakfast.\n\n"
                "Lily went to all her appointments since January."
            ),
            worries="I worry about money and the flat. Dan wants to see the kids more.",
            help_needed="Help with the rent arrears letter.",
        ),
        MemberUpdate(
            name="Ms Hughes",
            agency="School",
            role=Role.PROFESSIONAL,
            submitted_at=at("2026-03-12 15:30"),
            going_well="Jack is settled, eating breakfast at school club and joining in at play.",
            child_last_seen=date(2026, 3, 12),
            child_seen_alone=False,
            next_steps="Keep the breakfast club place until the summer.",
        ),
        MemberUpdate(
            name="PC Lewis",
            agency="Police",
            role=Role.PROFESSIONAL,
            submitted_at=at("2026-03-13 09:05"),
            worries=POLICE_WORRY,
            next_steps="Flag the address so any call-out is shared with the social worker.",
            professional_only=POLICE_INTELLIGENCE,
            professional_only_sections=frozenset({UpdateSection.WORRIES}),
        ),
        MemberUpdate(
            name="Tom Reid",
            agency="Housing",
            role=Role.PROFESSIONAL,
            submitted_at=at("2026-03-16 16:05"),
            late=True,
            going_well="The repairs to the children's bedroom are done.",
            help_needed=HOUSING_HELP,
            professional_only_sections=frozenset({UpdateSection.HELP_NEEDED}),
        ),
        MemberUpdate(
            name="Ana Costa",
            agency="Domestic abuse service",
            role=Role.PROFESSIONAL,
            submitted_at=at("2026-03-11 10:00"),
            going_well="Kerry has come to every session of the Freedom Programme.",
            new_harm=True,
            new_harm_detail=(
                "Kerry told me that on 14 Feb Dan pushed her in the kitchen. "
                "The children were upstairs and heard it."
            ),
            next_steps="Six more sessions; a safety plan review with Kerry on 24 March.",
        ),
    )


def oak_family(**changes: Any) -> SummaryInput:
    """The Oak family's first review conference: six agencies and the family, two core groups."""
    summary = SummaryInput(
        reference="oak-family",
        conference=Conference(
            label="Review conference 1",
            day=date(2026, 3, 19),
            starts_at=time(10, 0),
            place="Civic Offices, Room 4",
        ),
        period=Period(since=date(2026, 1, 7), until=date(2026, 3, 19)),
        family_description=(
            "Lily is 4. She loves drawing and the swings, and she sings all the time.\n"
            "Jack is 9. He is football mad and looks out for his little sister."
        ),
        child_views=(
            ChildView(
                by="Jack, through his advocate Mo",
                text="I like it when Mum walks us to school. I don't like shouting at night.",
                captured_on=date(2026, 3, 9),
            ),
        ),
        harm_to_address=(
            "The children saw and heard fights between the adults at home, and in October one "
            "became physical. Lily's health appointments were missed."
        ),
        harm_impact=(
            "Jack is anxious at bedtime and listens out for shouting. Lily's speech is behind "
            "where it should be."
        ),
        family_meeting=FamilyMeeting(
            children=("Jack, 9", "Lily, 4"),
            category=Category.EMOTIONAL,
            advocate="Mo, from the advocacy service",
            language="English",
        ),
        outcomes=(
            Outcome(SCHOOL_RUN, "Jack and Lily get to school and nursery every day, on time."),
            Outcome(CALM_HOME, "Home is calm: no fighting in front of the children."),
            Outcome(HEALTH, "Lily is brought to all her health appointments."),
        ),
        cycles=(
            CoreGroup(CG1, "Core group 1", date(2026, 1, 21)),
            CoreGroup(CG2, "Core group 2", date(2026, 3, 4)),
        ),
        ratings=_ratings(),
        updates=_updates(),
        actions=(
            PlanAction(
                "Walk the children to school and nursery", "Kerry", None, ActionStatus.OPEN, 11
            ),
            PlanAction(
                "Breakfast club place for Jack",
                "Ms Hughes",
                date(2026, 2, 2),
                ActionStatus.DONE,
                11,
            ),
            PlanAction(
                "Safety plan written with Kerry",
                "Sam Patel",
                date(2026, 3, 2),
                ActionStatus.OPEN,
                12,
            ),
            PlanAction("Parenting group", "Kerry", date(2026, 2, 16), ActionStatus.DROPPED, 12),
            PlanAction("Book Lily's hearing test", None, None, ActionStatus.OPEN, 13),
            PlanAction("Share the plan with the GP", "Sam Patel", None, ActionStatus.DONE),
        ),
        attendance=(
            AttendanceRecord(CG1, "Kerry", "Family", Attendance.PRESENT),
            AttendanceRecord(CG1, "Sam Patel", "Children's social care", Attendance.PRESENT),
            AttendanceRecord(CG1, "Ms Hughes", "School", Attendance.PRESENT),
            AttendanceRecord(CG1, "Priya Shah", "Health visitor", Attendance.LATE),
            AttendanceRecord(CG1, "PC Lewis", "Police", Attendance.REPRESENTED, "PC Grant"),
            AttendanceRecord(CG1, "Tom Reid", "Housing", Attendance.ABSENT),
            AttendanceRecord(CG2, "Kerry", "Family", Attendance.PRESENT),
            AttendanceRecord(CG2, "Sam Patel", "Children's social care", Attendance.PRESENT),
            AttendanceRecord(CG2, "Ms Hughes", "School", Attendance.PRESENT),
            AttendanceRecord(CG2, "PC Lewis", "Police", Attendance.PRESENT),
            AttendanceRecord(CG2, "Ana Costa", "Domestic abuse service", Attendance.PRESENT),
        ),
        reports=(
            Report("Ms Hughes", "School", date(2026, 3, 17), date(2026, 3, 12)),
            Report("Tom Reid", "Housing", date(2026, 3, 13), date(2026, 3, 16)),
            Report("Priya Shah", "Health visitor", date(2026, 3, 17), None),
        ),
    )
    return replace(summary, **changes)


def oak_digest(**changes: Any) -> DigestInput:
    """The chair's digest for the same conference, three days ahead."""
    summary = oak_family()
    digest = DigestInput(
        reference="oak-family",
        conference=summary.conference,
        quorum=QuorumForecast(
            quorate=False,
            confirmed=("Children's social care", "School"),
            short_by=1,
            not_replied=("Priya Shah (Health visitor)", "Tom Reid (Housing)"),
        ),
        reports=(*summary.reports, Report("PC Lewis", "Police", date(2026, 3, 17), None)),
        overview=rag_overview(summary),
        new_harm=harm_flags(summary),
        category=Category.EMOTIONAL,
    )
    return replace(digest, **changes)


def update(**fields: Any) -> MemberUpdate:
    """A professional's update with only the given fields."""
    defaults: dict[str, Any] = {
        "name": "Ms Hughes",
        "agency": "School",
        "role": Role.PROFESSIONAL,
        "submitted_at": at("2026-03-12 15:30"),
    }
    return MemberUpdate(**{**defaults, **fields})


# --- a large case --------------------------------------------------------------------------------

AGENCY_NAMES = (
    "Children's social care",
    "School",
    "Early years",
    "Health visitor",
    "School nurse",
    "GP",
    "Midwife",
    "CAMHS",
    "Police",
    "Probation",
    "Housing",
    "Domestic abuse service",
    "Adult mental health",
    "Substance misuse service",
    "Advocacy",
)


def paragraph(number: int, agency: str) -> str:
    """A plain paragraph of an update, numbered so a test can find it."""
    return (
        f"Paragraph {number} from {agency}: the children were seen at home and at school, the "
        "morning routine held on most days, and Kerry asked for help with the letters from the "
        "council. We agreed to meet again before the next core group & to share what we find."
    )


def big_case(agencies: int = 15, cycles: int = 4, paragraphs: int = 3) -> SummaryInput:
    """A case with many agencies, each rating every outcome at every core group."""
    names = AGENCY_NAMES[:agencies]
    groups = tuple(
        CoreGroup(200 + n, f"Core group {n + 1}", date(2026, 1, 5 + 7 * n)) for n in range(cycles)
    )
    outcomes = oak_family().outcomes
    rags = (R, A, G, A)
    ratings = tuple(
        Rating(outcome.id, group.id, agency, rags[(i + j + k) % 4], f"Note by {agency}.")
        for i, outcome in enumerate(outcomes)
        for j, agency in enumerate(names)
        for k, group in enumerate(groups)
    )
    updates = tuple(
        update(
            name=f"Worker {j + 1}",
            agency=agency,
            going_well="\n\n".join(paragraph(p, agency) for p in range(1, paragraphs + 1)),
            worries=f"A worry from {agency}.",
            next_steps=f"Next steps from {agency}.",
        )
        for j, agency in enumerate(names)
    )
    return oak_family(cycles=groups, ratings=ratings, updates=updates, attendance=())


# --- reading Slack blocks ------------------------------------------------------------------------


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """The text of each header, section and context block, in order."""
    texts: list[str] = []
    for block in blocks:
        if block["type"] in ("header", "section"):
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            texts += [element["text"] for element in block["elements"]]
    return texts


def messages_text(messages: list[list[dict[str, Any]]]) -> str:
    """Every message's text joined in order, as a reader scrolling down would read it."""
    return "\n".join(text for blocks in messages for text in block_texts(blocks))


def pdf_text(data: bytes) -> str:
    """The words of a PDF file, read back the way a person would see them printed."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

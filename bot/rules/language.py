"""Restorative language prompts: phrases worth reframing, each with a reason and a source."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Reframes are offered, never applied: the writer decides, and the text is never changed here.
# Every pattern is about how people are described, never about what happened to a child: words for
# harm (hit, injury, assault, bruising...) must stay exactly as written, so none appears below.

SEED_003 = "seed 003"
NSPCC = "NSPCC"
NSPCC_RESTORATIVE = "NSPCC; restorative guidance"
TACT = "TACT, Language that cares"

_DESCRIBE_BEHAVIOUR = (
    'Say what happened and how you know it, e.g. "Dad has not been in for the last three '
    'planned home visits."'
)
_LABEL_WHY = (
    "A label judges the family without saying what they did; the specific behaviour and its "
    "evidence are fairer to them and more useful to the plan."
)

# Words the family might use for themselves and the people around the child, for the "family
# time" sense of "contact". Bare "family" is left out: "contact with the family" is usually a
# professional's contact, which "family time" would not describe.
_RELATIVE = (
    r"(?:mum|mummy|mom|mother|dad|daddy|father|parents?|birth\s+(?:family|parents?|mum|mother|"
    r"dad|father)|grand(?:parents?|ma|mother|pa|dad|father)|nan|nana|nanny|gran|granny|"
    r"siblings?|brothers?|sisters?|aunt|auntie|uncle)"
)
_WHOSE = r"(?:(?:his|her|their|your|my|its|[A-Z][a-z]+['’]s)\s+)?"

# Only a child's appointment is "not brought"; these words say it was an appointment.
_APPOINTMENT = (
    r"(?:appointments?|clinic|check[-\s]?ups?|dentist|dental|optician|hospital|screening|"
    r"immuni[sz]ations?|vaccinations?|jabs?)"
)


@dataclass(frozen=True)
class Reframe:
    """A phrase found in someone's text, and a kinder, clearer way to say it."""

    found: str  # exactly as written, so it can be shown in context
    suggestion: str
    why: str
    source: str


@dataclass(frozen=True)
class _Phrase:
    name: str
    pattern: re.Pattern[str]
    suggestion: str
    why: str
    source: str


def _phrase(name: str, pattern: str, suggestion: str, why: str, source: str) -> _Phrase:
    return _Phrase(name, re.compile(pattern, re.IGNORECASE), suggestion, why, source)


_PHRASES = (
    _phrase(
        "worried your lack of engagement",
        r"\b(?:worried|concerned)\s+(?:that\s+)?your\s+lack\s+of\s+engagement\b",
        'Ask instead: "What could you do that would reduce professionals\' concerns?"',
        "A question invites the family to lead the change, rather than telling them they are "
        "the problem.",
        SEED_003,
    ),
    _phrase(
        "lack of engagement",
        r"\black\s+of\s+engagement\b",
        _DESCRIBE_BEHAVIOUR,
        _LABEL_WHY,
        NSPCC_RESTORATIVE,
    ),
    _phrase(
        "failed to engage",
        r"\bfail(?:ed|s|ing)?\s+to\s+engage\b",
        _DESCRIBE_BEHAVIOUR,
        _LABEL_WHY,
        NSPCC_RESTORATIVE,
    ),
    _phrase(
        "non-compliant",
        r"\bnon[-\s]?complian(?:t|ce)\b",
        _DESCRIBE_BEHAVIOUR,
        _LABEL_WHY,
        NSPCC_RESTORATIVE,
    ),
    _phrase(
        "uncooperative",
        r"\bun[-\s]?co-?operative\b",
        _DESCRIBE_BEHAVIOUR,
        _LABEL_WHY,
        NSPCC_RESTORATIVE,
    ),
    _phrase(
        "disguised compliance",
        r"\bdisguised\s+compliance\b",
        _DESCRIBE_BEHAVIOUR,
        "It claims to know what someone intends; what they did, and what changed or did not, "
        "is what the conference can weigh.",
        NSPCC_RESTORATIVE,
    ),
    _phrase(
        "did not attend",
        # Conservative: only where an appointment is named within the next few words.
        r"\b(?:did\s+not|didn['’]t|failed\s+to)\s+attend\b"
        rf"(?=(?:\W+\w+){{0,5}}?\W+{_APPOINTMENT}\b)",
        'If it was the child\'s appointment, say the child "was not brought".',
        "A child depends on an adult to take them; the words keep the focus on that adult's part.",
        NSPCC,
    ),
    _phrase(
        "hard to reach",
        r"\bhard[-\s]to[-\s]reach\b",
        "Describe the barrier to access, e.g. no phone credit, shifts, or meetings far away.",
        "It places the difficulty in the family; naming the barrier shows what services could "
        "change.",
        NSPCC,
    ),
    _phrase(
        "attention seeking",
        r"\battention[-\s]seek(?:ing|ers?)\b",
        'Say "attention needing".',
        "The child is showing a need for care and connection, which is something to meet.",
        NSPCC,
    ),
    _phrase(
        "contact",
        # Only the sense of a child's time with their family: not "contacted", "contact details",
        # "point of contact", a professional "in contact with" someone, or "direct contact".
        r"\b(?:supervised|unsupervised|sibling|family|overnight|staying)\s+contact\b"
        r"|\bcontact\s+(?:sessions?|centres?|centers?|visits?|arrangements?|supervisors?)\b"
        rf"|\b{_RELATIVE}['’]s?\s+contact\b(?!\s+(?:details|numbers?|information|address|email))"
        rf"|(?<!\bin\s)(?<!\bmade\s)(?<!\bmake\s)(?<!\bdirect\s)"
        rf"\bcontact\s+with\s+{_WHOSE}{_RELATIVE}\b",
        'If this is the child\'s time with their family, call it "family time".',
        '"Contact" is service language; "family time" says what it means to the child.',
        TACT,
    ),
    _phrase(
        "placement",
        # Not a work, school or student placement, nor the legal "placement order".
        r"(?<!-)(?<!\bwork\s)(?<!\bschool\s)(?<!\bstudent\s)(?<!\bcollege\s)(?<!\bjob\s)"
        r"(?<!\btraining\s)(?<!\bnursery\s)(?<!\buniversity\s)"
        r"\bplacements?\b(?!\s+orders?\b)",
        'If this is where the child lives, call it their "home".',
        'It is where the child lives; "placement" makes it sound temporary and official.',
        TACT,
    ),
    _phrase(
        "challenging behaviour",
        r"\bchallenging\s+behaviou?rs?\b",
        'Say "distressed behaviour", or name the unmet need behind it.',
        "Behaviour tells us something; naming the distress or need points to the help the child "
        "needs.",
        TACT,
    ),
)


def suggest_reframes(text: str) -> list[Reframe]:
    """Offer reframes for phrases in `text`, in the order they occur, each phrase at most once."""
    # Sorted by place, longest first; the phrase's index breaks ties without comparing phrases.
    matches = sorted(
        (match.start(), -match.end(), index)
        for index, phrase in enumerate(_PHRASES)
        for match in phrase.pattern.finditer(text)
    )
    reframes: list[Reframe] = []
    seen: set[str] = set()
    covered_to = 0
    for start, negative_end, index in matches:
        phrase = _PHRASES[index]
        # The longest match at a place wins, so the seed-003 question is not also offered its
        # shorter "lack of engagement" inside it.
        if start < covered_to:
            continue
        covered_to = -negative_end
        if phrase.name in seen:
            continue
        seen.add(phrase.name)
        reframes.append(
            Reframe(
                found=text[start:covered_to],
                suggestion=phrase.suggestion,
                why=phrase.why,
                source=phrase.source,
            )
        )
    return reframes

"""Plain language, measured: every text a family member receives reads at grade 8 or below.

Scored with textstat's Flesch-Kincaid grade, each line or bullet a sentence of its own, with
dates and people's names (their own words, not the bot's) left out of the count.
"""

from __future__ import annotations

import pytest

from bot.devtools.sandbox import Sandbox
from bot.rules.update_form import Audience
from bot.ui.update_texts import family_prompt, family_reminder_blocks
from bot.ui.updates import update_modal, update_receipt_blocks
from tests.readability import MAX_GRADE, block_texts, grade, plain

from .conftest import People
from .test_family_partners import family_journey

NAMES = (
    "oak-family",
    "Priya Shah",
    "Tom Okafor",
    "Ms Reed",
    "Jan Kowalski",
    "Alex Other",
    "Sam",
    "Dan (dad)",
    "Nana Rose",
    "Oak Primary School, family room",
    "Jo goes to school every day",
)
MEETING, DEADLINE = "core group meeting on Thu  3 Dec 2026", "Tue  1 Dec 2026"


def test_every_message_a_parent_receives_over_a_whole_case_reads_at_grade_8_or_below(
    sandbox: Sandbox, people: People
) -> None:
    family_journey(sandbox, people)
    scored = []
    for seen in sandbox.emulator.inspector.seen_by(people.mum):
        text = plain(block_texts(seen.blocks), names=NAMES)
        if text:
            scored.append((grade(text), seen.text, text))
    assert len(scored) >= 8  # invitations, prompts, the reminder, summary, decision, card...
    too_hard = [(g, what) for g, what, _ in scored if g > MAX_GRADE]
    assert too_hard == [], too_hard


def _form(audience: Audience, past_deadline: bool) -> list[str]:
    view = update_modal(
        request_id=1,
        case_reference="oak-family",
        meeting_label=MEETING,
        deadline_text=DEADLINE,
        outcomes=[(1, "Jo goes to school every day")],
        rag_meanings=("Going well", "Some progress", "Worried"),
        audience=audience,
        past_deadline=past_deadline,
    )
    blocks = view.to_dict()["blocks"]
    labels = [str(b["label"]["text"]) for b in blocks if b.get("type") == "input"]
    hints = [str(b["hint"]["text"]) for b in blocks if b.get("hint")]
    return [*block_texts(blocks), *labels, *hints]


FAMILY_TEXTS = {
    "prompt": lambda: block_texts(
        [b.to_dict() for b in family_prompt("oak-family", MEETING, DEADLINE, 1)]
    ),
    "reminder": lambda: block_texts(
        [
            b.to_dict()
            for b in family_reminder_blocks("oak-family", MEETING, DEADLINE, 1, with_family=None)
        ]
    ),
    "receipt": lambda: block_texts(
        [
            b.to_dict()
            for b in update_receipt_blocks(
                case_reference="oak-family", meeting_label=MEETING, deadline_text=DEADLINE
            )
        ]
    ),
    "late receipt": lambda: block_texts(
        [
            b.to_dict()
            for b in update_receipt_blocks(
                case_reference="oak-family",
                meeting_label=MEETING,
                deadline_text=DEADLINE,
                past_deadline=True,
            )
        ]
    ),
    "form": lambda: _form("family", past_deadline=False),
    "late form": lambda: _form("family", past_deadline=True),
}


@pytest.mark.parametrize("name", list(FAMILY_TEXTS))
def test_each_family_text_reads_at_grade_8_or_below(name: str) -> None:
    text = plain(FAMILY_TEXTS[name](), names=NAMES)
    assert text
    assert grade(text) <= MAX_GRADE, (grade(text), text)

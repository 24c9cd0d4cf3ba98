"""The Markdown summary: a golden file per audience, the restorative order, the grid as a table."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.rules.vocabulary import ActionStatus
from bot.summary import Audience, PlanAction, summary_markdown
from tests.summary.support import oak_family

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = "COREGROUP_UPDATE_GOLDEN"


@pytest.mark.parametrize("audience", list(Audience))
def test_the_oak_family_summary_matches_the_golden_file(audience: Audience) -> None:
    """Regenerate with COREGROUP_UPDATE_GOLDEN=1 pytest tests/summary, then read the diff."""
    text = summary_markdown(oak_family(), audience)
    golden = GOLDEN / f"oak_family_{audience}.md"
    if os.environ.get(UPDATE_GOLDEN):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_parts_come_in_the_order_of_a_restorative_conference() -> None:
    headings = re.findall(r"^## (.+)$", summary_markdown(oak_family(), Audience.FAMILY), re.M)

    assert headings == [
        "1. Your family's meeting",
        "2. The children, in the family's own words",
        "3. The children's own views",
        "4. The harm we need to talk about",
        "5. How this affects the children",
        "6. What the family have said",
        "7. What is going well",
        "8. What people are worried about",
        "9. What each person said",
        "10. Who is doing what",
        "11. How things are going",
    ]


def test_each_outcome_grid_is_a_table_with_a_letter_in_every_rated_cell() -> None:
    text = summary_markdown(oak_family(), Audience.PROFESSIONAL)

    assert "| Who | Core group 1 (21 Jan) | Core group 2 (4 Mar) | Trend |" in text
    assert "| School | 🔴 R | 🟠 A | ↑ improving |" in text
    assert "| Police | 🟠 A | 🔴 R | ↓ worsening |" in text
    assert "| Domestic abuse service | – | 🟠 A | new |" in text


def test_a_pipe_or_line_break_in_a_table_cell_cannot_break_the_table() -> None:
    walk = PlanAction("Walk to school | then nursery\nevery day", "Kerry", None, ActionStatus.OPEN)
    summary = oak_family(actions=(walk,))

    text = summary_markdown(summary, Audience.FAMILY)

    assert (
        "| Walk to school \\| then nursery every day | Kerry | No date set | In progress |" in text
    )


def test_peoples_line_breaks_are_kept_inside_their_quote() -> None:
    text = summary_markdown(oak_family(), Audience.FAMILY)

    assert (
        "> We have a morning routine now. Jack sets the table for breakfast.\n"
        ">\n"
        "> Lily went to all her appointments since January.\n"
    ) in text
    assert (
        "> Lily is 4. She loves drawing and the swings, and she sings all the time.  \n> Jack is 9."
    ) in text

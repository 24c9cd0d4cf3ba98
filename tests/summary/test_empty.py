"""Nothing is ever silently empty: a missing part is named, plainly, in every output."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.summary import Audience, SummaryInput, summary_blocks, summary_html, summary_markdown
from bot.summary.model import FamilyMeeting
from tests.summary.support import messages_text, oak_family, parse_page


def as_markdown(summary: SummaryInput) -> str:
    return summary_markdown(summary, Audience.FAMILY)


def as_html_text(summary: SummaryInput) -> str:
    return parse_page(summary_html(summary, Audience.FAMILY)).text


def as_blocks_text(summary: SummaryInput) -> str:
    return messages_text(summary_blocks(summary, Audience.FAMILY))


OUTPUTS: list[Callable[[SummaryInput], str]] = [as_markdown, as_html_text, as_blocks_text]


@pytest.mark.parametrize("output", OUTPUTS)
def test_no_childs_views_says_not_yet_captured(output: Callable[[SummaryInput], str]) -> None:
    text = output(oak_family(child_views=()))

    assert "Not yet captured." in text
    assert "Not yet captured." not in output(oak_family())


@pytest.mark.parametrize("output", OUTPUTS)
def test_a_case_with_nothing_recorded_names_every_gap(
    output: Callable[[SummaryInput], str],
) -> None:
    bare = oak_family(
        family_description=None,
        child_views=(),
        harm_to_address=None,
        harm_impact=None,
        family_meeting=FamilyMeeting(),
        outcomes=(),
        cycles=(),
        ratings=(),
        updates=(),
        actions=(),
        attendance=(),
        reports=(),
    )

    text = " ".join(output(bare).split())

    for gap in (
        "Not yet written. The family can describe the children",
        "Not yet captured.",
        "Not yet recorded. The conference will name the harm",
        "The plan has no outcomes recorded yet.",
        "No one has written about what is going well yet.",
        "No one reported new harm in their update.",
        "No worries were written down.",
        "No updates have been received.",
        "The plan has no actions recorded yet.",
        "Not yet recorded. The conference will talk about how the harm affects the children.",
        "The family have not sent their own words yet.",
    ):
        assert gap in text
    # Attendance and reports are in the professionals' copy only; there they name their gaps.
    professional = " ".join(summary_markdown(bare, Audience.PROFESSIONAL).split())
    for gap in ("No core group met in this period.", "Every report arrived on time."):
        assert gap not in text
        assert gap in professional


@pytest.mark.parametrize("output", OUTPUTS)
def test_nothing_reads_not_yet_when_the_agenda_is_filled(
    output: Callable[[SummaryInput], str],
) -> None:
    text = " ".join(output(oak_family()).split())

    for gap in ("Not yet written", "Not yet recorded", "Not yet captured", "have not sent"):
        assert gap not in text
    for filled in ("Jack, 9; Lily, 4", "emotional abuse", "Mo, from the advocacy service"):
        assert filled in text
    assert "Jack is anxious at bedtime" in text

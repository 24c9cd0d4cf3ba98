"""Nothing is ever silently empty: a missing part is named, plainly, in every output."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.summary import Audience, SummaryInput, summary_blocks, summary_html, summary_markdown
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
        "No core group met in this period.",
        "Every report arrived on time.",
    ):
        assert gap in text

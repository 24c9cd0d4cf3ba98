"""The chair's digest: quorum and who has not replied, reports, progress, new harm, decisions."""

from __future__ import annotations

import os
from pathlib import Path

from slack_sdk.models.blocks import Block

from bot.summary import (
    QuorumForecast,
    digest_blocks,
    digest_markdown,
    digest_notification_text,
    summary_notification_text,
)
from bot.summary.blocks import MAX_BLOCKS
from tests.summary.support import block_texts, oak_digest

GOLDEN = Path(__file__).parent / "golden" / "oak_family_digest.md"
UPDATE_GOLDEN = "COREGROUP_UPDATE_GOLDEN"


def test_the_oak_family_digest_matches_the_golden_file() -> None:
    """Regenerate with COREGROUP_UPDATE_GOLDEN=1 pytest tests/summary, then read the diff."""
    text = digest_markdown(oak_digest())
    if os.environ.get(UPDATE_GOLDEN):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_notification_texts_name_only_the_case_reference() -> None:
    assert summary_notification_text("oak-family") == "Review conference summary for oak-family"
    assert digest_notification_text("oak-family") == "RCPC chair's digest for oak-family"
    assert digest_notification_text("<!channel>") == "RCPC chair's digest for &lt;!channel&gt;"


def test_the_digest_is_one_valid_message() -> None:
    blocks = digest_blocks(oak_digest())

    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    assert [b["text"]["text"] for b in blocks if b["type"] == "header"] == [
        "Chair's digest: oak-family",
        "Quorum",
        "Reports",
        "Progress on each outcome",
        "New harm",
        "What the conference may decide",
    ]


def test_the_digest_lists_who_has_not_replied_and_the_missing_reports() -> None:
    markdown = digest_markdown(oak_digest())
    slack = "\n".join(block_texts(digest_blocks(oak_digest())))

    for text in (markdown, slack):
        assert "Not quorate on the replies so far: short by 1 agency." in text
        assert "Priya Shah (Health visitor); Tom Reid (Housing)" in text
        assert "Priya Shah (Health visitor): due Tue 17 Mar 2026. Not received yet." in text
        assert "PC Lewis (Police): due Tue 17 Mar 2026. Not received yet." in text
        assert "Tom Reid (Housing): due Fri 13 Mar 2026. Received Mon 16 Mar 2026, after" in text


def test_the_digest_flags_new_harm_but_leaves_the_detail_to_the_summary() -> None:
    slack = "\n".join(block_texts(digest_blocks(oak_digest())))
    markdown = digest_markdown(oak_digest())

    for text in (markdown, slack):
        assert "New harm reported by Ana Costa (Domestic abuse service) in their update of" in text
        assert "The detail is in the summary." in text
        assert "pushed" not in text


def test_a_quorate_conference_with_everyone_replied_says_so() -> None:
    digest = oak_digest(
        quorum=QuorumForecast(True, ("Children's social care", "School", "Police"), 0, ()),
        new_harm=(),
    )

    text = "\n".join(block_texts(digest_blocks(digest)))

    assert "Quorate on the replies so far." in text
    assert "Everyone invited has replied." in text
    assert "No one reported new harm in their update." in text


def test_the_decisions_name_every_category_and_both_ways_to_end_the_plan() -> None:
    text = digest_markdown(oak_digest())

    assert (
        "- Continue the plan, under one category: neglect, physical abuse, emotional abuse, "
        "sexual abuse (the plan is currently under emotional abuse)."
    ) in text
    assert "- End the plan and step down to a child in need plan." in text
    assert "- End the plan, with no further plan." in text

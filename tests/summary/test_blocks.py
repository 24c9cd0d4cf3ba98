"""The Slack post: valid Block Kit, at most 50 blocks a message, long text split and never lost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.rules.escape import escape_mrkdwn
from bot.summary import Audience, summary_blocks
from bot.summary.blocks import MAX_BLOCKS, MAX_SECTION_TEXT, split_text
from tests.summary.support import (
    big_case,
    block_texts,
    messages_text,
    oak_family,
    paragraph,
    update,
)

# The order of a restorative conference (seed 003), then the professionals' accounting.
PART_TITLES = [
    "1. The family's meeting",
    "2. The children, as the family describe them",
    "3. The children's views",
    "4. The harm this conference needs to address",
    "5. The impact on the children",
    "6. The family reflect",
    "7. What is going well",
    "8. Worries and any new harm",
    "9. Each person's update",
    "10. Support and contributions: actions and where they are",
    "11. Progress on each outcome",
    "12. Attendance at core groups",
    "13. Reports missing or late",
]
# The family's copy: their own headings, and no attendance or reports.
FAMILY_PART_TITLES = [
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
TITLES = {Audience.PROFESSIONAL: PART_TITLES, Audience.FAMILY: FAMILY_PART_TITLES}


def assert_valid_messages(messages: list[list[dict[str, Any]]]) -> None:
    for blocks in messages:
        assert 0 < len(blocks) <= MAX_BLOCKS
        for block in blocks:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
            if block["type"] == "section":
                assert 0 < len(block["text"]["text"]) <= MAX_SECTION_TEXT


def headers(messages: list[list[dict[str, Any]]]) -> list[str]:
    return [b["text"]["text"] for blocks in messages for b in blocks if b["type"] == "header"]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("audience", list(Audience))
def test_the_oak_family_summary_is_one_valid_message_with_every_part_in_order(
    audience: Audience,
) -> None:
    messages = summary_blocks(oak_family(), audience)

    assert len(messages) == 1
    assert_valid_messages(messages)
    assert headers(messages) == ["Review conference summary: oak-family", *TITLES[audience]]


def test_the_grid_reads_at_a_glance_with_a_letter_beside_each_colour() -> None:
    text = messages_text(summary_blocks(oak_family(), Audience.PROFESSIONAL))

    assert "*Outcome 2: Home is calm: no fighting in front of the children.*" in text
    assert "_Core group 1 (21 Jan) · Core group 2 (4 Mar) · trend_" in text
    assert "Police: :large_orange_circle: A · :red_circle: R · _↓ worsening_" in text
    assert "Domestic abuse service: – · :large_orange_circle: A · _new_" in text


def test_a_summary_larger_than_one_message_is_split_in_order_with_nothing_lost() -> None:
    summary = big_case(agencies=15, cycles=4, paragraphs=6)

    messages = summary_blocks(summary, Audience.PROFESSIONAL)

    assert len(messages) > 1
    assert_valid_messages(messages)
    assert headers(messages) == ["Review conference summary: oak-family", *PART_TITLES]
    # Every message says where it sits in the whole.
    assert [block_texts(m)[-1] for m in messages] == [
        f"Part {n} of {len(messages)}" for n in range(1, len(messages) + 1)
    ]
    # Read in order, the messages hold every person's words whole and in order.
    text = words(messages_text(messages))
    position = 0
    for person in summary.updates:
        assert person.going_well is not None
        found = text.find(words(escape_mrkdwn(person.going_well)), position)
        assert found >= 0, f"{person.agency}'s words are incomplete or out of order"
        position = found


def test_a_heading_never_ends_a_message() -> None:
    messages = summary_blocks(big_case(paragraphs=6), Audience.PROFESSIONAL)

    for blocks in messages:
        content = [b for b in blocks if b["type"] != "context"]
        assert content[-1]["type"] != "header"


def test_an_update_longer_than_a_section_is_split_across_consecutive_sections() -> None:
    long_words = "\n\n".join(paragraph(n, "School") for n in range(1, 40))
    assert len(long_words) > 2 * MAX_SECTION_TEXT
    summary = oak_family(updates=(update(next_steps=long_words),))

    messages = summary_blocks(summary, Audience.FAMILY)

    assert_valid_messages(messages)
    texts = [
        text
        for blocks in messages
        for text in block_texts([b for b in blocks if b["type"] != "context"])
    ]
    start = next(i for i, t in enumerate(texts) if t.startswith("*Ms Hughes (School)*"))
    pieces = [texts[start]]
    while not texts[len(pieces) + start].startswith("10. "):
        pieces.append(texts[start + len(pieces)])
    assert len(pieces) >= 3
    assert words(" ".join(pieces)).endswith(words(escape_mrkdwn(long_words)))
    # Split at paragraph breaks: every piece after the first starts a paragraph.
    assert all(piece.startswith("Paragraph ") for piece in pieces[1:])


def test_split_text_cuts_an_unbroken_run_without_breaking_an_entity() -> None:
    text = "x" * 2997 + "&amp;" + "y" * 10

    pieces = split_text(text, 3000)

    assert pieces == ["x" * 2997, "&amp;" + "y" * 10]


@given(
    st.text(alphabet=st.sampled_from("ab &<>\n"), max_size=400),
    st.integers(min_value=20, max_value=120),
)
def test_split_text_keeps_every_word_and_respects_the_limit(raw: str, limit: int) -> None:
    text = escape_mrkdwn(raw)

    pieces = split_text(text, limit)

    assert all(0 < len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    # No piece starts or ends inside an entity.
    for piece in pieces:
        assert not piece.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt"))


def test_blocks_are_plain_json() -> None:
    messages = summary_blocks(oak_family(), Audience.PROFESSIONAL)

    assert json.loads(json.dumps(messages)) == messages


def test_the_family_copy_rates_in_the_family_s_own_words_never_letters() -> None:
    text = messages_text(summary_blocks(oak_family(), Audience.FAMILY))

    assert "Police: :large_orange_circle: Some progress · :red_circle: Worried · _↓ worsening_" in (
        text
    )
    assert ":large_green_circle: Going well: things are on track" in text
    assert "No progress, worse, or overdue" not in text  # the professionals' key stays theirs

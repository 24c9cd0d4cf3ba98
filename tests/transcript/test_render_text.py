"""The plain-text transcript: what each person saw, in order, readable without Slack."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from bot.devtools.transcript import PersonTranscript, Seen, render_text
from tests.transcript.support import (
    CHANNEL,
    INVITATION_BLOCKS,
    UPDATE_MODAL_BLOCKS,
    USER_NAMES,
    at,
    sample_transcript,
)

GOLDEN = Path(__file__).parent / "golden" / "social_worker.txt"
UPDATE_GOLDEN = "COREGROUP_UPDATE_GOLDEN"


def text_of(*seen: Seen) -> str:
    return render_text(PersonTranscript("U0FAM", "Jo Oak", "Family", seen), USER_NAMES)


def test_the_social_worker_transcript_matches_the_golden_file() -> None:
    """Regenerate with COREGROUP_UPDATE_GOLDEN=1 pytest tests/transcript, then read the diff."""
    transcript = sample_transcript()
    text = render_text(transcript.people[0], transcript.user_names)
    if os.environ.get(UPDATE_GOLDEN):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_each_item_names_time_place_author_and_kind_in_london_time() -> None:
    text = text_of(
        Seen(at("2026-06-08 08:30"), CHANNEL, "message", "Core Group", "Case OAK-1: BST"),
        Seen(at("2026-12-07 09:30"), "Home tab", "home", "Core Group", ""),
    )
    lines = text.splitlines()
    assert lines[:2] == ["Jo Oak (Family, U0FAM)", "=" * 22]
    assert "Mon 8 Jun 2026, 09:30 · #oak-family (private channel) · Core Group · message" in lines
    assert "Mon 7 Dec 2026, 09:30 · Home tab · Core Group · Home tab" in lines


def test_section_text_and_button_labels_appear_in_the_order_seen() -> None:
    text = text_of(
        Seen(at("2026-12-07 09:30"), CHANNEL, "message", "Core Group", "Case", INVITATION_BLOCKS)
    )
    wanted = [
        "Notification: Case",
        "Core group meeting: OAK-1234",
        "Hello @Jo Oak, the core group meets next week. <b>Bring</b>",
        "[ Add to calendar ]",
        "[ Give your update ]  [ I can't attend ]  [ Cancel meeting ]",
        "[ Choose a rating ▾ ]  [ Mon 14 Dec 2026 ▾ ]  [ @Ms Green ▾ ]  [ … ]",
        "[image: logo] · Case OAK-1234 · set up by @Sam Patel",
    ]
    positions = [text.index(line) for line in wanted]
    assert positions == sorted(positions)


def test_fields_read_as_two_columns() -> None:
    text = text_of(
        Seen(at("2026-12-07 09:30"), CHANNEL, "message", "Core Group", "Case", INVITATION_BLOCKS)
    )
    assert "    Date" + " " * 34 + "Time\n    Mon 14 Dec 2026" in text


def test_modal_inputs_read_as_labels_with_blanks_and_its_buttons_follow() -> None:
    text = text_of(
        Seen(
            at("2026-12-07 09:30"),
            "Modal",
            "modal",
            "Core Group",
            "",
            UPDATE_MODAL_BLOCKS,
            title="Give your update",
        )
    )
    assert "    Title: Give your update\n" in text
    assert "    How are things going?: ( ) Red  (•) Amber  ( ) Green\n" in text
    assert "    What has gone well: ____\n      Plain words; the family reads this.\n" in text
    assert "    Next visit (optional): [ Select a date ▾ ]\n" in text
    assert text.rstrip().endswith("[ Cancel ]  [ Submit ]")


def test_a_plain_message_is_its_text_with_mrkdwn_read_out() -> None:
    text = text_of(
        Seen(
            at("2026-12-07 09:30"),
            CHANNEL,
            "message",
            "Sam Patel",
            "*Thanks* <@U0FAM> &amp; see <https://x.org/f|the form>",
            edited=True,
        )
    )
    assert "· Sam Patel · message (edited)\n" in text
    assert "    Thanks @Jo Oak & see the form (https://x.org/f)\n" in text
    assert "Notification:" not in text  # the text is the message itself


def test_a_person_who_saw_nothing_says_so() -> None:
    assert text_of() == "Jo Oak (Family, U0FAM)\n" + "=" * 22 + "\n\nNothing seen.\n"


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        Seen(datetime(2026, 12, 7, 9, 30), CHANNEL, "message", "Core Group", "Case")

"""An update a cover sent is shown as "sent by X for Y" wherever it is shown."""

from __future__ import annotations

from bot.summary import (
    Audience,
    digest_blocks,
    digest_markdown,
    harm_flags,
    summary_blocks,
    summary_markdown,
)
from tests.summary.support import block_texts, messages_text, oak_digest, oak_family, update

COVERED = update(
    name="Ms Hughes",
    going_well="Settled in class",
    new_harm=True,
    new_harm_detail="A bruise seen on Monday",
    sent_by="Mr Hale",
)


def test_the_summary_says_who_sent_an_update_for_whom_in_every_copy() -> None:
    summary = oak_family(updates=(COVERED,))
    for audience in Audience:
        assert "sent by Mr Hale for Ms Hughes" in summary_markdown(summary, audience)
        assert "sent by Mr Hale for Ms Hughes" in messages_text(summary_blocks(summary, audience))


def test_the_digest_says_who_sent_a_harm_flag_for_whom() -> None:
    digest = oak_digest(new_harm=harm_flags(oak_family(updates=(COVERED,))))
    assert "sent by Mr Hale for Ms Hughes" in digest_markdown(digest)
    assert "sent by Mr Hale for Ms Hughes" in " ".join(block_texts(digest_blocks(digest)))


def test_an_update_sent_by_its_member_says_nothing_of_the_kind() -> None:
    summary = oak_family(updates=(update(going_well="Settled in class"),))
    assert "sent by" not in summary_markdown(summary, Audience.PROFESSIONAL)

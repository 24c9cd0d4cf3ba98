"""The review summary and the chair's digest in Welsh and bilingually (Welsh first): every sentence
of the bot in Welsh, no English sentence of the catalog showing through, Slack's limits held, and
English exactly as it was."""

from __future__ import annotations

import html
import re
from dataclasses import fields, is_dataclass, replace
from typing import Any

import pytest

from bot.rules.i18n import ENGLISH, WELSH, speaking
from bot.rules.vocabulary import Language
from bot.summary import (
    Audience,
    digest_blocks,
    digest_markdown,
    digest_notification_text,
    summary_blocks,
    summary_headline_blocks,
    summary_html,
    summary_markdown,
    summary_notification_text,
)
from bot.summary.blocks import MAX_HEADER_TEXT
from bot.summary.model import FamilyMeeting
from tests.html_dom import parse_page
from tests.summary.support import (
    big_case,
    block_texts,
    messages_text,
    oak_digest,
    oak_family,
    update,
)
from tests.summary.test_blocks import assert_valid_messages
from tests.test_i18n import _english_fragments

# Where people's own words are kept: they stay as they were typed, in any language.
_PEOPLE_S_WORDS = frozenset(
    {
        "text",
        "wording",
        "description",
        "note",
        "going_well",
        "worries",
        "next_steps",
        "help_needed",
        "professional_only",
        "new_harm_detail",
        "family_description",
        "harm_to_address",
        "harm_impact",
        "by",
        "name",
        "place",
        "advocate",
        "language",
        "children",
    }
)


def _people_s_words(value: object, name: str = "") -> list[str]:
    """Every free text people typed into the values a summary is rendered from."""
    if is_dataclass(value) and not isinstance(value, type):
        found: list[str] = []
        for field in fields(value):
            found += _people_s_words(getattr(value, field.name), field.name)
        return found
    if isinstance(value, tuple):
        return [text for item in value for text in _people_s_words(item, name)]
    if isinstance(value, str) and name in _PEOPLE_S_WORDS:
        return [value]
    return []


def _words(text: str) -> str:
    return " ".join(re.findall(r"[A-Za-z']+", html.unescape(text)))


def _leaks(rendered: str, source: object) -> list[str]:
    """English sentences of the catalog in a rendering, once people's own words are set aside."""
    said = _words(rendered)
    for typed in sorted(_people_s_words(source), key=len, reverse=True):
        said = said.replace(_words(typed), " ")
    return [fragment for fragment in _english_fragments() if fragment in said]


# A summary that fills every part: a family meeting with an advocate and an interpreter, a late
# update, a cover who sent one, and a child seen alone.
def _full_summary() -> Any:
    summary = oak_family(
        family_meeting=FamilyMeeting(
            children=("Lily, 4", "Jack, 9"),
            advocate="Mo",
            language="Polish",
            interpreter_needed=True,
        ),
    )
    extra = update(
        name="Ms Hughes",
        agency="School",
        going_well="Da iawn.",
        child_seen_alone=True,
        sent_by="Mr Jones",
    )
    return replace(summary, updates=(*summary.updates, extra))


def _every_rendering(language: Language | None) -> list[str]:
    summary = _full_summary()
    digest = oak_digest()
    said = [
        summary_notification_text(summary.reference, summary.review_heading, language),
        digest_notification_text(digest.reference, digest.review_short, language),
        digest_markdown(digest, language),
        messages_text([digest_blocks(digest, language)]),
    ]
    for audience in Audience:
        said += [
            summary_markdown(summary, audience, language),
            summary_html(summary, audience, language),
            messages_text(summary_blocks(summary, audience, language)),
            messages_text(summary_headline_blocks(summary, audience, language)),
        ]
    return said


def test_in_welsh_no_english_sentence_of_the_catalog_shows_through() -> None:
    for rendering in _every_rendering(Language.WELSH):
        leaks = _leaks(rendering, (_full_summary(), oak_digest()))
        assert not leaks, (leaks[:5], rendering[:300])
    welsh = "\n".join(_every_rendering(Language.WELSH))
    for said in ("Crynodeb (Cynhadledd adolygu): oak-family", "Crynhoad y cadeirydd", "Cworwm"):
        assert said in welsh
    # The same check sees English where English is meant: it can find a leak.
    english = "\n".join(_every_rendering(Language.ENGLISH))
    assert len(_leaks(english, (_full_summary(), oak_digest()))) > 40


def test_the_locale_under_way_is_the_language_when_none_is_given() -> None:
    summary = oak_family()
    with speaking(WELSH):
        assert summary_markdown(summary, Audience.FAMILY) == summary_markdown(
            summary, Audience.FAMILY, Language.WELSH
        )
        # Explicitly English inside a Welsh rendering is English.
        english = summary_markdown(summary, Audience.FAMILY, Language.ENGLISH)
    assert english == summary_markdown(summary, Audience.FAMILY)
    assert english.startswith("# Review conference summary: oak-family")


@pytest.mark.parametrize("audience", list(Audience))
def test_bilingual_documents_are_welsh_first_then_english_in_one(audience: Audience) -> None:
    summary = oak_family()
    markdown = summary_markdown(summary, audience, Language.BILINGUAL)
    assert markdown.startswith("# Crynodeb (Cynhadledd adolygu): oak-family\n")
    welsh, english = markdown.split("\n---\n\n")
    assert welsh == summary_markdown(summary, audience, Language.WELSH)
    assert english == summary_markdown(summary, audience, Language.ENGLISH)

    page = summary_html(summary, audience, Language.BILINGUAL)
    assert page.count("<html") == 1 and page.count("</body>") == 1
    assert '<html lang="cy">' in page
    assert page.index("Crynodeb (Cynhadledd adolygu)") < page.index('<div lang="en-GB">')
    assert page.index('<div lang="en-GB">') < page.index("Review conference summary")
    root = parse_page(page)
    assert root is not None


def test_a_welsh_page_says_it_is_welsh_and_an_english_one_is_unchanged() -> None:
    summary = oak_family()
    assert '<html lang="en-GB">' in summary_html(summary, Audience.FAMILY)
    assert '<html lang="cy">' in summary_html(summary, Audience.FAMILY, Language.WELSH)


@pytest.mark.parametrize("language", [Language.WELSH, Language.BILINGUAL])
def test_welsh_and_bilingual_summaries_and_digest_hold_slacks_limits(language: Language) -> None:
    for summary in (oak_family(), big_case()):
        for audience in Audience:
            messages = summary_blocks(summary, audience, language)
            assert_valid_messages(messages)
            headline = summary_headline_blocks(summary, audience, language)
            assert_valid_messages(headline)
            assert len(headline) == 1  # Welsh and English in the one message the channel gets
            for blocks in (*messages, *headline):
                for block in blocks:
                    if block["type"] == "header":
                        assert len(block["text"]["text"]) <= MAX_HEADER_TEXT
    assert_valid_messages([digest_blocks(oak_digest(), language)])


def test_bilingual_slack_messages_put_the_welsh_first() -> None:
    summary = oak_family()
    (headline,) = summary_headline_blocks(summary, Audience.FAMILY, Language.BILINGUAL)
    texts = "\n".join(block_texts(headline))
    assert texts.index("Crynodeb (Cynhadledd adolygu)") < texts.index("Review conference summary")
    assert [b["type"] for b in headline].count("divider") == 1
    whole = messages_text(summary_blocks(summary, Audience.FAMILY, Language.BILINGUAL))
    assert whole.index("Cyfarfod eich teulu") < whole.index("Your family's meeting")
    digest = "\n".join(block_texts(digest_blocks(oak_digest(), Language.BILINGUAL)))
    assert digest.index("Crynhoad y cadeirydd: oak-family") < digest.index("Chair's digest")
    text = summary_notification_text("oak-family", language=Language.BILINGUAL)
    assert text == "Crynodeb (Cynhadledd adolygu) ar gyfer oak-family\n" + (
        "Review conference summary for oak-family"
    )


@pytest.mark.parametrize(
    ("children", "welsh"), [("the baby", "y babi"), ("the child", "y plentyn")]
)
def test_welsh_headings_name_one_child_or_the_baby_as_the_english_do(
    children: str, welsh: str
) -> None:
    summary = oak_family(children=children, family_description=None)
    for audience in Audience:
        said = summary_markdown(summary, audience, Language.WELSH).lower()
        headings = [line for line in said.split("\n") if line.startswith("## ")]
        assert not [h for h in headings if "y plant" in h or "'r plant" in h], headings
        assert any(welsh in h for h in headings), headings
        assert f"gall y teulu ddisgrifio'r {welsh.removeprefix('y ')}" in said


def test_dates_and_words_gathered_in_english_are_read_in_welsh() -> None:
    with speaking(WELSH):
        markdown = summary_markdown(oak_family(), Audience.PROFESSIONAL)
        digest = digest_markdown(oak_digest())
    assert "Cynhadledd adolygu 1 · Iau 19 Maw 2026 am 10:00" in markdown
    assert "Grŵp craidd 1" in markdown
    assert "Gofal cymdeithasol i blant" in digest
    with speaking(ENGLISH):
        assert "Review conference 1 · Thu 19 Mar 2026 at 10:00" in summary_markdown(
            oak_family(), Audience.PROFESSIONAL
        )

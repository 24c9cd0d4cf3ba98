"""People's words come out literally everywhere: no pings, no hidden links, no markup, no code."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from bot.rules.escape import escape_mrkdwn
from bot.rules.vocabulary import Rag
from bot.summary import (
    Audience,
    ChildView,
    Outcome,
    Rating,
    SummaryInput,
    summary_blocks,
    summary_html,
    summary_markdown,
)
from bot.summary.render import escape_markdown
from tests.summary.support import CG1, oak_family, parse_page, update

ATTEMPTS = [
    "<!everyone>",
    "<!channel> <@U123ABC>",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}",
    "<https://evil.example|click>",
    "[click](https://evil.example)",
    "Tom & Jerry > Kerry < Dan",
]


def summary_with(words: str) -> SummaryInput:
    """The attempt in every kind of place people's words reach: prose, quotes, names, cells."""
    return oak_family(
        family_description=f"Family: {words}",
        child_views=(ChildView(f"Advocate {words}", f"Child: {words}", oak_family().period.until),),
        outcomes=(Outcome(11, f"Outcome: {words}"),),
        ratings=(Rating(11, CG1, f"Rater {words}", Rag.AMBER, f"Note: {words}"),),
        updates=(
            update(
                name=f"Name {words}",
                going_well=f"Going well: {words}",
                worries=f"Worry: {words}",
                next_steps=f"Next: {words}",
                new_harm=True,
                new_harm_detail=f"Harm: {words}",
            ),
        ),
        actions=(),
        attendance=(),
    )


@pytest.mark.parametrize("words", ATTEMPTS)
def test_the_markdown_shows_an_attempt_escaped_and_never_raw(words: str) -> None:
    text = summary_markdown(summary_with(words), Audience.PROFESSIONAL)

    for label in ("Family", "Child", "Going well", "Worry", "Next", "Harm", "Note"):
        assert f"{label}: {escape_markdown(words)}" in text
    # Escaped with backslashes, so what a Markdown reader draws has no tag, link or HTML in it.
    for token in MarkdownIt("gfm-like").parse(text):
        assert token.type != "html_block"
        for child in token.children or []:
            assert child.type not in ("html_inline", "link_open", "image")
    assert "&amp;" not in text and "&lt;" not in text
    assert "49" not in text and "yes" not in text.replace(escape_markdown(words), "")


@pytest.mark.parametrize("words", ATTEMPTS)
def test_the_html_shows_an_attempt_as_text_and_never_as_markup(words: str) -> None:
    html = summary_html(summary_with(words), Audience.PROFESSIONAL)
    root = parse_page(html)

    assert "<script>" not in html and "<!everyone" not in html
    assert not [e for e in root.iter() if e.tag in ("script", "a")]
    text = root.text
    for label in ("Family", "Child", "Going well", "Worry", "Next", "Harm", "Note", "Outcome"):
        assert f"{label}: {' '.join(words.split())}" in text
    assert "49" not in text


@pytest.mark.parametrize("words", ATTEMPTS)
def test_the_slack_blocks_show_an_attempt_escaped_so_it_cannot_ping_or_hide_a_link(
    words: str,
) -> None:
    messages = summary_blocks(summary_with(words), Audience.PROFESSIONAL)
    dumped = json.dumps(messages, ensure_ascii=False)

    for dangerous in ("<!", "<@", "<script", "<https"):
        assert dangerous not in dumped
    for label in ("Family", "Child", "Going well", "Worry", "Next", "Harm", "Note", "Outcome"):
        assert f"{label}: {escape_mrkdwn(words)}" in dumped.replace('\\"', '"')
    assert "49" not in dumped


def test_template_syntax_in_peoples_words_is_never_evaluated() -> None:
    summary = summary_with("{{ 7*7 }} {% for x in range(3) %}loop{% endfor %} {# hidden #}")

    markdown = MarkdownIt("gfm-like").parse(summary_markdown(summary, Audience.FAMILY))
    for text in (
        " ".join(c.content for t in markdown for c in t.children or [] if c.type == "text"),
        parse_page(summary_html(summary, Audience.FAMILY)).text,
        json.dumps(summary_blocks(summary, Audience.FAMILY)),
    ):
        assert "Going well: {{ 7*7 }} {% for x in range(3) %}loop{% endfor %} {# hidden #}" in text
        assert "49" not in text and "looploop" not in text

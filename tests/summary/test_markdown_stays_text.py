"""People's words in the Markdown summary stay text to a CommonMark parser with GFM tables,
strikethrough and link detection (`markdown-it-py`): whatever they typed, the document has the
same structure as if they had typed plain words, and their words read back literally."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.summary import Audience, summary_markdown
from tests.summary.test_injection import summary_with

# GFM as GitHub and most case record viewers draw it: tables, strikethrough, bare URLs as links.
PARSER = MarkdownIt("gfm-like")

ATTEMPTS = [
    "a=.com",  # a domain after punctuation, found by the random search below
    "# a heading\n## another",
    "Heading\n===",
    "Heading\n---",
    "- a list\n* another\n+ a third",
    "1. first\n2) second",
    "| a | b |\n| --- | --- |\n| c | d |",
    "```\nfenced code\n```",
    "~~~python\nfenced\n~~~",
    "    indented code",
    "\tindented by a tab",
    "> a quote",
    "***",
    "<div>raw html</div>",
    "<https://evil.example>",
    "see https://evil.example/path and www.evil.example and evil.example",
    "write to someone@evil.example or //evil.example",
    "**bold** _em_ *em* __strong__ ~~gone~~ `code`",
    "[label](https://evil.example) ![img](x.png) [ref]\n\n[ref]: https://evil.example",
    "Tom & Jerry &amp; &copy; &#169; < Kerry > Dan",
    "a line ending in a backslash\\\nand two spaces  \nthen more",
    "[^1] footnote\n\n[^1]: note",
]


def plain(words: str) -> str:
    """The same shape of words with nothing special in them: a word per line, blanks kept."""
    return "\n".join("word" if line.strip() else "" for line in words.split("\n"))


def structure(markdown: str) -> list[tuple[str, str]]:
    """Every block and inline token the parser made, apart from the text itself."""
    found: list[tuple[str, str]] = []
    for token in PARSER.parse(markdown):
        found.append((token.type, token.tag))
        found.extend((child.type, child.tag) for child in _children(token) if child.type != "text")
    return found


def text_read_back(markdown: str) -> str:
    """The document's text as a reader sees it: breaks as line ends, nothing else."""
    parts: list[str] = []
    for token in PARSER.parse(markdown):
        for child in _children(token):
            if child.type == "text":
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        parts.append("\n")
    return "".join(parts)


def _children(token: Token) -> list[Token]:
    return list(token.children or [])


def assert_stays_text(words: str) -> None:
    for audience in Audience:
        markdown = summary_markdown(summary_with(words), audience)
        assert structure(markdown) == structure(
            summary_markdown(summary_with(plain(words)), audience)
        )
        read_back = " ".join(text_read_back(markdown).split())
        for line in words.split("\n"):
            assert " ".join(line.split()) in read_back


@pytest.mark.parametrize("words", ATTEMPTS)
def test_no_typed_markdown_makes_structure_in_the_summary(words: str) -> None:
    assert_stays_text(words)


@pytest.mark.parametrize("words", ATTEMPTS)
def test_the_markdown_file_has_no_html_entities_for_peoples_words(words: str) -> None:
    markdown = summary_markdown(summary_with(words), Audience.PROFESSIONAL)
    for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#"):
        assert markdown.count(entity) <= words.count(entity) * 20  # only what they typed
    assert "&amp;amp;" not in markdown and "&lt;" not in markdown.replace(words, "")


# Text made of what Markdown reads specially, letters, digits and line breaks.
MARKDOWN_ALPHABET = st.sampled_from(
    list("#=-+*_`~|<>[]()!&;:/.@\\ \t\n")
    + list("aZ0123456789")
    + ["http", "www.", ".com", "&amp;", "```", "---", "1.", "  ", "    ", "\n\n"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(MARKDOWN_ALPHABET, max_size=40).map("".join))
def test_random_text_never_makes_structure_in_the_summary(words: str) -> None:
    assert_stays_text(words)

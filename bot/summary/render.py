"""Render the RCPC summary and the chair's digest as Markdown, HTML and Slack blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, NoReturn, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import gettext, html_lang, locales, ngettext, npgettext, pgettext, speaking
from bot.rules.vocabulary import Language
from bot.summary import blocks
from bot.summary.audience import for_audience
from bot.summary.model import Audience, DigestInput, SummaryInput
from bot.summary.progress import rag_overview
from bot.summary.view import (
    WORDS,
    Cell,
    SummaryView,
    decision_choices,
    digest_view,
    summary_view,
)
from bot.ui.bilingual import bilingual
from bot.ui.labels import RAG_DOTS

_BLANK_RUNS = re.compile(r"\n{3,}")
_ONE_LINE = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def summary_markdown(
    summary: SummaryInput, audience: Audience, language: Language | None = None
) -> str:
    """The summary as a Markdown document for `audience`; in `language` when given (bilingual:
    the Welsh document, a rule, then the English), else in the locale being rendered."""
    return _MARKDOWN_BETWEEN.join(
        _in(language, lambda: _summary_markdown(summary_view(summary, audience)))
    )


def _summary_markdown(doc: SummaryView) -> str:
    return _tidy(_markdown().get_template("summary.md.j2").render(doc=doc, words=WORDS))


def summary_html(
    summary: SummaryInput, audience: Audience, language: Language | None = None
) -> str:
    """The summary as one self-contained, printable HTML page for `audience`; in `language` when
    given (bilingual: one page, the Welsh first, then the English marked `lang="en-GB"`)."""
    pages = _in(
        language,
        lambda: (
            _html()
            .get_template("summary.html.j2")
            .render(doc=summary_view(summary, audience), words=WORDS)
        ),
    )
    return pages[0] if len(pages) == 1 else _one_page(*pages)


def summary_blocks(
    summary: SummaryInput, audience: Audience, language: Language | None = None
) -> list[list[dict[str, Any]]]:
    """The summary as Slack messages' blocks, in order: each message at most 50 blocks. In
    `language` when given: bilingual is the Welsh messages, then the English ones (the whole
    summary is several messages whenever it is long, so neither is ever cut)."""
    renderings = _in(language, lambda: blocks.summary_messages(summary_view(summary, audience)))
    return [message for rendering in renderings for message in rendering]


def summary_headline_blocks(
    summary: SummaryInput, audience: Audience, language: Language | None = None
) -> list[list[dict[str, Any]]]:
    """The summary's headline as Slack messages' blocks (normally one message): the message the
    channel or a direct message gets, with the documents and `summary_blocks` in its thread.
    Bilingual: one message, Welsh first then English (bot.ui.bilingual)."""
    renderings = _in(
        language,
        lambda: blocks.summary_headline(
            summary_view(summary, audience),
            rag_overview(for_audience(summary, audience)),
            decision_choices(),
        ),
    )
    if len(renderings) == 1:
        return renderings[0]
    (welsh, *welsh_more), (english, *english_more) = renderings
    head = bilingual({"text": "", "blocks": welsh}, {"text": "", "blocks": english})
    return [head["blocks"], *welsh_more, *english_more]


def summary_notification_text(
    reference: str, review: str = "Review conference", language: Language | None = None
) -> str:
    """A summary message's notification text: the case reference and nothing else (`review`:
    the review's name in the case's nation's words, never an acronym a family may not know)."""
    return "\n".join(
        _in(
            language,
            lambda: gettext("{review} summary for {reference}").format(
                review=gettext(review), reference=escape_mrkdwn(reference)
            ),
        )
    )


def digest_markdown(digest: DigestInput, language: Language | None = None) -> str:
    """The chair's digest as a Markdown document (bilingual: Welsh, a rule, then English)."""
    return _MARKDOWN_BETWEEN.join(
        _in(
            language,
            lambda: _tidy(
                _markdown()
                .get_template("digest.md.j2")
                .render(doc=digest_view(digest), words=WORDS)
            ),
        )
    )


def digest_blocks(digest: DigestInput, language: Language | None = None) -> list[dict[str, Any]]:
    """The chair's digest as one Slack message's blocks (bilingual: Welsh first, then English)."""
    renderings = _in(language, lambda: blocks.digest_message(digest_view(digest)))
    if len(renderings) == 1:
        return renderings[0]
    welsh, english = renderings
    said: list[dict[str, Any]] = bilingual(
        {"text": "", "blocks": welsh}, {"text": "", "blocks": english}
    )["blocks"]
    return said


def digest_notification_text(
    reference: str, review: str = "RCPC", language: Language | None = None
) -> str:
    """The digest message's notification text: the case reference and nothing else (`review`:
    the review's short name in the case's nation's words)."""
    return "\n".join(
        _in(
            language,
            lambda: gettext("{review} chair's digest for {reference}").format(
                review=gettext(review), reference=escape_mrkdwn(reference)
            ),
        )
    )


# --- languages -----------------------------------------------------------------------------------

T = TypeVar("T")
# Between the Welsh and English halves of a bilingual Markdown document: a thematic break.
_MARKDOWN_BETWEEN = "\n---\n\n"


def _in(language: Language | None, render: Callable[[], T]) -> list[T]:
    """`render()` in each locale of `language`, Welsh first; None: in the locale under way."""
    if language is None:
        return [render()]
    said = []
    for locale in locales(language):
        with speaking(locale):
            said.append(render())
    return said


def _one_page(welsh: str, english: str) -> str:
    """The English page's body after the Welsh page's, in one page: Welsh first."""
    body = english.index(">", english.index("<body")) + 1
    end = welsh.rindex("</body>")
    inner = english[body : english.rindex("</body>")]
    return f'{welsh[:end]}<hr>\n<div lang="en-GB">{inner}</div>\n{welsh[end:]}'


# --- Markdown escaping ---------------------------------------------------------------------------


class _Escaped(str):
    """Text already escaped for Markdown, so the environment's finalize passes it through."""

    __slots__ = ()


# Characters that make structure wherever they stand: emphasis, code, links, raw HTML and
# autolinks, table cells, strikethrough, and the backslash itself.
_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~])")
# What makes structure only at the start of a line: headings, list items, setext underlines.
_LINE_START = re.compile(r"^(\d{1,9}(?=[.)])|[#=+\-])", re.MULTILINE)
# `&name;` and `&#1;` are character references; a bare `&` is just text.
_REFERENCE = re.compile(r"&(?=#?\w+;)")
# What link detection (GFM autolinks, linkify) reads as a web or email address: any dot or @
# before a letter or digit (a domain can follow punctuation: `a=.com` is read as a link).
_ADDRESS = re.compile(r"[.@](?=\w)|:(?=//)|(?<=/)/")


def escape_markdown(text: str) -> str:
    """Escape people's text so that, read by any CommonMark or GFM parser, it is only text:
    no heading, list, table, fence, quote, HTML, link, autolink or emphasis. Backslash escapes
    only, so the file still reads as plain text (no `&amp;`)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1:
        # A line's leading spaces would make an indented code block and its trailing ones a hard
        # line break; the value's outer edges belong to the template around it.
        lines = [lines[0].rstrip(), *(line.strip() for line in lines[1:-1]), lines[-1].lstrip()]
    text = "\n".join(lines)
    text = _ANYWHERE.sub(r"\\\1", text)
    text = _REFERENCE.sub(r"\\&", text)
    text = _ADDRESS.sub(lambda found: "\\" + found.group(0), text)
    # Digits before `.` or `)` start an ordered list: the escape goes on the punctuation.
    return _LINE_START.sub(
        lambda found: (
            found.group(1) + "\\" if found.group(1)[0].isdigit() else "\\" + found.group(1)
        ),
        text,
    )


def _finalize(value: object) -> str:
    # Escape by default, as HTML autoescape does: a value reaches the page escaped unless a filter
    # below has already escaped it. Such a value sits inside a line of the template, so a line
    # break in it would end that line: it becomes a space. Its outer spaces go too, as they would
    # keep the template's `**` around it from closing (the template's own spaces are outside).
    if isinstance(value, _Escaped):
        return value
    return escape_markdown(_ONE_LINE.sub(" ", str(value)).strip())


def _quote(text: str) -> _Escaped:
    """People's words as a block quote, every line of it, their line breaks kept."""
    lines = [f"> {line}".rstrip() for line in escape_markdown(text.strip()).split("\n")]
    # Two trailing spaces make a hard line break, so a list typed line by line stays one.
    return _Escaped(
        "\n".join(_hard_break(a, b) for a, b in zip(lines, [*lines[1:], ">"], strict=True))
    )


def _hard_break(line: str, following: str) -> str:
    return f"{line}  " if line != ">" and following != ">" else line


def _cell(text: str) -> _Escaped:
    """People's words inside a table cell: one line (`|` is escaped with the rest)."""
    return _Escaped(escape_markdown(" ".join(text.split())))


def _item(text: str) -> _Escaped:
    """People's words inside a list item: later lines indented to stay in the item."""
    return _Escaped(escape_markdown(text).replace("\n", "\n  "))


def _rag_markdown(cell: Cell) -> _Escaped:
    """A rating as a coloured dot and its letter (the letter survives black-and-white printing)."""
    if cell.rag is None:
        return _Escaped(cell.letter)
    return _Escaped(f"{RAG_DOTS[cell.rag]} {cell.letter}")


def _tidy(markdown: str) -> str:
    # Templates separate blocks generously; one blank line between them is all Markdown needs.
    # People's words never hold a run of empty lines here: quote, cell and item filters prefix
    # or join every line.
    return _BLANK_RUNS.sub("\n\n", markdown).strip("\n") + "\n"


def _unknown_part(part: str) -> NoReturn:
    raise ValueError(f"the summary template has no layout for part {part!r}")


# --- environments: one per output kind -----------------------------------------------------------


@cache
def _markdown() -> Environment:
    environment = Environment(
        loader=PackageLoader("bot.summary", "templates"),
        autoescape=False,  # noqa: S701 (Markdown, not HTML: _finalize escapes every value)
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(quote=_quote, cell=_cell, item=_item, rag=_rag_markdown)
    environment.globals["unknown_part"] = _unknown_part
    _speak_in_templates(environment)
    return environment


@cache
def _html() -> Environment:
    # Every template here is HTML, whatever its name, so autoescape is on for all of them.
    environment = Environment(
        loader=PackageLoader("bot.summary", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(unknown_part=_unknown_part, html_lang=html_lang)
    environment.filters["who"] = _who_html
    _speak_in_templates(environment)
    return environment


def _who_html(name: str) -> Markup:
    """A person's name, escaped, marked as who said something (inside a translated sentence)."""
    return Markup('<span class="who">{}</span>').format(name)


def _speak_in_templates(environment: Environment) -> None:
    """`{% trans %}`, `_()`, `ngettext()` and `pgettext()` in templates, in the language of the
    rendering under way (`bot.rules.i18n.speaking`); babel.cfg extracts them for the catalog."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )

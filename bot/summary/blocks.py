"""Slack blocks for the summary and digest: people's words escaped, long text split, never cut."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.rules.escape import escape_mrkdwn as e
from bot.rules.i18n import N_, _, gettext, ngettext, pgettext
from bot.rules.vocabulary import Rag
from bot.summary.model import OutcomeOverview
from bot.summary.view import (
    WORDS,
    Cell,
    DigestView,
    Part,
    ReportView,
    Said,
    SummaryView,
    direction_words,
)
from bot.ui.labels import RAG_EMOJI as _EMOJI
from bot.ui.labels import RAG_NAMES

MAX_BLOCKS = 50  # per message (Slack)
MAX_SECTION_TEXT = 3000  # per section block's text (Slack)
MAX_HEADER_TEXT = 150  # per header block (Slack)
# Slack would take more, but a reader on a phone would not: a long summary becomes several
# messages of a readable size rather than one that scrolls forever.
MAX_MESSAGE_TEXT = 12_000


def summary_messages(doc: SummaryView) -> list[list[dict[str, Any]]]:
    """The summary as messages' blocks, in order; every word of it kept."""
    blocks: list[Block] = [
        _header(_title(doc)),
        _context(_meeting_line(doc.conference, doc.when, doc.place) + "\n" + _covers(doc)),
        *_sections([f"_{e(doc.audience_note)}_"]),
    ]
    for heading in doc.headings:
        blocks.append(_header(f"{heading.number}. {heading.title}"))
        blocks += _sections(_part_texts(doc, heading.part))
    messages = _pack(blocks)
    if len(messages) > 1:
        for number, message in enumerate(messages, start=1):
            message.append(_context(_("Part {n} of {m}").format(n=number, m=len(messages))))
    return [[block.to_dict() for block in message] for message in messages]


def summary_headline(
    doc: SummaryView, overview: Sequence[OutcomeOverview], decisions: Sequence[str]
) -> list[list[dict[str, Any]]]:
    """The one message a long summary starts with: who sent updates, how each outcome moved and
    what the conference must decide; the documents and the whole summary follow in its thread.
    Normally one message; should it ever need more, the rest are the thread's first replies."""
    senders = [e(update.who) for update in doc.updates]
    moved = [
        "• " + _bold(_("Outcome {number}").format(number=number)) + f": {e(outcome.wording)}\n"
        f"      _{_counts(outcome)}; {direction_words(outcome.direction)}_"
        for number, outcome in enumerate(overview, start=1)
    ]
    blocks: list[Block] = [
        _header(_title(doc)),
        _context(_meeting_line(doc.conference, doc.when, doc.place) + "\n" + _covers(doc)),
        *_sections(
            [
                "*"
                + ngettext("Updates from {n}:", "Updates from {n}:", len(senders)).format(
                    n=len(senders)
                )
                + f"* {'; '.join(senders)}."
                if senders
                else f"*{WORDS.no_updates}*",
                _bold(_("How each outcome moved")) + "\n" + "\n".join(moved)
                if moved
                else WORDS.no_outcomes,
                _bold(_("What the conference must decide"))
                + "\n"
                + "\n".join(f"• {e(choice)}" for choice in decisions),
            ]
        ),
        _context(
            f"_{e(doc.audience_note)}_ "
            + _(
                "The documents (a page to print and a text file for the case record) and the "
                "whole summary are in this message's thread."
            )
        ),
    ]
    return [[block.to_dict() for block in message] for message in _pack(blocks)]


def _title(doc: SummaryView) -> str:
    return _("{review} summary: {reference}").format(
        review=doc.review_heading, reference=doc.reference
    )


def _covers(doc: SummaryView) -> str:
    return _("Covers {period}.").format(period=doc.period)


def _counts(outcome: OutcomeOverview) -> str:
    counts = [
        (outcome.red, ngettext("{n} red", "{n} red", outcome.red)),
        (outcome.amber, ngettext("{n} amber", "{n} amber", outcome.amber)),
        (outcome.green, ngettext("{n} green", "{n} green", outcome.green)),
    ]
    given = [words.format(n=count) for count, words in counts if count]
    return ", ".join(given) if given else _("not rated yet")


def digest_message(doc: DigestView) -> list[dict[str, Any]]:
    """The chair's digest as one message's blocks."""
    blocks: list[Block] = [
        _header(_("Chair's digest: {reference}").format(reference=doc.reference)),
        _context(_meeting_line(doc.conference, doc.when, doc.place)),
    ]
    for title, texts in _digest_parts(doc):
        blocks.append(_header(title))
        blocks += _sections(texts)
    if len(blocks) > MAX_BLOCKS:
        # One message is the contract; cutting it short would hide something from the chair.
        raise ValueError(f"the digest needs {len(blocks)} blocks, more than one message holds")
    return [block.to_dict() for block in blocks]


# --- splitting -----------------------------------------------------------------------------------


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split text into pieces of at most `limit` characters, at a paragraph, line or word break
    where one falls in the second half of the piece; only whitespace at the breaks is dropped."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _cut(text: str, limit: int) -> int:
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, 0, limit + 1)
        if at >= limit // 2:
            return at
    at = max(text.rfind(separator, 0, limit + 1) for separator in ("\n", " "))
    if at > 0:
        return at
    # One unbroken run of characters: cut it, but never inside an entity such as `&amp;`.
    amp = text.rfind("&", limit - 5, limit)
    if amp > 0 and ";" not in text[amp:limit]:
        return amp
    return limit


def _sections(texts: Iterable[str]) -> list[Block]:
    """Section blocks for texts, joining short ones and splitting long ones."""
    merged: list[str] = []
    for text in texts:
        if merged and len(merged[-1]) + 2 + len(text) <= MAX_SECTION_TEXT:
            merged[-1] = f"{merged[-1]}\n\n{text}"
        else:
            merged.append(text)
    return [
        SectionBlock(text=MarkdownTextObject(text=piece))
        for text in merged
        for piece in split_text(text)
    ]


def _pack(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks into messages in order, leaving room in each for its "Part n of m" line."""
    messages: list[list[Block]] = [[]]
    size = 0
    for block in blocks:
        length = _text_length(block)
        current = messages[-1]
        full = len(current) >= MAX_BLOCKS - 1 or size + length > MAX_MESSAGE_TEXT
        if current and full:
            # A heading goes with what it heads.
            carried: list[Block] = []
            while len(current) > 1 and isinstance(current[-1], HeaderBlock):
                carried.insert(0, current.pop())
            messages.append(carried)
            size = sum(_text_length(b) for b in carried)
        messages[-1].append(block)
        size += length
    return messages


def _text_length(block: Block) -> int:
    if isinstance(block, SectionBlock | HeaderBlock) and block.text is not None:
        return len(block.text.text)
    return 0


def _header(text: str) -> Block:
    if len(text) <= MAX_HEADER_TEXT:
        return HeaderBlock(text=PlainTextObject(text=text))
    # Too long for a header (a long case reference): bold text says the same in full.
    return SectionBlock(text=MarkdownTextObject(text=f"*{e(text)}*"))


def _bold(text: str) -> str:
    return f"*{text}*"


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _meeting_line(conference: str, when: str, place: str | None) -> str:
    parts = [conference, when] if place is None else [conference, when, place]
    return " · ".join(e(part) for part in parts)


# --- the summary's parts -------------------------------------------------------------------------


def _part_texts(doc: SummaryView, part: Part) -> list[str]:
    match part:
        case Part.MEETING:
            return ["\n".join(f"• {e(line)}" for line in doc.meeting_lines)]
        case Part.IMPACT:
            return [e(doc.impact) if doc.impact else f"*{WORDS.impact_missing}*"]
        case Part.REFLECT:
            return [_said(s) for s in doc.reflections] or [WORDS.reflect_waiting]
        case Part.FAMILY:
            return [e(doc.family_description) if doc.family_description else doc.family_missing]
        case Part.CHILD_VIEWS:
            return [_said(s) for s in doc.child_views] or [f"*{doc.child_views_missing}*"]
        case Part.HARM:
            return [e(doc.harm) if doc.harm else f"*{WORDS.harm_missing}*"]
        case Part.PROGRESS:
            return _progress(doc)
        case Part.GOING_WELL:
            return [_said(s) for s in doc.going_well] or [WORDS.nothing_going_well]
        case Part.WORRIES:
            return _worries(doc)
        case Part.UPDATES:
            return _updates(doc)
        case Part.ACTIONS:
            return _actions(doc)
        case Part.ATTENDANCE:
            return _attendance(doc)
        case Part.REPORTS:
            return [_report(r) for r in doc.reports] or [WORDS.reports_on_time]


def _professional_mark(professional_only: bool) -> str:
    return f" · _{WORDS.professional_only}_" if professional_only else ""


KEPT_INTRO = N_(
    "Parts of these updates are kept from the family's copy. What they say is in the summary."
)


def _said(said: Said) -> str:
    note = f" · {e(said.note)}" if said.note else ""
    return f"*{e(said.who)}*{note}{_professional_mark(said.professional_only)}\n{e(said.text)}"


def _rag(cell: Cell) -> str:
    return cell.letter if cell.rag is None else f"{_EMOJI[cell.rag]} {cell.letter}"


def _progress(doc: SummaryView) -> list[str]:
    key = "; ".join(
        f"{_rag(cell)}{' ' + cell.key_word if cell.key_word else ''}: {e(meaning)}"
        for cell, meaning in doc.rag_key
    )
    texts = [_("Key: {key}.").format(key=key)]
    columns = " · ".join(f"{e(c.label)} ({c.day})" for c in doc.columns)
    for grid in doc.grids:
        outcome = _("Outcome {number}: {wording}").format(
            number=grid.number, wording=e(grid.wording)
        )
        lines = [f"*{outcome}*"]
        if grid.rows:
            lines.append("_" + columns + " · " + _("trend") + "_")
            lines += [
                f"{e(row.who)}: {' · '.join(_rag(c) for c in row.cells)} · _{row.trend_words}_"
                for row in grid.rows
            ]
        else:
            lines.append(WORDS.no_ratings)
        lines += [
            f"• {e(note.who)}, {e(note.column)}, {_rag(note.cell)}: {e(note.text)}"
            for note in grid.notes
        ]
        texts.append("\n".join(lines))
    return texts if doc.grids else [*texts, WORDS.no_outcomes]


def _worries(doc: SummaryView) -> list[str]:
    texts = [_bold(_("New harm"))]
    for harm in doc.new_harm:
        detail = f": {e(harm.detail)}" if harm.detail else ""
        texts.append(
            ":warning: "
            + _bold(_("New harm reported by {who}").format(who=e(harm.who)))
            + f" {harm.when}"
            f"{_professional_mark(harm.professional_only)}{detail}"
        )
    if not doc.new_harm:
        texts.append(WORDS.no_new_harm)
    texts.append(_bold(_("Worries")))
    texts += [_said(s) for s in doc.worries] or [doc.no_worries]
    return texts


def _updates(doc: SummaryView) -> list[str]:
    texts: list[str] = []
    for update in doc.updates:
        lines = [f"*{e(update.who)}*", f"_{update.role}. {update.sent}._"]
        for part in update.parts:
            lines.append(f"*{part.label}*{_professional_mark(part.professional_only)}")
            lines.append(e(part.text))
        if not update.parts:
            lines.append(WORDS.nothing_more)
        texts.append("\n".join(lines))
    return texts or [WORDS.no_updates]


def _actions(doc: SummaryView) -> list[str]:
    texts = []
    for group in doc.action_groups:
        lines = [f"*{e(group.heading)}*"]
        lines += [
            "• "
            + _("{action} — {owner}, by {day}.").format(
                action=e(a.description), owner=e(a.owner), day=a.due
            )
            + f" _{a.status_words}_"
            for a in group.actions
        ]
        texts.append("\n".join(lines))
    return texts or [WORDS.no_actions]


def _attendance(doc: SummaryView) -> list[str]:
    texts = []
    for meeting in doc.attendance:
        lines = [f"*{e(meeting.label)}, {meeting.day}*"]
        lines += [f"{label}: {e('; '.join(people))}" for label, people in meeting.groups]
        if len(lines) == 1:
            lines.append(WORDS.no_attendance)
        texts.append("\n".join(lines))
    return texts or [WORDS.no_core_groups]


def _report(report: ReportView) -> str:
    return "• " + _("{who}: due {day}. {words}.").format(
        who=e(report.who), day=report.due, words=report.words
    )


# --- the digest's parts --------------------------------------------------------------------------


def _digest_parts(doc: DigestView) -> list[tuple[str, list[str]]]:
    quorum = [doc.quorum if doc.quorate else f":warning: *{doc.quorum}*"]
    confirmed = "; ".join(doc.confirmed) if doc.confirmed else _("no agency yet")
    quorum.append(_("Coming or sending someone: {who}").format(who=e(confirmed)))
    if doc.not_replied:
        quorum.append(_bold(_("Not replied yet:")) + " " + e("; ".join(doc.not_replied)))
    else:
        quorum.append(_("Everyone invited has replied."))

    reports: list[str] = []
    if doc.reports_missing:
        missing = "\n".join(_report(r) for r in doc.reports_missing)
        reports.append(_bold(pgettext("reports", "Missing")) + "\n" + missing)
    else:
        reports.append(_("No reports are missing."))
    if doc.reports_in:
        arrived = "\n".join(_report(r) for r in doc.reports_in)
        reports.append(_bold(pgettext("reports", "In")) + "\n" + arrived)
    else:
        reports.append(_("No reports have arrived yet."))

    progress = [
        f"{o.number}. {e(o.wording)}\n"
        + " · ".join(
            f"{_EMOJI[rag]} {count} {RAG_NAMES[rag]}"
            for rag, count in ((Rag.GREEN, o.green), (Rag.AMBER, o.amber), (Rag.RED, o.red))
        )
        + f" · _{o.direction}_"
        for o in doc.overview
    ] or [WORDS.no_outcomes]

    harm = [
        ":warning: "
        + _("New harm reported by {who}. The detail is in the summary.").format(who=e(flag))
        for flag in doc.new_harm
    ] or [WORDS.no_new_harm]

    decisions = ["\n".join(f"• {decision}" for decision in doc.decisions)]
    kept = [
        f"{gettext(KEPT_INTRO)}\n" + "\n".join(f"• {e(line)}" for line in doc.kept),
    ]
    return [
        (_("Quorum"), ["\n".join(quorum)]),
        (_("Reports"), reports),
        (_("Progress on each outcome"), progress),
        (_("New harm"), harm),
        *([(_("Kept from family members"), kept)] if doc.kept else []),
        (_("What the conference may decide"), decisions),
    ]

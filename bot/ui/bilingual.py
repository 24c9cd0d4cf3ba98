"""Bilingual messages: Welsh first, then English, in one message (Welsh Language Standards).

A message is rendered once in each language (`bot.rules.i18n.speaking`) and the two renderings are
put together here; nothing is translated word by word.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot.rules.i18n import locales, speaking
from bot.rules.vocabulary import Language

Content = dict[str, Any]


# Writes one message in the language being rendered: (notification text, blocks).
Render = Callable[[], tuple[str, Sequence[Block | dict[str, Any]]]]


def rendered(language: Language, render: Render) -> Content:
    """A message (its notification text and blocks) in a language: bilingual renders it twice."""
    written: list[Content] = []
    for locale in locales(language):
        with speaking(locale):
            text, blocks = render()
        written.append(
            {
                "text": text,
                "blocks": [b.to_dict() if isinstance(b, Block) else dict(b) for b in blocks],
            }
        )
    return bilingual(written[0], written[1]) if len(written) == 2 else written[0]


# Slack's limits on one message (Block Kit): blocks, and the text of one section.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
# The kinds of block that take no part in what a person can press or fill in.
_READ_ONLY = frozenset({"section", "header", "context", "divider", "rich_text", "image"})


def bilingual(welsh: Content, english: Content) -> Content:
    """One message, Welsh first and then English (Welsh Language Standards).

    Buttons and menus are Welsh's alone (an action's id may appear once in a message, and one
    press answers both). Where the two would pass Slack's 50 blocks, the English half is put in
    fewer, longer sections: its words are never cut.
    """
    english_blocks = [_without_accessory(b) for b in english.get("blocks", []) if _reads(b)]
    welsh_blocks = list(welsh.get("blocks", []))
    divider: list[dict[str, Any]] = [{"type": "divider"}] if english_blocks else []
    if len(welsh_blocks) + len(divider) + len(english_blocks) > MAX_BLOCKS:
        english_blocks = _condensed(english_blocks)
    combined = dict(welsh)
    combined["text"] = f"{welsh.get('text', '')}\n{english.get('text', '')}".strip()
    combined["blocks"] = [*welsh_blocks, *divider, *english_blocks]
    return combined


def _reads(block: Mapping[str, Any]) -> bool:
    return block.get("type") in _READ_ONLY


def _without_accessory(block: Mapping[str, Any]) -> dict[str, Any]:
    """A block as read: no button beside it, and no block id (the Welsh half has it)."""
    kept = {k: v for k, v in block.items() if k not in ("accessory", "block_id")}
    if kept.get("type") == "section" and kept.get("fields") and "text" not in kept:
        kept["text"] = {"type": "mrkdwn", "text": " "}
    return kept


def _words(block: Mapping[str, Any]) -> str:
    """What a read-only block says, as mrkdwn."""
    kind = block.get("type")
    if kind == "header":
        return f"*{block['text']['text']}*"
    if kind == "context":
        return " ".join(str(e.get("text", "")) for e in block.get("elements", []))
    if kind == "section":
        fields = [str(f.get("text", "")) for f in block.get("fields", [])]
        return "\n".join([str(block.get("text", {}).get("text", "")).strip(), *fields]).strip()
    return ""


def _condensed(blocks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The same words in as few sections as Slack's section limit allows."""
    sections: list[str] = []
    for block in blocks:
        words = _words(block)
        if not words:
            continue
        while len(words) > MAX_SECTION_TEXT:  # one long text: split, never cut
            cut = words.rfind("\n", 0, MAX_SECTION_TEXT)
            cut = cut if cut > 0 else MAX_SECTION_TEXT
            sections.append(words[:cut])
            words = words[cut:].lstrip("\n")
        if sections and len(sections[-1]) + 2 + len(words) <= MAX_SECTION_TEXT:
            sections[-1] = f"{sections[-1]}\n\n{words}"
        else:
            sections.append(words)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]

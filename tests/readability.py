"""Reading grade of what a family member receives: Slack blocks to plain sentences, scored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import textstat

# The grade a family member's messages must not exceed (issue 14: plain language, measured).
MAX_GRADE = 8.0

_DAY = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+\d{1,2} [A-Z][a-z]{2} \d{4}(?: at \d{2}:\d{2})?"
)
_MARKUP = re.compile(r"[*_~`]|:[a-z_]+:|<[^>]*>")


def block_texts(blocks: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """The words of a message's sections, headers and context lines, in order."""
    found: list[str] = []
    for block in blocks or []:
        text = block.get("text")
        if isinstance(text, Mapping) and block.get("type") in ("section", "header"):
            found.append(str(text.get("text", "")))
        for field in block.get("fields") or []:
            found.append(str(field.get("text", "")))
        if block.get("type") == "context":
            found += [str(e.get("text", "")) for e in block.get("elements", [])]
    return found


def plain(texts: Iterable[str], *, names: Iterable[str] = ()) -> str:
    """Sentences as a reader meets them: every line and bullet its own sentence, markup gone,
    dates and people's names (their own words, not ours) left out of the count."""
    text = "\n".join(texts)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "them")
    text = _DAY.sub("that day", _MARKUP.sub("", text))
    lines = [line.strip(" •-") for line in text.splitlines()]
    return " ".join(f"{line}." if line[-1] not in ".?!:" else line for line in lines if line)


def grade(text: str) -> float:
    """The Flesch-Kincaid reading grade of `text`."""
    return float(textstat.flesch_kincaid_grade(text))

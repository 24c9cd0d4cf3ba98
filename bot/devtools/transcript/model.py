"""What each person saw in Slack during a demo run, as plain frozen values for rendering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

SeenKind = Literal["message", "ephemeral", "modal", "home", "file", "notification"]


# One thing a person saw: a message, a modal, their Home tab, a file or a phone notification.
@dataclass(frozen=True)
class Seen:
    """One thing a person saw, at a simulated instant."""

    at: datetime
    where: str
    kind: SeenKind
    author: str
    text: str
    blocks: tuple[Mapping[str, Any], ...] = ()
    title: str | None = None
    file_name: str | None = None
    edited: bool = False
    # A modal's button labels; Slack shows "Submit" and "Cancel" when a view leaves them out.
    submit: str | None = None
    close: str | None = None

    def __post_init__(self) -> None:
        # A naive instant would silently render in the host's zone, not Europe/London.
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"Seen.at must be time-zone aware, not {self.at!r}")


# Everything one person saw, in the order they saw it.
@dataclass(frozen=True)
class PersonTranscript:
    """Everything one person saw, in order."""

    user_id: str
    name: str
    role: str
    seen: tuple[Seen, ...]


# The whole demo run: every person's transcript and the names behind user ids.
@dataclass(frozen=True)
class Transcript:
    """A demo run: each person's transcript and the names behind `<@U…>` mentions."""

    title: str
    people: tuple[PersonTranscript, ...]
    user_names: Mapping[str, str]

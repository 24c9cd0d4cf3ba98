"""What each person saw in Slack during a demo run, as plain frozen values for rendering."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SeenKind = Literal["message", "ephemeral", "modal", "form", "home", "file", "notification"]


@dataclass(frozen=True)
class SharedFile:
    """A file shared with a person: its bytes as they would download them, and where the
    transcript wrote a copy (`href`, relative to the transcript; empty when none was written)."""

    name: str
    title: str
    data: bytes
    href: str = ""

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return len(self.data)


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
    # Files shared with the message, in the order Slack lists them.
    files: tuple[SharedFile, ...] = ()
    # A form the person sent (kind "form"): what they entered, as Slack's view.state.values,
    # and when they opened it, if that was in the same sitting.
    entries: Mapping[str, Mapping[str, Any]] | None = None
    opened: datetime | None = None

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
    """A demo run: each person's transcript and the names behind `<@U…>` and `<#C…>` mentions
    (`user_names` may hold channel ids too; `channel_names` adds the channels' names)."""

    title: str
    people: tuple[PersonTranscript, ...]
    user_names: Mapping[str, str]
    channel_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> Mapping[str, str]:
        """Users' display names and channels' names, by id."""
        return {**self.user_names, **self.channel_names}

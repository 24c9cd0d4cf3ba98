"""The messages the bot sends on its own initiative: their kinds, their outbox keys, and the
plain value (`PlannedMessage`) planning hands the outbox."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class MessageKind(StrEnum):
    """What an outbox row is: the dispatcher writes it, and services find it, by this kind."""

    INVITATION = "invitation"
    # The family's own invitation: what the conference is for and the help on offer to them.
    FAMILY_INVITATION = "family_invitation"
    QUORUM_WARNING = "quorum_warning"
    ACTION_REMINDER = "action_reminder"
    PROGRESS = "progress"
    PROMPT = "prompt"
    CHASE = "chase"
    OVERDUE_NOTICE = "overdue_notice"
    ESCALATION = "escalation"
    # The social worker's one note about a family-side member whose words have not come: an
    # invitation, so never "overdue" and never to the chair.
    CHECK_IN = "check_in"
    DIGEST = "digest"
    # To the social worker: the first core group has no date yet (until it has one).
    ARRANGE_REMINDER = "arrange_reminder"
    # To the social worker, once: a meeting's date passed with no attendance recorded.
    HELD_CHECK = "held_check"
    # The social worker's reminder to prepare the family with their copy of the summary.
    FAMILY_COPY = "family_copy"
    UNDELIVERED = "undelivered"  # a note to the social worker; planned by no rule
    # Sent at once after a person's action, never planned: outside every case's planning scope,
    # so no planning pass cancels them.
    NEW_HARM = "new_harm"  # new harm reported, to the social worker and chair
    APPROVAL = "approval"  # a question for the social worker: may this person stand in or come?
    APPROVAL_ANSWER = "approval_answer"  # their answer, to whoever asked
    # To a closed case's social worker and chair, 14 days before its data is purged.
    PURGE_NOTICE = "purge_notice"
    # To each manager of an area, on its first working day of the month: last month's measures.
    MEASURES_DIGEST = "measures_digest"


# The word each kind's keys carry after the case scope. Kept as they were first written: a row
# planned before a change of word would no longer be recognised, and would be cancelled and sent
# again under its new key.
_KEY_WORDS: Mapping[MessageKind, str] = {
    MessageKind.INVITATION: "invite",
    MessageKind.FAMILY_INVITATION: "familyinvite",
    MessageKind.QUORUM_WARNING: "quorum",
    MessageKind.ACTION_REMINDER: "action",
    MessageKind.PROGRESS: "progress",
    MessageKind.PROMPT: "prompt",
    MessageKind.CHASE: "chase",
    MessageKind.OVERDUE_NOTICE: "overdue",
    MessageKind.ESCALATION: "escalate",
    MessageKind.CHECK_IN: "checkin",
    MessageKind.DIGEST: "digest",
    MessageKind.ARRANGE_REMINDER: "arrange",
    MessageKind.HELD_CHECK: "held",
    MessageKind.FAMILY_COPY: "familycopy",
    MessageKind.UNDELIVERED: "undelivered",
    MessageKind.NEW_HARM: "harm",
    MessageKind.APPROVAL: "approval",
    MessageKind.APPROVAL_ANSWER: "approval_answer",
    MessageKind.PURGE_NOTICE: "purge",
    MessageKind.MEASURES_DIGEST: "measures",
}
_KINDS_BY_WORD = {word: kind for kind, word in _KEY_WORDS.items()}

# Where a key names what its message is about: the meeting first, and then (for the messages
# about one member's update) the update request, after the report deadline.
_ABOUT_A_MEETING = frozenset(
    {
        MessageKind.INVITATION,
        MessageKind.FAMILY_INVITATION,
        MessageKind.QUORUM_WARNING,
        MessageKind.PROGRESS,
        MessageKind.PROMPT,
        MessageKind.CHASE,
        MessageKind.OVERDUE_NOTICE,
        MessageKind.ESCALATION,
        MessageKind.CHECK_IN,
        MessageKind.DIGEST,
        MessageKind.ARRANGE_REMINDER,
        MessageKind.HELD_CHECK,
        MessageKind.FAMILY_COPY,
    }
)
_ABOUT_A_REQUEST = frozenset(
    {
        MessageKind.PROMPT,
        MessageKind.CHASE,
        MessageKind.OVERDUE_NOTICE,
        MessageKind.ESCALATION,
        MessageKind.CHECK_IN,
    }
)
_MEETING_PART, _REQUEST_PART, _ACTION_PART = 0, 2, 0
_SCOPE = re.compile(r"c(\d+)")

# A payload {"render": {...}} is built when it is sent, from the state of the case then.
RENDER = "render"
# Set on a pending row planning no longer wants whose earlier attempt may have reached Slack: the
# dispatcher looks for it there, recording it sent if it landed and cancelled if not.
WITHDRAWN = "withdrawn"
# What the dispatcher calls when a payload names no method.
POST_MESSAGE = "chat.postMessage"
UPDATE_MESSAGE = "chat.update"


def meeting_tag(meeting_id: int | None) -> str:
    """How a key names a meeting: `m12`."""
    return f"m{meeting_id}"


def request_tag(request_id: int | None) -> str:
    """How a key names an update request: `r34`."""
    return f"r{request_id}"


def action_tag(action_id: int | None) -> str:
    """How a key names a plan action: `a56`."""
    return f"a{action_id}"


def case_scope(case_id: int) -> str:
    """The outbox key prefix of everything planned for one case."""
    return f"c{case_id}:"


@dataclass(frozen=True)
class OutboxKey:
    """An outbox key taken apart: the case it is planned for (None outside any case's scope),
    its kind, and the parts that make it unique (which meeting, request, person, step, day)."""

    kind: MessageKind
    case_id: int | None
    parts: tuple[str, ...]

    def __str__(self) -> str:
        scope = "" if self.case_id is None else case_scope(self.case_id)
        return scope + ":".join((_KEY_WORDS[self.kind], *self.parts))

    @classmethod
    def parse(cls, key: str) -> OutboxKey | None:
        """The key taken apart, or None when it is not one `outbox_key` builds."""
        pieces = key.split(":")
        case_id = None
        if (scope := _SCOPE.fullmatch(pieces[0])) is not None:
            case_id = int(scope.group(1))
            pieces = pieces[1:]
        kind = _KINDS_BY_WORD.get(pieces[0]) if pieces else None
        if kind is None:
            return None
        return cls(kind, case_id, tuple(pieces[1:]))

    @property
    def meeting_id(self) -> int | None:
        """The meeting the message is about, for the kinds that are about one."""
        return self._id(_MEETING_PART, "m") if self.kind in _ABOUT_A_MEETING else None

    @property
    def request_id(self) -> int | None:
        """The update request the message is about, for the kinds that are about one."""
        return self._id(_REQUEST_PART, "r") if self.kind in _ABOUT_A_REQUEST else None

    @property
    def action_id(self) -> int | None:
        """The plan action an action reminder is about."""
        return self._id(_ACTION_PART, "a") if self.kind == MessageKind.ACTION_REMINDER else None

    def _id(self, index: int, letter: str) -> int | None:
        if index >= len(self.parts):
            return None
        part = self.parts[index]
        if part[:1] != letter or not part[1:].isdigit():
            return None
        return int(part[1:])


def outbox_key(kind: MessageKind, *parts: object, case_id: int | None = None) -> str:
    """The one way an outbox key is written: `c12:chase:m3:20270112:r34:overdue:U123`.

    A key says what, for whom and which step, plus the due day where a move should replace the
    message; `case_id` puts it in that case's planning scope (None: outside every case's)."""
    return str(OutboxKey(kind, case_id, tuple(str(part) for part in parts)))


def key_case(key: str) -> int | None:
    """The case whose planning scope a key is in, or None (a note about an undelivered message)."""
    head, colon, _ = key.partition(":")
    scope = _SCOPE.fullmatch(head)
    return None if scope is None or not colon else int(scope.group(1))


def is_user_id(recipient: str) -> bool:
    """Whether a recipient is a person (sent as a direct message) rather than a channel."""
    return recipient.startswith(("U", "W"))


@dataclass(frozen=True)
class PlannedMessage:
    """One message the domain wants sent: unique by key, due at an instant, to a person or channel.

    `key` comes from `outbox_key`. `payload` is `{"text": ..., "blocks": [...]}` for
    chat.postMessage, `{"method": "chat.update", "channel": ..., "ts": ..., "text": ...}`, or
    `{"render": {...}}`: what the message says is built when it is sent (see `built_when_sent`).
    """

    key: str
    kind: MessageKind
    recipient: str
    due_at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)
    case_id: int | None = None

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 255:
            raise ValueError("an outbox key must have 1 to 255 characters")
        if not self.recipient or len(self.recipient) > 32:
            raise ValueError(f"{self.key}: a recipient is a Slack user or channel id")
        if self.due_at.tzinfo is None:
            raise ValueError(f"{self.key}: due_at must be timezone-aware")
        method = self.payload.get("method", POST_MESSAGE)
        if method == UPDATE_MESSAGE:
            if not self.payload.get("channel") or not self.payload.get("ts"):
                raise ValueError(f"{self.key}: chat.update needs the message's channel and ts")
        elif method != POST_MESSAGE:
            raise ValueError(f"{self.key}: unsupported method {method!r}")

    @classmethod
    def built_when_sent(
        cls,
        key: str,
        kind: MessageKind,
        recipient: str,
        due_at: datetime,
        case_id: int,
        **args: Any,
    ) -> PlannedMessage:
        """A message whose words are written at sending time from the case as it is then, so
        what goes out is never stale, and planning (which runs for every case) renders nothing.
        `args` (JSON values) say which meeting, request or step the message is about."""
        return cls(key, kind, recipient, due_at, {RENDER: args}, case_id)

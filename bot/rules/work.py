"""Work left for after Slack's answer, as plain values: what kind, about which ids, keyed how.

A listener (or the service it calls) describes the work; `bot.services.jobs` writes it as a job
row in the same transaction as the change that caused it, and a worker runs it after the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

# A refresh (`refresh` below) waits this long after the last change that joined it before a worker
# takes it: longer than the gap between clicks in a burst (thirty people answering one invitation
# within a second are 33 ms apart), so the burst is shown by one re-render, not one a click; and
# short enough that one person's lone click shows at once to the eye.
REFRESH_SETTLE = timedelta(milliseconds=300)
# ...but never longer than this after the first change that made it, so a stream of clicks that
# never pauses is still shown about once a second (the last click within 2 s), and an invitation
# is re-rendered at most about once a second, well inside `chat.update`'s rate limit.
REFRESH_CAP = timedelta(seconds=1)


class WorkKind(StrEnum):
    """Every kind of job; `handlers.after.WORK` gives each its function (a test checks)."""

    OPEN_CASE = "open_case"  # make the channel, invite, welcome, pin the card
    SHOW_PLAN = "show_plan"  # re-plan and refresh the pinned plan
    SHOW_REPLIES = "show_replies"  # an invitation's live list, the chases, the digest
    REPLAN = "replan"
    RESPOND = "respond"  # a message to a click's response URL
    SEND_NOW = "send_now"  # outbox rows a person's action asked to go at once
    FINISH_COMMAND = "finish_command"  # a slow /coregroup sub-command (add, remove)
    SEND_MEASURES = "send_measures"
    RELEASE_SUMMARY = "release_summary"
    ARCHIVE_CHANNEL = "archive_channel"
    ANSWER_APPROVAL = "answer_approval"
    EXPORT_RECORD = "export_record"
    AFTER_SCHEDULE = "after_schedule"
    SEND_REPRESENTATIVE = "send_representative"
    BRING_SOMEONE = "bring_someone"
    AFTER_ATTENDANCE = "after_attendance"
    AFTER_UPDATE = "after_update"
    AFTER_DECISION = "after_decision"
    SHOW_HOME = "show_home"  # re-publish a person's Home tab (in the language they now read)


@dataclass(frozen=True)
class Work:
    """One job to write: its kind and the ids it is about (JSON values only).

    `key` makes it once-only (a repeated click or a redelivered request writes no second job);
    `coalesce` makes it a refresh: while one with the same value waits, no other is written, and
    each change that joins it moves its start to `REFRESH_SETTLE` later, never past
    `REFRESH_CAP` after the first (a trailing debounce, so a burst of clicks is one re-render).
    """

    kind: WorkKind
    payload: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None
    coalesce: str | None = None


def once(kind: WorkKind, trigger: str | None, **payload: Any) -> Work:
    """Work done once per Slack request: keyed by the request's trigger id (Slack sends the same
    one when it delivers a request again), or not keyed if it has none."""
    key = f"{kind.value}:{trigger}" if trigger else None
    return Work(kind, payload, key=key)


def refresh(kind: WorkKind, about: str, **payload: Any) -> Work:
    """A re-render of `about` (say "meeting:12"): ten changes while it waits make one job, which
    starts once the changes pause (`REFRESH_SETTLE`) or a second after the first (`REFRESH_CAP`)."""
    return Work(kind, payload, coalesce=f"{kind.value}:{about}")


def send_now(keys: Sequence[str]) -> list[Work]:
    """Outbox rows a person's action asked to go at once (a new-harm alert, a question to the
    social worker); the outbox keeps them anyway, this only takes them sooner."""
    if not keys:
        return []
    return [Work(WorkKind.SEND_NOW, {"keys": list(keys)}, key=f"send_now:{keys[0]}")]

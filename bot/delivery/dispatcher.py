"""Delivering the outbox: claim due rows, send each through Slack once, and record what happened."""

from __future__ import annotations

import copy
import heapq
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import and_, func, literal, update
from sqlmodel import Session, col, select

from bot.clock import Clock, SystemClock
from bot.rules.messages import RENDER, UPDATE_MESSAGE, WITHDRAWN, is_user_id
from bot.rules.vocabulary import OutboxState
from storage.models import OutboxMessage
from storage.types import UTCDateTime

logger = logging.getLogger(__name__)

# Lets time pass on the dispatcher's clock: a real sleep in production, a clock move in tests.
Wait = Callable[[timedelta], None]

# Writes a `{"render": args}` row's message at sending time: (session, kind, args, recipient) ->
# {"text": ..., "blocks": ...}, or None when it is no longer wanted (the report it chased arrived).
# The recipient (a person or a channel) decides the language it is written in.
Renderer = Callable[[Session, str, Mapping[str, Any], str], Mapping[str, Any] | None]

# The Slack message metadata type that carries a message's outbox key.
EVENT_TYPE = "coregroup_outbox"

# Slack's answers that mean "not now": the same call may succeed later.
TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "fatal_error",
        "internal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)

# Slack's answers that repeating will not change; any other refusal is treated the same way,
# because a person must hear about it now rather than after hours of retries.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "missing_scope",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "no_permission",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "ekm_access_denied",
        "cant_update_message",
        "message_not_found",
        "edit_window_closed",
        "method_not_supported_for_channel_type",
    }
)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
# How far before the first unconfirmed attempt the history check starts (allows for clock skew).
HISTORY_MARGIN = timedelta(minutes=2)
HISTORY_PAGE_SIZE = 200
HISTORY_MAX_PAGES = 10
POST_METHOD = "chat.postMessage"
# The longest Retry-After a run waits out holding its claims; a longer one puts the rows back.
MAX_RATE_LIMIT_WAIT = timedelta(seconds=60)
# A 429 on a post to a channel this dispatcher posted to this recently may be that channel's own
# limit (about one a second, short bursts allowed); otherwise it can only be the workspace's.
CHANNEL_PACE_WINDOW = timedelta(seconds=5)


def sleep_on(clock: Clock) -> Wait | None:
    """How a dispatcher on `clock` waits out a rate limit: a real sleep on the system clock;
    None on a clock that moves only when told (tests, the demo, `sweep --at`), where a
    rate-limited row is put back in the outbox, due when Slack said."""
    if isinstance(clock, SystemClock):
        return lambda pause: time.sleep(max(0.0, pause.total_seconds()))
    return None


def retry_delay(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """The wait after `attempts` failed tries: 30 s doubling, at least Retry-After, at most 1 h."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(0, min(attempts - 1, 16)))
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return min(delay, BACKOFF_CAP)


@dataclass
class DispatchReport:
    """What one dispatcher run did with the rows it claimed."""

    claimed: int = 0
    sent: int = 0
    confirmed_from_history: int = 0
    retried: int = 0
    deferred: int = 0
    failed: int = 0
    cancelled: int = 0
    # Answers of 429: none is a failure, each row is sent again once Slack's Retry-After is over.
    rate_limited: int = 0


@dataclass(frozen=True)
class _Claim:
    """A claimed row as it was when claimed: the dispatcher works from this, not the session."""

    id: int
    key: str
    kind: str
    recipient: str
    payload: Mapping[str, Any]
    slack_channel: str | None
    attempts: int
    planned_due_at: datetime
    # When an attempt that may have reached Slack began (None: nothing was ever tried).
    unconfirmed_since: datetime | None
    claimed_at: datetime
    lease_until: datetime

    @property
    def is_update(self) -> bool:
        return self.payload.get("method") == UPDATE_MESSAGE


@dataclass(frozen=True)
class _Sent:
    channel: str
    ts: str
    from_history: bool = False


@dataclass(frozen=True)
class _Retry:
    error: str
    may_have_posted: bool
    channel: str | None
    retry_after: float | None = None


@dataclass(frozen=True)
class _Deferred:
    """Not sent for now because of a rate limit: Slack's 429 (`refused`), or one already known."""

    until: datetime
    may_have_posted: bool
    channel: str | None
    refused: bool = False


@dataclass(frozen=True)
class _Failed:
    error: str
    channel: str | None


@dataclass(frozen=True)
class _Withdrawn:
    """No longer wanted, and not in Slack (its history was looked at where it had to be)."""


_Outcome = _Sent | _Retry | _Deferred | _Failed | _Withdrawn


class _RateLimitedError(Exception):
    """A call this dispatcher already learned is rate limited until `until`; not attempted."""

    def __init__(self, until: datetime) -> None:
        super().__init__("rate limited")
        self.until = until


@dataclass
class _Attempt:
    """Where one row's delivery got to, so a failure can say whether Slack may have posted it."""

    claim: _Claim
    channel: str | None = None
    method: str = ""
    history_checked: bool = False
    post_sent: bool = False
    # No longer wanted: only looked for in Slack (an earlier attempt may have landed), never sent.
    withdrawn: bool = False

    @property
    def may_have_posted(self) -> bool:
        earlier = self.claim.unconfirmed_since is not None and not self.history_checked
        return self.post_sent or earlier


class Dispatcher:
    """Claims due outbox rows, sends them through Slack and records each result.

    Every message carries its outbox key in Slack message metadata. A row whose earlier attempt may
    have reached Slack (a crashed worker, a 5xx or dropped connection after posting) is looked for
    in the channel's history before it is sent again, so nothing is posted twice. For that reason
    chat.postMessage is never retried blindly by the client; reads and chat.update keep the
    client's connection and 5xx retries, but never the client's own sleep on Retry-After.

    A 429 is Slack's pacing, not a failure: it counts no attempt, and the dispatcher pauses what
    Slack refused (one method, one channel's posts, or all posts when the workspace-wide limit is
    the one reached) until Retry-After, so the rest of the batch does not hammer Slack meanwhile.
    Given a `wait`, a run sets the paused rows aside, sends what it still may, then waits out a
    pause of at most `max_wait` and carries on while it holds its claims; without one (a clock
    that moves only when told), or for a longer pause, the row is put back, due when Slack said.

    A claim is a lease: a CLAIMED row's due_at is when its claim goes stale (claimed_at plus
    `stale_claim_after`), so a crashed worker's rows fall due again by themselves; claimed_at is
    when the first attempt that may have reached Slack began, and is cleared once Slack has
    answered that nothing was posted.
    """

    def __init__(
        self,
        unit_of_work: Callable[[], AbstractContextManager[Session]],
        client: WebClient,
        clock: Clock,
        *,
        worker_id: str,
        batch_size: int = 100,
        max_attempts: int = 8,
        stale_claim_after: timedelta = timedelta(minutes=5),
        on_permanent_failure: Callable[[OutboxMessage], object] | None = None,
        render: Renderer | None = None,
        wait: Wait | None = None,
        max_wait: timedelta = MAX_RATE_LIMIT_WAIT,
    ) -> None:
        if not worker_id or len(worker_id) > 64:
            raise ValueError("worker_id must have 1 to 64 characters and be unique per process")
        self.unit_of_work = unit_of_work
        self.clock = clock
        self.worker_id = worker_id
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.stale_claim_after = stale_claim_after
        self.on_permanent_failure = on_permanent_failure
        self.render = render
        self.wait = wait
        self.max_wait = max_wait
        self._poster = _with_retries(client, ())
        self._reader = _with_retries(client, (ConnectionErrorRetryHandler, ServerErrorRetryHandler))
        self._dm_channels: dict[str, str] = {}
        # What Slack refused until when: a method ("chat.postMessage": every post) or a channel's
        # posts ("chat.postMessage:C123"). Kept across runs, so the next batch honours it too.
        self._paused: dict[str, datetime] = {}
        self._last_posted: dict[str, datetime] = {}  # channel -> this dispatcher's latest post

    def run_once(
        self, *, stop_by: datetime | None = None, keys: Sequence[str] | None = None
    ) -> DispatchReport:
        """Claim one batch of due rows, deliver each, and record every result; waiting out short
        rate limits (given a `wait`) ends by `stop_by`. Given `keys`, only those rows are taken
        (a message a person's action asked to go at once)."""
        report = DispatchReport()
        claims = self._claim(self.clock.now(), keys)
        report.claimed = len(claims)
        superseded = _superseded_updates(claims)
        self._forget_the_past(self.clock.now())
        # Stop well inside the lease, so no other worker takes over a row this one is still on.
        deadline = self.clock.now() + self.stale_claim_after / 2
        if stop_by is not None:
            deadline = min(deadline, stop_by)
        # Rows Slack paused, by when they may go and then in claim order, to try again this run.
        set_aside: list[tuple[datetime, int, _Attempt]] = []
        for order, claim in enumerate(claims):
            if claim.id in superseded:
                self._settle(claim, _Withdrawn(), report)
                continue
            if self.clock.now() >= deadline:
                report.deferred += 1 if self._release(claim) else 0
                continue
            written = self._written(claim)
            if isinstance(written, _Retry):
                self._settle(claim, written, report)
                continue
            attempt = _Attempt(written or claim, withdrawn=written is None)
            if attempt.withdrawn and (claim.unconfirmed_since is None or claim.is_update):
                # Nothing of it can be in Slack (or an update would only be repeated): cancelled.
                self._settle(claim, _Withdrawn(), report)
                continue
            self._attempt(attempt, order, deadline, set_aside, report)
        while set_aside:
            until, order, attempt = heapq.heappop(set_aside)
            pause = until - self.clock.now()
            if pause > timedelta(0) and self.wait is not None:
                self.wait(pause)
            if self.clock.now() >= deadline:
                report.deferred += 1 if self._release(attempt.claim) else 0
                continue
            self._attempt(attempt, order, deadline, set_aside, report)
        return report

    def _attempt(
        self,
        attempt: _Attempt,
        order: int,
        deadline: datetime,
        set_aside: list[tuple[datetime, int, _Attempt]],
        report: DispatchReport,
    ) -> None:
        """Deliver one row and record the result, or set it aside while Slack asks for a pause
        this run can wait out."""
        outcome = self._deliver(attempt)
        if isinstance(outcome, _Deferred):
            report.rate_limited += 1 if outcome.refused else 0
            if self._may_wait_for(outcome.until, deadline):
                heapq.heappush(set_aside, (outcome.until, order, attempt))
                return
        self._settle(attempt.claim, outcome, report, withdrawn=attempt.withdrawn)

    def _may_wait_for(self, until: datetime, deadline: datetime) -> bool:
        if self.wait is None or until >= deadline:
            return False
        return until - self.clock.now() <= self.max_wait

    def _forget_the_past(self, now: datetime) -> None:
        """Drop pauses that are over and posts too old to matter, so a long-lived dispatcher
        does not accumulate them."""
        self._paused = {key: until for key, until in self._paused.items() if until > now}
        recent = now - CHANNEL_PACE_WINDOW
        self._last_posted = {ch: at for ch, at in self._last_posted.items() if at > recent}

    def _written(self, claim: _Claim) -> _Claim | _Retry | None:
        """The claim with its message written, if it is built at sending time (None: unwanted,
        because planning withdrew it or the case no longer calls for it)."""
        if claim.payload.get(WITHDRAWN):
            return None
        args = claim.payload.get(RENDER)
        if args is None:
            return claim
        if self.render is None:
            return _Retry("no renderer for a message built when sent", False, None)
        try:
            with self.unit_of_work() as session:
                content = self.render(session, claim.kind, args, claim.recipient)
        except Exception as error:
            # Treated like an odd row in delivery: retried, then failed so a person hears.
            logger.error("outbox %s: writing it raised %s", claim.key, type(error).__name__)
            return _Retry(
                f"unexpected:{type(error).__name__}", claim.unconfirmed_since is not None, None
            )
        return None if content is None else replace(claim, payload=dict(content))

    # --- claiming ---------------------------------------------------------------------------------

    def _claim(self, now: datetime, keys: Sequence[str] | None = None) -> list[_Claim]:
        lease_until = now + self.stale_claim_after
        due = and_(
            col(OutboxMessage.state).in_([OutboxState.PENDING, OutboxState.CLAIMED]),
            col(OutboxMessage.due_at) <= now,
        )
        if keys is not None:
            due = and_(due, col(OutboxMessage.key).in_(list(keys)))
        with self.unit_of_work() as session:
            query = (
                select(OutboxMessage)
                .where(due)
                .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
                .limit(self.batch_size)
            )
            if session.get_bind().dialect.name == "postgresql":
                # Other replicas skip the rows this one is claiming instead of waiting for them.
                query = query.with_for_update(skip_locked=True)
            rows = session.exec(query).all()
            if not rows:
                return []
            claimed_ids = set(
                session.execute(
                    update(OutboxMessage)
                    .where(col(OutboxMessage.id).in_([row.id for row in rows]))
                    .where(due)  # SQLite has no row locks: only rows still due are taken
                    .values(
                        state=OutboxState.CLAIMED,
                        claimed_by=self.worker_id,
                        due_at=lease_until,
                        claimed_at=func.coalesce(
                            col(OutboxMessage.claimed_at), literal(now, UTCDateTime)
                        ),
                    )
                    .returning(col(OutboxMessage.id))
                    .execution_options(synchronize_session=False)
                ).scalars()
            )
            return [
                _Claim(
                    id=row.id,
                    key=row.key,
                    kind=row.kind,
                    recipient=row.recipient,
                    payload=dict(row.payload),
                    slack_channel=row.slack_channel,
                    attempts=row.attempts,
                    # A stale claim's due_at is its old lease; that is the best "planned" we have.
                    planned_due_at=row.due_at,
                    unconfirmed_since=row.claimed_at,
                    claimed_at=row.claimed_at or now,
                    lease_until=lease_until,
                )
                for row in rows
                if row.id is not None and row.id in claimed_ids
            ]

    # --- delivering -------------------------------------------------------------------------------

    def _deliver(self, attempt: _Attempt) -> _Outcome:
        claim = attempt.claim
        try:
            if claim.is_update:
                # Updating in place is idempotent, so it needs no history check.
                attempt.channel = str(claim.payload["channel"])
                self._gate(attempt, "chat.update")
                response = self._reader.chat_update(**_content(claim.payload, keep_channel=True))
                return _Sent(str(response["channel"]), str(response["ts"]))
            attempt.channel = self._channel_for(attempt)
            # Checked once per attempt: a post set aside after a 429 has been refused, not lost.
            if claim.unconfirmed_since is not None and not attempt.history_checked:
                ts = self._posted_ts(attempt, claim.unconfirmed_since)
                if ts is not None:
                    return _Sent(attempt.channel, ts, from_history=True)
            if attempt.withdrawn:
                return _Withdrawn()
            self._gate(attempt, POST_METHOD, attempt.channel)
            attempt.post_sent = True
            response = self._poster.chat_postMessage(
                channel=attempt.channel,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": claim.key}},
                **_content(claim.payload, keep_channel=False),
            )
            self._last_posted[attempt.channel] = self.clock.now()
            channel = str(response.get("channel") or attempt.channel)
            if is_user_id(claim.recipient):
                self._dm_channels[claim.recipient] = channel  # the DM Slack opened for us
            return _Sent(channel, str(response["ts"]))
        except _RateLimitedError as limited:
            return _Deferred(limited.until, attempt.may_have_posted, attempt.channel)
        except SlackApiError as error:
            return self._slack_error(attempt, error)
        except (OSError, HTTPException) as error:
            # No answer (dropped, refused, timed out): a post may or may not have landed.
            return _Retry(
                f"connection:{type(error).__name__}", attempt.may_have_posted, attempt.channel
            )
        except Exception as error:
            # One odd row must not stall the queue: retry it (history first) up to the limit,
            # then it fails and a person hears. The message may hold case text: log the type only.
            logger.error("outbox %s: unexpected %s", claim.key, type(error).__name__)
            return _Retry(
                f"unexpected:{type(error).__name__}", attempt.may_have_posted, attempt.channel
            )

    def _slack_error(self, attempt: _Attempt, error: SlackApiError) -> _Outcome:
        status = int(getattr(error.response, "status_code", 0) or 0)
        code = str(error.response.get("error") or "unknown_error") if status == 200 else ""
        if status == 429 or code in ("ratelimited", "rate_limited"):
            # A 429 is a refusal: nothing was applied.
            attempt.post_sent = False
            now = self.clock.now()
            until = now + timedelta(seconds=_retry_after(error.response.headers) or 1)
            paused = self._paused_by(attempt, now)
            self._paused[paused] = max(until, self._paused.get(paused, until))
            logger.info(
                "outbox %s: %s rate limited until %s",
                attempt.claim.key,
                paused,
                until.isoformat(timespec="seconds"),
            )
            return _Deferred(until, attempt.may_have_posted, attempt.channel, refused=True)
        if status >= 500:
            return _Retry(
                f"http_{status}",
                attempt.may_have_posted,
                attempt.channel,
                _retry_after(error.response.headers),
            )
        if status != 200:
            # Slack answers its own errors with 200: this came from a proxy or a wrong base URL,
            # which says nothing about the message, so it is retried rather than failed.
            attempt.post_sent = False
            return _Retry(f"http_{status}", attempt.may_have_posted, attempt.channel)
        # Slack answered: whatever the error, this call posted nothing.
        attempt.post_sent = False
        if code in TRANSIENT_ERRORS:
            return _Retry(code, attempt.may_have_posted, attempt.channel)
        if code not in PERMANENT_ERRORS:
            logger.warning("outbox %s: unrecognised Slack error %s", attempt.claim.key, code)
        return _Failed(code, attempt.channel)

    def _gate(self, attempt: _Attempt, method: str, channel: str | None = None) -> None:
        """Refuse a call Slack has already asked this dispatcher to pause."""
        attempt.method = method
        now = self.clock.now()
        keys = (method, f"{method}:{channel}") if channel else (method,)
        until = max((self._paused.get(key, now) for key in keys), default=now)
        if until > now:
            raise _RateLimitedError(until)

    def _paused_by(self, attempt: _Attempt, now: datetime) -> str:
        """What a 429 pauses. Slack limits most methods per workspace, and chat.postMessage both
        per channel and per workspace without saying which was reached: a channel this dispatcher
        has just posted to may be at its own limit, any other post met the workspace's."""
        if attempt.method == POST_METHOD and attempt.channel is not None:
            posted = self._last_posted.get(attempt.channel)
            if posted is not None and now - posted < CHANNEL_PACE_WINDOW:
                return f"{POST_METHOD}:{attempt.channel}"
        return attempt.method

    def _channel_for(self, attempt: _Attempt) -> str:
        claim = attempt.claim
        if not is_user_id(claim.recipient):
            return claim.recipient
        known = claim.slack_channel or self._dm_channels.get(claim.recipient)
        if known and not is_user_id(known):
            return known
        if claim.unconfirmed_since is None:
            # Nothing was ever tried: post straight to the person (Slack opens the DM and says
            # which), sparing a conversations.open call (Tier 3) per person in a fan-out.
            return claim.recipient
        # An earlier attempt may have landed: the history check needs the DM's channel id.
        self._gate(attempt, "conversations.open")
        response = self._reader.conversations_open(users=claim.recipient)
        channel = str(response["channel"]["id"])
        self._dm_channels[claim.recipient] = channel
        return channel

    def _posted_ts(self, attempt: _Attempt, since: datetime) -> str | None:
        """The ts of the message carrying this row's key in the channel since `since`, if any."""
        claim = attempt.claim
        assert attempt.channel is not None
        oldest = f"{(since - HISTORY_MARGIN).timestamp():.6f}"
        thread_ts = claim.payload.get("thread_ts")
        cursor: str | None = None
        for _ in range(HISTORY_MAX_PAGES):
            # A threaded reply is not in the channel's history, only in its thread.
            if thread_ts:
                self._gate(attempt, "conversations.replies")
                response = self._reader.conversations_replies(
                    channel=attempt.channel,
                    ts=str(thread_ts),
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE_SIZE,
                    cursor=cursor,
                )
            else:
                self._gate(attempt, "conversations.history")
                response = self._reader.conversations_history(
                    channel=attempt.channel,
                    oldest=oldest,
                    include_all_metadata=True,
                    limit=HISTORY_PAGE_SIZE,
                    cursor=cursor,
                )
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == EVENT_TYPE and payload.get("key") == claim.key:
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                attempt.history_checked = True
                return None
        logger.warning("outbox %s: history too long to search; sending again", claim.key)
        attempt.history_checked = True
        return None

    # --- recording --------------------------------------------------------------------------------

    def _settle(
        self, claim: _Claim, outcome: _Outcome, report: DispatchReport, *, withdrawn: bool = False
    ) -> None:
        now = self.clock.now()
        if isinstance(outcome, _Withdrawn):
            cancel = {"state": OutboxState.CANCELLED, "due_at": claim.planned_due_at}
            if self._record(claim, cancel):
                report.cancelled += 1
            return
        if isinstance(outcome, _Sent):
            values: dict[str, Any] = {
                "state": OutboxState.SENT,
                "slack_channel": outcome.channel,
                "slack_ts": outcome.ts,
                "sent_at": now,
                "due_at": claim.planned_due_at,
                "last_error": None,
            }
            if not outcome.from_history:
                values["attempts"] = claim.attempts + 1
            if self._record(claim, values):
                if outcome.from_history:
                    report.confirmed_from_history += 1
                    logger.info("outbox %s: found already posted, recorded as sent", claim.key)
                else:
                    report.sent += 1
                    logger.info("outbox %s: sent to %s", claim.key, outcome.channel)
            return
        if isinstance(outcome, _Deferred):
            # Refused by a rate limit, or not tried while one lasts: Slack's pacing, not a
            # failure, so no attempt is counted and the row is due again when Slack said.
            deferred = self._record(
                claim,
                {
                    "state": OutboxState.PENDING,
                    "due_at": outcome.until,
                    "claimed_at": claim.claimed_at if outcome.may_have_posted else None,
                    "slack_channel": outcome.channel or claim.slack_channel,
                },
            )
            report.deferred += 1 if deferred else 0
            return
        attempts = claim.attempts + 1
        if isinstance(outcome, _Retry) and attempts < self.max_attempts:
            delay = retry_delay(attempts, retry_after=outcome.retry_after)
            recorded = self._record(
                claim,
                {
                    "state": OutboxState.PENDING,
                    "attempts": attempts,
                    "last_error": outcome.error,
                    "due_at": now + delay,
                    "claimed_at": claim.claimed_at if outcome.may_have_posted else None,
                    "slack_channel": outcome.channel or claim.slack_channel,
                },
            )
            if recorded:
                report.retried += 1
                logger.warning(
                    "outbox %s: %s (attempt %d), retrying in %s",
                    claim.key,
                    outcome.error,
                    attempts,
                    delay,
                )
            return
        error = outcome.error
        if isinstance(outcome, _Retry):
            error = f"{outcome.error}; gave up after {attempts} attempts"
        if withdrawn:
            # Unwanted, and Slack would not say whether an earlier attempt landed: nobody is
            # told a message failed that the case no longer calls for.
            values = {"state": OutboxState.CANCELLED, "due_at": claim.planned_due_at}
            if self._record(claim, {**values, "attempts": attempts, "last_error": error}):
                report.cancelled += 1
                logger.warning("outbox %s: withdrawn, not known in Slack: %s", claim.key, error)
            return
        row = self._record(
            claim,
            {
                "state": OutboxState.FAILED,
                "attempts": attempts,
                "last_error": error,
                "due_at": claim.planned_due_at,
                "slack_channel": outcome.channel or claim.slack_channel,
            },
        )
        if row is None:
            return
        report.failed += 1
        logger.error("outbox %s: failed: %s", claim.key, error)
        if self.on_permanent_failure is not None:
            try:
                self.on_permanent_failure(row)
            except Exception as callback_error:  # the row is FAILED and visible either way
                logger.error(
                    "outbox %s: on_permanent_failure raised %s",
                    claim.key,
                    type(callback_error).__name__,
                )

    def _release(self, claim: _Claim) -> OutboxMessage | None:
        """Hand an untried row back as it was, for the next run."""
        return self._record(
            claim,
            {
                "state": OutboxState.PENDING,
                "due_at": claim.planned_due_at,
                "claimed_at": claim.unconfirmed_since,
            },
        )

    def _record(self, claim: _Claim, values: dict[str, Any]) -> OutboxMessage | None:
        """Write one row's result in its own transaction, if this worker still holds the claim."""
        with self.unit_of_work() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == claim.id)
                .where(col(OutboxMessage.state) == OutboxState.CLAIMED)
                .where(col(OutboxMessage.claimed_by) == self.worker_id)
                .where(col(OutboxMessage.due_at) == claim.lease_until)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if not getattr(result, "rowcount", 0):
                # The lease ran out and another worker took the row; it checks history first.
                logger.warning("outbox %s: claim lost before the result was recorded", claim.key)
                return None
            return session.get(OutboxMessage, claim.id)


def _with_retries(client: WebClient, kinds: tuple[type[Any], ...]) -> WebClient:
    """A copy of `client` that keeps only the retry handlers of the given kinds."""
    derived = copy.copy(client)
    derived.retry_handlers = [h for h in client.retry_handlers if isinstance(h, kinds)]
    return derived


def _content(payload: Mapping[str, Any], *, keep_channel: bool) -> dict[str, Any]:
    # The key's metadata is the dispatcher's to set; a post's channel comes from its recipient.
    dropped = {"method"} if keep_channel else {"method", "channel", "metadata"}
    return {name: value for name, value in payload.items() if name not in dropped}


def _retry_after(headers: Mapping[str, Any] | None) -> float | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


def _superseded_updates(claims: list[_Claim]) -> set[int]:
    """Updates of one message claimed together: only the last planned one needs sending."""
    latest: dict[tuple[str, str], _Claim] = {}
    superseded: set[int] = set()
    for claim in claims:  # claims come in due order, so a later one is the newer content
        if not claim.is_update:
            continue
        message = (str(claim.payload["channel"]), str(claim.payload["ts"]))
        previous = latest.get(message)
        if previous is not None:
            superseded.add(previous.id)
        latest[message] = claim
    return superseded

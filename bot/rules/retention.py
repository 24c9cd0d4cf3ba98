"""How long a case's data stays after its plan ends, and when its people hear it will go."""

from __future__ import annotations

from datetime import datetime, timedelta

# The area's default (DOMAIN.md, Confidentiality: Slack is not the record): two years after the
# plan ends, the bot keeps nothing of a case but its tombstone.
DEFAULT_RETENTION_DAYS = 730
# The social worker and chair are told this long before, so an export can still be made.
NOTICE_BEFORE = timedelta(days=14)


def purge_due_at(plan_ended_at: datetime, retention_days: int) -> datetime:
    """The instant a closed case's data is past retention."""
    return plan_ended_at + timedelta(days=retention_days)


def notice_due_at(plan_ended_at: datetime, retention_days: int) -> datetime:
    """When the social worker and chair are told of the coming purge (never before the end)."""
    return max(plan_ended_at, purge_due_at(plan_ended_at, retention_days) - NOTICE_BEFORE)


def past_retention(plan_ended_at: datetime | None, retention_days: int, now: datetime) -> bool:
    """Whether a case whose plan ended then is due to be purged now (an open case never is)."""
    return plan_ended_at is not None and now >= purge_due_at(plan_ended_at, retention_days)

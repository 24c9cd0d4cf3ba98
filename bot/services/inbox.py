"""Events Slack has delivered: each event id is handled once, however often Slack sends it."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.deps import Dependencies
from storage.models import ProcessedEvent


def first_delivery(deps: Dependencies, event_id: str) -> bool:
    """Record the event id; False when it was already recorded (a redelivery to drop)."""
    try:
        with deps.unit_of_work() as session:
            session.add(ProcessedEvent(event_id=event_id, received_at=deps.clock.now()))
    except IntegrityError:
        return False
    return True

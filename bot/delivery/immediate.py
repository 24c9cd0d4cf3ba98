"""Sending a few outbox rows at once, right after a person's action, instead of at the next minute.

The rows are ordinary outbox rows (a unique key, due now), written in the action's transaction,
so nothing is lost if this process dies: the scheduler's dispatcher takes whatever is left. This
only takes them sooner, through the same dispatcher, so a post that may have reached Slack is
looked for in the conversation's history before it is ever sent again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Sequence
from datetime import timedelta

from bot.delivery.content import write
from bot.delivery.dispatcher import Dispatcher, DispatchReport
from bot.delivery.undelivered import report_undelivered
from bot.deps import Dependencies

log = logging.getLogger(__name__)

# A claim taken here lapses sooner than the scheduler's: if this process dies between claiming
# and recording, the next dispatch pass (any replica's) takes the row within a minute or so.
IMMEDIATE_LEASE = timedelta(seconds=30)


def send_now(deps: Dependencies, keys: Sequence[str]) -> DispatchReport:
    """Send the outbox rows with these keys that are due (typically just queued)."""
    if not keys:
        return DispatchReport()
    dispatcher = Dispatcher(
        deps.unit_of_work,
        deps.client,
        deps.clock,
        worker_id=f"now:{socket.gethostname()}:{os.getpid()}"[:64],
        stale_claim_after=IMMEDIATE_LEASE,
        on_permanent_failure=lambda row: report_undelivered(deps, row),
        render=write,
    )
    report = dispatcher.run_once(keys=keys)
    if report.sent + report.confirmed_from_history < len(keys):
        log.info("sent at once: %s of %d; the dispatcher takes the rest", report, len(keys))
    return report

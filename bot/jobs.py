"""The scheduled work, as plain functions of their dependencies: dispatch, plan, reconcile,
purge."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from sqlmodel import select

from bot.delivery.content import write
from bot.delivery.dispatcher import Dispatcher, DispatchReport, sleep_on
from bot.delivery.undelivered import report_undelivered
from bot.deps import Dependencies
from bot.rules.vocabulary import CaseStatus
from bot.services.audit import SYSTEM
from bot.services.measures import count_conference_quorum, plan_monthly_digests
from bot.services.members import reconcile
from bot.services.planning import PlanningReport, planning_pass
from bot.services.purge import (
    RETENTION_REASON,
    PurgeError,
    PurgeReport,
    cases_past_retention,
    notify_coming_purges,
    purge_case,
)
from bot.slack.gateway import SlackError
from storage.db import exclusive, refresh_statistics
from storage.models import Case, JobRun

log = logging.getLogger(__name__)

DAILY = "daily"  # the daily job's name in job_runs and its lock
# A dispatch pass that waits out Slack's rate limits stops after this long; the scheduler's next
# minute carries on. It is longer than the minute on purpose: the scheduler skips its ticks while
# a pass runs, and a fan-out of a few thousand messages (600 posts a minute, say) drains in one
# pass rather than in pieces with idle gaps between them.
PASS_BUDGET = timedelta(minutes=10)
# And after this many batches, whatever the clock says (a clock that moves only when told).
MAX_BATCHES = 200


@dataclass(frozen=True)
class SweepReport:
    """One planning and dispatch pass."""

    planning: PlanningReport
    dispatch: DispatchReport


def worker_id() -> str:
    """Unique per process, so claims by different replicas can be told apart."""
    return f"{socket.gethostname()}:{os.getpid()}"


def make_dispatcher(deps: Dependencies, *, worker: str | None = None) -> Dispatcher:
    """The outbox dispatcher, telling the social worker about anything it cannot deliver."""
    return Dispatcher(
        deps.unit_of_work,
        deps.client,
        deps.clock,
        worker_id=worker or worker_id(),
        on_permanent_failure=lambda row: report_undelivered(deps, row),
        render=write,
        wait=sleep_on(deps.clock),
    )


def dispatch_due(dispatcher: Dispatcher, *, budget: timedelta = PASS_BUDGET) -> DispatchReport:
    """Send everything due now, batch after batch, and add up what happened.

    A dispatcher that can wait sets rate-limited rows aside and waits out Slack's Retry-After
    within the pass, which ends when nothing more is due, when a whole batch could only be put
    back (Slack asked for a longer pause), or after `budget`.
    """
    stop_by = dispatcher.clock.now() + budget
    total = DispatchReport()
    for _ in range(MAX_BATCHES):
        report = dispatcher.run_once(stop_by=stop_by)
        total = DispatchReport(
            **{name: getattr(total, name) + getattr(report, name) for name in vars(total)}
        )
        settled = report.claimed - report.deferred
        if report.claimed < dispatcher.batch_size or not settled:
            break
        if dispatcher.clock.now() >= stop_by:
            break
    return total


def sweep(deps: Dependencies, dispatcher: Dispatcher) -> SweepReport:
    """One planning pass and one dispatch pass, as of the clock's now (`coregroup sweep`)."""
    planning = planning_pass(deps)
    return SweepReport(planning, dispatch_due(dispatcher))


def daily(deps: Dependencies) -> PlanningReport:
    """The daily job: fresh planner statistics and a seventh of the registers matched to their
    channels (once a day, by whichever replica comes first), then the planning pass, the monthly
    digests, the purges due, and the count of the conferences whose quorum changed.

    Replicas sharing PostgreSQL take turns; the others' passes then find nothing left to plan.
    """
    engine = deps.unit_of_work.engine
    day = deps.clock.now().astimezone(UTC).date()
    with exclusive(engine, DAILY):
        with deps.unit_of_work() as session:
            done = session.get(JobRun, (DAILY, day)) is not None
        if not done:
            refresh_statistics(engine)
            for case_id in registers_to_check(open_case_ids(deps), day):
                reconcile(deps, case_id=case_id)
        report = planning_pass(deps)
        plan_monthly_digests(deps)
        purge_past_retention(deps)
        # The day's changes to conferences' quorum counted now, not when a manager next asks.
        with deps.unit_of_work() as session:
            count_conference_quorum(session)
        if not done:
            with deps.unit_of_work() as session:
                session.add(
                    JobRun(job=DAILY, day=day, worker=worker_id(), finished_at=deps.clock.now())
                )
    return report


def purge_past_retention(deps: Dependencies) -> list[PurgeReport]:
    """Warn of coming purges, then purge every closed case past its area's retention period.

    Each purge is its own steps (bot/services/purge.py): one that fails is logged and resumed by
    the next day's run, and the others go ahead."""
    notify_coming_purges(deps)
    with deps.unit_of_work() as session:
        due = cases_past_retention(session, deps.clock.now())
    reports = []
    for case in due:
        try:
            reports.append(
                purge_case(
                    deps,
                    case_id=case.case_id,
                    requested_by=SYSTEM,
                    reason=RETENTION_REASON,
                    export_dir=deps.settings.export_dir,
                )
            )
        except (PurgeError, SlackError, OSError) as error:  # OSError: the export, or the network
            log.warning("purge of case %s waits: %s", case.case_id, error)
    return reports


def registers_to_check(case_ids: list[int], day: date) -> list[int]:
    """The cases whose register is checked against their channel today: each case once a week.

    Joins and departures arrive as events the moment they happen; this check only catches what
    was missed while the bot was down. Slack allows conversations.info 50 calls a minute, so
    checking 10,000 cases every day would take over three hours of each day.
    """
    return [case_id for case_id in case_ids if case_id % 7 == day.toordinal() % 7]


def open_case_ids(deps: Dependencies) -> list[int]:
    """Every open case, by id."""
    with deps.unit_of_work() as session:
        return [
            cid
            for cid in session.exec(select(Case.id).where(Case.status == CaseStatus.OPEN))
            if cid is not None
        ]

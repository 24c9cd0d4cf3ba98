"""Retention and purge: a closed case past retention leaves the database and Slack, but for a
tombstone in the audit trail.

A purge runs in steps, each committed on its own, so a crash at any step is resumed by running it
again: (1) a `case_purges` row is written and everything planned for the case is cancelled;
(2) the case is exported when its area asks, and the export's checksum recorded; (3) the bot's own
messages and files about the case are deleted in Slack and the channel archived (each call treats
"already gone" as done); (4) in one transaction the case's rows are deleted and the tombstone
written. Until (4) commits the case is still there to resume; after it, nothing is left to purge.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _
from bot.rules.messages import (
    RENDER,
    MessageKind,
    PlannedMessage,
    key_case,
    outbox_key,
)
from bot.rules.permissions import Permission
from bot.rules.retention import notice_due_at, past_retention, purge_due_at
from bot.rules.vocabulary import CaseStatus, OutboxState, Role
from bot.services import audit
from bot.services.access import check
from bot.services.export import export_case_record
from bot.services.outbox import enqueue
from bot.slack.gateway import BotMessage, SlackError
from storage.models import Area, Case, CasePurge, Job, Meeting, Member, OutboxMessage, QuorumChange
from storage.queries import chunks, owned_tables

log = logging.getLogger(__name__)

RETENTION_REASON = "retention period over"
# A DM that cannot be opened (the person left the workspace) holds nothing the bot can delete.
_UNREACHABLE = {"user_not_found", "user_disabled", "account_inactive", "channel_not_found"}


class PurgeError(Exception):
    """A purge cannot go ahead as asked; the message says why."""


@dataclass(frozen=True)
class DuePurge:
    """A closed case whose data is past its area's retention period."""

    case_id: int
    reference: str
    plan_ended_at: datetime
    purge_at: datetime
    retention_days: int
    needs_export: bool


@dataclass
class PurgeReport:
    """What one purge did: nothing when the case was already gone."""

    reference: str
    purged: bool = False
    export_checksum: str | None = None
    slack_files: int = 0
    # The (channel, ts) of each of the bot's messages deleted in Slack by this run.
    deleted: set[tuple[str, str]] = field(default_factory=set)
    rows: dict[str, int] = field(default_factory=dict)


def cases_past_retention(session: Session, now: datetime) -> list[DuePurge]:
    """Every closed case whose plan ended longer ago than its area keeps data."""
    rows = session.execute(
        select(Case, Area)
        .join(Area, col(Area.id) == col(Case.area_id))
        .where(col(Case.status) != CaseStatus.OPEN)
        .order_by(col(Case.closed_at), col(Case.id))
    )
    due = []
    for case, area in rows:
        if case.id is None or case.closed_at is None:
            continue
        if past_retention(case.closed_at, area.retention_days, now):
            due.append(
                DuePurge(
                    case.id,
                    case.reference,
                    case.closed_at,
                    purge_due_at(case.closed_at, area.retention_days),
                    area.retention_days,
                    area.purge_needs_export,
                )
            )
    return due


def find_case(session: Session, reference: str) -> Case:
    """The one case with this reference, or a PurgeError saying why not."""
    cases = session.execute(select(Case).where(col(Case.reference) == reference)).scalars().all()
    if not cases:
        raise PurgeError(
            _("No case has the reference {reference} (already purged, or mistyped).").format(
                reference=repr(reference)
            )
        )
    if len(cases) > 1:
        raise PurgeError(
            _("{n} areas have a case {reference}; ask an administrator.").format(
                n=len(cases), reference=repr(reference)
            )
        )
    found: Case = cases[0]
    return found


def purge_case(
    deps: Dependencies,
    *,
    case_id: int,
    requested_by: str,
    reason: str,
    export_dir: Path | None,
) -> PurgeReport:
    """Purge one closed case, or finish a purge a crash interrupted; a purged case is left be."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None:
            return PurgeReport(reference="")  # purged already: never twice
        if case.status == CaseStatus.OPEN:
            raise PurgeError(
                _("{reference} is still open: a purge never runs for an open case.").format(
                    reference=case.reference
                )
            )
        report = PurgeReport(reference=case.reference)
        if session.get(CasePurge, case_id) is None:
            session.add(
                CasePurge(case_id=case_id, started_at=now, requested_by=requested_by, reason=reason)
            )
        # Stop everything planned, so nothing new reaches Slack while it is being cleared.
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.case_id) == case_id,
                col(OutboxMessage.state).in_([OutboxState.PENDING, OutboxState.CLAIMED]),
            )
            .values(state=OutboxState.CANCELLED)
        )
        case.next_replan_at = None
        session.add(case)
    report.export_checksum = _export_step(deps, case_id, export_dir)
    _slack_step(deps, case_id, report)
    _rows_step(deps, case_id, report)
    return report


def _export_step(deps: Dependencies, case_id: int, export_dir: Path | None) -> str | None:
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        purge = session.get(CasePurge, case_id)
        assert case is not None and purge is not None
        area = session.get(Area, case.area_id)
        assert area is not None
        if purge.export_checksum is not None:
            return purge.export_checksum  # exported before a crash: the record is written
        if not area.purge_needs_export:
            return None
        if export_dir is None:
            raise PurgeError(
                _(
                    "The area of {reference} asks for an export before a purge, and EXPORT_DIR "
                    "is not set: set it to the folder the authority's record system collects "
                    "from."
                ).format(reference=case.reference)
            )
        folder = export_dir / area.slack_team_id / case.reference
        written = export_case_record(session, case, folder)
        purge.export_checksum = export_checksum(written)
        session.add(purge)
        return purge.export_checksum


def export_now(deps: Dependencies, *, case_id: int, actor: str) -> str:
    """The notice's button: the social worker or chair exports a closed case's record to the
    authority's folder before its purge (audited with the export's checksum)."""
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None:
            return _("That case has been purged already: its record was exported first.")
        if not check(session, case=case, user_id=actor, permission=Permission.ARCHIVE_CASE).allowed:
            return _("Sorry, only the social worker or the chair can export the record.")
        area = session.get_one(Area, case.area_id)
        export_dir = deps.settings.export_dir
        if export_dir is None:
            return _(
                "No export folder is set up for this workspace: ask your administrator to run "
                "`coregroup export {reference} --out DIR`."
            ).format(reference=case.reference)
        written = export_case_record(
            session, case, export_dir / area.slack_team_id / case.reference
        )
        checksum = export_checksum(written)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.CASE_EXPORTED,
            at=deps.clock.now(),
            case_id=case_id,
            files=len(written),
            checksum=checksum,
        )
    return _("The record of {reference} is exported for your case record system.").format(
        reference=escape_mrkdwn(case.reference)
    )


def export_checksum(paths: Iterable[Path]) -> str:
    """A SHA-256 over the exported files, by name and content, in name order."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def _slack_step(deps: Dependencies, case_id: int, report: PurgeReport) -> None:
    with deps.unit_of_work() as session:
        purge = session.get(CasePurge, case_id)
        case = session.get(Case, case_id)
        assert purge is not None and case is not None
        if purge.slack_done_at is not None:
            return
        reference, channel = case.reference, case.slack_channel_id
        people = sorted(
            {
                uid
                for uid in session.execute(
                    select(col(Member.slack_user_id)).where(col(Member.case_id) == case_id)
                ).scalars()
                if uid
            }
        )
        sent = [
            (row.slack_channel, row.slack_ts)
            for row in session.execute(
                select(OutboxMessage).where(
                    col(OutboxMessage.case_id) == case_id, col(OutboxMessage.slack_ts).is_not(None)
                )
            ).scalars()
        ]
        # Other cases whose reference begins with this one's (`oak-family` beside `oak`): their
        # files begin with this reference too, and must be left alone.
        longer = list(
            session.execute(
                select(col(Case.reference)).where(
                    col(Case.id) != case_id, col(Case.reference).startswith(f"{reference}-")
                )
            ).scalars()
        )
    gateway = deps.gateway
    about = _about_case(case_id, reference, longer)
    if channel is not None:
        try:
            messages = gateway.bot_messages(channel)
        except SlackError as error:
            if error.code != "channel_not_found":
                raise
            messages = []  # the channel is gone, and everything in it
        # Everything the bot posted in the case channel is about the case.
        _delete(deps, channel, messages, report)
    for person in people:
        try:
            dm = gateway.open_dm(person)
            messages = gateway.bot_messages(dm)
        except SlackError as error:
            if error.code not in _UNREACHABLE:
                raise
            continue
        _delete(deps, dm, [m for m in messages if about(m)], report)
    for where, ts in sent:
        if where and ts and (where, ts) not in report.deleted:
            gateway.delete_message(where, ts)  # anything history did not show (already gone: fine)
    if channel is not None and not gateway.channel_is_archived(channel):
        try:
            gateway.archive(channel)
        except SlackError as error:
            if error.code != "already_archived":
                raise
    with deps.unit_of_work() as session:
        purge = session.get(CasePurge, case_id)
        assert purge is not None
        purge.slack_done_at = deps.clock.now()
        session.add(purge)


def _about_case(case_id: int, reference: str, longer: list[str]) -> Any:
    """Whether one of the bot's DMs is about this case: its outbox key is in the case's scope, its
    notification names the reference (every message's does), or a file it shares is named by it:
    every file the bot shares about a case is named `<reference>-...` (a summary, a printable
    copy, a decision notice, a calendar entry), unless a longer reference claims it."""
    named = re.compile(rf"(?<![\w-]){re.escape(reference)}(?![\w-])")

    def file_named(name: str) -> bool:
        return name.startswith(f"{reference}-") and not any(
            name.startswith(f"{other}-") for other in longer
        )

    def about(message: BotMessage) -> bool:
        return (
            key_case(message.metadata_key) == case_id
            or named.search(message.text) is not None
            or any(file_named(name) for _, name in message.files)
        )

    return about


def _delete(
    deps: Dependencies, channel: str, messages: list[BotMessage], report: PurgeReport
) -> None:
    for message in messages:
        for file_id, _name in message.files:
            deps.gateway.delete_file(file_id)
            report.slack_files += 1
        deps.gateway.delete_message(channel, message.ts)
        report.deleted.add((channel, message.ts))


def _rows_step(deps: Dependencies, case_id: int, report: PurgeReport) -> None:
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case = session.get(Case, case_id)
        purge = session.get(CasePurge, case_id)
        assert case is not None and purge is not None
        tombstone: dict[str, Any] = {
            "reference": case.reference,
            "opened_at": case.created_at.isoformat(),
            "icpc_date": case.icpc_date.isoformat(),
            "plan_ended_at": case.closed_at.isoformat() if case.closed_at else None,
            "outcome": case.status.value,
            "purge_started_at": purge.started_at.isoformat(),
            "purged_at": now.isoformat(),
            "requested_by": purge.requested_by,
            "reason": purge.reason,
            "export_checksum": purge.export_checksum,
        }
        area_id, actor = case.area_id, purge.requested_by
        counts: dict[str, int] = {}
        meetings = select(col(Meeting.id)).where(col(Meeting.case_id) == case_id)
        meeting_ids = list(session.execute(meetings).scalars())
        for table, where in owned_tables(case_id):
            counts[table.name] = _rowcount(session.execute(delete(table).where(where)))
        # The notes of its conferences' changes, the invitations' deletion's too (they name the
        # meeting by id, without a foreign key).
        for chunk in chunks(meeting_ids):
            session.execute(delete(QuorumChange).where(col(QuorumChange.meeting_id).in_(chunk)))
        # Its jobs, done and due alike (they name the case by id, without a foreign key).
        counts[Job.__tablename__] = _rowcount(
            session.execute(delete(Job).where(col(Job.case_id) == case_id))
        )
        # Last: the audit trail's triggers allow its deletions only while this row exists.
        session.execute(delete(CasePurge).where(col(CasePurge.case_id) == case_id))
        session.execute(delete(Case).where(col(Case.id) == case_id))
        deleted = {name: n for name, n in counts.items() if n}
        deleted["cases"] = 1
        audit.record(
            session,
            actor=actor[:32],
            action=AuditAction.CASE_PURGED,
            at=now,
            area_id=area_id,
            deleted=deleted,
            **tombstone,
        )
    report.rows = deleted
    report.purged = True


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def notify_coming_purges(deps: Dependencies) -> int:
    """Plan the notice of a coming purge to each closed case's social worker and chair, once."""
    now = deps.clock.now()
    planned = 0
    with deps.unit_of_work() as session:
        rows = session.execute(
            select(Case, Area)
            .join(Area, col(Area.id) == col(Case.area_id))
            .where(col(Case.status) != CaseStatus.OPEN, col(Case.closed_at).is_not(None))
        )
        for case, area in rows:
            assert case.id is not None and case.closed_at is not None
            if now < notice_due_at(case.closed_at, area.retention_days):
                continue
            if past_retention(case.closed_at, area.retention_days, now):
                continue  # too late to warn: the purge itself is due
            holders = session.execute(
                select(col(Member.slack_user_id)).where(
                    col(Member.case_id) == case.id,
                    col(Member.active),
                    col(Member.role).in_([Role.SOCIAL_WORKER, Role.CHAIR]),
                )
            ).scalars()
            for user in sorted({u for u in holders if u}):
                message = PlannedMessage(
                    # Outside the case's planning scope (a closed case is not planned anyway):
                    # keyed by case and person, so each is told once.
                    outbox_key(MessageKind.PURGE_NOTICE, case.id, user),
                    MessageKind.PURGE_NOTICE,
                    user,
                    now,
                    {RENDER: {"case": case.id}},
                    case.id,
                )
                planned += int(enqueue(session, message, now=now))
    return planned

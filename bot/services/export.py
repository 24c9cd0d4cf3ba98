"""Export a case for the authority's case record: everything as JSON, summaries as HTML."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from bot.rules.vocabulary import MeetingKind
from bot.services.review import summary_input
from bot.summary import Audience, summary_html
from storage.models import (
    AgencyUpdate,
    AuditEvent,
    Case,
    Invitation,
    Meeting,
    Member,
    OutcomeRating,
    PlanAction,
    PlanVersion,
    UpdateRequest,
)
from storage.models import Outcome as OutcomeRow


class ExportError(Exception):
    """The case cannot be exported as asked; the message says why."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(rows: list[Any]) -> list[dict[str, Any]]:
    # Columns in the table's declared order: a dump follows the order attributes happened to
    # load in, which differs between runs, and the same record must give the same file.
    dumped = [row.model_dump() for row in rows]
    return [
        {name: _plain(values[name]) for name in type(row).model_fields if name in values}
        for row, values in zip(rows, dumped, strict=True)
    ]


def _all(session: Session, model: type[SQLModel], *where: Any) -> list[Any]:
    return list(session.exec(select(model).where(*where)))


def export_case(session: Session, reference: str, out_dir: Path) -> list[Path]:
    """Write `case.json` and one HTML summary per review conference; return the files written."""
    cases = session.exec(select(Case).where(Case.reference == reference)).all()
    if not cases:
        raise ExportError(f"No case has the reference {reference!r}.")
    if len(cases) > 1:
        raise ExportError(f"{len(cases)} areas have a case {reference!r}; ask an administrator.")
    case = cases[0]
    assert case.id is not None
    meetings = _all(session, Meeting, Meeting.case_id == case.id)
    meeting_ids = [m.id for m in meetings]
    requests = _all(session, UpdateRequest, col(UpdateRequest.meeting_id).in_(meeting_ids))
    updates = _all(
        session, AgencyUpdate, col(AgencyUpdate.request_id).in_([r.id for r in requests])
    )
    record = {
        "exported_from": "Core Group bot",
        "case": _rows([case])[0],
        "members": _rows(_all(session, Member, Member.case_id == case.id)),
        "outcomes": _rows(_all(session, OutcomeRow, OutcomeRow.case_id == case.id)),
        "actions": _rows(_all(session, PlanAction, PlanAction.case_id == case.id)),
        "plan_versions": _rows(_all(session, PlanVersion, PlanVersion.case_id == case.id)),
        "meetings": _rows(meetings),
        "invitations_and_attendance": _rows(
            _all(session, Invitation, col(Invitation.meeting_id).in_(meeting_ids))
        ),
        "update_requests": _rows(requests),
        "updates_every_version": _rows(updates),
        "ratings": _rows(
            _all(session, OutcomeRating, col(OutcomeRating.update_id).in_([u.id for u in updates]))
        ),
        "audit_trail": _rows(_all(session, AuditEvent, AuditEvent.case_id == case.id)),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "case.json"]
    written[0].write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    for meeting in sorted(meetings, key=lambda m: m.sequence):
        if meeting.kind != MeetingKind.RCPC or meeting.id is None:
            continue
        if meeting.decision is None and meeting.status.value != "held":
            continue  # not reviewed yet: nothing to put on the record
        summary = summary_input(session, case.id, meeting.id)
        path = out_dir / f"summary-review-{meeting.sequence}-professional.html"
        path.write_text(summary_html(summary, Audience.PROFESSIONAL), encoding="utf-8")
        written.append(path)
    return written

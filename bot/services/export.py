"""Export a case for the authority's case record: everything as JSON, summaries as HTML."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, SQLModel, col, select

from bot.rules.i18n import _
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
        raise ExportError(
            _("No case has the reference {reference}.").format(reference=repr(reference))
        )
    if len(cases) > 1:
        raise ExportError(
            _("{n} areas have a case {reference}; ask an administrator.").format(
                n=len(cases), reference=repr(reference)
            )
        )
    return export_case_record(session, cases[0], out_dir)


def export_person(session: Session, who: str, out_dir: Path) -> list[Path]:
    """Write `person.json`: everything stored about one person (a subject access request), found
    by Slack user id (`@U123` or `U123`) or by the name the core group knows them by."""
    wanted = who.strip().removeprefix("<").removesuffix(">").removeprefix("@")
    by_id = wanted[:1] in ("U", "W") and wanted[1:].isalnum() and wanted.upper() == wanted
    if by_id:
        members = _all(session, Member, Member.slack_user_id == wanted)
    else:
        members = [
            m
            for m in session.exec(select(Member))
            if m.display_name.casefold() == wanted.casefold()
        ]
    if not members:
        raise ExportError(
            _("Nothing is stored about {who}: no core group has them.").format(who=repr(who))
        )
    user_ids = {m.slack_user_id for m in members if m.slack_user_id}
    if len({m.display_name.casefold() for m in members}) > 1 and not by_id:
        raise ExportError(
            _("More than one person is called {who}; give their Slack id instead.").format(
                who=repr(who)
            )
        )
    member_ids = [m.id for m in members]
    cases = {
        c.id: c.reference
        for c in _all(session, Case, col(Case.id).in_([m.case_id for m in members]))
    }
    requests = _all(session, UpdateRequest, col(UpdateRequest.member_id).in_(member_ids))
    updates = _all(
        session,
        AgencyUpdate,
        or_(
            col(AgencyUpdate.request_id).in_([r.id for r in requests]),
            col(AgencyUpdate.submitted_by).in_(user_ids),
        ),
    )
    names = {m.display_name for m in members}

    def about_them(event: AuditEvent) -> bool:
        words = json.dumps(event.detail, ensure_ascii=False)
        return event.actor in user_ids or any(t in words for t in user_ids | names)

    record = {
        "exported_from": "Core Group bot",
        "subject_access_request_for": who,
        "slack_user_ids": sorted(user_ids),
        "core_group_memberships": [
            {**row, "case_reference": cases.get(row["case_id"])} for row in _rows(members)
        ],
        "invitations_replies_and_attendance": _rows(
            _all(
                session,
                Invitation,
                or_(
                    col(Invitation.member_id).in_(member_ids),
                    col(Invitation.representative_member_id).in_(member_ids),
                ),
            )
        ),
        "actions_they_own": _rows(
            _all(session, PlanAction, col(PlanAction.owner_member_id).in_(member_ids))
        ),
        "update_requests": _rows(requests),
        "updates_every_version": _rows(updates),
        "ratings": _rows(
            _all(session, OutcomeRating, col(OutcomeRating.update_id).in_([u.id for u in updates]))
        ),
        "audit_events_by_or_about_them": _rows(
            [
                e
                for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
                if about_them(e)
            ]
        ),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "person.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    return [path]


def export_case_record(session: Session, case: Case, out_dir: Path) -> list[Path]:
    """Write one case's `case.json` and review summaries into `out_dir`; return the files."""
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
        # In the case's language, as the summary was sent (bilingual: one page, Welsh first).
        page = summary_html(summary, Audience.PROFESSIONAL, case.bot_language)
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written

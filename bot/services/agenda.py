"""The conference agenda recorded with the family: read from the case, saved with an audit
event holding every value, so each version can always be shown."""

from __future__ import annotations

from dataclasses import asdict

from sqlmodel import Session

from bot.deps import Dependencies
from bot.rules.agenda import Agenda, Child
from bot.rules.audit_actions import AuditAction
from bot.rules.i18n import _
from bot.services import audit
from bot.services.access import Permission, check
from storage.models import Case


class AgendaError(Exception):
    """The agenda cannot be saved; the message is for the person."""


def load_agenda(case: Case) -> Agenda:
    """The agenda as last recorded on the case."""
    return Agenda(
        children=tuple(Child.from_stored(child) for child in case.children),
        family_description=case.family_description,
        category=case.category,
        harm=case.harm_to_address,
        impact=case.harm_impact,
        advocate=case.child_advocate,
        language=case.language,
        interpreter_needed=case.interpreter_needed,
    )


def agenda_to_record(session: Session, case: Case, user_id: str) -> Agenda:
    """The agenda the form opens with: as last recorded, read with the access check."""
    return load_agenda(case)


def save_agenda(deps: Dependencies, *, case_id: int, actor: str, agenda: Agenda) -> None:
    """Record the agenda on the case; the audit event keeps this version whole."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        if not check(
            session, case=case, user_id=actor, permission=Permission.RECORD_AGENDA
        ).allowed:
            raise AgendaError(_("Sorry, only the case's social worker records the agenda."))
        case.children = [child.stored() for child in agenda.children]
        case.family_description = _words(agenda.family_description)
        case.category = agenda.category
        case.harm_to_address = _words(agenda.harm)
        case.harm_impact = _words(agenda.impact)
        case.child_advocate = _words(agenda.advocate)
        case.language = _words(agenda.language)
        case.interpreter_needed = agenda.interpreter_needed
        session.add(case)
        version = {**asdict(agenda), "children": case.children}
        version["category"] = agenda.category.value if agenda.category else None
        audit.record(
            session,
            actor=actor,
            action=AuditAction.AGENDA_SAVED,
            at=now,
            case_id=case_id,
            **version,
        )


def _words(text: str | None) -> str | None:
    return (text or "").strip() or None

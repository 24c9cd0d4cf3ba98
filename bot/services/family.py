"""What an area tells its families, read from its settings for the words the family receive."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.rules.family import FamilyHelp
from bot.rules.vocabulary import Role
from storage.models import Area, Case, Member


def family_help(area: Area) -> FamilyHelp:
    """The area's help contact, leaflet and complaints route, as the family's words use them."""
    return FamilyHelp(
        help_contact=area.family_help_contact.strip(),
        leaflet_url=area.family_leaflet_url.strip(),
        complaints_text=area.complaints_text.strip(),
        complaints_url=area.complaints_url.strip(),
    )


def social_worker_name(session: Session, case: Case) -> str | None:
    """The name of the case's social worker, whom the family's invitation says to ask."""
    found = session.exec(
        select(Member).where(
            Member.case_id == case.id, Member.role == Role.SOCIAL_WORKER, col(Member.active)
        )
    ).first()
    return found.display_name if found else None

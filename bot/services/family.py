"""What an area tells its families, read from its settings for the words the family receive."""

from __future__ import annotations

from bot.rules.family import FamilyHelp
from storage.models import Area


def family_help(area: Area) -> FamilyHelp:
    """The area's help contact, leaflet and complaints route, as the family's words use them."""
    return FamilyHelp(
        help_contact=area.family_help_contact.strip(),
        leaflet_url=area.family_leaflet_url.strip(),
        complaints_text=area.complaints_text.strip(),
        complaints_url=area.complaints_url.strip(),
    )

"""What the family are told, as plain values: the area's help and complaints route, and the
words for the children that a family member reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyHelp:
    """What the area tells families: who to ask for help, its leaflet, its complaints route."""

    help_contact: str = ""
    leaflet_url: str = ""
    complaints_text: str = ""
    complaints_url: str = ""


def children_words(pre_birth: bool) -> str:
    """How the family's words name the children when no names are known: 'your baby' or
    'your children'."""
    return "your baby" if pre_birth else "your children"

"""What the family are told, as plain values: the area's help and complaints route, and the
words for the children and the plan's category that a family member reads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.vocabulary import Category


@dataclass(frozen=True)
class FamilyHelp:
    """What the area tells families: who to ask for help, its leaflet, its complaints route."""

    help_contact: str = ""
    leaflet_url: str = ""
    complaints_text: str = ""
    complaints_url: str = ""


# The category a plan continues under, in words a family member reads (no codes).
CATEGORY_WORDS: dict[Category, str] = {
    Category.NEGLECT: "neglect",
    Category.PHYSICAL: "physical abuse",
    Category.EMOTIONAL: "emotional abuse",
    Category.SEXUAL: "sexual abuse",
}


def children_words(pre_birth: bool) -> str:
    """How the family's words name the children when no names are known: 'your baby' or
    'your children'."""
    return "your baby" if pre_birth else "your children"

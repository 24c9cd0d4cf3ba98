"""Who may stand in for whom, and which side of the professional line each role is on (no I/O)."""

from __future__ import annotations

from enum import StrEnum

from bot.rules.update_form import Audience, UpdateDraft
from bot.rules.vocabulary import Agency, Role

# Family-side people read what the family reads and never professional-only content (DOMAIN.md,
# Stand-ins, supporters and safety): the family, a child's advocate, and whoever the family brings.
FAMILY_SIDE = frozenset({Role.FAMILY, Role.ADVOCATE, Role.FAMILY_SUPPORTER})
# Who can cover an away professional or stand in for one: professionals of the case. The chair is
# independent of the case and never stands in for anyone.
MAY_STAND_IN = frozenset({Role.PROFESSIONAL, Role.SOCIAL_WORKER})


class CoverVerdict(StrEnum):
    """Whether one person may cover (or represent) another, and if not, why."""

    ALLOWED = "allowed"  # a professional of the same agency
    NEEDS_APPROVAL = "needs_approval"  # a professional of another agency: the social worker agrees
    FAMILY_SIDE = "family_side"  # never: a family-side person cannot stand in for a professional
    NOT_A_PROFESSIONAL = "not_a_professional"  # the chair, or someone no longer in the group
    SELF = "self"


def is_family_side(role: Role) -> bool:
    """Whether this role reads only what the family reads."""
    return role in FAMILY_SIDE


def form_audience(role: Role) -> Audience:
    """Which update form a member's update uses: the family's plain one for family-side people."""
    return "family" if is_family_side(role) else "professional"


def cover_verdict(
    *,
    away_member: int,
    away_agency: Agency,
    cover_member: int,
    cover_role: Role,
    cover_agency: Agency,
    cover_active: bool,
) -> CoverVerdict:
    """May `cover_member` cover for `away_member` (both members of the same case)?"""
    if cover_member == away_member:
        return CoverVerdict.SELF
    if is_family_side(cover_role):
        return CoverVerdict.FAMILY_SIDE
    if not cover_active or cover_role not in MAY_STAND_IN:
        return CoverVerdict.NOT_A_PROFESSIONAL
    if cover_agency != away_agency:
        return CoverVerdict.NEEDS_APPROVAL
    return CoverVerdict.ALLOWED


def prefill(
    previous: UpdateDraft | None, *, author: str | None, reader: str, audience: Audience
) -> UpdateDraft | None:
    """What a form opens with: the latest version, but a professional form only for its author.

    A professional's update can hold third-party information and sections kept from the family;
    whoever else opens it (a cover, say) starts from an empty form, so none of it reaches them.
    The family's form holds nothing professional-only, so whoever fills it in with them sees it.
    """
    if previous is None:
        return None
    if audience == "family":
        return previous
    return previous if author == reader else None

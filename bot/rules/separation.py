"""Serving family members separately: who is in the shared channel, and whose words each may read.

Where adults in one family must not see each other's words (domestic abuse, a protective order),
the social worker turns on a case's safety setting. Family-side members then leave the shared
channel and are served by direct message, and none of them reads what another family-side member
wrote unless the social worker released it for them (DOMAIN.md, Stand-ins, supporters and safety).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.rules.stand_ins import is_family_side
from bot.rules.vocabulary import Role


def in_shared_channel(role: Role, *, family_separate: bool) -> bool:
    """Whether a member with this role belongs in the case's shared channel."""
    return not (family_separate and is_family_side(role))


def hidden_authors(
    reader: int,
    reader_role: Role,
    members: Iterable[tuple[int, Role]],
    released: Iterable[tuple[int, int]],
    *,
    family_separate: bool,
) -> frozenset[int]:
    """The members whose words `reader` must not read: under the setting, every other
    family-side member, except those whose words were released to this reader.

    `members` is (member id, role) of the case; `released` is (author, reader) pairs.
    """
    if not family_separate or not is_family_side(reader_role):
        return frozenset()
    let_through = {author for author, to in released if to == reader}
    return frozenset(
        member
        for member, role in members
        if member != reader and is_family_side(role) and member not in let_through
    )

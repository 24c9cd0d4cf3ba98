"""Every enum's words live in one module, and every value has its words."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from bot.rules.vocabulary import Role
from bot.ui import labels

MAPS = {
    name: value
    for name, value in vars(labels).items()
    if name.isupper() and isinstance(value, Mapping)
}


@pytest.mark.parametrize("name", sorted(MAPS))
def test_each_map_gives_words_to_every_value_of_its_enum(name: str) -> None:
    words = MAPS[name]
    [enum] = {type(key) for key in words}
    assert issubclass(enum, StrEnum)
    # Professionals appear on the case card by their agency, not by their role.
    expected = set(enum) - {Role.PROFESSIONAL} if name == "ROLE_LABELS" else set(enum)
    assert set(words) == expected
    assert all(text.strip() for text in words.values())

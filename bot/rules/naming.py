"""How a person is named beside their agency or relationship: once, never "Dan (dad) (Family)"."""

from __future__ import annotations

from datetime import date


def named(name: str, label: str) -> str:
    """`name (label)`, unless the name already carries its own relationship in brackets."""
    if name.rstrip().endswith(")"):
        return name
    return f"{name} ({label})"


def children_words(
    *, pre_birth: bool, birth_date: date | None, on: date, count: int | None = None
) -> str:
    """How texts name the young people of a case on a day: "the baby" before birth, "the child"
    for one (a pre-birth case is about one baby), "the children" for several or when the number
    is not recorded."""
    if pre_birth and (birth_date is None or birth_date > on):
        return "the baby"
    return "the child" if count == 1 or pre_birth else "the children"


def for_children(text: str, children: str) -> str:
    """`text`, written about "the children", said instead about `children`."""
    if children == "the children":
        return text
    return text.replace("The children", children.capitalize()).replace("the children", children)

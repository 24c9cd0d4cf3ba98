"""How a person is named beside their agency or relationship: once, never "Dan (dad) (Family)"."""

from __future__ import annotations


def named(name: str, label: str) -> str:
    """`name (label)`, unless the name already carries its own relationship in brackets."""
    if name.rstrip().endswith(")"):
        return name
    return f"{name} ({label})"

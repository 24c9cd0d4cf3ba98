"""The conference agenda the social worker fills in with the family (seed 003): the children,
the category, the harm and its impact, the family's own words, the child's advocate, language.
Pure values and their checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.i18n import _
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Category

# Rows for children in the form; a larger family is rare, and Slack modals hold 100 blocks.
CHILD_ROWS = 6
MAX_NAME = 40  # a first name or initials, never a full name
OLDEST = 17


@dataclass(frozen=True)
class Child:
    """One child: a first name or initials and an age, or an unborn baby and its due date."""

    name: str = ""
    age: int | None = None
    due: date | None = None

    def describe(self) -> str:
        """e.g. "Jo, 6", or "Baby due Mon 1 Mar 2027"."""
        if self.due is not None:
            return f"Baby due {' '.join(format_day(self.due).split())}"
        return f"{self.name}, {self.age}" if self.age is not None else self.name

    def stored(self) -> dict[str, Any]:
        """The child as the case stores it (JSON)."""
        return {
            "name": self.name,
            "age": self.age,
            "due": self.due.isoformat() if self.due else None,
        }

    @classmethod
    def from_stored(cls, value: dict[str, Any]) -> Child:
        """The child back from the case's JSON."""
        due = value.get("due")
        return cls(
            name=str(value.get("name") or ""),
            age=value.get("age"),
            due=date.fromisoformat(due) if isinstance(due, str) else None,
        )


@dataclass(frozen=True)
class Agenda:
    """What the family and the social worker recorded for the conference."""

    children: tuple[Child, ...] = ()
    family_description: str | None = None
    category: Category | None = None
    harm: str | None = None
    impact: str | None = None
    advocate: str | None = None
    language: str | None = None
    interpreter_needed: bool = False


def read_children(
    rows: Sequence[tuple[str, str]], unborn_due: date | None, *, today: date
) -> tuple[tuple[Child, ...], dict[int, str]]:
    """Children from the form's (name, age) rows and a due date; errors by row number (1-based,
    0 for the due date)."""
    children: list[Child] = []
    errors: dict[int, str] = {}
    for number, (name, age) in enumerate(rows, start=1):
        name, age = name.strip(), age.strip()
        if not name and not age:
            continue
        if not name:
            errors[number] = _("Please add a first name or initials.")
            continue
        if len(name) > MAX_NAME or len(name.split()) > 2:
            errors[number] = _("A first name or initials only, please.")
            continue
        if not age.isdigit() or int(age) > OLDEST:
            errors[number] = _("Please give an age in years, from 0 to {oldest}.").format(
                oldest=OLDEST
            )
            continue
        children.append(Child(name=name, age=int(age)))
    if unborn_due is not None:
        if unborn_due < today:
            errors[0] = _("A due date is in the future; once the baby is born, add them above.")
        else:
            children.append(Child(due=unborn_due))
    return tuple(children), errors


def children_line(children: Sequence[Child]) -> str:
    """The children in one line, e.g. "Jo, 6; Sam, 3; Baby due Mon 1 Mar 2027"."""
    return "; ".join(child.describe() for child in children)

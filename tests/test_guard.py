"""Every listener the code can register has an access rule: a new one without a rule fails here."""

from __future__ import annotations

import re
from pathlib import Path

from bot.rules.ids import ActionId, ViewId
from handlers.commands import MODAL_VERBS, QUICK_ANSWERS, READ_ANSWERS, SLOW_ANSWERS
from handlers.guard import (
    ACTION_RULES,
    CASELESS_VIEWS,
    COMMAND_RULES,
    PERSONAL_ACTIONS,
    VIEW_RULES,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_button_has_an_access_rule_or_is_the_persons_own() -> None:
    assert set(ActionId) == set(ACTION_RULES) | PERSONAL_ACTIONS
    assert not set(ACTION_RULES) & PERSONAL_ACTIONS


def test_every_modal_has_an_access_rule_or_touches_no_case() -> None:
    assert set(ViewId) == set(VIEW_RULES) | CASELESS_VIEWS
    assert not set(VIEW_RULES) & CASELESS_VIEWS


def test_every_sub_command_has_an_access_rule_and_an_answer() -> None:
    case_verbs = {verb for verb, rule in COMMAND_RULES.items() if rule is not None}
    answered = set(READ_ANSWERS) | set(QUICK_ANSWERS) | set(SLOW_ANSWERS) | set(MODAL_VERBS)
    assert case_verbs == answered
    # Touching no existing case: help, opening one, and the area's figures and managers (whose
    # area-level rule, manager or area admin, the measures service checks).
    caseless = {verb for verb, rule in COMMAND_RULES.items() if rule is None}
    assert caseless == {"help", "new", "measures", "managers", "language"}


def test_listeners_are_registered_only_through_the_id_enums() -> None:
    """A listener registered with a string literal would escape the checks above."""
    registration = re.compile(r"app\.(action|view|command|event|shortcut|options)\(\s*\"")
    for path in (ROOT / "handlers").glob("*.py"):
        assert not registration.search(path.read_text()), path.name

"""Each /coregroup sub-command is declared once; its rule, handler and help line follow from it."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.rules.commands import DECLARED, SUB_COMMANDS, SubCommand, find, usage
from bot.rules.work import WorkKind
from bot.ui.texts import help_text
from handlers.after import WORK
from handlers.commands import HANDLERS, SLOW_ANSWERS, SLOW_VERBS, Anywhere, Reply
from handlers.guard import COMMAND_RULES

ROOT = Path(__file__).resolve().parents[1]


def test_every_sub_command_is_declared_exactly_once() -> None:
    assert [declared.name for declared in SUB_COMMANDS] == list(DECLARED)
    assert set(DECLARED) == set(SubCommand)


def test_every_declared_sub_command_has_its_access_rule() -> None:
    assert {d.name: d.permission for d in SUB_COMMANDS} == COMMAND_RULES


def test_every_declared_sub_command_has_a_handler_and_every_handler_is_declared() -> None:
    assert set(HANDLERS) == set(DECLARED)


def test_every_declared_sub_command_has_a_help_line() -> None:
    text = help_text()
    for declared in SUB_COMMANDS:
        assert declared.help.strip(), declared.name
        assert f"• {usage(declared.name)}: {declared.help}" in text, declared.name


def test_slow_sub_commands_answer_after_the_ack_and_caseless_ones_check_no_case() -> None:
    for declared in SUB_COMMANDS:
        handler = HANDLERS[declared.name]
        # Only a service answer can wait for "On it…": a form's trigger id lives 3 seconds.
        assert not declared.slow or isinstance(handler, Reply), declared.name
        assert (declared.permission is None) == isinstance(handler, Anywhere), declared.name
    assert SLOW_VERBS == {d.name for d in SUB_COMMANDS if d.slow} == set(SLOW_ANSWERS)


def test_a_sub_command_is_found_whatever_its_case_and_an_unknown_word_is_not() -> None:
    assert find("Family-Plan") is DECLARED[SubCommand.FAMILY_PLAN]
    assert find("dance") is None


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_handlers_speak_slack_not_sql() -> None:
    for path in (ROOT / "handlers").glob("*.py"):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            assert top not in {"sqlalchemy", "sqlmodel", "storage"}, (path.name, module)


def test_work_after_the_ack_has_one_mechanism() -> None:
    """Bolt's lazy listeners are not used, nor threads: slow work is written as a durable job."""
    for path in (ROOT / "handlers").glob("*.py"):
        text = path.read_text()
        assert "lazy=" not in text, path.name
        assert "threading" not in text and "ThreadPool" not in text, path.name


def test_every_kind_of_job_has_its_function_and_nothing_else_does() -> None:
    assert set(WORK) == {kind.value for kind in WorkKind}

"""Outbox keys: written by one function, read back by kind and by what they are about."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.messages import (
    MessageKind,
    OutboxKey,
    action_tag,
    case_scope,
    key_case,
    meeting_tag,
    outbox_key,
    request_tag,
)
from bot.rules.schedule import rules_for
from bot.rules.timeline import TimelineRules
from storage.models import Area

RULES = Path(__file__).parents[2] / "bot" / "rules"
STAMP, DAY = "20270105T1000Z", "20270101"


@pytest.mark.parametrize(
    ("kind", "parts", "key"),
    [
        # The words keys were first written with: rows planned before must still be recognised.
        (MessageKind.INVITATION, ("m3", "C1", STAMP), "c12:invite:m3:C1:" + STAMP),
        (
            MessageKind.QUORUM_WARNING,
            ("m3", "U1", STAMP),
            "c12:quorum:m3:U1:20270105T1000Z",
        ),
        (MessageKind.ACTION_REMINDER, ("a7", "U1", "20270105"), "c12:action:a7:U1:20270105"),
        (MessageKind.PROGRESS, ("m3", "20270101"), "c12:progress:m3:20270101"),
        (MessageKind.PROMPT, ("m3", "20270101", "r4", "U1"), "c12:prompt:m3:20270101:r4:U1"),
        (
            MessageKind.CHASE,
            ("m3", "20270101", "r4", "overdue", "U1"),
            "c12:chase:m3:20270101:r4:overdue:U1",
        ),
        (
            MessageKind.OVERDUE_NOTICE,
            ("m3", "20270101", "r4", "U2"),
            "c12:overdue:m3:20270101:r4:U2",
        ),
        (MessageKind.ESCALATION, ("m3", "20270101", "r4", "U3"), "c12:escalate:m3:20270101:r4:U3"),
        (MessageKind.CHECK_IN, ("m3", "20270101", "r4", "U2"), "c12:checkin:m3:20270101:r4:U2"),
        (MessageKind.DIGEST, ("m3", "U3", "20270105"), "c12:digest:m3:U3:20270105"),
        (
            MessageKind.FAMILY_INVITATION,
            ("m3", "U1", STAMP),
            "c12:familyinvite:m3:U1:" + STAMP,
        ),
        (MessageKind.FAMILY_COPY, ("m3", "U2", "20270105"), "c12:familycopy:m3:U2:20270105"),
    ],
)
def test_each_kind_keeps_the_key_it_was_planned_under_and_reads_back(
    kind: MessageKind, parts: tuple[str, ...], key: str
) -> None:
    assert outbox_key(kind, *parts, case_id=12) == key
    assert OutboxKey.parse(key) == OutboxKey(kind, 12, parts)
    assert key.startswith(case_scope(12)) and key_case(key) == 12


@pytest.mark.parametrize(
    ("kind", "parts", "key"),
    [
        # Sent at once after someone's action: the words they were first written with.
        (MessageKind.NEW_HARM, ("u5", "U1"), "harm:u5:U1"),
        (MessageKind.APPROVAL, ("3", "U1"), "approval:3:U1"),
        (MessageKind.APPROVAL_ANSWER, ("3",), "approval_answer:3"),
    ],
)
def test_a_message_sent_at_once_is_keyed_outside_every_case_planning_scope(
    kind: MessageKind, parts: tuple[str, ...], key: str
) -> None:
    assert outbox_key(kind, *parts) == key
    assert OutboxKey.parse(key) == OutboxKey(kind, None, parts)
    assert key_case(key) is None


def test_a_key_names_the_meeting_request_and_action_it_is_about() -> None:
    chase = OutboxKey.parse(
        outbox_key(MessageKind.CHASE, meeting_tag(3), "20270101", request_tag(45), "due", "U1")
    )
    assert chase is not None
    assert (chase.meeting_id, chase.request_id, chase.action_id) == (3, 45, None)
    digest = OutboxKey.parse(outbox_key(MessageKind.DIGEST, meeting_tag(8), "U1", "20270105"))
    assert digest is not None and (digest.meeting_id, digest.request_id) == (8, None)
    reminder = OutboxKey.parse(outbox_key(MessageKind.ACTION_REMINDER, action_tag(5), "U1", "x"))
    assert reminder is not None and (reminder.action_id, reminder.meeting_id) == (5, None)


def test_a_meeting_is_never_read_from_a_person_or_a_day_in_the_key() -> None:
    # A channel id after the kind word is not a meeting, whatever it looks like.
    key = OutboxKey.parse("c1:invite:C123:m4:x")
    assert key is not None and key.meeting_id is None
    digest = OutboxKey.parse("c1:digest:m12x:U1:20270105")
    assert digest == OutboxKey(MessageKind.DIGEST, 1, ("m12x", "U1", "20270105"))
    assert digest.meeting_id is None


def test_a_note_about_an_undelivered_message_is_outside_every_case() -> None:
    planned = outbox_key(MessageKind.PROMPT, "m3", "20270101", "r4", "U1", case_id=2)
    note = outbox_key(MessageKind.UNDELIVERED, "U9", planned)
    assert note == "undelivered:U9:c2:prompt:m3:20270101:r4:U1"
    parsed = OutboxKey.parse(note)
    assert parsed is not None and parsed.kind is MessageKind.UNDELIVERED and parsed.case_id is None
    assert key_case(note) is None


@pytest.mark.parametrize("key", ["", "c12", "c12:", "c12:nonsense:m3", "prompt-m3", "C12:prompt"])
def test_keys_not_written_by_outbox_key_are_not_read_as_one(key: str) -> None:
    assert OutboxKey.parse(key) is None


@given(
    st.sampled_from(MessageKind),
    st.integers(0, 10**9) | st.none(),
    st.lists(st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True), max_size=5),
)
def test_every_key_reads_back_as_written(
    kind: MessageKind, case_id: int | None, parts: list[str]
) -> None:
    key = outbox_key(kind, *parts, case_id=case_id)
    assert OutboxKey.parse(key) == OutboxKey(kind, case_id, tuple(parts))


def test_an_area_starts_from_the_timeline_rules_defaults() -> None:
    area, rules = Area(slack_team_id="T1", name="Oakshire"), TimelineRules()
    assert area.local_time_of_day == rules.local_time
    for name in (
        "core_group_interval_weeks",
        "first_core_group_working_days",
        "report_deadline_working_days",
        "prompt_lead_working_days",
        "invitation_lead_working_days",
        "quorum_warning_working_days",
        "digest_lead_working_days",
        "family_copy_lead_working_days",
        "pre_birth_rcpc_working_days",
    ):
        assert getattr(area, name) == getattr(rules, name), name


def test_an_area_s_own_lead_for_the_family_copy_is_the_rule_its_cases_follow() -> None:
    area = Area(slack_team_id="T1", name="Oakshire", family_copy_lead_working_days=5)
    assert rules_for(area).family_copy_lead_working_days == 5
    assert rules_for(Area(slack_team_id="T1", name="Oakshire")).family_copy_lead_working_days == 3


def _runtime_imports(path: Path) -> list[str]:
    """The modules a file imports when it runs (not those named for the type checker only)."""
    tree = ast.parse(path.read_text())
    checking_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_the_rules_import_nothing_but_each_other_the_standard_library_and_holidays(
    path: Path,
) -> None:
    outside = [
        module
        for module in _runtime_imports(path)
        if (
            module.split(".")[0] in ("bot", "storage", "handlers", "sqlmodel", "sqlalchemy")
            and not module.startswith("bot.rules")
        )
        or module.split(".")[0] in ("slack_sdk", "slack_bolt", "httpx", "requests")
    ]
    assert outside == []


def test_a_check_in_names_the_meeting_and_the_family_members_request() -> None:
    key = outbox_key(MessageKind.CHECK_IN, meeting_tag(3), "20270101", request_tag(4), "U2")
    parsed = OutboxKey.parse(key)
    assert parsed is not None and parsed.meeting_id == 3 and parsed.request_id == 4

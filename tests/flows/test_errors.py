"""One error handler: a listener that fails is logged with its request's ids, and the person is
told kindly and privately."""

from __future__ import annotations

import logging

import pytest

from bot.app import SOMETHING_WENT_WRONG
from bot.devtools.emulator.faults import Fault
from bot.devtools.emulator.interactions import TEAM_ID
from bot.devtools.sandbox import BOT_TOKEN, SIGNING_SECRET, Sandbox

from .conftest import People, open_case


def test_a_listener_that_fails_is_logged_with_its_context_and_the_person_is_told_privately(
    sandbox: Sandbox, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    channel = open_case(sandbox, people)
    emu = sandbox.emulator
    before = len(emu.inspector.seen_by(people.social_worker))
    modals = emu.inspector.modal_stack(people.social_worker)
    # Slack's servers answer 500 to views.open more times than the client retries: the form
    # cannot open, an error nothing in the listener expects.
    emu.faults.inject_next(Fault.HTTP_500, method="views.open", count=10)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        emu.slash_command(people.social_worker, channel, "/coregroup", "outcome")

        def told() -> list[str] | None:
            seen = emu.inspector.seen_by(people.social_worker)[before:]
            return [s.text for s in seen if s.kind == "ephemeral"] or None

        answers = sandbox.wait_for(told, timeout=30)
    emu.faults.off()

    assert answers == [SOMETHING_WENT_WRONG]
    assert emu.inspector.modal_stack(people.social_worker) == modals  # no form opened
    failures = [r for r in caplog.records if r.name == "bot.app" and r.levelno == logging.ERROR]
    assert len(failures) == 1
    record = failures[0]
    line = record.getMessage()
    for part in (
        f"team={TEAM_ID}",
        f"user={people.social_worker}",
        f"channel={channel}",
        "command=/coregroup",
        "sub_command=outcome",
    ):
        assert part in line
    assert record.exc_info is not None and "views.open" in str(record.exc_info[1])
    # Ids only: never the body (the person's name is in it), a response URL or a secret.
    logged = caplog.text
    for secret in (BOT_TOKEN, SIGNING_SECRET, "response_url", "/response/", "Priya Shah"):
        assert secret not in logged


def test_a_mistyped_sub_command_is_not_named_in_the_log_of_a_failure() -> None:
    from slack_bolt import BoltContext

    from bot.app import request_context

    context = BoltContext({"team_id": "T1", "user_id": "U1", "channel_id": "C1"})
    body = {"command": "/coregroup", "text": "Sam's-address add", "team_id": "T1"}
    assert request_context(body, context) == "team=T1 user=U1 channel=C1 command=/coregroup"

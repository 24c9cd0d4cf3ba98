"""The bot's HTTP front door: only correctly signed, fresh requests from Slack get in."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlmodel import Session, select

from bot.devtools.sandbox import BOT_TOKEN, Sandbox
from storage.models import AuditEvent, Case, ProcessedEvent

from .conftest import People, open_case


def post(sandbox: Sandbox, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(sandbox.url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def command_body(people: People, channel: str, text: str) -> bytes:
    return urllib.parse.urlencode(
        {
            "command": "/coregroup",
            "text": text,
            "user_id": people.social_worker,
            "channel_id": channel,
            "team_id": "T1",
            "trigger_id": "1.2.3",
            "response_url": "http://127.0.0.1:9/none",
        }
    ).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def signed(sandbox: Sandbox, body: bytes, *, age: int = 0) -> dict[str, str]:
    return {**FORM, **sandbox.emulator.sign(body, int(time.time()) - age)}


def audit_count(sandbox: Sandbox) -> int:
    with Session(sandbox.engine) as session:
        return len(session.exec(select(AuditEvent)).all())


@pytest.mark.parametrize(
    "tamper",
    ["no signature", "wrong signature", "six minutes old", "body altered after signing"],
)
def test_requests_not_signed_by_slack_are_refused_and_change_nothing(
    sandbox: Sandbox, people: People, tamper: str
) -> None:
    channel = open_case(sandbox, people)
    before = audit_count(sandbox)
    body = command_body(people, channel, f"remove <@{people.school}>")
    headers = signed(sandbox, body)
    if tamper == "no signature":
        headers = dict(FORM)
    elif tamper == "wrong signature":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif tamper == "six minutes old":
        headers = signed(sandbox, body, age=6 * 60)
    else:
        body = command_body(people, channel, f"remove <@{people.chair}>")
    assert post(sandbox, body, headers) == 401
    time.sleep(0.2)  # give a wrongly accepted request's after-ack work time to show itself
    assert audit_count(sandbox) == before
    assert people.school in sandbox.emulator.inspector.channel(channel).members


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_but_signed_payloads_get_a_client_error_not_a_crash(
    sandbox: Sandbox, body: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type, **sandbox.emulator.sign(body, int(time.time()))}
    status = post(sandbox, body, headers)
    assert 400 <= status < 500
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).all() == []


def test_a_redelivered_event_is_processed_once(sandbox: Sandbox, people: People) -> None:
    channel = open_case(sandbox, people)
    emu = sandbox.emulator
    event = {"type": "member_left_channel", "user": people.school, "channel": channel}
    responses = [emu.deliver_event(event, retry_num=n, event_id="Ev-once") for n in (None, 1, 2)]
    assert [r.status for r in responses] == [200, 200, 200]
    with Session(sandbox.engine) as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 1
        left = session.exec(select(AuditEvent).where(AuditEvent.action == "member.left_channel"))
        assert len(left.all()) == 1


def test_request_bodies_and_tokens_never_reach_the_logs(
    sandbox: Sandbox, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_words = "Nana-Rose-lives-at-12-Acacia-Avenue"
    channel = open_case(sandbox, people)
    emu = sandbox.emulator
    emu.slash_command(people.social_worker, channel, "/coregroup", f"nonsense {secret_words}")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert secret_words not in logged
    assert BOT_TOKEN not in logged
    assert json.dumps(secret_words) not in logged

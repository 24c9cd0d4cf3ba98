"""Slack → app: a real Bolt app behind Starlette and uvicorn gets the emulator's signed requests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import uvicorn
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.starlette import SlackRequestHandler
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.devtools.emulator import EmulatorUsageError, SlackEmulator

SECRET = "emulator-test-signing-secret"


@dataclass
class Heard:
    """What the tiny app received, for assertions."""

    events: list[dict[str, Any]] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)


def case_modal() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "new_case",
        "notify_on_close": True,
        "title": {"type": "plain_text", "text": "New case"},
        "submit": {"type": "plain_text", "text": "Open"},
        "blocks": [
            {
                "type": "input",
                "block_id": "child",
                "label": {"type": "plain_text", "text": "Child's initials"},
                "element": {"type": "plain_text_input", "action_id": "initials"},
            },
            {
                "type": "input",
                "block_id": "nation",
                "label": {"type": "plain_text", "text": "Nation"},
                "element": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [
                        {"text": {"type": "plain_text", "text": n}, "value": n}
                        for n in ("ENG", "WLS", "SCT", "NIR")
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "members",
                "optional": True,
                "label": {"type": "plain_text", "text": "Members"},
                "element": {"type": "multi_users_select", "action_id": "people"},
            },
            {
                "type": "input",
                "block_id": "date",
                "label": {"type": "plain_text", "text": "Conference"},
                "element": {"type": "datepicker", "action_id": "day"},
            },
        ],
    }


def build_app(emu: SlackEmulator, heard: Heard) -> App:
    client = WebClient(token=emu.bot_token, base_url=emu.api_url)
    app = App(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/coregroup")
    def handle_coregroup_command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        if body["text"] == "new":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=case_modal())
        else:
            ack(text=f"Unknown: {body['text']}")

    @app.action("rsvp_yes")
    def rsvp_button_click(ack: Ack, respond: Respond) -> None:
        ack()
        respond(replace_original=True, text="Thanks, you are coming.")

    @app.view("new_case")
    def handle_new_case_submission(
        ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient
    ) -> None:
        values = view["state"]["values"]
        initials = values["child"]["initials"]["value"]
        if not initials.isalpha():
            ack(response_action="errors", errors={"child": "Letters only, please."})
            return
        ack()
        nation = values["nation"]["pick"]["selected_option"]["value"]
        people = values["members"]["people"]["selected_users"]
        day = values["date"]["day"]["selected_date"]
        client.chat_postMessage(
            channel=body["user"]["id"],
            text=f"Case {initials} ({nation}) on {day} with {len(people)}",
        )

    @app.view_closed("new_case")
    def handle_new_case_closed(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        heard.closed.append(view["id"])

    @app.event("member_joined_channel")
    def member_joined(event: dict[str, Any]) -> None:
        heard.events.append(event)

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        heard.events.append(event)
        client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [
                    {
                        "type": "actions",
                        "elements": [
                            {
                                "type": "button",
                                "action_id": "home_refresh",
                                "value": "r",
                                "text": {"type": "plain_text", "text": "Refresh"},
                            }
                        ],
                    }
                ],
            },
        )

    @app.action("home_refresh")
    def home_refresh_click(ack: Ack) -> None:
        ack()

    return app


@pytest.fixture
def served_app(emu: SlackEmulator) -> Iterator[Heard]:
    heard = Heard()
    handler = SlackRequestHandler(build_app(emu, heard))

    async def endpoint(request: Request) -> Response:
        return await handler.handle(request)

    web = Starlette(routes=[Route("/slack/events", endpoint=endpoint, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    emu.connect_app(f"http://127.0.0.1:{port}/slack/events", SECRET)
    try:
        yield heard
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@pytest.fixture
def amy(emu: SlackEmulator) -> str:
    return emu.add_user("amy")


@pytest.fixture
def channel(emu: SlackEmulator, client: WebClient, amy: str) -> str:
    channel_id = str(client.conversations_create(name="case-7", is_private=True)["channel"]["id"])
    client.conversations_invite(channel=channel_id, users=amy)
    return channel_id


def test_slash_command_answer_is_shown_only_to_the_person(
    emu: SlackEmulator, served_app: Heard, amy: str, channel: str
) -> None:
    response = emu.slash_command(amy, channel, "/coregroup", "dance")
    assert response.status == 200
    assert [(s.kind, s.text) for s in emu.inspector.seen_by(amy)][-1] == (
        "ephemeral",
        "Unknown: dance",
    )


def test_slash_command_opens_a_modal_and_submission_reaches_the_app(
    emu: SlackEmulator, served_app: Heard, amy: str, channel: str
) -> None:
    emu.slash_command(amy, channel, "/coregroup", "new")
    [modal] = emu.inspector.modal_stack(amy)
    bob = emu.add_user("bob")
    response = emu.submit_view(
        amy,
        modal["id"],
        {
            ("child", "initials"): "JS",
            ("nation", "pick"): "WLS",
            ("members", "people"): [bob],
            ("date", "day"): "2026-02-03",
        },
    )
    assert response.status == 200
    assert emu.inspector.modal_stack(amy) == []
    dm = emu.inspector.dm_channel(amy)
    assert [s.text for s in emu.inspector.seen_by(amy) if s.channel == dm] == [
        "Case JS (WLS) on 2026-02-03 with 1"
    ]


def test_submission_errors_keep_the_modal_open(
    emu: SlackEmulator, served_app: Heard, amy: str, channel: str
) -> None:
    emu.slash_command(amy, channel, "/coregroup", "new")
    [modal] = emu.inspector.modal_stack(amy)
    response = emu.submit_view(
        amy,
        modal["id"],
        {
            ("child", "initials"): "J5",
            ("nation", "pick"): "ENG",
            ("date", "day"): "2026-02-03",
        },
    )
    assert response.json() == {
        "response_action": "errors",
        "errors": {"child": "Letters only, please."},
    }
    assert [v["id"] for v in emu.inspector.modal_stack(amy)] == [modal["id"]]


def test_submission_the_slack_client_would_not_send_is_refused(
    emu: SlackEmulator, served_app: Heard, amy: str, channel: str
) -> None:
    emu.slash_command(amy, channel, "/coregroup", "new")
    [modal] = emu.inspector.modal_stack(amy)
    with pytest.raises(EmulatorUsageError):
        emu.submit_view(amy, modal["id"], {("child", "initials"): "JS"})  # required left empty
    with pytest.raises(EmulatorUsageError):
        emu.submit_view(amy, modal["id"], {("nation", "pick"): "FRA"})  # no such option
    with pytest.raises(EmulatorUsageError):
        emu.submit_view(amy, modal["id"], {("nope", "nope"): "x"})


def test_closing_a_modal_sends_view_closed(
    emu: SlackEmulator, served_app: Heard, amy: str, channel: str
) -> None:
    emu.slash_command(amy, channel, "/coregroup", "new")
    [modal] = emu.inspector.modal_stack(amy)
    emu.close_view(amy, modal["id"])
    assert served_app.closed == [modal["id"]]
    assert emu.inspector.modal_stack(amy) == []


def test_click_replaces_the_original_through_response_url(
    emu: SlackEmulator, served_app: Heard, client: WebClient, amy: str, channel: str
) -> None:
    blocks = [
        {
            "type": "actions",
            "block_id": "rsvp",
            "elements": [
                {
                    "type": "button",
                    "action_id": "rsvp_yes",
                    "value": "yes",
                    "text": {"type": "plain_text", "text": "I'm coming"},
                }
            ],
        }
    ]
    ts = client.chat_postMessage(channel=channel, text="Core group on Tuesday", blocks=blocks)["ts"]
    response = emu.click(amy, channel, ts, "rsvp_yes")
    assert response.status == 200
    assert [m.text for m in emu.inspector.messages(channel) if m.ts == ts] == [
        "Thanks, you are coming."
    ]
    with pytest.raises(EmulatorUsageError):
        emu.click(amy, channel, ts, "rsvp_no")
    with pytest.raises(EmulatorUsageError):
        emu.click(amy, channel, ts, "rsvp_yes", value="no")


def test_events_from_state_changes_and_home_tab(
    emu: SlackEmulator, served_app: Heard, client: WebClient, amy: str, channel: str
) -> None:
    bob = emu.add_user("bob")
    client.conversations_invite(channel=channel, users=bob)
    emu.open_home(bob)
    responses = emu.deliver_pending_events()
    assert all(r.status == 200 for r in responses)
    assert [(e["type"], e["user"]) for e in served_app.events] == [
        ("member_joined_channel", amy),
        ("member_joined_channel", bob),
        ("app_home_opened", bob),
    ]
    home = emu.inspector.home(bob)
    assert home is not None
    assert emu.click_in_view(bob, home["id"], "home_refresh").status == 200


def test_bad_signatures_and_stale_requests_are_rejected_by_bolt(
    emu: SlackEmulator, served_app: Heard, amy: str
) -> None:
    event = {"type": "app_home_opened", "user": amy, "tab": "home"}
    body = json.dumps({"type": "event_callback", "event": event}).encode()
    forged = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=bad"}
    assert emu.interactions.send(body, "application/json", headers=forged).status == 401
    stale = emu.sign(body, int(time.time()) - 600)
    assert emu.interactions.send(body, "application/json", headers=stale).status == 401
    fresh = emu.sign(body, int(time.time()))
    assert emu.interactions.send(body, "application/json", headers=fresh).status == 200


def test_event_redelivery_carries_retry_headers(
    emu: SlackEmulator, served_app: Heard, amy: str
) -> None:
    first = emu.deliver_event({"type": "app_home_opened", "user": amy, "tab": "home"})
    again = emu.deliver_event(
        {"type": "app_home_opened", "user": amy, "tab": "home"},
        retry_num=1,
        event_id=first.event_id,
    )
    assert (first.status, again.status) == (200, 200)
    assert again.event_id == first.event_id


def test_unacknowledged_events_are_retried_three_times_with_retry_headers(
    emu: SlackEmulator, client: WebClient, amy: str
) -> None:
    received: list[tuple[str | None, str | None, str]] = []

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(
                (
                    self.headers.get("X-Slack-Retry-Num"),
                    self.headers.get("X-Slack-Retry-Reason"),
                    body["event_id"],
                )
            )
            self.send_response(500)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        emu.connect_app(f"http://127.0.0.1:{server.server_address[1]}/", SECRET)
        emu.open_home(amy)
        [final] = emu.deliver_pending_events()
    finally:
        server.shutdown()
        server.server_close()
    assert final.status == 500
    assert [(n, r) for n, r, _ in received] == [
        (None, None),
        ("1", "http_error"),
        ("2", "http_error"),
        ("3", "http_error"),
    ]
    assert len({event_id for _, _, event_id in received}) == 1

"""Slack → app traffic: signed slash commands, block actions, view submissions and events."""

from __future__ import annotations

import json
import re
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from . import blockkit
from .errors import ApiError, EmulatorUsageError
from .methods import message_json
from .socket_mode import SocketModeHub
from .state import (
    APP_ID,
    MAX_MODAL_STACK,
    TEAM_DOMAIN,
    TEAM_ID,
    Conversation,
    Ephemeral,
    Message,
    ResponseUrl,
    View,
    Workspace,
)

# Slack gives up on an app that has not answered within 3 seconds.
ACK_TIMEOUT_SECONDS = 3.0
# A response_url takes up to 5 posts within 30 minutes (Slack's interactivity docs).
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
# Slack retries an unacknowledged event three times.
MAX_EVENT_RETRIES = 3
# Deprecated verification token: Slack still sends one in every payload.
VERIFICATION_TOKEN = "emulator-verification-token"  # noqa: S105


@dataclass(frozen=True)
class AppResponse:
    """What the app answered to one request from Slack (status 0 when it timed out or refused)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    timed_out: bool = False
    event_id: str | None = None

    def json(self) -> dict[str, Any]:
        """The body as JSON ({} when empty or not JSON)."""
        try:
            value = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class Interactions:
    """Builds and sends what Slack sends the app, and applies the app's answers to the workspace."""

    def __init__(self, workspace: Workspace, http_base: str) -> None:
        self.ws = workspace
        self.http_base = http_base
        self.request_url: str | None = None
        self.signing_secret: str | None = None
        # Set when the app is connected over Socket Mode: traffic goes as envelopes, not HTTP.
        self.socket_mode: SocketModeHub | None = None

    # --- transport ------------------------------------------------------------------------------

    def sign(self, body: bytes, timestamp: int) -> dict[str, str]:
        """Slack's signature headers for a body sent at `timestamp` (real Unix seconds)."""
        if self.signing_secret is None:
            raise EmulatorUsageError("connect_app(...) first: no signing secret")
        verifier = SignatureVerifier(self.signing_secret)
        signature = verifier.generate_signature(timestamp=str(timestamp), body=body.decode())
        return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature or ""}

    def send(
        self,
        body: bytes,
        content_type: str,
        extra_headers: dict[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> AppResponse:
        """POST a body to the app, signed now (real time: the app checks it against its clock)."""
        if self.request_url is None:
            raise EmulatorUsageError("connect_app(...) first: no request URL")
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        all_headers.update(headers if headers is not None else self.sign(body, int(time.time())))
        all_headers.update(extra_headers or {})
        # The request URL is the app's http(s) endpoint, given by the test through connect_app.
        request = urllib.request.Request(  # noqa: S310
            self.request_url, data=body, headers=all_headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=ACK_TIMEOUT_SECONDS) as answer:  # noqa: S310
                return AppResponse(answer.status, answer.read().decode(), dict(answer.headers))
        except urllib.error.HTTPError as exc:
            return AppResponse(exc.code, exc.read().decode(), dict(exc.headers))
        except TimeoutError:
            return AppResponse(0, "", timed_out=True)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return AppResponse(0, "", timed_out=True)
            raise

    def _send_form(self, fields: dict[str, str]) -> AppResponse:
        if self.socket_mode is not None:
            return self._over_socket("slash_commands", dict(fields), accepts=True)
        return self.send(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def _send_payload(self, payload: dict[str, Any]) -> AppResponse:
        if self.socket_mode is not None:
            # Only a slash command or a view submission's answer can carry content back.
            accepts = payload.get("type") == "view_submission"
            return self._over_socket("interactive", payload, accepts=accepts)
        return self._send_form({"payload": json.dumps(payload)})

    def _over_socket(self, kind: str, payload: dict[str, Any], *, accepts: bool) -> AppResponse:
        """Deliver as a Socket Mode envelope; the ack's payload reads as an HTTP answer's body."""
        assert self.socket_mode is not None
        ack = self.socket_mode.deliver(kind, payload, accepts_response_payload=accepts)
        if not ack.acked:
            return AppResponse(0, "", timed_out=True)
        body = json.dumps(ack.payload) if ack.payload else ""
        return AppResponse(200, body, {"Content-Type": "application/json"} if body else {})

    # --- people and response_urls ---------------------------------------------------------------

    def _person(self, user_id: str) -> dict[str, Any]:
        user = self.ws.users.get(user_id)
        if user is None or user.deleted or user.is_bot:
            raise EmulatorUsageError(f"{user_id} is not an active person in the workspace")
        return {"id": user.id, "username": user.name, "name": user.name, "team_id": TEAM_ID}

    def _seen_conversation(self, user_id: str, channel_id: str) -> Conversation:
        conversation = self.ws.conversations.get(channel_id)
        if conversation is None or user_id not in conversation.members:
            raise EmulatorUsageError(f"{user_id} is not in {channel_id}, so cannot act there")
        return conversation

    def _new_response_url(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str | None = None,
        ephemeral_origin: bool = False,
    ) -> str:
        token = secrets.token_hex(12)
        self.ws.response_urls[token] = ResponseUrl(
            token, user_id, channel_id, self.ws.now(), message_ts, ephemeral_origin
        )
        return f"{self.http_base}/response/{token}"

    def apply_response(self, token: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A post to a response_url: a new ephemeral/in-channel message, or replace/delete the original."""  # noqa: E501
        with self.ws.lock:
            url = self.ws.response_urls.get(token)
            if url is None:
                return 404, {"ok": False, "error": "invalid_url"}
            if self.ws.now() - url.issued > RESPONSE_URL_LIFETIME:
                return 404, {"ok": False, "error": "expired_url"}
            if url.uses >= RESPONSE_URL_USES:
                return 404, {"ok": False, "error": "used_url"}
            url.uses += 1
            try:
                self._apply_message_response(url, payload)
            except ApiError as exc:
                return 400, {"ok": False, "error": exc.code}
            return 200, {"ok": True}

    def _apply_message_response(self, url: ResponseUrl, payload: dict[str, Any]) -> None:
        blocks = None
        if payload.get("blocks"):
            blocks = blockkit.check_message_blocks(payload["blocks"])
        text = str(payload.get("text") or "")
        conversation = self.ws.conversations[url.channel]
        original = self._original(url)
        if payload.get("delete_original") and original is not None:
            if isinstance(original, Ephemeral):
                original.deleted = True
            else:
                conversation.messages.remove(original)
            return
        if not text and not blocks:
            raise ApiError("no_text")
        if payload.get("replace_original") and original is not None:
            original.text = text
            original.blocks = blockkit.with_block_ids(blocks, original.ts) if blocks else None
            return
        if payload.get("response_type") == "in_channel":
            message = self.ws.post(
                conversation,
                self.ws.bot_user_id,
                text,
                from_app=True,
                thread_ts=payload.get("thread_ts"),
            )
            message.blocks = blockkit.with_block_ids(blocks, message.ts) if blocks else None
            return
        ts = self.ws.new_ts()
        self.ws.ephemerals.append(
            Ephemeral(
                ts=ts,
                channel=url.channel,
                user=url.user,
                author=self.ws.bot_user_id,
                text=text,
                at=self.ws.now(),
                blocks=blockkit.with_block_ids(blocks, ts) if blocks else None,
            )
        )

    def _original(self, url: ResponseUrl) -> Message | Ephemeral | None:
        if url.message_ts is None:
            return None
        if url.ephemeral_origin:
            return next(
                (
                    e
                    for e in self.ws.ephemerals
                    if e.ts == url.message_ts and e.user == url.user and not e.deleted
                ),
                None,
            )
        return self.ws.conversations[url.channel].find(url.message_ts)

    # --- slash commands -------------------------------------------------------------------------

    def slash_command(self, user_id: str, channel_id: str, command: str, text: str) -> AppResponse:
        """Send a slash command as Slack does; an answer body is shown to the person."""
        with self.ws.lock:
            person = self._person(user_id)
            conversation = self._seen_conversation(user_id, channel_id)
            response_url = self._new_response_url(user_id, channel_id)
            fields: dict[str, str] = {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "team_domain": TEAM_DOMAIN,
                "channel_id": channel_id,
                "channel_name": "directmessage" if conversation.is_im else conversation.name,
                "user_id": user_id,
                "user_name": person["name"],
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": self.ws.new_trigger(user_id),
            }
        response = self._send_form(fields)
        if response.status == 200 and response.body.strip():
            payload = response.json() or {"text": response.body}
            self.apply_response(response_url.rsplit("/", 1)[1], payload)
        return response

    # --- block actions --------------------------------------------------------------------------

    def click(
        self,
        user_id: str,
        channel_id: str,
        message_ts: str,
        action_id: str,
        value: Any = None,
        *,
        block_id: str | None = None,
    ) -> AppResponse:
        """Click a button or pick from a menu in a message the person can see."""
        with self.ws.lock:
            person = self._person(user_id)
            conversation = self._seen_conversation(user_id, channel_id)
            ephemeral = next(
                (
                    e
                    for e in self.ws.ephemerals
                    if e.ts == message_ts
                    and e.user == user_id
                    and e.channel == channel_id
                    and not e.deleted
                ),
                None,
            )
            message: Message | Ephemeral | None = ephemeral or conversation.find(message_ts)
            if message is None:
                raise EmulatorUsageError(f"{user_id} sees no message {message_ts} in {channel_id}")
            block, element = self._element(message.blocks or [], action_id, block_id)
            action = self._action(block, element, value)
            if isinstance(message, Ephemeral):
                shown = {
                    "type": "message",
                    "ts": message.ts,
                    "text": message.text,
                    "blocks": message.blocks,
                    "user": message.author,
                }
            else:
                shown = message_json(message, with_metadata=False)
            payload: dict[str, Any] = {
                "type": "block_actions",
                "user": person,
                "api_app_id": APP_ID,
                "token": VERIFICATION_TOKEN,
                "container": {
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": channel_id,
                    "is_ephemeral": ephemeral is not None,
                },
                "trigger_id": self.ws.new_trigger(user_id),
                "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
                "enterprise": None,
                "is_enterprise_install": False,
                "channel": {
                    "id": channel_id,
                    "name": "directmessage" if conversation.is_im else conversation.name,
                },
                "message": shown,
                "state": {"values": {}},
                "response_url": self._new_response_url(
                    user_id, channel_id, message.ts, ephemeral is not None
                ),
                "actions": [action],
            }
        return self._send_payload(payload)

    def click_in_view(
        self,
        user_id: str,
        view_id: str,
        action_id: str,
        value: Any = None,
        *,
        block_id: str | None = None,
    ) -> AppResponse:
        """Click or pick inside an open modal or the person's Home tab."""
        with self.ws.lock:
            person = self._person(user_id)
            view = self._live_view(user_id, view_id)
            block, element = self._element(view.payload.get("blocks", []), action_id, block_id)
            action = self._action(block, element, value)
            if block.get("type") == "input":
                view.state_values.setdefault(block["block_id"], {})[action_id] = (
                    blockkit.element_state(element, value)
                )
            payload = {
                "type": "block_actions",
                "user": person,
                "api_app_id": APP_ID,
                "token": VERIFICATION_TOKEN,
                "container": {"type": "view", "view_id": view.id},
                "trigger_id": self.ws.new_trigger(user_id, view_id=view.id),
                "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
                "enterprise": None,
                "is_enterprise_install": False,
                "view": view.as_slack(),
                "actions": [action],
            }
        return self._send_payload(payload)

    def _live_view(self, user_id: str, view_id: str) -> View:
        view = self.ws.views.get(view_id)
        stack = self.ws.modal_stacks.get(user_id, [])
        if view is None or view.user != user_id:
            raise EmulatorUsageError(f"{user_id} has no view {view_id}")
        if view.type == "modal" and (not stack or stack[-1] != view_id):
            raise EmulatorUsageError(f"view {view_id} is not the modal {user_id} is looking at")
        if view.type == "home" and self.ws.homes.get(user_id) != view_id:
            raise EmulatorUsageError(f"view {view_id} is not {user_id}'s Home tab")
        return view

    @staticmethod
    def _element(
        blocks: list[dict[str, Any]], action_id: str, block_id: str | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        found = [
            (block, element)
            for block in blocks
            for element in blockkit.interactive_elements(block)
            if element.get("action_id") == action_id
            and (block_id is None or block.get("block_id") == block_id)
        ]
        if not found:
            raise EmulatorUsageError(f"no element with action_id {action_id!r} to click there")
        if len(found) > 1:
            raise EmulatorUsageError(
                f"several elements have action_id {action_id!r}: give block_id"
            )
        return found[0]

    def _action(self, block: dict[str, Any], element: dict[str, Any], value: Any) -> dict[str, Any]:
        kind = str(element.get("type"))
        action: dict[str, Any] = {
            "type": kind,
            "action_id": element["action_id"],
            "block_id": block["block_id"],
            "action_ts": self.ws.new_ts(),
        }
        if kind == "button":
            if value is not None and value != element.get("value"):
                raise EmulatorUsageError(
                    f"button {element['action_id']!r} carries "
                    f"{element.get('value')!r}, not {value!r}"
                )
            action["text"] = element.get("text")
            if "value" in element:
                action["value"] = element["value"]
            return action
        if value is None:
            raise EmulatorUsageError(f"{kind} {element['action_id']!r} needs a value to pick")
        self._check_pick(kind, value)
        action.update(
            {k: v for k, v in blockkit.element_state(element, value).items() if k != "type"}
        )
        return action

    def _check_pick(self, kind: str, value: Any) -> None:
        if kind in ("users_select", "multi_users_select"):
            for user_id in [value] if isinstance(value, str) else list(value):
                # A person picked while the modal was open may be deactivated before it is
                # submitted; Slack still sends their id, so only unknown ids are impossible.
                if self.ws.users.get(user_id) is None:
                    raise EmulatorUsageError(f"the user picker does not offer {user_id}")
        if kind == "datepicker" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise EmulatorUsageError(f"a datepicker gives YYYY-MM-DD, not {value!r}")
        if kind == "timepicker" and not re.fullmatch(r"\d{2}:\d{2}", str(value)):
            raise EmulatorUsageError(f"a timepicker gives HH:MM, not {value!r}")

    # --- views ----------------------------------------------------------------------------------

    def submit_view(
        self, user_id: str, view_id: str, values: dict[tuple[str, str], Any]
    ) -> AppResponse:
        """Submit the modal the person is looking at, with values typed or picked per input."""
        with self.ws.lock:
            view = self._live_view(user_id, view_id)
            payload = self.submission_payload(user_id, view_id, values)
            view.state_values = payload["view"]["state"]["values"]
            self.ws.log_view(view, "submitted")
        response = self._send_payload(payload)
        if response.status == 200:
            with self.ws.lock:
                self._apply_submission_answer(user_id, view, response.json())
        return response

    def submission_payload(
        self, user_id: str, view_id: str, values: dict[tuple[str, str], Any]
    ) -> dict[str, Any]:
        """The `view_submission` payload Slack would send if the person submitted the modal with
        these values, without sending it or changing the modal (a benchmark sends it itself)."""
        with self.ws.lock:
            person = self._person(user_id)
            view = self._live_view(user_id, view_id)
            if view.type != "modal" or (not view.payload.get("submit") and self._has_inputs(view)):
                raise EmulatorUsageError(f"view {view_id} has no submit button")
            shown = view.as_slack()
            shown["state"] = {"values": self._submitted_state(view, values)}
            return {
                "type": "view_submission",
                "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
                "user": person,
                "api_app_id": APP_ID,
                "token": VERIFICATION_TOKEN,
                "trigger_id": self.ws.new_trigger(user_id, view_id=view.id),
                "view": shown,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }

    @staticmethod
    def _has_inputs(view: View) -> bool:
        return any(b.get("type") == "input" for b in view.payload.get("blocks", []))

    def _submitted_state(self, view: View, values: dict[tuple[str, str], Any]) -> dict[str, Any]:
        inputs = {
            (b["block_id"], b["element"]["action_id"]): b
            for b in view.payload.get("blocks", [])
            if b.get("type") == "input"
            and isinstance(b.get("element"), dict)
            and b["element"].get("action_id")
        }
        unknown = set(values) - set(inputs)
        if unknown:
            raise EmulatorUsageError(f"view {view.id} has no inputs {sorted(unknown)}")
        state: dict[str, Any] = {}
        for (block_id, action_id), block in inputs.items():
            element = block["element"]
            if (block_id, action_id) in values:
                self._check_pick(str(element.get("type")), values[(block_id, action_id)])
                entry = blockkit.element_state(element, values[(block_id, action_id)])
            else:
                entry = view.state_values.get(block_id, {}).get(
                    action_id
                ) or blockkit.element_state(element, None)
            filled = [v for k, v in entry.items() if k != "type" and v not in (None, "", [])]
            # The Slack client itself refuses to submit with a required input left empty.
            if not filled and not block.get("optional", False):
                raise EmulatorUsageError(f"required input {block_id}/{action_id} is empty")
            self._check_length(element, entry)
            state.setdefault(block_id, {})[action_id] = entry
        return state

    @staticmethod
    def _check_length(element: dict[str, Any], entry: dict[str, Any]) -> None:
        text = entry.get("value")
        if not isinstance(text, str):
            return
        if len(text) > int(element.get("max_length", 3000)) or (
            text and len(text) < int(element.get("min_length", 0))
        ):
            raise EmulatorUsageError(
                f"{element.get('action_id')!r}: the client enforces min_length/max_length"
            )

    def _apply_submission_answer(self, user_id: str, view: View, answer: dict[str, Any]) -> None:
        stack = self.ws.modal_stacks.setdefault(user_id, [])
        action = answer.get("response_action")
        if action == "errors":
            block_ids = {b.get("block_id") for b in view.payload.get("blocks", [])}
            bad = set(answer.get("errors", {})) - block_ids
            if bad:
                raise EmulatorUsageError(f"errors name blocks the view lacks: {sorted(bad)}")
            return
        if action == "update":
            payload = blockkit.check_view(answer.get("view"), expected_type="modal")
            view.payload = {
                **payload,
                "blocks": blockkit.with_block_ids(payload.get("blocks", []), "resp"),
            }
            view.hash = self.ws.new_ts()
            view.state_values = blockkit.initial_state(view.payload)
            self.ws.log_view(view, "updated")
            return
        if action == "push":
            if len(stack) >= MAX_MODAL_STACK:
                return
            payload = blockkit.check_view(answer.get("view"), expected_type="modal")
            payload = {
                **payload,
                "blocks": blockkit.with_block_ids(payload.get("blocks", []), "resp"),
            }
            pushed_id = self.ws.new_id("V")
            self.ws.views[pushed_id] = View(
                id=pushed_id,
                user=user_id,
                payload=payload,
                hash=self.ws.new_ts(),
                root_view_id=stack[0] if stack else pushed_id,
                previous_view_id=view.id,
                state_values=blockkit.initial_state(payload),
            )
            stack.append(pushed_id)
            self.ws.log_view(self.ws.views[pushed_id], "pushed")
            return
        if action == "clear":
            stack.clear()
            return
        # An empty acknowledgement closes the submitted view, uncovering the one beneath.
        if stack and stack[-1] == view.id:
            stack.pop()

    def close_view(self, user_id: str, view_id: str) -> AppResponse | None:
        """The person closes the modal they see; the app hears view_closed if it asked to."""
        with self.ws.lock:
            person = self._person(user_id)
            view = self._live_view(user_id, view_id)
            if view.type != "modal":
                raise EmulatorUsageError("a Home tab cannot be closed")
            stack = self.ws.modal_stacks[user_id]
            cleared = bool(view.payload.get("clear_on_close"))
            self.ws.log_view(view, "closed")
            if cleared:
                stack.clear()
            else:
                stack.pop()
            if not view.payload.get("notify_on_close"):
                return None
            payload = {
                "type": "view_closed",
                "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
                "user": person,
                "api_app_id": APP_ID,
                "token": VERIFICATION_TOKEN,
                "view": view.as_slack(),
                "is_cleared": cleared,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        return self._send_payload(payload)

    # --- events ---------------------------------------------------------------------------------

    def deliver_event(
        self,
        event: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_id: str | None = None,
    ) -> AppResponse:
        """Send one event in its event_callback envelope (a redelivery when retry_num is set)."""
        with self.ws.lock:
            event = dict(event)
            event.setdefault("event_ts", self.ws.new_ts())
            event_id = event_id or self.ws.new_id("Ev")
            envelope = {
                "token": VERIFICATION_TOKEN,
                "team_id": TEAM_ID,
                "api_app_id": APP_ID,
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(float(event["event_ts"])),
                "authorizations": [
                    {
                        "enterprise_id": None,
                        "team_id": TEAM_ID,
                        "user_id": self.ws.bot_user_id,
                        "is_bot": True,
                        "is_enterprise_install": False,
                    }
                ],
                "is_ext_shared_channel": False,
                "event_context": f"4-{event_id}",
            }
        if self.socket_mode is not None:
            # Over Socket Mode the hub redelivers an unacknowledged event itself.
            response = self._over_socket("events_api", envelope, accepts=False)
            return AppResponse(
                response.status, response.body, response.headers, response.timed_out, event_id
            )
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        response = self.send(json.dumps(envelope).encode(), "application/json", extra)
        return AppResponse(
            response.status, response.body, response.headers, response.timed_out, event_id
        )

    def deliver_pending_events(self) -> list[AppResponse]:
        """Deliver queued events; an unacknowledged one is retried up to 3 times, as Slack does."""
        with self.ws.lock:
            pending, self.ws.pending_events = self.ws.pending_events, []
        responses = []
        for event in pending:
            response = self.deliver_event(event)
            # Over Socket Mode the hub has already redelivered it with retry_attempt.
            retries = MAX_EVENT_RETRIES if self.socket_mode is not None else 0
            while response.status != 200 and retries < MAX_EVENT_RETRIES:
                retries += 1
                reason = "http_timeout" if response.timed_out else "http_error"
                response = self.deliver_event(
                    event, retry_num=retries, retry_reason=reason, event_id=response.event_id
                )
            responses.append(response)
        return responses

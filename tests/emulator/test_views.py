"""Modals and Home tabs: trigger lifetimes, the modal stack, hashes and view validation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.devtools.emulator import SlackEmulator


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as refused:
        call(**kwargs)
    return dict(refused.value.response.data)  # type: ignore[arg-type]


def modal(title: str = "New case", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Open"},
        "blocks": [
            {
                "type": "input",
                "block_id": "child",
                "label": {"type": "plain_text", "text": "Child's initials"},
                "element": {"type": "plain_text_input", "action_id": "initials"},
            }
        ],
        **extra,
    }


def test_trigger_opens_a_modal_for_the_person_who_acted(
    emu: SlackEmulator, client: WebClient
) -> None:
    amy = emu.add_user("amy")
    view = client.views_open(trigger_id=emu.issue_trigger(amy), view=modal())["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert [v["id"] for v in emu.inspector.modal_stack(amy)] == [view["id"]]


def test_trigger_expires_after_three_seconds_of_emulator_clock(
    emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    amy = emu.add_user("amy")
    almost = emu.issue_trigger(amy)
    clock.advance(timedelta(seconds=2.9))
    assert client.views_open(trigger_id=almost, view=modal())["ok"]
    late = emu.issue_trigger(amy)
    clock.advance(timedelta(seconds=3))
    assert (
        error_of(client.views_open, trigger_id=late, view=modal())["error"] == "expired_trigger_id"
    )


def test_trigger_can_be_exchanged_once(emu: SlackEmulator, client: WebClient) -> None:
    trigger = emu.issue_trigger(emu.add_user("amy"))
    client.views_open(trigger_id=trigger, view=modal())
    body = error_of(client.views_open, trigger_id=trigger, view=modal())
    assert body["error"] == "exchanged_trigger_id"


def test_unknown_trigger_is_invalid(client: WebClient) -> None:
    body = error_of(client.views_open, trigger_id="123.456.abcdef", view=modal())
    assert body["error"] == "invalid_trigger_id"


def test_push_stacks_at_most_three_views(emu: SlackEmulator, client: WebClient) -> None:
    amy = emu.add_user("amy")
    client.views_open(trigger_id=emu.issue_trigger(amy), view=modal())
    client.views_push(trigger_id=emu.issue_trigger(amy), view=modal("Second"))
    client.views_push(trigger_id=emu.issue_trigger(amy), view=modal("Third"))
    body = error_of(client.views_push, trigger_id=emu.issue_trigger(amy), view=modal("Fourth"))
    assert body["error"] == "push_limit_reached"
    assert [v["title"]["text"] for v in emu.inspector.modal_stack(amy)] == [
        "New case",
        "Second",
        "Third",
    ]


def test_update_by_id_or_external_id_with_hash_check(emu: SlackEmulator, client: WebClient) -> None:
    amy = emu.add_user("amy")
    opened = client.views_open(
        trigger_id=emu.issue_trigger(amy), view=modal(external_id="case-1-modal")
    )["view"]
    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal("Step 2", external_id="case-1-modal")
    )["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    body = error_of(client.views_update, view_id=opened["id"], hash=opened["hash"], view=modal())
    assert body["error"] == "hash_conflict"
    assert client.views_update(external_id="case-1-modal", view=modal("Step 3"))["ok"]
    assert error_of(client.views_update, view_id="V0NOPE", view=modal())["error"] == "not_found"


def test_invalid_view_is_invalid_arguments_with_messages(
    emu: SlackEmulator, client: WebClient
) -> None:
    amy = emu.add_user("amy")
    too_long_title = modal("A title well over twenty-four characters")
    body = error_of(client.views_open, trigger_id=emu.issue_trigger(amy), view=too_long_title)
    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"]
    many = modal() | {"blocks": [{"type": "divider"} for _ in range(101)]}
    body = error_of(client.views_open, trigger_id=emu.issue_trigger(amy), view=many)
    assert body["error"] == "invalid_arguments"


def test_publish_home_per_person(emu: SlackEmulator, client: WebClient) -> None:
    amy, bob = emu.add_user("amy"), emu.add_user("bob")
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = client.views_publish(user_id=amy, view=home)["view"]
    assert emu.inspector.home(amy) is not None and emu.inspector.home(bob) is None
    body = error_of(client.views_publish, user_id=amy, view=home, hash="1.000001")
    assert body["error"] == "hash_conflict"
    again = client.views_publish(user_id=amy, view=home, hash=first["hash"])["view"]
    assert again["id"] == first["id"]
    body = error_of(client.views_publish, user_id=amy, view=modal())
    assert body["error"] == "invalid_arguments"


def test_every_modal_a_person_sees_is_logged_as_it_was_then(
    emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    amy, ben = emu.add_user("amy"), emu.add_user("ben")
    opened = client.views_open(trigger_id=emu.issue_trigger(amy), view=modal())["view"]
    clock.advance(timedelta(minutes=1))
    client.views_update(view_id=opened["id"], view=modal("Step 2"))
    pushed = client.views_push(trigger_id=emu.issue_trigger(amy), view=modal("Pushed"))["view"]
    emu.close_view(amy, pushed["id"])
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    client.views_publish(user_id=amy, view=home)  # a Home tab is not a modal: not logged
    log = emu.inspector.views_seen_by(amy)
    assert [(e.action, e.view["title"]["text"]) for e in log] == [
        ("opened", "New case"),
        ("updated", "Step 2"),
        ("pushed", "Pushed"),
        ("closed", "Pushed"),
    ]
    # Each entry is the view as it stood: the update did not change what was logged on opening.
    assert log[0].at < log[1].at and log[0].view["hash"] != log[1].view["hash"]
    # Ordered in the same sequence as messages' ts.
    assert [float(e.ts) for e in log] == sorted(float(e.ts) for e in log)
    assert emu.inspector.views_seen_by(ben) == []

"""Channels as Slack keeps them: names, invitations, visibility, topics, archiving, DMs, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import ManualClock
from bot.devtools.emulator import SlackEmulator


def error_of(call: object, *args: object, **kwargs: object) -> dict[str, object]:
    """Call a WebClient method expecting a Slack error; return the error body."""
    with pytest.raises(SlackApiError) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return dict(refused.value.response.data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Case One", "invalid_name_specials"),
        ("case.one", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
    ],
)
def test_create_refuses_names_slack_refuses(client: WebClient, name: str, error: str) -> None:
    assert error_of(client.conversations_create, name=name, is_private=True)["error"] == error


def test_create_accepts_the_longest_allowed_name(client: WebClient) -> None:
    assert client.conversations_create(name="a-b_9" + "x" * 75, is_private=True)["ok"]


def test_name_stays_taken_after_archiving(client: WebClient, private_case: str) -> None:
    client.conversations_archive(channel=private_case)
    assert (
        error_of(client.conversations_create, name="case-0001", is_private=True)["error"]
        == "name_taken"
    )


def test_private_create_needs_groups_write(emu: SlackEmulator) -> None:
    token = emu.add_token(["chat:write", "channels:manage"])
    narrow = WebClient(token=token, base_url=emu.api_url, retry_handlers=[])
    body = error_of(narrow.conversations_create, name="case-x", is_private=True)
    assert body["error"] == "missing_scope"
    assert body["needed"] == "groups:write"
    assert "channels:manage" in str(body["provided"])


def test_method_scope_missing_lists_slack_needed_scopes(emu: SlackEmulator) -> None:
    narrow = WebClient(token=emu.add_token(["chat:write"]), base_url=emu.api_url, retry_handlers=[])
    body = error_of(narrow.users_info, user=emu.bot_user_id)
    assert (body["error"], body["needed"], body["provided"]) == (
        "missing_scope",
        "users:read",
        "chat:write",
    )


def test_invite_adds_members_and_queues_member_joined_channel(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy, bob = emu.add_user("amy"), emu.add_user("bob")
    client.conversations_invite(channel=private_case, users=[amy, bob])
    assert set(emu.inspector.channel(private_case).members) == {emu.bot_user_id, amy, bob}
    joined = [e for e in emu.pending_events if e["type"] == "member_joined_channel"]
    assert [(e["user"], e["channel_type"], e["inviter"]) for e in joined] == [
        (amy, "G", emu.bot_user_id),
        (bob, "G", emu.bot_user_id),
    ]


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("unknown", "user_not_found"),
        ("bot", "cant_invite_self"),
        ("member", "already_in_channel"),
        ("deactivated", "cant_invite"),
        ("busy_guest", "ura_max_channels"),
    ],
)
def test_invite_refuses_as_slack_does(
    emu: SlackEmulator, client: WebClient, private_case: str, who: str, error: str
) -> None:
    member = emu.add_user("member")
    client.conversations_invite(channel=private_case, users=member)
    guest = emu.add_user("guest", is_ultra_restricted=True)
    elsewhere = client.conversations_create(name="elsewhere", is_private=True)["channel"]["id"]
    client.conversations_invite(channel=elsewhere, users=guest)
    users = {
        "unknown": "U0NOBODY",
        "bot": emu.bot_user_id,
        "member": member,
        "deactivated": emu.add_user("gone", deleted=True),
        "busy_guest": guest,
    }
    assert (
        error_of(client.conversations_invite, channel=private_case, users=users[who])["error"]
        == error
    )


def test_single_channel_guest_may_join_their_first_channel(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    guest = emu.add_user("guest", is_ultra_restricted=True)
    assert client.conversations_invite(channel=private_case, users=guest)["ok"]


def test_invite_with_one_bad_user_invites_nobody_and_lists_errors(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    body = error_of(
        client.conversations_invite, channel=private_case, users=[amy, "U0NOBODY", emu.bot_user_id]
    )
    assert body["error"] == "user_not_found"
    assert body["errors"] == [
        {"user": "U0NOBODY", "ok": False, "error": "user_not_found"},
        {"user": emu.bot_user_id, "ok": False, "error": "cant_invite_self"},
    ]
    assert amy not in emu.inspector.channel(private_case).members


def test_invite_with_force_invites_the_valid_ones(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    body = client.conversations_invite(channel=private_case, users=[amy, "U0NOBODY"], force=True)
    assert body["errors"] == [{"user": "U0NOBODY", "ok": False, "error": "user_not_found"}]
    assert amy in emu.inspector.channel(private_case).members


def test_private_channel_the_bot_is_not_in_does_not_exist_for_it(
    emu: SlackEmulator, client: WebClient
) -> None:
    owner = emu.add_user("owner")
    secret = emu.create_channel_as_user(owner, "secret", is_private=True)
    for call, kwargs in [
        (client.conversations_info, {}),
        (client.conversations_history, {}),
        (client.conversations_members, {}),
        (client.chat_postMessage, {"text": "hi"}),
        (client.conversations_invite, {"users": owner}),
    ]:
        assert error_of(call, channel=secret, **kwargs)["error"] == "channel_not_found"


def test_public_channel_the_bot_is_not_in_refuses_posts_with_not_in_channel(
    emu: SlackEmulator, client: WebClient
) -> None:
    owner = emu.add_user("owner")
    general = emu.create_channel_as_user(owner, "general-chat")
    assert (
        error_of(client.chat_postMessage, channel=general, text="hi")["error"] == "not_in_channel"
    )


def test_archived_channel_refuses_posts_invites_and_topics(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    client.conversations_invite(channel=private_case, users=amy)
    emu.archive_channel_as_user(amy, private_case)
    assert (
        error_of(client.chat_postMessage, channel=private_case, text="x")["error"] == "is_archived"
    )
    bob = emu.add_user("bob")
    assert (
        error_of(client.conversations_invite, channel=private_case, users=bob)["error"]
        == "is_archived"
    )
    assert (
        error_of(client.conversations_setTopic, channel=private_case, topic="t")["error"]
        == "is_archived"
    )
    assert (
        error_of(client.conversations_archive, channel=private_case)["error"] == "already_archived"
    )
    client.conversations_unarchive(channel=private_case)
    assert client.chat_postMessage(channel=private_case, text="back")["ok"]


def test_set_topic_limits_length_and_records_topic(
    client: WebClient, emu: SlackEmulator, private_case: str
) -> None:
    assert (
        error_of(client.conversations_setTopic, channel=private_case, topic="x" * 251)["error"]
        == "too_long"
    )
    client.conversations_setTopic(channel=private_case, topic="Case 0001 core group")
    assert emu.inspector.channel(private_case).topic == "Case 0001 core group"
    info = client.conversations_info(channel=private_case)["channel"]
    assert info["topic"]["value"] == "Case 0001 core group"
    assert info["is_private"] is True and info["is_member"] is True


def test_kick_and_leave_queue_member_left_channel(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy, bob = emu.add_user("amy"), emu.add_user("bob")
    client.conversations_invite(channel=private_case, users=[amy, bob])
    client.conversations_kick(channel=private_case, user=amy)
    emu.leave_channel(bob, private_case)
    left = [e["user"] for e in emu.pending_events if e["type"] == "member_left_channel"]
    assert left == [amy, bob]
    assert (
        error_of(client.conversations_kick, channel=private_case, user=amy)["error"]
        == "not_in_channel"
    )
    assert (
        error_of(client.conversations_kick, channel=private_case, user=emu.bot_user_id)["error"]
        == "cant_kick_self"
    )


def test_members_paginate_with_cursor(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    people = [emu.add_user(f"p{i}") for i in range(5)]
    client.conversations_invite(channel=private_case, users=people)
    seen: list[str] = []
    cursor = None
    while True:
        page = client.conversations_members(channel=private_case, limit=2, cursor=cursor)
        seen += page["members"]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == [emu.bot_user_id, *people]


def test_history_returns_metadata_only_when_asked(client: WebClient, private_case: str) -> None:
    metadata = {"event_type": "outbox_sent", "event_payload": {"key": "invite:1"}}
    client.chat_postMessage(channel=private_case, text="Invitation", metadata=metadata)
    plain = client.conversations_history(channel=private_case)["messages"][0]
    full = client.conversations_history(channel=private_case, include_all_metadata=True)[
        "messages"
    ][0]
    assert "metadata" not in plain
    assert full["metadata"] == metadata


def test_history_is_newest_first_windowed_and_paginated(
    client: WebClient, clock: ManualClock, private_case: str
) -> None:
    stamps = []
    for n in range(5):
        clock.advance(timedelta(minutes=1))
        stamps.append(client.chat_postMessage(channel=private_case, text=f"m{n}")["ts"])
    window = client.conversations_history(channel=private_case, oldest=stamps[1], latest=stamps[4])
    assert [m["text"] for m in window["messages"]] == ["m3", "m2"]
    first = client.conversations_history(channel=private_case, limit=2)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3"] and first["has_more"]
    second = client.conversations_history(
        channel=private_case, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 5


def test_threads_show_in_replies_not_in_history(client: WebClient, private_case: str) -> None:
    parent = client.chat_postMessage(channel=private_case, text="Prompt")["ts"]
    client.chat_postMessage(channel=private_case, text="Reminder", thread_ts=parent)
    history = client.conversations_history(channel=private_case)["messages"]
    assert [m["text"] for m in history][:1] == ["Prompt"] and history[0]["reply_count"] == 1
    thread = client.conversations_replies(channel=private_case, ts=parent)["messages"]
    assert [m["text"] for m in thread] == ["Prompt", "Reminder"]
    assert (
        error_of(client.conversations_replies, channel=private_case, ts="1.000001")["error"]
        == "thread_not_found"
    )


def test_open_dm_and_refuse_deactivated_people(emu: SlackEmulator, client: WebClient) -> None:
    amy = emu.add_user("amy")
    dm = client.conversations_open(users=amy)["channel"]["id"]
    assert dm.startswith("D")
    assert client.conversations_open(users=[amy])["channel"]["id"] == dm
    assert client.chat_postMessage(channel=amy, text="Your report is due")["channel"] == dm
    emu.deactivate_user(amy)
    assert error_of(client.conversations_open, users=amy)["error"] == "user_disabled"
    assert error_of(client.chat_postMessage, channel=amy, text="x")["error"] == "channel_not_found"
    assert error_of(client.conversations_open, users="U0NOBODY")["error"] == "user_not_found"


def test_dm_info_needs_im_read_which_the_manifest_does_not_grant(
    emu: SlackEmulator, client: WebClient
) -> None:
    dm = client.conversations_open(users=emu.add_user("amy"))["channel"]["id"]
    body = error_of(client.conversations_info, channel=dm)
    assert (body["error"], body["needed"]) == ("missing_scope", "im:read")
    assert client.conversations_history(channel=dm)["ok"]


def test_deactivating_a_member_removes_them_from_channels(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    client.conversations_invite(channel=private_case, users=amy)
    emu.deactivate_user(amy)
    assert amy not in emu.inspector.channel(private_case).members
    assert client.users_info(user=amy)["user"]["deleted"] is True

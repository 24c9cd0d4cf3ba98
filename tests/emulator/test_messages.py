"""Messages, Block Kit checks, ephemerals, edits, pins and file shares, as Slack applies them."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, SectionBlock

from bot.devtools.emulator import SlackEmulator


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as refused:
        call(**kwargs)
    return dict(refused.value.response.data)  # type: ignore[arg-type]


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_needs_text_or_blocks(client: WebClient, private_case: str) -> None:
    assert error_of(client.chat_postMessage, channel=private_case)["error"] == "no_text"
    assert client.chat_postMessage(channel=private_case, blocks=[section("hi")])["ok"]


@pytest.mark.parametrize(
    "blocks",
    [
        [section(f"b{n}") for n in range(51)],
        [{"type": "section"}],
        [{"type": "no_such_block"}],
        [section("x" * 3001)],
        [section("a") | {"block_id": "same"}, section("b") | {"block_id": "same"}],
        [{"type": "actions", "elements": [{"type": "button", "action_id": "a"}]}],
    ],
    ids=[
        "51-blocks",
        "section-without-text",
        "unknown-type",
        "text-over-3000",
        "duplicate-block-id",
        "button-without-text",
    ],
)
def test_invalid_blocks_are_refused(client: WebClient, private_case: str, blocks: Any) -> None:
    body = error_of(client.chat_postMessage, channel=private_case, text="t", blocks=blocks)
    assert body["error"] == "invalid_blocks"
    assert body["response_metadata"]["messages"]


def test_fifty_blocks_built_with_slack_sdk_models_pass(
    client: WebClient, private_case: str
) -> None:
    blocks = [SectionBlock(text=f"row {n}") for n in range(50)]
    assert client.chat_postMessage(channel=private_case, text="t", blocks=blocks)["ok"]


def test_blocks_that_are_not_json_are_invalid_blocks_format(
    client: WebClient, private_case: str
) -> None:
    body = error_of(
        client.api_call,
        api_method="chat.postMessage",
        params={"channel": private_case, "text": "t", "blocks": "[{not json"},
    )
    assert body["error"] == "invalid_blocks_format"


def test_text_over_40000_characters_is_truncated_as_slack_documents(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    ts = client.chat_postMessage(channel=private_case, text="x" * 40_100)["ts"]
    stored = next(m for m in emu.inspector.messages(private_case) if m.ts == ts)
    assert len(stored.text) == 40_000


def test_blocks_get_slack_generated_block_ids(client: WebClient, private_case: str) -> None:
    message = client.chat_postMessage(channel=private_case, text="t", blocks=[section("a")])
    assert message["message"]["blocks"][0]["block_id"]


def test_bad_metadata_is_refused(client: WebClient, private_case: str) -> None:
    body = error_of(
        client.chat_postMessage, channel=private_case, text="t", metadata={"event_payload": {}}
    )
    assert body["error"] == "invalid_metadata_schema"


def test_ephemeral_only_for_channel_members_and_only_they_see_it(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy, bob = emu.add_user("amy"), emu.add_user("bob")
    client.conversations_invite(channel=private_case, users=[amy, bob])
    client.chat_postEphemeral(channel=private_case, user=amy, text="Only for you")
    assert [s.text for s in emu.inspector.seen_by(amy) if s.kind == "ephemeral"] == ["Only for you"]
    assert [s for s in emu.inspector.seen_by(bob) if s.kind == "ephemeral"] == []
    outsider = emu.add_user("carol")
    body = error_of(client.chat_postEphemeral, channel=private_case, user=outsider, text="x")
    assert body["error"] == "user_not_in_channel"
    body = error_of(client.chat_postEphemeral, channel=private_case, user=amy, text="x" * 40_001)
    assert body["error"] == "msg_too_long"
    assert "Only for you" not in str(client.conversations_history(channel=private_case).data)


def test_update_and_delete_only_the_bots_own_messages(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    client.conversations_invite(channel=private_case, users=amy)
    theirs = emu.post_as_user(amy, private_case, "my update")
    ours = client.chat_postMessage(channel=private_case, text="Draft")["ts"]
    client.chat_update(channel=private_case, ts=ours, text="Final")
    assert [m.text for m in emu.inspector.messages(private_case) if m.ts == ours] == ["Final"]
    assert (
        error_of(client.chat_update, channel=private_case, ts=theirs, text="x")["error"]
        == "cant_update_message"
    )
    assert (
        error_of(client.chat_update, channel=private_case, ts="1.000009", text="x")["error"]
        == "message_not_found"
    )
    assert (
        error_of(client.chat_delete, channel=private_case, ts=theirs)["error"]
        == "cant_delete_message"
    )
    client.chat_delete(channel=private_case, ts=ours)
    assert ours not in [m.ts for m in emu.inspector.messages(private_case)]


def test_pins(emu: SlackEmulator, client: WebClient, private_case: str) -> None:
    ts = client.chat_postMessage(channel=private_case, text="Case card")["ts"]
    client.pins_add(channel=private_case, timestamp=ts)
    assert emu.inspector.channel(private_case).pins == (ts,)
    assert (
        error_of(client.pins_add, channel=private_case, timestamp=ts)["error"] == "already_pinned"
    )
    assert (
        error_of(client.pins_add, channel=private_case, timestamp="1.000001")["error"]
        == "message_not_found"
    )
    assert error_of(client.pins_add, channel=private_case)["error"] == "no_item_specified"


def test_file_upload_v2_shares_into_the_channel_for_its_members(
    emu: SlackEmulator, client: WebClient, uploader: WebClient, private_case: str
) -> None:
    amy, outsider = emu.add_user("amy"), emu.add_user("zed")
    client.conversations_invite(channel=private_case, users=amy)
    done = uploader.files_upload_v2(
        channel=private_case, content=b"RCPC summary", filename="summary.html", title="Summary"
    )
    assert done["file"]["title"] == "Summary"
    [seen] = emu.inspector.files_seen_by(amy)
    assert (seen.name, seen.data, seen.channel) == ("summary.html", b"RCPC summary", private_case)
    assert emu.inspector.files_seen_by(outsider) == []


def test_file_share_into_a_channel_the_bot_left_is_refused(
    emu: SlackEmulator, uploader: WebClient
) -> None:
    owner = emu.add_user("owner")
    public = emu.create_channel_as_user(owner, "public-room")
    body = error_of(uploader.files_upload_v2, channel=public, content=b"x", filename="a.txt")
    assert body["error"] == "not_in_channel"


def test_complete_upload_of_a_file_never_uploaded_is_file_not_found(
    uploader: WebClient, private_case: str
) -> None:
    reserved = uploader.files_getUploadURLExternal(filename="a.txt", length=3)
    body = error_of(
        uploader.files_completeUploadExternal,
        files=[{"id": reserved["file_id"]}],
        channel_id=private_case,
    )
    assert body["error"] == "file_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_deleting_a_file_takes_it_out_of_every_share_and_a_second_delete_is_file_not_found(
    emu: SlackEmulator, client: WebClient, uploader: WebClient, private_case: str
) -> None:
    amy = emu.add_user("amy")
    client.conversations_invite(channel=private_case, users=amy)
    done = uploader.files_upload_v2(
        channel=private_case, content=b"RCPC summary", filename="oak-review.html"
    )
    file_id = done["file"]["id"]
    [shared] = client.conversations_history(channel=private_case)["messages"][:1]
    assert shared["files"] == [{"id": file_id, "name": "oak-review.html"}]
    uploader.files_delete(file=file_id)
    assert emu.inspector.files_seen_by(amy) == []
    assert [m.files for m in emu.inspector.messages(private_case) if m.ts == shared["ts"]] == [()]
    assert error_of(uploader.files_delete, file=file_id)["error"] == "file_not_found"


def test_public_channel_creation_needs_a_scope_the_manifest_does_not_grant(
    client: WebClient,
) -> None:
    body = error_of(client.conversations_create, name="public-room")
    assert (body["error"], body["needed"]) == ("missing_scope", "channels:manage")


def test_button_message_from_models_round_trips(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    blocks = [ActionsBlock(block_id="rsvp", elements=[ButtonElement(text="Yes", action_id="yes")])]
    ts = client.chat_postMessage(channel=private_case, text="Coming?", blocks=blocks)["ts"]
    [stored] = [m for m in emu.inspector.messages(private_case) if m.ts == ts]
    assert stored.blocks is not None and stored.blocks[0]["block_id"] == "rsvp"

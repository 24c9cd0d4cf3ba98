"""A file is shared once, however often a lost answer makes its last upload step go again.

Each `files.completeUploadExternal` shares the file again (the emulator does, and Slack's
published contract names no error for a second completion), so the client's own retry of one
that Slack applied before the connection dropped, or before a 5xx, would share it twice."""

from __future__ import annotations

import pytest

from bot.devtools.emulator import Fault, SlackEmulator
from bot.slack.client import make_web_client
from bot.slack.gateway import SlackGateway


def _shares(emu: SlackEmulator, channel: str, thread_ts: str | None = None) -> list[str]:
    """The ids of the files the bot's messages share in a channel (or a thread there)."""
    return [
        file_id
        for m in emu.inspector.messages(channel)
        if thread_ts is None or m.thread_ts == thread_ts
        for file_id in m.files
    ]


@pytest.mark.parametrize(
    "kind", [Fault.DROP_AFTER, Fault.HTTP_500_AFTER, Fault.DROP, Fault.HTTP_500]
)
def test_a_completion_whose_answer_is_lost_shares_the_file_once(
    emu: SlackEmulator, kind: Fault
) -> None:
    gateway = SlackGateway(make_web_client(emu.bot_token, emu.api_url))
    channel = gateway.create_private_channel("case-0001")
    emu.faults.inject_next(kind, method="files.completeUploadExternal")
    gateway.upload(channel, "minutes.txt", b"Minutes of the core group", "Minutes")
    shared = _shares(emu, channel)
    assert len(shared) == 1
    assert gateway.shares_file(channel, shared[0])
    faults = [c.fault for c in emu.calls_to("files.completeUploadExternal")]
    if kind.after_apply:  # applied, then lost: found in history, not completed again
        assert faults == [kind.value]
    else:  # not applied: history shows no share, so it is completed again
        assert faults == [kind.value, None]


def test_a_threaded_share_whose_answer_is_lost_is_shared_once_in_its_thread(
    emu: SlackEmulator,
) -> None:
    gateway = SlackGateway(make_web_client(emu.bot_token, emu.api_url))
    channel = gateway.create_private_channel("case-0001")
    _, ts = gateway.post(channel, "The summary")
    emu.faults.inject_next(Fault.DROP_AFTER, method="files.completeUploadExternal")
    gateway.upload(channel, "summary.pdf", b"%PDF-1.4 summary", "Summary", thread_ts=ts)
    assert len(_shares(emu, channel, thread_ts=ts)) == 1
    assert len(_shares(emu, channel)) == 1

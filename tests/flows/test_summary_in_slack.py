"""The released summary in Slack: one message in the channel (the headline) with the documents
and every word of the summary in its thread, and the same shape in professionals' direct
messages, even for updates written to the form's text limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, UpdateField
from bot.rules.update_form import NOTE_LIMIT, TEXT_LIMIT

from .conftest import People
from .test_conference import conference_case
from .test_core_group import say
from .test_plan import add_outcome, top_view
from .test_update_cycle import at, outcome_ids

SUMMARY = "RCPC summary for oak-family"


def words_up_to(limit: int, who: str, field: str) -> str:
    """Plain prose exactly `limit` characters long, with a marker to find it by."""
    marker = f"[{who} {field}] "
    sentence = "The children were seen at home and the routine held on most days. "
    text = marker + sentence * (limit // len(sentence) + 1)
    return text[: limit - 1] + "."


def give_at_the_limits(sandbox: Sandbox, user: str, who: str) -> list[str]:
    """Fill every text box of the person's update form to its limit; returns the markers."""
    emu = sandbox.emulator
    ask = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
    ][-1]
    emu.click(user, ask.channel, ask.ts, ActionId.GIVE_UPDATE)
    view = top_view(sandbox, user)
    values: dict[tuple[str, str], Any] = {}
    for oid in outcome_ids(sandbox):
        rag = UpdateField.RAG.numbered(oid)
        values[(rag, rag)] = "amber"
    markers = []
    for block in view["blocks"]:
        element = block.get("element", {})
        if block.get("type") != "input" or element.get("type") != "plain_text_input":
            continue
        limit = element.get("max_length", TEXT_LIMIT)
        assert limit in (NOTE_LIMIT, TEXT_LIMIT), block["block_id"]
        text = words_up_to(limit, who, block["block_id"])
        values[(block["block_id"], element["action_id"])] = text
        markers.append(text[: text.index("]") + 1])
    blocks = {b.get("block_id") for b in view["blocks"]}
    if UpdateField.NEW_HARM in blocks:
        values[(UpdateField.NEW_HARM, UpdateField.NEW_HARM)] = "yes"
    answer = emu.submit_view(user, view["id"], values).json()
    assert answer.get("response_action") == "update", answer
    return markers


def test_a_summary_at_the_forms_limits_is_one_channel_message_and_a_thread(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    # What is checked here is the shape; how Slack paces a long thread is the retry handler's.
    emu.rate_limits_enabled = False
    channel, _ = conference_case(sandbox, people)
    for number in range(2, 9):
        wording = f"Outcome {number} for the children, worded at length" + ", at length" * 30
        add_outcome(sandbox, people.social_worker, channel, wording)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    markers = []
    for user, who in (
        (people.school, "school"),
        (people.health_visitor, "health"),
        (people.mum, "mum"),
    ):
        markers += give_at_the_limits(sandbox, user, who)

    assert "ready to release" in say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if s.text == SUMMARY]
    [draft] = [d for d in drafts if d.thread_ts in (None, d.ts)]
    assert ActionId.RELEASE_SUMMARY in str(draft.blocks)
    draft_thread = [
        s for s in emu.inspector.seen_by(people.chair) if s.thread_ts == draft.ts != s.ts
    ]
    assert len(draft_thread) > 5  # the whole professional copy, split, in the thread

    sandbox.clock.advance(timedelta(minutes=1))
    emu.click(people.chair, draft.channel, draft.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(
        lambda: any(
            f.name.endswith("-professional.md") for f in emu.inspector.files_seen_by(people.school)
        )
    )
    posted = [m for m in emu.inspector.messages(channel) if m.text == SUMMARY]
    top_level = [m for m in posted if m.thread_ts in (None, m.ts)]
    assert len(top_level) == 1
    [headline] = top_level
    thread = [m for m in emu.inspector.messages(channel) if m.thread_ts == headline.ts != m.ts]
    assert len(thread) > 5  # the documents and the whole family copy, split
    headline_text = str(headline.blocks)
    for said in ("Updates from 3", "How each outcome moved", "What the conference must decide"):
        assert said in headline_text
    assert "Outcome 8" in headline_text
    # The documents are in the headline's thread, not loose in the channel.
    shared = [
        f
        for f in emu.inspector.files_seen_by(people.mum)
        if f.channel == channel and not f.name.endswith(".ics")
    ]
    assert sorted(f.name.rsplit(".", 1)[1] for f in shared) == ["html", "md"]
    assert all(f.ts in {m.ts for m in thread} for f in shared)
    # Split, never cut: every update's every field reaches the thread, whole.
    thread_text = str([m.blocks for m in thread])
    for marker in markers:
        if UpdateField.PROFESSIONAL_ONLY not in marker:  # the family's copy leaves it out
            assert marker in thread_text, marker
    # Each professional: one direct message, the professional copy's documents in its thread.
    dms = [
        s
        for s in emu.inspector.seen_by(people.school)
        if s.text == SUMMARY and s.channel.startswith("D")
    ]
    assert len([s for s in dms if s.thread_ts in (None, s.ts)]) == 1

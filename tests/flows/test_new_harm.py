"""New harm reaches the social worker and chair at once, through the outbox, exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from bot.devtools.emulator.faults import Fault
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, UpdateField, ViewId
from bot.rules.update_form import SAFETY
from bot.rules.vocabulary import OutboxState
from bot.services.harm import reading_for
from storage.models import AgencyUpdate, Area, OutboxMessage

from .conftest import People
from .test_plan import top_view
from .test_update_cycle import at, case_with_core_group, outcome_ids

ALERT = "New harm reported in oak-family"


def open_form(sandbox: Sandbox, user: str) -> dict[str, Any]:
    emu = sandbox.emulator
    ask = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
    ][-1]
    emu.click(user, ask.channel, ask.ts, ActionId.GIVE_UPDATE)
    view = top_view(sandbox, user)
    assert view["callback_id"] == ViewId.UPDATE
    return view


def report_harm(sandbox: Sandbox, user: str, detail: str = "A bruise seen on Monday") -> None:
    view = open_form(sandbox, user)
    f = UpdateField
    values: dict[tuple[str, str], Any] = {
        (f.RAG.numbered(oid), f.RAG.numbered(oid)): "red" for oid in outcome_ids(sandbox)
    }
    values[(f.NEW_HARM, f.NEW_HARM)] = "yes"
    values[(f.NEW_HARM_DETAIL, f.NEW_HARM_DETAIL)] = detail
    answer = sandbox.emulator.submit_view(user, view["id"], values).json()
    assert answer["response_action"] == "update", answer


def alerts(sandbox: Sandbox, user: str) -> list[Any]:
    return [s for s in sandbox.emulator.inspector.seen_by(user) if s.text == ALERT]


def posts_per_key(sandbox: Sandbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for conversation in sandbox.emulator.workspace.conversations.values():
        for message in conversation.messages:
            key = ((message.metadata or {}).get("event_payload") or {}).get("key", "")
            if key.startswith("harm:"):
                counts[key] = counts.get(key, 0) + 1
    return counts


def prompted(sandbox: Sandbox, people: People) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()


def test_new_harm_reaches_the_social_worker_and_chair_at_once_and_only_once(
    sandbox: Sandbox, people: People
) -> None:
    prompted(sandbox, people)
    submitted = sandbox.clock.now()
    report_harm(sandbox, people.school)
    for person in (people.social_worker, people.chair):
        seen = sandbox.wait_for(lambda person=person: alerts(sandbox, person))  # type: ignore[misc]
        assert len(seen) == 1
        assert seen[0].at - submitted <= timedelta(seconds=1)
        assert seen[0].text == ALERT  # the notification names the case reference only
        assert "Ms Reed" in str(seen[0].blocks) and "A bruise" not in str(seen[0].blocks)
    assert alerts(sandbox, people.school) == [] and alerts(sandbox, people.mum) == []
    # The minute's dispatcher and the next morning find nothing more to send.
    for step in (timedelta(minutes=1), timedelta(days=1)):
        sandbox.clock.advance(step)
        sandbox.sweep()
    assert sorted(posts_per_key(sandbox).values()) == [1, 1]
    with Session(sandbox.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "new_harm")).all()
    assert {r.state for r in rows} == {OutboxState.SENT}
    # Changing the update without new detail raises nothing more.
    report_harm(sandbox, people.school)
    sandbox.sweep()
    assert len(alerts(sandbox, people.chair)) == 1


def test_the_alert_opens_the_whole_update_for_the_social_worker_and_nobody_else(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    prompted(sandbox, people)
    report_harm(sandbox, people.school, "Jo said she was pushed <!channel>")
    seen = sandbox.wait_for(lambda: alerts(sandbox, people.social_worker))
    emu.click(people.social_worker, seen[0].channel, seen[0].ts, ActionId.OPEN_UPDATE)
    shown = str(top_view(sandbox, people.social_worker))
    assert "Jo said she was pushed &lt;!channel&gt;" in shown
    with Session(sandbox.engine) as session:
        update = session.exec(select(AgencyUpdate)).one()
        assert update.id is not None
        for other in (people.school, people.mum, people.outsider, people.health_visitor):
            assert isinstance(reading_for(session, update_id=update.id, user_id=other), str)


def test_a_family_worry_marked_as_about_safety_is_raised_at_once_too(
    sandbox: Sandbox, people: People
) -> None:
    prompted(sandbox, people)
    view = open_form(sandbox, people.mum)
    assert "This form is not a referral" in str(view)
    f = UpdateField
    values = {
        (f.WORRIES, f.WORRIES): "He came back last night",
        (f.WORRY_ABOUT_SAFETY, f.WORRY_ABOUT_SAFETY): [SAFETY],
    }
    sandbox.emulator.submit_view(people.mum, view["id"], values)
    for person in (people.social_worker, people.chair):
        assert len(sandbox.wait_for(lambda p=person: alerts(sandbox, p))) == 1  # type: ignore[misc]


def test_the_form_says_it_is_not_a_referral_and_names_the_areas_urgent_contact(
    sandbox: Sandbox, people: People
) -> None:
    prompted(sandbox, people)
    with Session(sandbox.engine) as session:
        area = session.exec(select(Area)).one()
        area.urgent_contact = "the Portsmouth MASH on 023 9268 8793"
        session.add(area)
        session.commit()
    view = open_form(sandbox, people.school)
    blocks = [str(b) for b in view["blocks"]]
    said = next(i for i, b in enumerate(blocks) if "This form is not a referral" in b)
    asked = next(i for i, b in enumerate(blocks) if UpdateField.NEW_HARM.value + "'" in b)
    assert said < asked  # said above the question about harm
    assert "the Portsmouth MASH on 023 9268 8793" in blocks[said]


def test_a_post_that_reached_slack_before_the_sender_could_record_it_is_not_sent_again(
    sandbox: Sandbox, people: People
) -> None:
    prompted(sandbox, people)
    submitted = sandbox.clock.now()
    # Slack applies the first alert's post, then the answer is lost: to the at-once sender it
    # is as if it crashed between posting and recording.
    sandbox.emulator.faults.inject_next(Fault.HTTP_500_AFTER, method="chat.postMessage")
    report_harm(sandbox, people.school)
    for person in (people.social_worker, people.chair):
        seen = sandbox.wait_for(lambda p=person: alerts(sandbox, p))  # type: ignore[misc]
        assert seen[0].at - submitted <= timedelta(seconds=1)
    assert any(c.fault for c in sandbox.emulator.calls_to("chat.postMessage"))
    for _ in range(4):
        sandbox.clock.advance(timedelta(minutes=1))
        sandbox.sweep()
    assert sorted(posts_per_key(sandbox).values()) == [1, 1]
    with Session(sandbox.engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "new_harm")).all()
    assert {r.state for r in rows} == {OutboxState.SENT}

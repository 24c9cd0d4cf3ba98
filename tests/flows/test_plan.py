"""The plan through real modals and buttons: in the family's words, pinned, updated in place."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from bot.devtools.emulator.faults import Fault
from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, NewCaseField, PlanField, ViewId
from bot.rules.vocabulary import ActionStatus
from bot.services.plan import PLAN_EVENT
from storage.models import Case, Member, Outcome, PlanAction, PlanVersion

from .conftest import People, modal_title, new_case_values, open_case, open_new_case_modal
from .test_core_group import say


def top_view(sandbox: Sandbox, user: str) -> dict:  # type: ignore[type-arg]
    stack = sandbox.emulator.inspector.modal_stack(user)
    assert stack, "no modal open"
    return stack[-1]


def add_outcome(
    sandbox: Sandbox, user: str, channel: str, wording: str, shown: str | None = None
) -> None:
    sandbox.emulator.slash_command(user, channel, "/coregroup", "outcome")
    view = top_view(sandbox, user)
    assert view["callback_id"] == ViewId.OUTCOME
    response = sandbox.emulator.submit_view(
        user, view["id"], {(PlanField.WORDING, PlanField.WORDING): wording}
    )
    assert response.status == 200
    sandbox.wait_for(lambda: (shown or wording) in str(plan_messages(sandbox, channel)))


def plan_messages(sandbox: Sandbox, channel: str) -> list:  # type: ignore[type-arg]
    return [
        s for s in sandbox.emulator.inspector.messages(channel) if s.text.startswith("The plan for")
    ]


def member_id(sandbox: Sandbox, user: str) -> int:
    with Session(sandbox.engine) as session:
        member = session.exec(select(Member).where(Member.slack_user_id == user)).one()
    assert member.id is not None
    return member.id


def test_outcomes_and_actions_build_one_pinned_plan_updated_in_place(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day, on time")
    add_outcome(sandbox, people.social_worker, channel, "Sam feels safe at home")
    [plan] = plan_messages(sandbox, channel)  # one message, never reposted
    assert plan.ts in emu.inspector.channel(channel).pins

    with Session(sandbox.engine) as session:
        school_outcome = session.exec(select(Outcome).order_by(col(Outcome.position))).first()
    assert school_outcome is not None
    emu.slash_command(people.social_worker, channel, "/coregroup", "action")
    view = top_view(sandbox, people.social_worker)
    emu.submit_view(
        people.social_worker,
        view["id"],
        {
            (
                PlanField.DESCRIPTION,
                PlanField.DESCRIPTION,
            ): "Walk Jo to the school gate each morning",
            (PlanField.OWNER, PlanField.OWNER): str(member_id(sandbox, people.school)),
            (PlanField.DUE, PlanField.DUE): "2026-12-18",
            (PlanField.FOR_OUTCOME, PlanField.FOR_OUTCOME): str(school_outcome.id),
        },
    )
    sandbox.wait_for(lambda: "school gate" in str(plan_messages(sandbox, channel)))
    [plan] = plan_messages(sandbox, channel)
    text = str(plan.blocks)
    assert "Walk Jo to the school gate each morning (Ms Reed, by Fri 18 Dec 2026)" in text
    assert ActionId.COMPLETE_ACTION in text

    # The owner marks it done from the pinned message.
    response = emu.click(people.school, channel, plan.ts, ActionId.COMPLETE_ACTION)
    assert response.status == 200
    sandbox.wait_for(lambda: "done" in str(plan_messages(sandbox, channel)[0].blocks))
    with Session(sandbox.engine) as session:
        action = session.exec(select(PlanAction)).one()
        versions = session.exec(select(PlanVersion).order_by(col(PlanVersion.version))).all()
    assert action.status == ActionStatus.DONE
    assert [v.version for v in versions] == [1, 2, 3, 4]
    assert versions[0].snapshot["outcomes"][0]["wording"] == "Jo goes to school every day, on time"
    assert versions[-1].snapshot["actions"][0]["status"] == "done"
    assert len(plan_messages(sandbox, channel)) == 1


def test_only_the_owner_or_the_social_worker_marks_an_action_done(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    emu.slash_command(people.social_worker, channel, "/coregroup", "action")
    view = top_view(sandbox, people.social_worker)
    emu.submit_view(
        people.social_worker,
        view["id"],
        {
            (PlanField.DESCRIPTION, PlanField.DESCRIPTION): "Check attendance weekly",
            (PlanField.OWNER, PlanField.OWNER): str(member_id(sandbox, people.school)),
        },
    )
    sandbox.wait_for(lambda: "attendance weekly" in str(plan_messages(sandbox, channel)))
    [plan] = plan_messages(sandbox, channel)
    before = len(emu.inspector.seen_by(people.mum))
    emu.click(people.mum, channel, plan.ts, ActionId.COMPLETE_ACTION)
    told = sandbox.wait_for(lambda: emu.inspector.seen_by(people.mum)[before:])
    assert "only the person this action belongs to" in told[-1].text
    with Session(sandbox.engine) as session:
        assert session.exec(select(PlanAction)).one().status == ActionStatus.OPEN


def test_the_family_edits_the_plan_only_when_the_social_worker_allows(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    assert say(sandbox, people.mum, channel, "outcome").startswith("Sorry, only the case's social")
    assert "can now add to and edit" in say(
        sandbox, people.social_worker, channel, "family-plan on"
    )
    add_outcome(sandbox, people.mum, channel, "We have our own front door key again")
    assert "front door key" in say(sandbox, people.school, channel, "plan")


def test_someone_from_another_case_cannot_edit_this_plan_even_inside_its_channel(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    [plan] = plan_messages(sandbox, channel)
    stranger = emu.add_user("Social worker of another case")
    emu.join_channel(stranger, channel, inviter=people.school)  # the bot has not heard yet
    emu.click(stranger, channel, plan.ts, ActionId.EDIT_OUTCOME)
    assert emu.inspector.modal_stack(stranger) == []
    told = sandbox.wait_for(
        lambda: [s for s in emu.inspector.seen_by(stranger) if s.kind == "ephemeral"]
    )
    assert "not part of this case's core group" in told[-1].text


def test_plan_text_is_escaped_so_nobody_is_pinged(sandbox: Sandbox, people: People) -> None:
    channel = open_case(sandbox, people)
    wording = "<!channel> Jo <https://evil.example|safe>"
    add_outcome(sandbox, people.social_worker, channel, wording, shown="&lt;!channel&gt; Jo")
    blocks = str(plan_messages(sandbox, channel)[0].blocks)
    assert "&lt;!channel&gt; Jo &lt;https://evil.example|safe&gt;" in blocks
    assert "<!channel>" not in blocks


def test_an_action_due_soon_reminds_its_owner_who_can_mark_it_done_from_the_reminder(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    emu.slash_command(people.social_worker, channel, "/coregroup", "action")
    view = top_view(sandbox, people.social_worker)
    emu.submit_view(
        people.social_worker,
        view["id"],
        {
            (PlanField.DESCRIPTION, PlanField.DESCRIPTION): "Book the school nurse review",
            (PlanField.OWNER, PlanField.OWNER): str(member_id(sandbox, people.school)),
            (PlanField.DUE, PlanField.DUE): "2026-12-09",
        },
    )
    sandbox.wait_for(lambda: "school nurse review" in str(plan_messages(sandbox, channel)))

    def reminders() -> list:  # type: ignore[type-arg]
        return [
            s
            for s in emu.inspector.seen_by(people.school)
            if s.text == "An action in oak-family's plan is due soon"
        ]

    sandbox.clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))  # Fri: not yet
    sandbox.sweep()
    assert reminders() == []
    sandbox.clock.set(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))  # Mon, 2 working days before
    sandbox.sweep()
    [reminder] = reminders()
    assert "Book the school nurse review" in str(reminder.blocks)
    emu.click(people.school, reminder.channel, reminder.ts, ActionId.COMPLETE_ACTION)
    sandbox.wait_for(lambda: "done" in str(plan_messages(sandbox, channel)[0].blocks))
    sandbox.clock.set(datetime(2026, 12, 8, 9, 30, tzinfo=UTC))
    sandbox.sweep()
    assert len(reminders()) == 1


def test_a_plan_posted_but_not_recorded_is_found_again_and_never_pinned_twice(
    sandbox: Sandbox, people: People
) -> None:
    """Posting the plan, pinning it and recording its ts are three steps: a job that stops after
    the first (here pins.add keeps failing; a killed worker stops the same way) leaves a plan in
    the channel that the case does not know of. The next refresh finds it by its metadata."""
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    sandbox.settle()
    emu.faults.inject_next(Fault.HTTP_500, method="pins.add", count=10)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day, on time")
    sandbox.settle()
    emu.faults.off()
    [plan] = plan_messages(sandbox, channel)
    assert plan.ts not in emu.inspector.channel(channel).pins
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().plan_ts is None  # never recorded

    add_outcome(sandbox, people.social_worker, channel, "Sam feels safe at home")
    sandbox.settle()
    [again] = plan_messages(sandbox, channel)  # the same message, brought up to date
    assert again.ts == plan.ts and "Sam feels safe at home" in str(again.blocks)
    assert emu.inspector.channel(channel).pins.count(plan.ts) == 1
    posted = [c for c in emu.calls_to("chat.postMessage") if "The plan for" in str(c.args)]
    assert len(posted) == 1
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().plan_ts == plan.ts
    # Found by this, as the outbox finds what it posted.
    assert again.metadata == {"event_type": PLAN_EVENT, "event_payload": {"key": "c1:plan"}}


def test_a_family_member_s_own_copy_posted_but_not_recorded_is_found_again(
    sandbox: Sandbox, people: People
) -> None:
    """Served separately, a family member has the plan in their own DM: posted, then recorded
    on their membership. A refresh that stopped in between is followed by one that finds the
    copy by its metadata, not a second copy."""
    emu = sandbox.emulator
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    values = new_case_values(people)
    values[(NewCaseField.FAMILY_SEPARATE, NewCaseField.FAMILY_SEPARATE)] = ["family_separate"]
    assert emu.submit_view(people.social_worker, view_id, values).status == 200
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    channel = emu.inspector.channel_named("oak-family").id
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day, on time")
    sandbox.settle()

    def copies() -> list:  # type: ignore[type-arg]
        return [s for s in emu.inspector.seen_by(people.mum) if s.text.startswith("The plan for")]

    [copy] = copies()
    with Session(sandbox.engine) as session:  # as if the refresh stopped before recording it
        mum = session.exec(select(Member).where(Member.slack_user_id == people.mum)).one()
        mum.plan_channel, mum.plan_ts = None, None
        session.add(mum)
        session.commit()
    add_outcome(sandbox, people.social_worker, channel, "Sam feels safe at home")
    sandbox.settle()
    [again] = copies()
    assert again.ts == copy.ts and "Sam feels safe at home" in str(again.blocks)
    with Session(sandbox.engine) as session:
        mum = session.exec(select(Member).where(Member.slack_user_id == people.mum)).one()
    assert (mum.plan_channel, mum.plan_ts) == (copy.channel, copy.ts)
    assert again.metadata == {
        "event_type": PLAN_EVENT,
        "event_payload": {"key": "c1:plan:" + people.mum},
    }

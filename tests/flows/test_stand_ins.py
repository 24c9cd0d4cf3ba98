"""Stand-ins: a cover is a professional of the case, another agency only with approval."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.jobs import dispatch_due, make_dispatcher
from bot.rules.ids import ActionId, UpdateField, ViewId
from bot.rules.vocabulary import ApprovalState, JobState
from bot.rules.work import WorkKind
from bot.services import approvals
from bot.worker import Worker
from storage.models import AgencyUpdate, ApprovalRequest, AuditEvent, Job, Member

from .conftest import People
from .test_core_group import say
from .test_plan import top_view
from .test_update_cycle import CHASE, at, case_with_core_group, outcome_ids, received

APPROVAL = "Your approval is needed in oak-family"


def member(sandbox: Sandbox, user: str) -> Member:
    with Session(sandbox.engine) as session:
        return session.exec(select(Member).where(Member.slack_user_id == user)).one()


def audit_actions(sandbox: Sandbox) -> list[str]:
    with Session(sandbox.engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]


def click_latest(sandbox: Sandbox, user: str, text: str, action: ActionId) -> None:
    """Click a button in the latest message with this notification text the person received."""
    asked = sandbox.wait_for(lambda: received(sandbox, user, text))[-1]
    sandbox.emulator.click(user, asked.channel, asked.ts, action)


def secret_update(sandbox: Sandbox, user: str) -> None:
    """A professional's update with third-party information and every markable part kept."""
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
        values[(UpdateField.RAG.numbered(oid), UpdateField.RAG.numbered(oid))] = "red"
    f = UpdateField
    values[(f.WORRIES, f.WORRIES)] = "A man is staying at the house"
    values[(f.NEW_HARM, f.NEW_HARM)] = "no"
    values[(f.PROFESSIONAL_ONLY, f.PROFESSIONAL_ONLY)] = "Police intelligence about him"
    values[(f.PROFESSIONAL_ONLY_SECTIONS, f.PROFESSIONAL_ONLY_SECTIONS)] = ["worries"]
    assert emu.submit_view(user, view["id"], values).json()["response_action"] == "update"


def test_a_family_member_can_never_cover_and_nothing_is_recorded(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    before = audit_actions(sandbox)
    answer = say(sandbox, people.school, channel, f"away until 2026-12-04 <@{people.mum}>")
    assert "can't cover for a professional" in answer
    assert f"<@{people.social_worker}>" in answer  # who can help is named
    assert "Nothing has changed yet" in answer
    school = member(sandbox, people.school)
    assert (school.away_until, school.cover_member_id) == (None, None)
    assert audit_actions(sandbox) == before


def test_someone_outside_the_core_group_cannot_cover_and_the_social_worker_is_named(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    answer = say(sandbox, people.school, channel, f"away until 2026-12-04 <@{people.outsider}>")
    assert "isn't in this core group" in answer and f"<@{people.social_worker}>" in answer
    assert member(sandbox, people.school).away_until is None
    answer = say(sandbox, people.school, channel, f"away until 2026-12-04 <@{people.chair}>")
    assert "needs to be a professional" in answer
    assert member(sandbox, people.school).away_until is None


def test_a_colleague_of_the_same_agency_covers_at_once(sandbox: Sandbox, people: People) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    colleague = sandbox.emulator.add_user("Mr Hale")
    say(sandbox, people.social_worker, channel, f"add <@{colleague}> school")
    answer = say(sandbox, people.school, channel, f"away until 2026-12-04 <@{colleague}>")
    assert "no reminders for you until Fri  4 Dec 2026" in answer
    assert member(sandbox, people.school).cover_member_id == member(sandbox, colleague).id
    assert received(sandbox, people.social_worker, APPROVAL) == []


def test_a_cover_from_another_agency_waits_for_the_social_workers_button_and_sends_for_them(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()  # Ms Reed is prompted before she goes away

    answer = say(
        sandbox, people.school, channel, f"away until 2026-12-04 <@{people.health_visitor}>"
    )
    assert "from another agency (Health visitor)" in answer
    assert f"<@{people.social_worker}>" in answer
    assert member(sandbox, people.school).away_until is None  # nothing until they agree
    asked = sandbox.wait_for(lambda: received(sandbox, people.social_worker, APPROVAL))
    assert len(asked) == 1 and asked[0].at == sandbox.clock.now()  # sent at once
    assert "Ms Reed" in str(asked[0].blocks) and "Jan Kowalski" in str(asked[0].blocks)

    # Nobody else can answer for the social worker (Slack shows the buttons to them alone, and
    # a crafted click is refused by the same rule).
    assert sandbox.deps is not None
    with Session(sandbox.engine) as session:
        approval_id = session.exec(select(ApprovalRequest.id)).one()
    assert approval_id is not None
    for intruder in (people.chair, people.school, people.outsider):
        with pytest.raises(approvals.ApprovalError, match="only the case's social worker"):
            approvals.answer(sandbox.deps, approval_id=approval_id, actor=intruder, approve=True)
    assert member(sandbox, people.school).away_until is None
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    told = sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )
    assert "covers for you until Fri  4 Dec 2026" in str(told[-1].blocks)
    school = member(sandbox, people.school)
    assert school.cover_member_id == member(sandbox, people.health_visitor).id
    with Session(sandbox.engine) as session:
        approval = session.exec(select(ApprovalRequest)).one()
        decided = session.exec(
            select(AuditEvent).where(AuditEvent.action == "approval.decided")
        ).all()
    assert (approval.state, approval.decided_by) == (ApprovalState.APPROVED, people.social_worker)
    assert len(decided) == 1 and decided[0].detail["approved"] is True
    shown = sandbox.wait_for(
        lambda: [m for m in emu.inspector.messages(asked[0].channel) if "You agreed" in str(m)]
    )
    assert ActionId.APPROVE_REQUEST not in str(shown[-1].blocks)  # the buttons are gone
    # A second answer (the other tab, a double click) changes nothing.
    with pytest.raises(approvals.ApprovalError, match="already been answered"):
        approvals.answer(
            sandbox.deps, approval_id=approval_id, actor=people.social_worker, approve=False
        )

    # The cover is chased; then Ms Reed sends her update from her prompt after all, with
    # police intelligence and a part kept from the family. The cover's chase still opens an
    # empty professional form: none of Ms Reed's words reach them.
    sandbox.clock.set(at("2026-11-30"))
    sandbox.sweep()
    chase = [s for s in received(sandbox, people.health_visitor, CHASE) if "Ms Reed" in str(s)]
    assert len(chase) == 1
    secret_update(sandbox, people.school)
    emu.click(people.health_visitor, chase[-1].channel, chase[-1].ts, ActionId.GIVE_UPDATE)
    form = top_view(sandbox, people.health_visitor)
    assert form["callback_id"] == ViewId.UPDATE
    assert "Police intelligence" not in str(form) and "A man is staying" not in str(form)
    assert "Covering for Ms Reed" in str(form)
    values: dict[tuple[str, str], Any] = {
        (UpdateField.RAG.numbered(oid), UpdateField.RAG.numbered(oid)): "amber"
        for oid in outcome_ids(sandbox)
    }
    values[(UpdateField.NEW_HARM, UpdateField.NEW_HARM)] = "no"
    thanks = emu.submit_view(people.health_visitor, form["id"], values).json()
    assert "sent by you for Ms Reed" in str(thanks)
    with Session(sandbox.engine) as session:
        latest = session.exec(select(AgencyUpdate).order_by(col(AgencyUpdate.id).desc())).first()
    assert latest is not None
    assert (latest.submitted_by, latest.cover_member_id) == (
        people.health_visitor,
        member(sandbox, people.health_visitor).id,
    )
    assert audit_actions(sandbox).count("approval.decided") == 1


def test_the_social_worker_can_say_no_and_nothing_changes(sandbox: Sandbox, people: People) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    say(sandbox, people.school, channel, f"away until 2026-12-04 <@{people.health_visitor}>")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.DECLINE_REQUEST)
    told = sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )
    assert "didn't agree" in str(told[-1].blocks)
    school = member(sandbox, people.school)
    assert (school.away_until, school.cover_member_id) == (None, None)


def _jobs_waiting(sandbox: Sandbox) -> list[str]:
    with Session(sandbox.engine) as session:
        return [j.kind for j in session.exec(select(Job).where(Job.state == JobState.PENDING))]


def test_away_and_back_re_plan_after_the_answer_and_no_chase_goes_to_the_wrong_person_meanwhile(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    colleague = sandbox.emulator.add_user("Mr Hale")
    say(sandbox, people.social_worker, channel, f"add <@{colleague}> school")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()  # Ms Reed's chases are planned, to her
    sandbox.settle()
    assert sandbox.worker is not None and sandbox.deps is not None
    sandbox.worker.stop()  # the work after each answer (its re-planning) waits
    dispatcher = make_dispatcher(sandbox.deps, worker="sandbox")

    answer = say(sandbox, people.school, channel, f"away until 2026-12-04 <@{colleague}>")
    assert "no reminders for you until Fri  4 Dec 2026" in answer
    assert _jobs_waiting(sandbox) == [WorkKind.REPLAN]  # re-planned after the answer, not in it
    # Her first chase falls due before any worker re-plans: only the dispatcher runs, and it
    # writes no chase to someone who said she is away.
    sandbox.clock.set(at("2026-11-30"))
    dispatch_due(dispatcher)
    assert received(sandbox, people.school, CHASE) == []
    # The job re-plans: the chase goes to her cover, once.
    assert Worker(sandbox.deps, name="later", threads=1, listen=False).run_due() == 1
    dispatch_due(dispatcher)

    def for_her() -> list[Any]:
        """The chases the cover has had for Ms Reed's update (he owes one of his own too)."""
        return [s for s in received(sandbox, colleague, CHASE) if "Ms Reed" in str(s.blocks)]

    assert len(for_her()) == 1

    # Back early: the cover's next chase, due before the job runs, is not written to him.
    answer = say(sandbox, people.school, channel, "back")
    assert _jobs_waiting(sandbox) == [WorkKind.REPLAN]
    sandbox.clock.set(at("2026-12-01"))
    dispatch_due(dispatcher)
    assert len(for_her()) == 1
    assert received(sandbox, people.school, CHASE) == []
    assert Worker(sandbox.deps, name="later", threads=1, listen=False).run_due() == 1
    dispatch_due(dispatcher)
    assert len(for_her()) == 1  # nothing more to him for her
    # She is chased again (the plan as if she had not been away: Monday's reminder, late, and
    # today's), each once.
    keys = [str(s.metadata) for s in received(sandbox, people.school, CHASE)]
    assert len(keys) == len(set(keys)) >= 1
    assert any(":due_today:" in k for k in keys)

"""Representatives are of the sender's agency (or agreed); family members bring a supporter."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, MeetingField, ViewId
from bot.rules.vocabulary import Agency, ApprovalState, Role, Rsvp
from bot.rules.work import WorkKind
from bot.services import approvals, jobs
from bot.worker import Worker
from storage.models import ApprovalRequest, AuditEvent, Invitation, Member

from .conftest import People
from .test_core_group import say
from .test_meetings import dm_invitation, invitation_in, scheduled_core_group
from .test_plan import top_view
from .test_stand_ins import APPROVAL, audit_actions, click_latest
from .test_update_cycle import received

ABOUT_REPLY = "About your reply to an invitation"


def members(sandbox: Sandbox) -> dict[str, Member]:
    with Session(sandbox.engine) as session:
        return {m.slack_user_id or "": m for m in session.exec(select(Member))}


def send(sandbox: Sandbox, sender: str, chosen: str, same_agency: str = "yes") -> None:
    emu = sandbox.emulator
    dm = dm_invitation(sandbox, sender)
    emu.click(sender, dm.channel, dm.ts, ActionId.RSVP_REPRESENTATIVE)
    view = top_view(sandbox, sender)
    assert view["callback_id"] == ViewId.REPRESENTATIVE
    assert "A colleague from School" in str(view)  # the picker says whose colleague
    f = MeetingField
    emu.submit_view(
        sender,
        view["id"],
        {(f.REPRESENTATIVE, f.REPRESENTATIVE): chosen, (f.SAME_AGENCY, f.SAME_AGENCY): same_agency},
    )


def family_asks_to_bring(sandbox: Sandbox, parent: str, supporter: str, kind: str) -> None:
    """A parent asks, from their own invitation, to bring someone (a `kind` of supporter)."""
    emu = sandbox.emulator
    dm = dm_invitation(sandbox, parent)
    emu.click(parent, dm.channel, dm.ts, ActionId.BRING_SOMEONE)
    f = MeetingField
    emu.submit_view(
        parent,
        top_view(sandbox, parent)["id"],
        {(f.SUPPORTER, f.SUPPORTER): supporter, (f.SUPPORTER_KIND, f.SUPPORTER_KIND): kind},
    )


def test_a_colleague_from_another_agency_comes_only_once_the_social_worker_agrees(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    friend = emu.add_user("Lee Other Agency")
    send(sandbox, people.school, friend, same_agency="no")
    told = sandbox.wait_for(lambda: received(sandbox, people.school, ABOUT_REPLY))
    assert "asked the social worker" in str(told[-1].blocks)
    assert friend not in members(sandbox) and friend not in emu.inspector.channel(channel).members

    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    sandbox.wait_for(
        lambda: "Lee Other Agency for Ms Reed" in str(invitation_in(sandbox, channel).blocks)
    )
    told = sandbox.wait_for(
        lambda: received(sandbox, people.school, "An answer about your request in oak-family")
    )
    assert "will come for you" in str(told[-1].blocks)
    added = members(sandbox)[friend]
    assert (added.role, added.agency) == (Role.PROFESSIONAL, Agency.OTHER)
    assert friend in emu.inspector.channel(channel).members
    with Session(sandbox.engine) as session:
        reply = session.exec(select(Invitation).where(Invitation.rsvp == Rsvp.REPRESENTATIVE)).one()
    assert reply.representative_member_id == added.id
    assert "approval.decided" in audit_actions(sandbox)


def test_a_family_member_can_never_be_a_professionals_representative(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    scheduled_core_group(sandbox, people)
    sandbox.sweep()
    before = audit_actions(sandbox)
    send(sandbox, people.school, people.mum)
    told = sandbox.wait_for(lambda: received(sandbox, people.school, ABOUT_REPLY))
    words = str(told[-1].blocks)
    assert "family's side" in words and people.social_worker in words
    assert members(sandbox)[people.mum].role == Role.FAMILY
    assert audit_actions(sandbox) == before
    assert received(sandbox, people.social_worker, APPROVAL) == []
    assert emu.inspector.modal_stack(people.school) == []


def test_a_family_member_brings_a_supporter_who_joins_the_family_side_once_agreed(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    aunt = emu.add_user("Auntie Jo")
    dm = dm_invitation(sandbox, people.mum)
    assert "I'd like to bring someone" in str(dm.blocks)
    assert ActionId.RSVP_REPRESENTATIVE not in str(dm.blocks)
    # In the shared channel the same button opens the family's choice, not the professional's.
    shared = invitation_in(sandbox, channel)
    emu.click(people.mum, shared.channel, shared.ts, ActionId.RSVP_REPRESENTATIVE)
    view = top_view(sandbox, people.mum)
    assert view["callback_id"] == ViewId.BRING_SOMEONE
    f = MeetingField
    emu.submit_view(
        people.mum,
        view["id"],
        {(f.SUPPORTER, f.SUPPORTER): aunt, (f.SUPPORTER_KIND, f.SUPPORTER_KIND): "relative"},
    )
    asked = sandbox.wait_for(lambda: received(sandbox, people.social_worker, APPROVAL))
    assert "Auntie Jo, a relative" in str(asked[-1].blocks)
    assert aunt not in members(sandbox) and aunt not in emu.inspector.channel(channel).members

    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)
    told = sandbox.wait_for(
        lambda: received(sandbox, people.mum, "An answer about your request in oak-family")
    )
    assert "sees what you see" in str(told[-1].blocks)
    assert aunt in emu.inspector.channel(channel).members
    supporter = members(sandbox)[aunt]
    assert (supporter.role, supporter.agency) == (Role.FAMILY_SUPPORTER, Agency.FAMILY)


def test_the_social_worker_can_decline_a_supporter_and_nobody_is_added(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    stranger = emu.add_user("Someone")
    family_asks_to_bring(sandbox, people.mum, stranger, "friend")
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.DECLINE_REQUEST)
    sandbox.wait_for(
        lambda: received(sandbox, people.mum, "An answer about your request in oak-family")
    )
    with Session(sandbox.engine) as session:
        approval = session.exec(select(ApprovalRequest)).one()
    assert approval.state is ApprovalState.DECLINED
    assert stranger not in members(sandbox)
    assert stranger not in emu.inspector.channel(channel).members


def test_a_supporter_agreed_is_added_welcomed_and_audited_once_when_the_answer_runs_again(
    sandbox: Sandbox, people: People
) -> None:
    emu, deps = sandbox.emulator, sandbox.deps
    assert deps is not None and sandbox.worker is not None
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    # Served apart, a supporter is welcomed by direct message: the step that could say it twice.
    say(sandbox, people.social_worker, channel, "separate on")
    aunt = emu.add_user("Auntie Jo")
    family_asks_to_bring(sandbox, people.mum, aunt, "relative")
    question = sandbox.wait_for(lambda: received(sandbox, people.social_worker, APPROVAL))[-1]
    sandbox.settle()
    sandbox.worker.stop()  # the answer's job waits for the workers below
    click_latest(sandbox, people.social_worker, APPROVAL, ActionId.APPROVE_REQUEST)

    # A worker claims the answer, adds the supporter (welcomed, audited) and dies before the
    # answer is recorded.
    [held] = jobs.claim(deps, worker="died")
    assert held.kind == WorkKind.ANSWER_APPROVAL
    with Session(sandbox.engine) as session:
        asked = session.exec(select(ApprovalRequest)).one()
    approvals.CARRY[asked.kind](deps, asked, people.social_worker)
    # The next worker runs the job again once the claim lapses; the first, back late, runs it
    # to the end a third time (its claim no longer its own).
    sandbox.clock.advance(jobs.LEASE + timedelta(seconds=1))
    assert Worker(deps, name="next", threads=1, listen=False).run_due() >= 1
    Worker(deps, name="died", threads=1, listen=False).run(held)

    with Session(sandbox.engine) as session:
        approval = session.exec(select(ApprovalRequest)).one()
        events = session.exec(select(AuditEvent)).all()
    assert approval.state is ApprovalState.APPROVED
    added = [e for e in events if e.action == AuditAction.MEMBER_ADDED and e.detail["user"] == aunt]
    decided = [e for e in events if e.action == AuditAction.APPROVAL_DECIDED]
    assert (len(added), len(decided)) == (1, 1)
    supporter = members(sandbox)[aunt]
    assert (supporter.role, supporter.active) == (Role.FAMILY_SUPPORTER, True)
    assert len(received(sandbox, aunt, "About the core group for oak-family")) == 1
    told = received(sandbox, people.mum, "An answer about your request in oak-family")
    assert len(told) == 1 and "hears from me by direct message" in str(told[0].blocks)
    privately = [
        s.text for s in emu.inspector.seen_by(people.social_worker) if s.kind == "ephemeral"
    ]
    assert not [t for t in privately if "already" in t]  # no refusal for the job's own answer
    [shown] = [m for m in emu.inspector.messages(question.channel) if m.ts == question.ts]
    assert "You agreed" in str(shown.blocks)

"""Socket Mode under stress: a cut link, a refresh, two replicas; nothing lost or doubled."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId
from storage.models import AuditEvent, Member

from .conftest import People
from .test_meetings import dm_invitation, invitation_in, scheduled_core_group


@pytest.fixture
def transport() -> str:
    """Every test here runs over Socket Mode."""
    return "socket_mode"


def audit_count(sandbox: Sandbox, action: AuditAction) -> int:
    with Session(sandbox.engine) as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def reply(sandbox: Sandbox, person: str, action: ActionId) -> None:
    invitation = dm_invitation(sandbox, person)
    answer = sandbox.emulator.click(person, invitation.channel, invitation.ts, action)
    assert answer.status == 200


def test_a_link_cut_mid_flow_is_reconnected_and_every_action_applied_once(
    sandbox: Sandbox, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    emu = sandbox.emulator
    caplog.set_level(logging.INFO, logger="coregroup.socket_mode")
    caplog.set_level(logging.INFO, logger="handlers.events")
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()

    emu.socket_mode.drop_connections()  # between two clicks: the next waits for the new link
    reply(sandbox, people.school, ActionId.RSVP_ATTENDING)

    # Cut the link just after an event is sent: the bot does the work but its ack is lost, so
    # Slack redelivers the event on the new link with retry_attempt 1; it must not run twice.
    newcomer = emu.add_user("Dr Ade")
    emu.join_channel(newcomer, people.lobby)
    emu.deliver_pending_events()  # whatever was queued before: not part of this check
    before = len(emu.socket_mode.deliveries)
    emu.socket_mode.drop_after_next_envelope()
    emu.join_channel(newcomer, channel, inviter=people.social_worker)
    [answer] = emu.deliver_pending_events()
    assert answer.status == 200

    reply(sandbox, people.mum, ActionId.RSVP_APOLOGIES)
    sandbox.wait_for(lambda: "Apologies:* Sam" in str(invitation_in(sandbox, channel).blocks))

    events = [d for d in emu.socket_mode.deliveries[before:] if d.type == "events_api"]
    assert [(d.retry_attempt, d.acked) for d in events] == [(0, False), (1, True)]
    assert audit_count(sandbox, AuditAction.MEETING_REPLY) == 2
    with Session(sandbox.engine) as session:
        joined = session.exec(select(Member).where(Member.slack_user_id == newcomer)).all()
    assert len(joined) == 1
    told = [
        m
        for m in emu.inspector.seen_by(people.social_worker)
        if f"<@{newcomer}> joined the case channel" in str(m.blocks)
    ]
    assert len(told) == 1, told
    skipped = [r for r in caplog.records if "ignoring the redelivery" in r.getMessage()]
    assert len(skipped) == 1  # the redelivery reached the bot, which did not run it again
    assert emu.socket_mode.hellos == 3  # the first link and two reconnections
    changes = [r.getMessage() for r in caplog.records if r.name == "coregroup.socket_mode"]
    assert changes.count("Socket Mode reconnecting: the connection was lost") == 2
    assert sum(1 for c in changes if c.startswith("Socket Mode connected")) == 3


def test_a_refresh_request_moves_to_a_new_link_without_losing_or_doubling_work(
    sandbox: Sandbox, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    emu = sandbox.emulator
    caplog.set_level(logging.INFO, logger="coregroup.socket_mode")
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    reply(sandbox, people.school, ActionId.RSVP_ATTENDING)

    emu.socket_mode.disconnect("refresh_requested")
    emu.socket_mode.wait_connected(1)
    reply(sandbox, people.mum, ActionId.RSVP_APOLOGIES)
    reply(sandbox, people.health_visitor, ActionId.RSVP_ATTENDING)
    sandbox.wait_for(lambda: "Apologies:* Sam" in str(invitation_in(sandbox, channel).blocks))

    assert audit_count(sandbox, AuditAction.MEETING_REPLY) == 3
    assert all(d.acked and d.retry_attempt == 0 for d in emu.socket_mode.deliveries)
    assert emu.socket_mode.hellos == 2
    changes = [r.getMessage() for r in caplog.records if r.name == "coregroup.socket_mode"]
    assert changes.count("Socket Mode reconnecting: Slack asked (refresh_requested)") == 1


def test_envelopes_are_spread_over_several_replicas_and_each_applied_once(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    sandbox.add_socket_replica()
    channel, _ = scheduled_core_group(sandbox, people)
    sandbox.sweep()
    reply(sandbox, people.school, ActionId.RSVP_ATTENDING)
    reply(sandbox, people.health_visitor, ActionId.RSVP_ATTENDING)
    reply(sandbox, people.mum, ActionId.RSVP_APOLOGIES)
    sandbox.wait_for(lambda: "Apologies:* Sam" in str(invitation_in(sandbox, channel).blocks))
    assert audit_count(sandbox, AuditAction.MEETING_REPLY) == 3
    assert len({d.link for d in emu.socket_mode.deliveries}) == 2

"""`/coregroup history` through real commands and clicks: what happened, in words, never codes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId
from bot.rules.vocabulary import MeetingKind
from storage.models import AuditEvent, Case

from .conftest import People
from .test_core_group import say
from .test_meetings import dm_invitation, invitation_in, scheduled_core_group
from .test_plan import add_outcome

CODE = re.compile(r"\b[a-z]+\.[a-z_]+\b|[a-z]+_[a-z_]+")


def test_history_tells_the_chair_what_happened_in_words(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel, first = scheduled_core_group(sandbox, people)
    assert first.kind == MeetingKind.CORE_GROUP
    sandbox.sweep()  # the invitations go out
    invitation = dm_invitation(sandbox, people.school)
    emu.click(people.school, invitation.channel, invitation.ts, ActionId.RSVP_APOLOGIES)
    sandbox.wait_for(lambda: "Apologies:* Ms Reed" in str(invitation_in(sandbox, channel).blocks))
    sandbox.clock.advance(timedelta(minutes=2))  # past Slack's per-minute limit on posting
    police = emu.add_user("PC Lewis")
    assert "Added" in say(sandbox, people.social_worker, channel, f"add <@{police}> police")
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day, on time")

    history = say(sandbox, people.chair, channel, "history")

    assert history.startswith("*Recent changes to oak-family*")
    for words in (
        "Priya Shah · opened the case, with 7 people in the core group",
        "Priya Shah · set the date of the core group meeting: Thu  3 Dec 2026 at 10:00, "
        "Oak Primary School, family room",
        "Priya Shah · added PC Lewis to the core group (Police)",
        "Priya Shah · saved an outcome in the plan: “Jo goes to school every day, on time”",
        "Ms Reed · replied to the invitation to the core group meeting on Thu  3 Dec 2026: "
        "apologies",
    ):
        assert words in history
    assert not CODE.search(history), CODE.search(history)
    for action in AuditAction:
        assert action.value not in history


def test_an_action_the_bot_no_longer_knows_reads_as_a_change_to_the_case(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = scheduled_core_group(sandbox, people)
    with Session(sandbox.engine) as session:
        case = session.exec(select(Case)).one()
        # Written by an older (or newer) version of the bot: not a member of AuditAction.
        session.add(
            AuditEvent(
                actor=people.social_worker,
                action="meeting.minutes_kept",
                at=sandbox.clock.now(),
                case_id=case.id,
                detail={"meeting": 1},
            )
        )
        session.commit()

    history = say(sandbox, people.social_worker, channel, "history")

    assert "Priya Shah · made a change to the case" in history
    assert "minutes" not in history
    assert not CODE.search(history), CODE.search(history)

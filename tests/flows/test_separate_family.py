"""The safety setting: family members served separately, chosen at `new` and changed later."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import NewCaseField
from storage.models import AuditEvent, Case

from .conftest import People, modal_title, new_case_values, open_case, open_new_case_modal
from .test_core_group import say
from .test_update_cycle import received

NOTICE = "About the core group for oak-family"


def test_ticked_at_new_the_family_is_never_in_the_channel_and_is_told_why_privately(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    f = NewCaseField
    values = new_case_values(people)
    values[(f.FAMILY_SEPARATE, f.FAMILY_SEPARATE)] = ["family_separate"]
    assert emu.submit_view(people.social_worker, view_id, values).status == 200
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    channel = emu.inspector.channel_named("oak-family")
    assert people.mum not in channel.members and people.school in channel.members
    [note] = received(sandbox, people.mum, NOTICE)
    assert note.channel.startswith("D") and "Nothing is wrong" in str(note.blocks)
    assert note.text == NOTICE  # the notification names only the case reference
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).one().family_separate
        opened = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.CASE_OPENED)
        ).one()
    assert opened.detail["family_separate"] is True

    # The daily reconcile does not mistake being served apart for having left.
    sandbox.sweep()
    history = say(sandbox, people.social_worker, channel.id, "history")
    assert "took Sam out of the core group" not in history

    # Switched off: back in the channel, told so, and audited in words.
    answer = say(sandbox, people.social_worker, channel.id, "separate off")
    assert "back in the core group channel" in answer
    assert people.mum in emu.inspector.channel(channel.id).members
    assert len(received(sandbox, people.mum, NOTICE)) == 2
    history = say(sandbox, people.social_worker, channel.id, "history")
    assert "they share the core group channel again" in history


def test_sharing_words_needs_the_setting_and_two_people_on_the_family_s_side(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    answer = say(
        sandbox, people.social_worker, channel, f"share <@{people.mum}> <@{people.school}>"
    )
    assert "turn on `/coregroup separate on` first" in answer
    say(sandbox, people.social_worker, channel, "separate on")
    answer = say(
        sandbox, people.social_worker, channel, f"share <@{people.mum}> <@{people.school}>"
    )
    assert "two different people on the family's side" in answer
    # Only the social worker may change the setting.
    answer = say(sandbox, people.school, channel, "separate off")
    assert "served separately" not in answer and "back in" not in answer

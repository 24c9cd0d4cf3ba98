"""The core group register through real commands and events: who may do what, and the audit."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.devtools.emulator.faults import Fault
from bot.devtools.sandbox import Sandbox
from bot.rules.vocabulary import Agency, Role
from bot.services.access import NOT_A_CASE_CHANNEL, NOT_A_MEMBER
from bot.services.members import RegisterChange, reconcile
from storage.models import AuditEvent, Member

from .conftest import People, open_case


def say(sandbox: Sandbox, user: str, channel: str, text: str) -> str:
    """Run a /coregroup command and return what the person was then shown, privately."""
    emu = sandbox.emulator
    before = len(emu.inspector.seen_by(user))
    response = emu.slash_command(user, channel, "/coregroup", text)
    assert response.status == 200, response.body

    def answers() -> list[str] | None:
        # The work after the ack may answer before Slack shows the ack itself, so the holding
        # line can come first or last: wait for anything that is not it.
        shown = [s.text for s in emu.inspector.seen_by(user)[before:] if s.kind == "ephemeral"]
        return [t for t in shown if t != "On it…"] or None

    return "\n".join(sandbox.wait_for(answers))


def register(sandbox: Sandbox) -> dict[str, Member]:
    with Session(sandbox.engine) as session:
        return {m.slack_user_id or m.display_name: m for m in session.exec(select(Member))}


def test_the_social_worker_adds_a_professional_who_joins_the_channel(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    police = sandbox.emulator.add_user("PC Lewis")
    answer = say(sandbox, people.social_worker, channel, f"add <@{police}|pc.lewis> police")
    assert answer == f"Added <@{police}> to the core group (Police)."
    assert police in sandbox.emulator.inspector.channel(channel).members
    member = register(sandbox)[police]
    assert (member.role, member.agency, member.active) == (Role.PROFESSIONAL, Agency.POLICE, True)


def test_removing_someone_takes_them_out_of_the_channel_and_their_access_at_once(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    answer = say(sandbox, people.social_worker, channel, f"remove <@{people.school}>")
    assert "Removed" in answer
    assert people.school not in sandbox.emulator.inspector.channel(channel).members
    assert not register(sandbox)[people.school].active


def test_role_changes_are_recorded_with_before_and_after(sandbox: Sandbox, people: People) -> None:
    channel = open_case(sandbox, people)
    answer = say(sandbox, people.social_worker, channel, f"role <@{people.school}> advocate")
    assert "is now advocate" in answer
    with Session(sandbox.engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "member.role_changed")
        ).one()
    assert event.detail["before"] == {"role": "professional"}
    assert event.detail["after"] == {"role": "advocate"}
    assert event.actor == people.social_worker


def test_the_last_social_worker_cannot_be_removed(sandbox: Sandbox, people: People) -> None:
    channel = open_case(sandbox, people)
    answer = say(sandbox, people.social_worker, channel, f"remove <@{people.social_worker}>")
    assert "needs a social worker" in answer
    assert register(sandbox)[people.social_worker].active


def test_when_slack_keeps_failing_the_person_is_told_and_the_register_is_unchanged(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    police = sandbox.emulator.add_user("PC Lewis")
    # More dropped connections than the client retries: the invite never reaches Slack.
    sandbox.emulator.faults.inject_next(Fault.DROP, method="conversations.invite", count=10)
    answer = say(sandbox, people.social_worker, channel, f"add <@{police}> police")
    assert "something went wrong on my side" in answer
    assert "`/coregroup add` did not finish" in answer
    assert police not in register(sandbox)
    assert police not in sandbox.emulator.inspector.channel(channel).members


def test_status_and_history(sandbox: Sandbox, people: People) -> None:
    channel = open_case(sandbox, people)
    status = say(sandbox, people.school, channel, "status")
    assert "*Case oak-family*" in status
    assert "Next core group: by Fri  4 Dec 2026 (date not yet set)" in status
    history = say(sandbox, people.chair, channel, "history")
    assert "Priya Shah · opened the case" in history


def test_commands_outside_a_case_channel_say_so(sandbox: Sandbox, people: People) -> None:
    assert say(sandbox, people.social_worker, people.lobby, "status") == NOT_A_CASE_CHANNEL


def test_unknown_sub_commands_get_a_kind_answer_and_user_text_is_escaped(
    sandbox: Sandbox, people: People
) -> None:
    answer = say(sandbox, people.social_worker, people.lobby, "<!channel>")
    assert "&lt;!channel&gt;" in answer
    assert "<!channel>" not in answer
    assert "/coregroup help" in answer


# Each sub-command that touches a case, by who may run it. Family members are not on Slack here
# except mum (a single-channel guest), who is in the case channel.
ALLOWED = {
    "status": {"social_worker", "chair", "school", "mum"},
    "history": {"social_worker", "chair"},
    "add": {"social_worker"},
    "remove": {"social_worker"},
    "role": {"social_worker"},
}


@pytest.mark.parametrize("verb", sorted(ALLOWED))
def test_access_matrix_for_every_case_command(sandbox: Sandbox, people: People, verb: str) -> None:
    channel = open_case(sandbox, people)
    other_channel = _second_case(sandbox, people)
    args = {
        "add": f"add <@{people.outsider}> housing",
        "remove": f"remove <@{people.health_visitor}>",
        "role": f"role <@{people.health_visitor}> advocate",
    }.get(verb, verb)
    # Someone let into the channel by hand, whose join the bot has not yet heard about.
    intruder = sandbox.emulator.add_user("Intruder")
    sandbox.emulator.join_channel(intruder, channel, inviter=people.school)
    for who in ("social_worker", "chair", "school", "mum", "intruder"):
        user = intruder if who == "intruder" else getattr(people, who)
        answer = say(sandbox, user, channel, args)
        refused = answer.startswith("Sorry")
        assert refused == (who not in ALLOWED[verb]), (who, answer)
        if who == "intruder":
            assert answer == NOT_A_MEMBER
    # A member of case A is nobody in case B, even inside B's channel.
    sandbox.emulator.join_channel(people.social_worker, other_channel, inviter=people.mum)
    assert say(sandbox, people.social_worker, other_channel, "status") == NOT_A_MEMBER


def _second_case(sandbox: Sandbox, people: People) -> str:
    other_sw = sandbox.emulator.add_user("Other SW")
    other_chair = sandbox.emulator.add_user("Other Chair")
    second = People(
        other_sw,
        other_chair,
        people.outsider,
        people.outsider,
        people.mum,
        people.outsider,
        people.lobby,
    )
    sandbox.emulator.join_channel(other_sw, people.lobby)
    second.school = sandbox.emulator.add_user("Other School")
    second.health_visitor = sandbox.emulator.add_user("Other HV")
    second.mum = sandbox.emulator.add_user("Other Mum")
    return open_case(sandbox, second, "birch-family")


def test_join_and_leave_events_keep_the_register_true_and_redeliveries_count_once(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    emu.deliver_pending_events()  # the joins from opening the case: all already registered
    housing = emu.add_user("Housing Officer")
    emu.join_channel(housing, channel, inviter=people.social_worker)
    emu.leave_channel(people.school, channel)
    responses = emu.deliver_pending_events()
    assert all(r.status == 200 for r in responses)
    members = register(sandbox)
    assert members[housing].active and members[housing].agency == Agency.OTHER
    assert not members[people.school].active
    told = [
        s.text for s in emu.inspector.seen_by(people.social_worker) if s.channel.startswith("D")
    ]
    assert told.count("Core group change in oak-family") == 2

    event = {"type": "member_left_channel", "user": people.chair, "channel": channel}
    first = emu.deliver_event(event, event_id="Ev-same")
    again = emu.deliver_event(event, retry_num=1, event_id="Ev-same")
    assert (first.status, again.status) == (200, 200)
    with Session(sandbox.engine) as session:
        left = session.exec(
            select(AuditEvent).where(AuditEvent.action == "member.left_channel")
        ).all()
    assert len(left) == 2  # the school's leave and the chair's, once


def test_the_home_tab_lists_only_the_persons_own_cases(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    open_case(sandbox, people)
    emu.open_home(people.school)
    emu.open_home(people.outsider)
    emu.deliver_pending_events()
    school_home = str(emu.inspector.home(people.school))
    assert "oak-family" in school_home and "you are: School" in school_home
    outsider_home = str(emu.inspector.home(people.outsider))
    assert "oak-family" not in outsider_home
    assert "not in any core group" in outsider_home


def _card(sandbox: Sandbox, channel: str) -> str:
    cards = [
        s for s in sandbox.emulator.inspector.messages(channel) if s.text.startswith("Case card")
    ]
    assert len(cards) == 1  # updated in place, never reposted
    assert cards[0].ts in sandbox.emulator.inspector.channel(channel).pins
    return str(cards[0].blocks)


def test_the_pinned_case_card_follows_the_register_in_place(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    police = sandbox.emulator.add_user("PC Lewis")
    say(sandbox, people.social_worker, channel, f"add <@{police}> police")
    assert "*Police*: PC Lewis" in _card(sandbox, channel)
    say(sandbox, people.social_worker, channel, f"remove <@{police}>")
    assert "PC Lewis" not in _card(sandbox, channel)


def test_the_daily_reconcile_makes_the_register_match_the_channel(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    housing = emu.add_user("Housing Officer")
    emu.join_channel(housing, channel, inviter=people.social_worker)
    emu.leave_channel(people.school, channel)
    # The events were lost (never delivered); the reconcile finds the difference itself.
    with Session(sandbox.engine) as session:
        case_id = session.exec(select(Member.case_id)).first()
    assert case_id is not None
    assert sandbox.deps is not None
    change = reconcile(sandbox.deps, case_id=case_id)
    assert change == RegisterChange(joined=(housing,), left=(people.school,))
    assert reconcile(sandbox.deps, case_id=case_id) == RegisterChange()  # nothing twice
    members = register(sandbox)
    assert members[housing].active and not members[people.school].active


def test_a_case_channel_archived_under_the_bot_is_noticed_and_recorded(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel = open_case(sandbox, people)
    emu.archive_channel_as_user(people.social_worker, channel)
    assert sandbox.deps is not None
    with Session(sandbox.engine) as session:
        case_id = session.exec(select(Member.case_id)).first()
    assert case_id is not None
    assert reconcile(sandbox.deps, case_id=case_id) == RegisterChange()
    with Session(sandbox.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "case.channel_archived" in actions

"""Opening a case: the private channel, the register, the timeline, partial failures, the audit."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import NewCaseField
from bot.rules.vocabulary import Agency, MeetingKind, Role
from storage.models import AuditEvent, Case, Meeting, Member

from .conftest import (
    BOTH_TRANSPORTS,
    People,
    modal_title,
    new_case_values,
    open_case,
    open_new_case_modal,
)


@BOTH_TRANSPORTS
def test_opening_a_case_creates_a_private_channel_with_the_core_group(
    sandbox: Sandbox, people: People
) -> None:
    channel_id = open_case(sandbox, people)
    emu = sandbox.emulator
    channel = emu.inspector.channel(channel_id)
    assert channel.is_private
    assert set(channel.members) == {
        emu.bot_user_id,
        people.social_worker,
        people.chair,
        people.school,
        people.health_visitor,
        people.mum,
    }
    assert channel.topic.startswith("Core group for oak-family · next: core group by")
    assert len(channel.pins) == 1

    texts = [
        seen.text for seen in emu.inspector.messages(channel_id) if seen.author == emu.bot_user_id
    ]
    assert "Welcome to the core group for oak-family" in texts
    assert "Case card for oak-family" in texts
    # The outsider sees nothing of the case.
    assert all(seen.channel != channel_id for seen in emu.inspector.seen_by(people.outsider))

    with Session(sandbox.engine) as session:
        case = session.exec(select(Case)).one()
        members = session.exec(select(Member)).all()
        meetings = session.exec(select(Meeting).order_by(Meeting.due_by)).all()  # type: ignore[arg-type]
        events = session.exec(select(AuditEvent)).all()
    assert (case.reference, case.slack_channel_id) == ("oak-family", channel_id)
    roles = {(m.display_name, m.role, m.agency) for m in members}
    assert ("Ms Reed", Role.PROFESSIONAL, Agency.SCHOOL) in roles
    assert ("Dan (dad)", Role.FAMILY, Agency.FAMILY) in roles  # recorded offline
    assert all(m.active for m in members)
    # ICPC Fri 20 Nov 2026: first core group by the 10th working day after, Fri 4 Dec.
    core_groups = [m for m in meetings if m.kind == MeetingKind.CORE_GROUP]
    assert core_groups[0].due_by.isoformat() == "2026-12-04"
    assert [m.kind for m in meetings].count(MeetingKind.RCPC) == 2
    assert [e.action for e in events] == ["case.opened"]
    assert events[0].actor == people.social_worker


def test_form_mistakes_are_shown_inline_and_nothing_is_created(
    sandbox: Sandbox, people: People
) -> None:
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    values = new_case_values(people, "Oak Family")
    f = NewCaseField
    values[(f.CHAIR, f.CHAIR)] = people.social_worker
    values[(f.AGENCY.numbered(2), f.AGENCY.numbered(2))] = None
    response = sandbox.emulator.submit_view(people.social_worker, view_id, values)
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {f.REFERENCE, f.CHAIR, f.AGENCY.numbered(2)}
    assert "lowercase" in body["errors"][f.REFERENCE]
    assert modal_title(sandbox, people.social_worker) == "Open a case"  # still open, still filled
    assert sandbox.emulator.calls_to("conversations.create") == []
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).all() == []


def test_a_taken_channel_name_is_explained_in_the_form_and_no_case_exists(
    sandbox: Sandbox, people: People
) -> None:
    sandbox.emulator.create_channel_as_user(people.outsider, "oak-family", is_private=True)
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    sandbox.emulator.submit_view(people.social_worker, view_id, new_case_values(people))
    top = sandbox.wait_for(
        lambda: (
            (s := sandbox.emulator.inspector.modal_stack(people.social_worker))
            and "already exists" in str(s[-1]["blocks"])
            and s[-1]
        )
    )
    assert top["title"]["text"] == "Open a case"
    with Session(sandbox.engine) as session:
        assert session.exec(select(Case)).all() == []


def test_people_who_cannot_join_are_named_to_the_social_worker_and_the_case_still_opens(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    emu.deactivate_user(people.health_visitor)
    # A single-channel guest who is already in another channel cannot join a second.
    other = emu.create_channel_as_user(people.outsider, "elsewhere", is_private=True)
    emu.join_channel(people.mum, other, inviter=people.outsider)
    channel_id = open_case(sandbox, people)

    members = set(emu.inspector.channel(channel_id).members)
    assert people.school in members
    assert people.health_visitor not in members and people.mum not in members
    stack = emu.inspector.modal_stack(people.social_worker)
    shown = str(stack[-1]["blocks"])
    assert "Jan Kowalski" in shown and "deactivated" in shown
    assert "Sam" in shown and "single-channel guest" in shown
    dm = [s for s in emu.inspector.seen_by(people.social_worker) if s.channel.startswith("D")]
    assert dm and dm[-1].text == "Some people could not join the channel for oak-family"
    with Session(sandbox.engine) as session:
        inactive = {m.display_name for m in session.exec(select(Member)) if not m.active}
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert inactive == {"Jan Kowalski", "Sam"}
    assert actions.count("member.invite_failed") == 2


def test_a_guest_cannot_open_a_case(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    guest_channel = emu.create_channel_as_user(people.social_worker, "with-guest")
    emu.join_channel(people.mum, guest_channel)
    response = emu.slash_command(people.mum, guest_channel, "/coregroup", "new")
    assert response.status == 200
    assert modal_title(sandbox, people.mum) == "Open a case"
    assert "guests can't" in str(emu.inspector.modal_stack(people.mum)[-1]["blocks"])


def test_names_with_slack_markup_appear_literally_and_ping_nobody(
    sandbox: Sandbox, people: People
) -> None:
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    values = new_case_values(people)
    values[(NewCaseField.FAMILY_OFFLINE, NewCaseField.FAMILY_OFFLINE)] = (
        "<!channel> Nana\n<@U0SOMEONE> Uncle\n<https://evil.example|click me>"
    )
    sandbox.emulator.submit_view(people.social_worker, view_id, values)
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    channel = sandbox.emulator.inspector.channel_named("oak-family").id
    posted = str([(s.text, s.blocks) for s in sandbox.emulator.inspector.messages(channel)])
    assert "&lt;!channel&gt; Nana" in posted
    assert "&lt;@U0SOMEONE&gt; Uncle" in posted
    assert "&lt;https://evil.example|click me&gt;" in posted
    for raw in ("<!channel>", "<@U0SOMEONE>", "<https://evil.example"):
        assert raw not in posted


def test_a_reference_that_is_not_a_channel_name_is_refused_inline(
    sandbox: Sandbox, people: People
) -> None:
    for reference, expected in [
        ("<!channel>", "only letters, numbers"),
        ("oak family", "hyphens instead of spaces"),
        ("Oak-Family", "lowercase"),
    ]:  # (Slack's client itself enforces the 80-character limit and the required field.)
        view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
        values = new_case_values(people, reference)
        response = sandbox.emulator.submit_view(people.social_worker, view_id, values)
        errors = response.json()["errors"]
        assert expected in errors[NewCaseField.REFERENCE], reference

"""The family's journey through real modals and messages: their own invitation, with what
they are entitled to (seed 001) and the conference's order (seed 003)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from bot.devtools.sandbox import Sandbox
from bot.rules.audit_actions import AuditAction
from bot.rules.ids import ActionId, AgendaField, DecisionField, UpdateField, ViewId
from bot.rules.vocabulary import Decision, MeetingKind
from storage.models import Area, AuditEvent, Case
from tests.summary.support import pdf_text

from .conftest import People, open_case
from .test_conference import conference_case, decide, give
from .test_core_group import say
from .test_meetings import dm_invitation, meeting, scheduled_core_group, set_meeting
from .test_plan import top_view
from .test_update_cycle import at


def set_area_help(sandbox: Sandbox) -> None:
    with Session(sandbox.engine) as session:
        area = session.exec(select(Area)).one()
        area.family_help_contact = "the Family Help Team on 01305 555 0100"
        area.family_leaflet_url = "https://example.org/leaflet"
        session.add(area)
        session.commit()


def test_the_family_get_their_own_conference_invitation_with_every_entitlement(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    set_area_help(sandbox)
    rcpc = meeting(sandbox, MeetingKind.RCPC)
    assert rcpc.id is not None
    answer = set_meeting(
        sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00", "Civic Centre, room 4"
    )
    assert answer["response_action"] == "update"
    sandbox.clock.set(datetime(2027, 2, 3, 9, 30, tzinfo=UTC))
    assert sandbox.sweep().dispatch.failed == 0

    family = dm_invitation(sandbox, people.mum)
    assert family.text == "Invitation: review conference for oak-family"  # the reference only
    words = str(family.blocks)
    for entitlement in (
        "What the meeting is for",
        "You start by telling everyone about your children",  # the agenda, family first
        "You can bring a friend, a relative or someone else you trust",
        "interpreter",
        "advocate",
        "travel or childcare",
        "Please ask Priya Shah, or the Family Help Team on 01305 555 0100",
        "The chair, who runs the meeting, will meet you first",
        "If you can't come",
        "go through the reports with you",
        "https://example.org/leaflet",
    ):
        assert entitlement in words, entitlement
    agenda = [
        "telling everyone about your children",
        "what your children think and feel",
        "the harm that needs to stop",
        "how this affects your children",
        "You say how you feel",
        "what help your family needs",
    ]
    positions = [words.index(step) for step in agenda]
    assert positions == sorted(positions)  # the restorative order of seed 003
    assert "from your agency" not in words
    assert ActionId.RSVP_REPRESENTATIVE not in words  # a parent does not send a deputy
    assert ActionId.RSVP_ATTENDING in words and ActionId.RSVP_APOLOGIES in words

    professional = str(dm_invitation(sandbox, people.school).blocks)
    assert "send someone from your agency" in professional
    assert "You can bring a friend" not in professional

    emu = sandbox.emulator
    emu.click(people.mum, family.channel, family.ts, ActionId.RSVP_APOLOGIES)
    sandbox.wait_for(lambda: "Apologies:* Sam" in str(_channel_invitation(sandbox, channel)))


def test_without_area_settings_the_invitation_leaves_out_what_is_not_known(
    sandbox: Sandbox, people: People
) -> None:
    scheduled_core_group(sandbox, people)
    sandbox.sweep()
    words = str(dm_invitation(sandbox, people.mum).blocks)
    assert "Please ask Priya Shah." in words
    assert "leaflet" not in words
    assert "What happens, in this order" not in words  # a core group is not a conference
    assert "The chair, who runs the meeting" not in words


def _channel_invitation(sandbox: Sandbox, channel: str) -> object:
    found = [
        m.blocks
        for m in sandbox.emulator.inspector.messages(channel)
        if m.text.startswith("Invitation:")
    ]
    return found[-1] if found else None


def notices_seen_by(sandbox: Sandbox, person: str) -> list[str]:
    return [
        str(s.blocks)
        for s in sandbox.emulator.inspector.seen_by(person)
        if s.text == "The review conference's decision for oak-family"
    ]


def test_the_decision_notice_says_category_plan_changes_next_core_group_dissent_and_complaints(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = conference_case(sandbox, people)
    with Session(sandbox.engine) as session:
        area = session.exec(select(Area)).one()
        area.complaints_text = "Write to the Conference Service within 15 working days."
        area.complaints_url = "https://example.org/complaints"
        session.add(area)
        session.commit()
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    dissent = "Dan said: I feel things are safe now & the plan should end."
    decide(
        sandbox,
        people,
        channel,
        Decision.CONTINUE,
        **{
            DecisionField.CATEGORY.value: "neglect",
            DecisionField.DISSENT.value: dissent,
            DecisionField.PLAN_CHANGES.value: "A new action: Nana Rose does the school run.",
        },
    )
    # Mum sees it in the channel and in her messages; one may land before the other is looked at.
    notice = sandbox.wait_for(lambda: notices_seen_by(sandbox, people.mum))[0]
    for said in (
        "decided to continue the child protection plan",
        "Its category is neglect",
        "Nana Rose does the school run",
        "The core group next meets: date to be set, due by",
        "The next review conference is due by",
        "Not everyone agreed",
        "I feel things are safe now &amp; the plan should end",  # their words, escaped
        "Write to the Conference Service within 15 working days.",
        "https://example.org/complaints",
    ):
        assert said in notice, said
    assert notice.index("What was decided") < notice.index("If you disagree")
    # Dan is not on Slack: the social worker gets a printable copy for him.
    pdf = sandbox.wait_for(
        lambda: [
            f
            for f in sandbox.emulator.inspector.files_seen_by(people.social_worker)
            if f.name == "oak-family-decision-notice.pdf"
        ]
    )
    printed = pdf_text(pdf[-1].data)
    assert "Its category is neglect" in printed and "Nana Rose does the school run" in printed
    assert not [
        f for f in sandbox.emulator.inspector.files_seen_by(people.mum) if f.name.endswith(".pdf")
    ]


def test_when_the_plan_ends_the_notice_thanks_the_family_first(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.END)
    # Mum sees it in the channel and in her messages; one may land before the other is looked at.
    notice = sandbox.wait_for(lambda: notices_seen_by(sandbox, people.mum))[0]
    assert notice.index("Thank you to your family") < notice.index("What was decided")
    assert "with no further plan" in notice
    assert "Please tell your social worker or the chair" in notice  # no area text: a fallback
    sandbox.wait_for(
        lambda: [
            f
            for f in sandbox.emulator.inspector.files_seen_by(people.social_worker)
            if f.name.endswith("decision-notice.pdf")
        ]
    )


def agenda_values(**extra: object) -> dict[tuple[str, str], object]:
    f = AgendaField
    values: dict[tuple[str, str], object] = {
        (f.CHILD_NAME.numbered(1), f.CHILD_NAME.numbered(1)): "Jo",
        (f.CHILD_AGE.numbered(1), f.CHILD_AGE.numbered(1)): "6",
        (f.CHILD_NAME.numbered(2), f.CHILD_NAME.numbered(2)): "K.M.",
        (f.CHILD_AGE.numbered(2), f.CHILD_AGE.numbered(2)): "2",
        (f.UNBORN_DUE, f.UNBORN_DUE): "2027-04-01",
        (f.FAMILY_WORDS, f.FAMILY_WORDS): "Jo loves football; K is a happy, busy toddler.",
        (f.CATEGORY, f.CATEGORY): "neglect",
        (f.HARM, f.HARM): "Jo often misses school and meals.",
        (f.IMPACT, f.IMPACT): "Jo is tired and behind with reading.",
        (f.ADVOCATE, f.ADVOCATE): "Mia from the advocacy service",
        (f.LANGUAGE, f.LANGUAGE): "Polish",
        (f.INTERPRETER, f.INTERPRETER): ["yes"],
    }
    values.update({(k, k): v for k, v in extra.items()})
    return values


def fill_agenda(sandbox: Sandbox, user: str, channel: str, **extra: object) -> dict:  # type: ignore[type-arg]
    sandbox.emulator.slash_command(user, channel, "/coregroup", "agenda")
    view = top_view(sandbox, user)
    assert view["callback_id"] == ViewId.AGENDA
    return sandbox.emulator.submit_view(user, view["id"], agenda_values(**extra)).json()


def test_the_social_worker_records_the_agenda_with_the_family_and_every_version_is_kept(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    assert fill_agenda(sandbox, people.social_worker, channel) in ({}, None)
    with Session(sandbox.engine) as session:
        case = session.exec(select(Case)).one()
        saved = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AGENDA_SAVED)
        ).all()
    assert [c["name"] for c in case.children] == ["Jo", "K.M.", ""]
    assert case.children[2]["due"] == "2027-04-01"
    assert (case.category, case.language, case.interpreter_needed) == ("neglect", "Polish", True)
    assert case.harm_impact == "Jo is tired and behind with reading."
    assert case.child_advocate == "Mia from the advocacy service"
    assert len(saved) == 1 and saved[0].detail["harm"] == "Jo often misses school and meals."

    # Opened again, the form holds what was recorded; a second save is a second version.
    sandbox.emulator.slash_command(people.social_worker, channel, "/coregroup", "agenda")
    again = top_view(sandbox, people.social_worker)
    assert "Jo loves football" in str(again["blocks"])
    assert "2027-04-01" in str(again["blocks"])
    fill_agenda(sandbox, people.social_worker, channel, **{AgendaField.LANGUAGE.value: "English"})
    with Session(sandbox.engine) as session:
        versions = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.AGENDA_SAVED)
        ).all()
    assert [v.detail["language"] for v in versions] == ["Polish", "English"]


def test_the_agenda_form_asks_for_a_first_name_and_an_age_and_only_the_social_worker_fills_it(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    f = AgendaField
    answer = fill_agenda(
        sandbox, people.social_worker, channel, **{f.CHILD_NAME.numbered(1): "Jo Anne Smith"}
    )
    assert answer["response_action"] == "errors"
    assert "first name or initials" in answer["errors"][f.CHILD_NAME.numbered(1)]
    answer = fill_agenda(sandbox, people.social_worker, channel, **{f.CHILD_AGE.numbered(1): "19"})
    assert "age in years" in answer["errors"][f.CHILD_NAME.numbered(1)]
    assert say(sandbox, people.mum, channel, "agenda").startswith("Sorry")
    assert say(sandbox, people.school, channel, "agenda").startswith("Sorry")


def test_the_filled_agenda_reaches_the_summary_and_the_family_copy_prints_for_the_visit(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    fill_agenda(sandbox, people.social_worker, channel)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(sandbox, people.mum, {(UpdateField.GOING_WELL, UpdateField.GOING_WELL): "Calmer home"})
    give(
        sandbox,
        people.school,
        {(UpdateField.PROFESSIONAL_ONLY, UpdateField.PROFESSIONAL_ONLY): "Police intelligence"},
    )

    assert "ready to release" in say(sandbox, people.social_worker, channel, "summary")
    visit = sandbox.wait_for(
        lambda: [
            f
            for f in emu.inspector.files_seen_by(people.social_worker)
            if f.name.endswith("-family-copy.pdf")
        ]
    )
    printed = pdf_text(visit[-1].data)
    for filled in (
        "Your family's meeting",
        "Jo, 6; K.M., 2; Baby due",
        "neglect",
        "Jo loves football",
        "Jo often misses school and meals.",
        "Jo is tired and behind with reading.",
        "Mia from the advocacy service",
        "Polish; an interpreter will be there",
        "Calmer home",
    ):
        assert filled in printed, filled
    assert "Not yet written" not in printed and "Police intelligence" not in printed
    assert not [f for f in emu.inspector.files_seen_by(people.mum) if f.name.endswith(".pdf")]

    drafts = [
        s
        for s in emu.inspector.seen_by(people.chair)
        if s.text == "Review conference summary for oak-family"
        and ActionId.RELEASE_SUMMARY in str(s.blocks)
    ]
    emu.click(people.chair, drafts[-1].channel, drafts[-1].ts, ActionId.RELEASE_SUMMARY)
    released = sandbox.wait_for(
        lambda: [
            f
            for f in emu.inspector.files_seen_by(people.mum)
            if f.name.endswith(".pdf") and f.channel == channel
        ]
    )
    assert "Police intelligence" not in pdf_text(released[-1].data)
    assert "Jo is tired and behind with reading." in pdf_text(released[-1].data)


def test_the_social_worker_is_reminded_to_prepare_the_family_in_time_for_the_visit(
    sandbox: Sandbox, people: People
) -> None:
    conference_case(sandbox, people)  # Tue 16 Feb 2027, 14:00

    def reminders() -> list[str]:
        return [
            str(s.blocks)
            for s in sandbox.emulator.inspector.seen_by(people.social_worker)
            if s.text == "Preparing the family for oak-family's review conference"
        ]

    sandbox.clock.set(datetime(2027, 2, 10, 16, 0, tzinfo=UTC))
    sandbox.sweep()
    assert reminders() == []
    # Three working days before (the area's default), at the area's time of day.
    sandbox.clock.set(datetime(2027, 2, 11, 9, 31, tzinfo=UTC))
    # Other messages are due too (the first core group's chases, to the same person): Slack's
    # rate limits spread them over minutes, in an order that is not fixed.
    for minute in range(32, 44):
        sandbox.sweep()
        sandbox.clock.set(datetime(2027, 2, 11, 9, minute, tzinfo=UTC))
    [reminder] = reminders()
    assert "Tue 16 Feb 2027 at 14:00" in reminder
    assert "/coregroup summary" in reminder
    assert not [
        s
        for s in sandbox.emulator.inspector.seen_by(people.mum)
        if s.text.startswith("Preparing the family")
    ]

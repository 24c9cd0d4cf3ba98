"""The family as partners: what a parent, the chair and the social worker each receive when a
family member's words have not come (an invitation, never a chase), and words that are true."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, DecisionField, MeetingField, NewCaseField
from bot.rules.vocabulary import Attendance, Decision, MeetingKind
from storage.models import Invitation, Meeting, Member

from .conftest import People, modal_title, new_case_values, open_new_case_modal
from .test_conference import DIGEST, conference_case, decide, give
from .test_core_group import say
from .test_meetings import dm_invitation, invitation_in, set_meeting
from .test_plan import add_outcome, top_view
from .test_update_cycle import CHASE, OVERDUE, at, case_with_core_group, give_update, received

SUMMARY = "Review conference summary for oak-family"
CHECK_IN = "Before the meeting for oak-family"
DAYS = ("2026-11-24", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04")


def everything_seen_by(sandbox: Sandbox, user: str) -> str:
    return "\n".join(f"{s.text}{s.blocks}" for s in sandbox.emulator.inspector.seen_by(user))


def run_days(sandbox: Sandbox) -> None:
    for day in DAYS:
        sandbox.clock.set(at(day))
        sandbox.sweep()


def test_a_parent_is_invited_once_never_chased_and_never_named_to_the_chair(
    sandbox: Sandbox, people: People
) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    run_days(sandbox)

    # The parent on Slack: one gentle reminder, and nothing that says "overdue" or "relying".
    mum_chases = received(sandbox, people.mum, CHASE)
    assert len(mum_chases) == 1
    assert "up to you" in str(mum_chases[0].blocks)
    mum_sees = everything_seen_by(sandbox, people.mum).lower()
    for word in ("overdue", "relying", "hasn't reached me", "was due"):
        assert word not in mum_sees, word
    assert received(sandbox, people.mum, OVERDUE) == []

    # The chair hears about late professionals, never about a family member.
    escalations = str(received(sandbox, people.chair, OVERDUE))
    for name in ("Sam", "Dan", "Nana Rose"):
        assert name not in escalations, name
    assert "Jan Kowalski (Health visitor) still hasn't sent" in escalations
    # A core group has no digest: the chair is promised none.
    assert "digest" not in everything_seen_by(sandbox, people.chair)

    # The social worker: one check-in note per family member, no "overdue" about any of them,
    # and one gentle reminder for each parent not on Slack.
    check_ins = [str(s.blocks) for s in received(sandbox, people.social_worker, CHECK_IN)]
    for name in ("Sam", "Dan (dad)", "Nana Rose"):
        assert len([c for c in check_ins if f"check in with {name} before" in c]) == 1, name
    overdue = str(received(sandbox, people.social_worker, OVERDUE))
    assert "Jan Kowalski" in overdue
    for name in ("Sam", "Dan", "Nana"):
        assert name not in overdue, name
    about_dan = [
        s for s in received(sandbox, people.social_worker, CHASE) if "Dan (dad)" in str(s.blocks)
    ]
    assert len(about_dan) == 1 and "If Dan (dad) would like to share" in str(about_dan[0].blocks)
    # Names carry their relationship once.
    assert "(dad) (" not in everything_seen_by(sandbox, people.social_worker)


def test_i_have_reminded_them_only_when_a_reminder_was_sent(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    say(sandbox, people.school, channel, "away until 2026-12-10")
    run_days(sandbox)
    assert received(sandbox, people.school, CHASE) == []
    notices = [str(s.blocks) for s in received(sandbox, people.social_worker, OVERDUE)]
    about_school = [n for n in notices if "Ms Reed" in n]
    about_jan = [n for n in notices if "Jan Kowalski" in n]
    assert len(about_school) == 1 and "I've reminded them" not in about_school[0]
    assert "away with nobody covering" in about_school[0]
    assert len(about_jan) == 1 and "I've reminded them" in about_jan[0]


def test_no_copy_lists_a_family_member_as_owing_a_report(sandbox: Sandbox, people: People) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-05"))
    sandbox.sweep()
    give(sandbox, people.school)
    sandbox.clock.set(at("2027-02-11"))
    sandbox.sweep()
    [digest] = [s for s in emu.inspector.seen_by(people.chair) if s.text == DIGEST]
    shown = str(digest.blocks)
    assert "Jan Kowalski" in shown  # a professional's missing report is the chair's to know
    for name in ("Sam", "Dan", "Nana"):
        assert name not in shown, name

    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if s.text == SUMMARY]
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(lambda: [f for f in emu.inspector.files_seen_by(people.mum)])
    copies = [str(d.blocks) for d in drafts] + [
        str(m.blocks) for m in emu.inspector.messages(channel) if m.text == SUMMARY
    ]
    copies += [f.data.decode() for f in emu.inspector.files_seen_by(people.school)]
    copies += [f.data.decode() for f in emu.inspector.files_seen_by(people.mum)]
    assert any("Jan Kowalski" in c for c in copies)
    for copy in copies:
        for name in ("Sam (Family)", "Dan (dad)", "Nana Rose"):
            assert name not in copy, name
        assert "Absent" not in copy


def test_a_late_update_is_told_it_is_late_never_a_date_already_past(
    sandbox: Sandbox, people: People
) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    on_time = give_update(sandbox, people.school)
    assert "You can change it until Tue  1 Dec 2026" in str(on_time["view"]["blocks"])
    sandbox.clock.set(at("2026-12-02"))
    sandbox.sweep()
    late = str(give_update(sandbox, people.health_visitor)["view"]["blocks"])
    assert "after the deadline" in late and "shown as late" in late
    assert "change it until" not in late
    # A parent's words are invited, not owed: never "late", and no past date to change them by.
    view = _open_form(sandbox, people.mum)
    assert "you can still share how things are" in str(view["blocks"])
    mum = str(give_update(sandbox, people.mum)["view"]["blocks"])
    assert "late" not in mum and "deadline" not in mum and "change it until" not in mum


def test_quorum_talk_names_whom_to_ask_and_never_reaches_the_family(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, _ = conference_case(sandbox, people)
    sandbox.clock.set(at("2027-02-02"))
    sandbox.sweep()  # the invitations go out
    dm = dm_invitation(sandbox, people.school)
    emu.click(people.school, dm.channel, dm.ts, ActionId.RSVP_APOLOGIES)
    sandbox.settle()  # the reply's refresh and re-planning run after the answer
    sandbox.clock.set(at("2027-02-11"))
    sandbox.sweep()
    [warning] = [s for s in emu.inspector.seen_by(people.chair) if s.text.startswith("Quorum")]
    shown = str(warning.blocks)
    assert "Jan Kowalski (Health visitor): not replied yet" in shown
    assert "Ms Reed (School): sent apologies; someone else from their agency could come" in shown
    assert "nobody" not in shown
    sandbox.clock.set(at("2027-02-11", 9, 31))  # messages to one person are paced
    sandbox.sweep()
    assert [s for s in emu.inspector.seen_by(people.social_worker) if s.text.startswith("Quorum")]
    # The family's channel and the family's messages never carry quorum talk.
    for seen in [*emu.inspector.messages(channel), *emu.inspector.seen_by(people.mum)]:
        words = f"{seen.text}{seen.blocks}".lower()
        assert "quorat" not in words and "quorum" not in words


def _open_form(sandbox: Sandbox, user: str) -> dict:  # type: ignore[type-arg]
    emu = sandbox.emulator
    ask = [
        s
        for s in emu.inspector.seen_by(user)
        if s.channel.startswith("D") and ActionId.GIVE_UPDATE in str(s.blocks)
    ][-1]
    emu.click(user, ask.channel, ask.ts, ActionId.GIVE_UPDATE)
    view = top_view(sandbox, user)
    emu.close_view(user, view["id"])
    return view


def card_and_topic(sandbox: Sandbox, channel: str) -> str:
    state = sandbox.emulator.inspector.channel(channel)
    card = [
        m
        for m in sandbox.emulator.inspector.messages(channel)
        if m.ts in state.pins and m.text == "Case card for oak-family"
    ]
    return f"{state.topic}\n{card[-1].blocks}"


def test_the_card_and_topic_never_name_a_meeting_already_past(
    sandbox: Sandbox, people: People
) -> None:
    channel, _ = case_with_core_group(sandbox, people, "2026-12-03")
    assert "3 Dec 2026" in card_and_topic(sandbox, channel)
    with Session(sandbox.engine) as session:
        rcpc = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 1)
        ).one()
    assert rcpc.id is not None
    set_meeting(sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00")
    # The core group on 3 Dec went by without anyone recording it; the conference decides.
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.CONTINUE, **{DecisionField.CATEGORY.value: "neglect"})
    # Neither the core group gone by nor the conference just decided is "next".
    sandbox.wait_for(
        lambda: all(d not in card_and_topic(sandbox, channel) for d in ("3 Dec 2026", "16 Feb"))
    )
    shown = card_and_topic(sandbox, channel)
    assert "Review conference by" in shown  # the next review, due within six months


# An acronym may follow its words in brackets, "Children's mental health service (CAMHS)".
ACRONYMS = re.compile(r"(?<!\()\b(RCPC|ICPC|CAMHS|RAG|CPPM|CP|CIN|LADO|MASH|ISW|DSL|CSC)\b")


def family_journey(sandbox: Sandbox, people: People) -> str:
    """Everything the parent on Slack receives over a whole case: messages and files."""
    emu = sandbox.emulator
    f = NewCaseField
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    values = new_case_values(people)
    values[(f.PROFESSIONAL.numbered(3), f.PROFESSIONAL.numbered(3))] = people.outsider
    values[(f.AGENCY.numbered(3), f.AGENCY.numbered(3))] = "camhs"
    emu.submit_view(people.social_worker, view_id, values)
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    channel = emu.inspector.channel_named("oak-family").id
    with Session(sandbox.engine) as session:
        first = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.CORE_GROUP, Meeting.sequence == 1)
        ).one()
    assert first.id is not None
    set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    for day in ("2026-11-24", "2026-11-30", "2026-12-02"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
    with Session(sandbox.engine) as session:
        rcpc = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 1)
        ).one()
    assert rcpc.id is not None
    set_meeting(sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00")
    for day in ("2027-02-02", "2027-02-05", "2027-02-11"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
    give(sandbox, people.mum, {})
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if s.text == SUMMARY]
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(lambda: [f for f in emu.inspector.files_seen_by(people.mum)])
    sandbox.clock.set(datetime(2027, 2, 16, 16, 0, tzinfo=UTC))
    decide(sandbox, people, channel, Decision.CONTINUE, **{DecisionField.CATEGORY.value: "neglect"})
    sandbox.wait_for(lambda: [s for s in emu.inspector.seen_by(people.mum) if "decision" in s.text])
    seen = [f"{s.text}\n{s.blocks}" for s in emu.inspector.seen_by(people.mum)]
    # The PDF prints the HTML copy, whose words are read here; its bytes are not text.
    seen += [
        f.data.decode()
        for f in emu.inspector.files_seen_by(people.mum)
        if not f.name.endswith(".pdf")
    ]
    state = emu.inspector.channel(channel)
    return "\n".join([*seen, state.topic])


def test_no_acronym_reaches_a_family_member(sandbox: Sandbox, people: People) -> None:
    shown = family_journey(sandbox, people)
    assert "Sam" in shown and "Children's mental health service (CAMHS)" in shown
    found = sorted(set(ACRONYMS.findall(shown)))
    assert found == [], found


def test_a_pre_birth_case_asks_about_the_family_not_a_child_not_yet_born(
    sandbox: Sandbox, people: People
) -> None:
    f = NewCaseField
    view_id = open_new_case_modal(sandbox, people.social_worker, people.lobby)
    values = new_case_values(people)
    values[(f.PRE_BIRTH, f.PRE_BIRTH)] = ["pre_birth"]
    sandbox.emulator.submit_view(people.social_worker, view_id, values)
    sandbox.wait_for(lambda: modal_title(sandbox, people.social_worker) == "Case opened")
    channel = sandbox.emulator.inspector.channel_named("oak-family").id
    add_outcome(sandbox, people.social_worker, channel, "The baby is safe at home")
    with Session(sandbox.engine) as session:
        first = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.CORE_GROUP, Meeting.sequence == 1)
        ).one()
    assert first.id is not None
    answer = set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-03")
    assert answer["response_action"] == "update", answer
    sandbox.wait_for(lambda: sandbox.emulator.inspector.files_seen_by(people.school))
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    [prompt] = received(sandbox, people.school, "Time for your update for oak-family")
    assert "when you last saw the family" in str(prompt.blocks)
    assert "the children" not in str(prompt.blocks)


def test_a_case_with_children_asks_when_they_were_last_seen(
    sandbox: Sandbox, people: People
) -> None:
    case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()
    [prompt] = received(sandbox, people.school, "Time for your update for oak-family")
    assert "when you last saw the children" in str(prompt.blocks)


def test_attendance_has_four_outcomes_and_no_copy_lists_a_parent_as_absent(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    channel, first = case_with_core_group(sandbox, people, "2026-12-03")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()  # the invitations go out
    dm = dm_invitation(sandbox, people.health_visitor)
    emu.click(people.health_visitor, dm.channel, dm.ts, ActionId.RSVP_APOLOGIES)
    sandbox.clock.set(at("2026-12-03", 12))
    emu.click(
        people.social_worker,
        channel,
        invitation_in(sandbox, channel).ts,
        ActionId.RECORD_ATTENDANCE,
    )
    view = top_view(sandbox, people.social_worker)
    with Session(sandbox.engine) as session:
        rows = {
            m.slack_user_id or m.display_name: i.id or 0
            for i, m in session.exec(
                select(Invitation, Member).join(Member, col(Member.id) == col(Invitation.member_id))
            )
        }
    field = MeetingField.ATTENDANCE.numbered
    # The health visitor's own apologies are the starting point; nobody else is pre-marked.
    hv = next(b for b in view["blocks"] if b["block_id"] == field(rows[people.health_visitor]))
    assert hv["element"]["initial_option"]["value"] == Attendance.APOLOGIES
    marks = {
        people.mum: Attendance.ABSENT,
        "Dan (dad)": Attendance.PRESENT,
        people.school: Attendance.PRESENT,
        people.social_worker: Attendance.PRESENT,
    }
    emu.submit_view(
        people.social_worker,
        view["id"],
        {(field(rows[who]), field(rows[who])): mark.value for who, mark in marks.items()},
    )
    sandbox.wait_for(
        lambda: ActionId.RSVP_ATTENDING not in str(invitation_in(sandbox, channel).blocks)
    )
    with Session(sandbox.engine) as session:
        nana = session.exec(
            select(Invitation)
            .join(Member, col(Member.id) == col(Invitation.member_id))
            .where(Member.display_name == "Nana Rose", Invitation.meeting_id == first.id)
        ).one()
    assert nana.attendance is None  # not recorded, not "absent"

    with Session(sandbox.engine) as session:
        rcpc = session.exec(
            select(Meeting).where(Meeting.kind == MeetingKind.RCPC, Meeting.sequence == 1)
        ).one()
    assert rcpc.id is not None
    set_meeting(sandbox, people.chair, channel, rcpc.id, "2027-02-16", "14:00")
    sandbox.clock.set(at("2027-02-12"))
    say(sandbox, people.social_worker, channel, "summary")
    drafts = [s for s in emu.inspector.seen_by(people.chair) if s.text == SUMMARY]
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.wait_for(lambda: [f for f in emu.inspector.files_seen_by(people.mum)])
    copies = ["\n".join(str(d.blocks) for d in drafts)]
    for person in (people.school, people.mum):
        copies += [
            f.data.decode()
            for f in emu.inspector.files_seen_by(person)
            if not f.name.endswith(".ics")
        ]
    for copy in copies:
        assert "Sent apologies: Jan Kowalski (Health visitor)" in copy.replace(
            "<dt>Sent apologies</dt><dd>", "Sent apologies: "
        )
        assert "Dan (dad)" in copy  # came
        assert "Sam (Family)" not in copy  # did not come: never listed
        assert "Did not come" not in copy and "Absent" not in copy
        assert "Tom Okafor" not in copy  # the chair is not a core group member

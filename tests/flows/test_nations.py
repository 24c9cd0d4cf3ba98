"""A case follows its nation's timescales from the moment it is opened."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta

from pypdf import PdfReader
from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.ids import ActionId, DecisionField
from bot.rules.vocabulary import Decision, MeetingKind
from storage.models import Meeting

from .conftest import People, open_case
from .test_conference import decide
from .test_core_group import say
from .test_meetings import set_meeting
from .test_plan import add_outcome
from .test_update_cycle import at, give_update


def test_a_scottish_case_gets_scotlands_timescales(sandbox: Sandbox, people: People) -> None:
    open_case(sandbox, people, nation="SCT")
    with Session(sandbox.engine) as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.due_by))).all()
    core_groups = [m.due_by for m in meetings if m.kind == MeetingKind.CORE_GROUP]
    reviews = [m.due_by for m in meetings if m.kind == MeetingKind.RCPC]
    # CPPM Fri 20 Nov 2026; 15 working days, St Andrew's Day (Mon 30 Nov) off: 23-27 Nov,
    # 1-4 Dec, 7-11 Dec, 14 Dec.
    assert core_groups[0] == date(2026, 12, 14)
    # The review CPPM within 6 months: Thu 20 May 2027 (not England's 3 months).
    assert reviews[0] == date(2027, 5, 20)
    # The cycle re-bases on the review: the next core group is 6 weeks after it.
    assert next(day for day in core_groups if day > reviews[0]) == date(2027, 7, 1)


# What a Scottish case must never say: England's names for its meetings.
ENGLISH_WORDS = re.compile(r"review conference|initial conference|\bRCPC\b|\bICPC\b", re.I)


def _readable(value: object) -> Iterator[str]:
    """Every piece of text a person reads in a message, a view or a Home tab."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("text", "title", "label", "placeholder") or isinstance(item, list | dict):
                yield from _readable(item)
    elif isinstance(value, list):
        for item in value:
            yield from _readable(item)


def test_a_scottish_case_speaks_of_cppms_everywhere_a_person_reads(
    sandbox: Sandbox, people: People
) -> None:
    emu = sandbox.emulator
    everyone = (people.social_worker, people.chair, people.school, people.health_visitor)
    everyone += (people.mum,)
    channel = open_case(sandbox, people, nation="SCT")
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    sandbox.clock.set(at("2026-11-24"))
    sandbox.sweep()  # the first core group to arrange
    with Session(sandbox.engine) as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.due_by))).all()
    first = next(m for m in meetings if m.kind == MeetingKind.CORE_GROUP)
    review = next(m for m in meetings if m.kind == MeetingKind.RCPC)
    assert first.id is not None and review.id is not None
    set_meeting(sandbox, people.social_worker, channel, first.id, "2026-12-10")
    set_meeting(sandbox, people.chair, channel, review.id, "2027-01-26", "14:00")
    for day in ("2026-12-03", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-11"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
    for day in ("2027-01-14", "2027-01-18", "2027-01-20", "2027-01-21", "2027-01-22"):
        sandbox.clock.set(at(day))
        sandbox.sweep()
    give_update(sandbox, people.school)
    for command in ("status", "history", "summary"):
        say(sandbox, people.social_worker, channel, command)
    drafts = sandbox.wait_for(
        lambda: [s for s in emu.inspector.seen_by(people.chair) if s.text.endswith("oak-family")]
    )
    release = next(d for d in drafts if ActionId.RELEASE_SUMMARY in str(d.blocks))
    emu.click(people.chair, release.channel, release.ts, ActionId.RELEASE_SUMMARY)
    sandbox.clock.set(at("2027-01-27", 16))
    decide(sandbox, people, channel, Decision.CONTINUE, **{DecisionField.CATEGORY.value: "neglect"})
    for person in everyone:
        emu.open_home(person)
    sandbox.settle()

    seen = [s for person in everyone for s in emu.inspector.seen_by(person)]
    texts = [s.text for s in seen] + [t for s in seen for t in _readable(s.blocks or [])]
    texts += [t for person in everyone for t in _readable(emu.inspector.home(person) or {})]
    files = [f for person in everyone for f in emu.inspector.files_seen_by(person)]
    texts += [f.title for f in files] + [_file_text(f.name, f.data) for f in files]
    texts.append(emu.inspector.channel(channel).topic)
    said = "\n".join(texts)
    assert "Invitation: review CPPM for oak-family" in said
    assert "Review CPPM chair's digest for oak-family" in said
    assert "The review CPPM's decision for oak-family" in said
    assert "Review CPPM summary: oak-family" in said
    assert "Child Protection Planning Meeting" in said
    assert "review CPPM" in said
    assert any(f.name == "oak-family-review-cppm.ics" and b"CPPM" in f.data for f in files)
    texts += [f.name for f in files]
    said = "\n".join(texts)
    english = sorted({m.group(0) for m in ENGLISH_WORDS.finditer(said)})
    assert english == [], [line for line in texts if ENGLISH_WORDS.search(line)][:5]


def test_a_core_group_just_before_a_review_shares_its_round_so_nobody_is_asked_twice(
    sandbox: Sandbox, people: People
) -> None:
    channel = open_case(sandbox, people)
    add_outcome(sandbox, people.social_worker, channel, "Jo goes to school every day")
    with Session(sandbox.engine) as session:
        meetings = session.exec(select(Meeting).order_by(col(Meeting.due_by))).all()
    cores = [m.id for m in meetings if m.kind == MeetingKind.CORE_GROUP and m.id is not None]
    review = next(m.id for m in meetings if m.kind == MeetingKind.RCPC and m.id is not None)
    set_meeting(sandbox, people.social_worker, channel, cores[0], "2026-12-03")
    # Core group 2 on Tue 2 Feb 2027, two weeks before the review on Tue 16 Feb.
    set_meeting(sandbox, people.social_worker, channel, cores[1], "2027-02-02")
    set_meeting(sandbox, people.chair, channel, review, "2027-02-16", "14:00")
    day = date(2026, 11, 24)
    while day <= date(2027, 2, 16):
        if day.weekday() < 5:
            sandbox.clock.set(at(day.isoformat()))
            sandbox.sweep()
        day += timedelta(days=1)
    for person in (people.school, people.health_visitor, people.mum):
        asked = [
            s.at.date()
            for s in sandbox.emulator.inspector.seen_by(person)
            if s.text == "Time for your update for oak-family"
        ]
        # One round for core group 1 (Tue 24 Nov), and one for core group 2 and the review
        # together, asked in time for the core group: its reports are due Fri 29 Jan (2 working
        # days before Tue 2 Feb), so asked 5 working days before that, Fri 22 Jan.
        assert asked == [date(2026, 11, 24), date(2027, 1, 22)], person


def _file_text(name: str, data: bytes) -> str:
    """What a person reads in a shared file: a PDF's text, or the file as text."""
    if name.endswith(".pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode()

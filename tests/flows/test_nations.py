"""A case follows its nation's timescales from the moment it is opened."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from bot.devtools.sandbox import Sandbox
from bot.rules.vocabulary import MeetingKind
from storage.models import Meeting

from .conftest import People, open_case


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

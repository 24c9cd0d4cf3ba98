"""Each conference's quorum is counted once and kept current by the database's triggers: after
any change to what the count reads, the measures equal a count of every conference afresh."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from bot.rules.measures import Measure, Ratio, TeamMeasures
from bot.rules.vocabulary import Attendance, MeetingKind, Role
from bot.services.measures import count_conference_quorum, measure
from storage.models import Area, Case, ConferenceQuorum, Invitation, Meeting, Member, QuorumChange
from tests.measures.test_known_world import NOW, PERIOD, build
from tests.measures.world import at

# In the hand-built world: case A (CP-1) is North's, and U3 its police officer, who came to its
# initial conference and said so on 23 December.
CASE_A, POLICE_A = "CP-1", "U3"


def _police_invitation(session: Session) -> Invitation:
    return session.exec(
        select(Invitation)
        .join(Member, col(Member.id) == col(Invitation.member_id))
        .where(col(Member.slack_user_id) == POLICE_A)
    ).one()


def _member(session: Session) -> Member:
    return session.exec(select(Member).where(col(Member.slack_user_id) == POLICE_A)).one()


def _north(session: Session) -> Area:
    return session.exec(select(Area).where(col(Area.name) == "North")).one()


def did_not_come(session: Session) -> None:
    _police_invitation(session).attendance = Attendance.ABSENT


def replied_later(session: Session) -> None:
    _police_invitation(session).replied_at = at(date(2026, 1, 2))


def withdrawn(session: Session) -> None:
    session.delete(_police_invitation(session))


def no_direct_contact(session: Session) -> None:
    _member(session).direct_contact = False


def left_the_core_group(session: Session) -> None:
    _member(session).active = False


def became_the_chair(session: Session) -> None:
    _member(session).role = Role.CHAIR


def one_other_agency_is_enough(session: Session) -> None:
    _north(session).quorum_min_other_agencies = 1


def health_counted_apart(session: Session) -> None:
    _north(session).health_counts_as_one_agency = False


def moved_south(session: Session) -> None:
    case = session.exec(select(Case).where(col(Case.reference) == CASE_A)).one()
    case.area_id = session.exec(select(Area.id).where(col(Area.name) == "South")).one()


CHANGES: dict[str, tuple[Callable[[Session], None], str]] = {
    # The change, and whose conferences it must note: case A's initial conference, or every
    # conference of case A, or of North.
    "attendance": (did_not_come, "A's initial"),
    "reply time": (replied_later, "A's initial"),
    "invitation deleted": (withdrawn, "A's initial"),
    "direct contact": (no_direct_contact, "A's initial"),
    "left the core group": (left_the_core_group, "A's initial"),
    "role": (became_the_chair, "A's initial"),
    "area's quorum": (one_other_agency_is_enough, "North's"),
    "area's health rule": (health_counted_apart, "North's"),
    "case's area": (moved_south, "A's"),
}


def _conferences(session: Session, which: str) -> set[int]:
    query = (
        select(Meeting.id)
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .join(Area, col(Area.id) == col(Case.area_id))
        .where(col(Meeting.kind).in_([MeetingKind.ICPC, MeetingKind.RCPC]))
    )
    if which == "North's":
        query = query.where(col(Area.name) == "North")
    else:
        query = query.where(col(Case.reference) == CASE_A)
    if which == "A's initial":
        query = query.where(col(Meeting.kind) == MeetingKind.ICPC)
    return {meeting_id for meeting_id in session.exec(query).all() if meeting_id is not None}


def _measured(session: Session) -> list[TeamMeasures]:
    return measure(session, period=PERIOD, now=NOW)


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_notes_its_conferences_and_the_measures_equal_a_count_afresh(
    engine: Engine, change: str
) -> None:
    make, noted = CHANGES[change]
    with Session(engine) as session:
        build(session)
        before = _measured(session)
        session.commit()
        assert session.exec(select(func.count()).select_from(QuorumChange)).one() == 0

        make(session)
        session.commit()
        notes = set(session.exec(select(QuorumChange.meeting_id)).all())
        assert notes == _conferences(session, noted)
        kept_current = _measured(session)
        session.commit()

        # Every conference counted afresh, as on the first reading after the migration.
        session.execute(
            insert(QuorumChange).from_select(
                ["meeting_id"],
                select(Meeting.id).where(col(Meeting.kind) != MeetingKind.CORE_GROUP),
            )
        )
        afresh = _measured(session)
    assert kept_current == afresh
    # Each changes a figure, but the area's rules: A's conference was quorate and known as early
    # under either (police said yes before health, health came as one group or two).
    assert (kept_current != before) == (not change.startswith("area's"))


def test_what_each_change_does_to_north(engine: Engine) -> None:
    # Two of the changes, worked out by hand: North's initial conference of case A had social
    # care, police and health come, and needs two other groups.
    with Session(engine) as session:
        build(session)
        assert _measured(session)[0].ratio(Measure.QUORATE) == Ratio(1, 2)
        did_not_come(session)
        session.commit()
        assert _measured(session)[0].ratio(Measure.QUORATE) == Ratio(0, 2)
        one_other_agency_is_enough(session)
        session.commit()
        assert _measured(session)[0].ratio(Measure.QUORATE) == Ratio(1, 2)


def test_a_count_rolled_back_leaves_its_notes_for_the_next(engine: Engine) -> None:
    with Session(engine) as session:
        build(session)
        noted = session.exec(select(func.count()).select_from(QuorumChange)).one()
        # Each invitation to a conference was noted as it was added: the conferences with any.
        invited = set(session.exec(select(QuorumChange.meeting_id)).all())
        assert invited < set(_all_conferences(session))
        assert count_conference_quorum(session) == len(invited)
        assert session.exec(select(func.count()).select_from(QuorumChange)).one() == 0
        session.rollback()
        assert session.exec(select(func.count()).select_from(QuorumChange)).one() == noted
        assert session.exec(select(func.count()).select_from(ConferenceQuorum)).one() == 0


def _all_conferences(session: Session) -> list[int]:
    return list(
        session.exec(select(Meeting.id).where(col(Meeting.kind) != MeetingKind.CORE_GROUP)).all()
    )

"""Recording a reply, on SQLite and PostgreSQL: the plain statements that run inside Slack's
request invite everyone, check access, change one row and audit it, all in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import Agency, MeetingKind, MeetingStatus, Role, Rsvp
from bot.services import audit
from bot.services.meetings import CLOSED, NOT_INVITED, MeetingError, record_reply
from bot.services.status import status_text
from storage.db import UnitOfWork
from storage.models import AuditEvent, Case, Invitation, Meeting, Member

from .test_storage import make_case

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def core_group(session: Session) -> tuple[Case, Meeting]:
    """A case of four (one of whom has left) and its first core group, set for 3 December."""
    case = make_case(session)
    assert case.id is not None
    for user, role, agency, active in (
        ("U_SW", Role.SOCIAL_WORKER, Agency.CHILDRENS_SOCIAL_CARE, True),
        ("U_CHAIR", Role.CHAIR, Agency.CHILDRENS_SOCIAL_CARE, True),
        ("U_SCHOOL", Role.PROFESSIONAL, Agency.SCHOOL, True),
        ("U_GONE", Role.PROFESSIONAL, Agency.POLICE, False),
    ):
        session.add(
            Member(
                case_id=case.id,
                slack_user_id=user,
                display_name=user,
                role=role,
                agency=agency,
                active=active,
            )
        )
    meeting = Meeting(
        case_id=case.id,
        kind=MeetingKind.CORE_GROUP,
        sequence=1,
        due_by=AT.date(),
        starts_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
        status=MeetingStatus.SCHEDULED,
    )
    session.add(meeting)
    session.flush()
    return case, meeting


def test_a_reply_invites_everyone_active_and_is_audited_with_what_it_replaced(
    engine: Engine,
) -> None:
    with UnitOfWork(engine)() as session:
        case, meeting = core_group(session)
    assert meeting.id is not None
    with UnitOfWork(engine)() as session:
        case_id = record_reply(
            session, meeting_id=meeting.id, user_id="U_SCHOOL", rsvp=Rsvp.APOLOGIES, at=AT
        )
    with UnitOfWork(engine)() as session:
        record_reply(session, meeting_id=meeting.id, user_id="U_SCHOOL", rsvp=Rsvp.ATTENDING, at=AT)
    assert case_id == case.id
    with Session(engine) as session:
        invited = session.exec(
            select(Member.slack_user_id, Invitation.rsvp, Invitation.replied_at)
            .join(Invitation, col(Invitation.member_id) == col(Member.id))
            .order_by(col(Member.slack_user_id))
        ).all()
        events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert invited == [
        ("U_CHAIR", Rsvp.NONE, None),
        ("U_SCHOOL", Rsvp.ATTENDING, AT),
        ("U_SW", Rsvp.NONE, None),
    ]
    assert [(e.actor, e.action, e.case_id, e.at, e.detail) for e in events] == [
        (
            "U_SCHOOL",
            "meeting.reply",
            case.id,
            AT,
            {"meeting": meeting.id, "before": "none", "after": "apologies"},
        ),
        (
            "U_SCHOOL",
            "meeting.reply",
            case.id,
            AT,
            {"meeting": meeting.id, "before": "apologies", "after": "attending"},
        ),
    ]


@pytest.mark.parametrize(
    ("user", "scheduled", "problem"),
    [("U_GONE", True, NOT_INVITED), ("U_STRANGER", True, NOT_INVITED), ("U_SW", False, CLOSED)],
)
def test_a_reply_that_may_not_be_made_changes_nothing(
    engine: Engine, user: str, scheduled: bool, problem: str
) -> None:
    with UnitOfWork(engine)() as session:
        _, meeting = core_group(session)
        if not scheduled:
            meeting.starts_at = None
            session.add(meeting)
    assert meeting.id is not None
    with pytest.raises(MeetingError, match=problem[:30]), UnitOfWork(engine)() as session:
        record_reply(session, meeting_id=meeting.id, user_id=user, rsvp=Rsvp.ATTENDING, at=AT)
    with Session(engine) as session:
        assert session.exec(select(Invitation)).all() == []
        assert session.exec(select(AuditEvent)).all() == []


def test_an_audit_event_written_before_its_case_is_flushed_still_lands_after_it(
    engine: Engine,
) -> None:
    """`audit.record` writes at once, so whatever the session holds is flushed first."""
    with UnitOfWork(engine)() as session:
        case = make_case(session)
        session.add(
            Member(
                case_id=case.id or 0,
                slack_user_id="U1",
                display_name="New",
                role=Role.PROFESSIONAL,
                agency=Agency.SCHOOL,
            )
        )
        audit.record(
            session,
            actor="U1",
            action=AuditAction.MEMBER_ADDED,
            at=AT,
            case_id=case.id,
            user="U1",
        )
    with Session(engine) as session:
        assert session.exec(select(Member.display_name)).all() == ["New"]
        event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.detail) == ("member.added", {"user": "U1"})


def test_status_reads_the_next_meeting_and_its_replies(engine: Engine) -> None:
    with UnitOfWork(engine)() as session:
        case, meeting = core_group(session)
    assert meeting.id is not None
    with UnitOfWork(engine)() as session:
        record_reply(session, meeting_id=meeting.id, user_id="U_SCHOOL", rsvp=Rsvp.ATTENDING, at=AT)
    with UnitOfWork(engine)() as session:
        status = status_text(session, case)
    assert status.splitlines() == [
        "*Case oak-family*",
        "• Next core group: Thu  3 Dec 2026 at 10:00",
        "• Core group: 3 people",
        "• Replies for the core group on Thu  3 Dec 2026 at 10:00: 1 coming, 0 sending someone, "
        "0 apologies, 1 not replied yet",
    ]

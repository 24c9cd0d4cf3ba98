"""Building worlds for the measures tests: areas, cases, meetings, invitations and updates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from bot.rules.audit_actions import AuditAction
from bot.rules.vocabulary import (
    Agency,
    Attendance,
    MeetingKind,
    MeetingStatus,
    Nation,
    Role,
    Rsvp,
    UpdateRequestStatus,
)
from bot.services import audit
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Invitation,
    Meeting,
    Member,
    UpdateRequest,
)


def at(day: date, hour: int = 10) -> datetime:
    """An instant on a day (UTC)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


class World:
    """Adds rows and keeps ids, so a test reads as the story it tells."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cases = 0
        self.users = 0

    def area(self, name: str, **settings: Any) -> Area:
        area = Area(slack_team_id=f"T{name.upper()}", name=name, **settings)
        self.session.add(area)
        self.session.flush()
        return area

    def case(self, area: Area, icpc: date) -> Case:
        self.cases += 1
        case = Case(
            area_id=area.id or 0, reference=f"CP-{self.cases}", nation=Nation.ENG, icpc_date=icpc
        )
        self.session.add(case)
        self.session.flush()
        return case

    def member(
        self, case: Case, agency: Agency, role: Role = Role.PROFESSIONAL, direct: bool = True
    ) -> Member:
        self.users += 1
        member = Member(
            case_id=case.id or 0,
            slack_user_id=f"U{self.users}",
            display_name=f"Person {self.users}",
            role=role,
            agency=agency,
            direct_contact=direct,
        )
        self.session.add(member)
        self.session.flush()
        return member

    def meeting(
        self,
        case: Case,
        kind: MeetingKind,
        sequence: int,
        due_by: date,
        held: date | None = None,
        status: MeetingStatus | None = None,
    ) -> Meeting:
        meeting = Meeting(
            case_id=case.id or 0,
            kind=kind,
            sequence=sequence,
            due_by=due_by,
            held_at=at(held) if held else None,
            status=status or (MeetingStatus.HELD if held else MeetingStatus.DUE),
        )
        self.session.add(meeting)
        self.session.flush()
        return meeting

    def invite(
        self,
        meeting: Meeting,
        member: Member,
        attendance: Attendance | None,
        rsvp: Rsvp = Rsvp.NONE,
        replied: datetime | None = None,
    ) -> None:
        self.session.add(
            Invitation(
                meeting_id=meeting.id or 0,
                member_id=member.id or 0,
                attendance=attendance,
                rsvp=rsvp,
                replied_at=replied,
            )
        )

    def request(
        self,
        meeting: Meeting,
        member: Member,
        due: datetime,
        received: datetime | None = None,
        waived: bool = False,
        child_views: str | None = None,
        new_harm: bool = False,
    ) -> AgencyUpdate | None:
        status = (
            UpdateRequestStatus.WAIVED
            if waived
            else UpdateRequestStatus.RECEIVED
            if received
            else UpdateRequestStatus.REQUESTED
        )
        request = UpdateRequest(
            meeting_id=meeting.id or 0,
            member_id=member.id or 0,
            due_at=due,
            status=status,
            received_at=received,
        )
        self.session.add(request)
        self.session.flush()
        if received is None:
            return None
        update = AgencyUpdate(
            request_id=request.id or 0,
            version=1,
            submitted_by=member.slack_user_id or "",
            submitted_at=received,
            child_views=child_views,
            new_harm=new_harm,
        )
        self.session.add(update)
        self.session.flush()
        return update

    def opened(self, case: Case, update: AgencyUpdate, by: Member, when: datetime) -> None:
        audit.record(
            self.session,
            actor=by.slack_user_id or "",
            action=AuditAction.UPDATE_OPENED,
            at=when,
            case_id=case.id,
            area_id=case.area_id,
            update_id=update.id,
        )


def days(n: int) -> timedelta:
    """A span of whole days."""
    return timedelta(days=n)

"""The review conference: its summary and the chair's digest gathered from the case's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.rules.agenda import Child
from bot.rules.naming import children_words, named
from bot.rules.schedule import meeting_day
from bot.rules.stand_ins import is_family_side
from bot.rules.vocabulary import (
    Attendance,
    MeetingKind,
    MeetingStatus,
    Nation,
    Role,
    UpdateRequestStatus,
)
from bot.services.meetings import forecast_for
from bot.services.plan import load_plan
from bot.summary import (
    AttendanceRecord,
    ChildView,
    Conference,
    CoreGroup,
    DigestInput,
    MemberUpdate,
    Outcome,
    Period,
    PlanAction,
    QuorumForecast,
    RagKey,
    Rating,
    Report,
    SummaryInput,
    UpdateSection,
    harm_flags,
    kept_from_family,
    rag_overview,
)
from bot.summary.model import FamilyMeeting
from bot.ui.labels import AGENCY_NAMES, meeting_heading, review_short
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Invitation,
    Meeting,
    Member,
    OutcomeRating,
    UpdateRequest,
)

SECTIONS = {section.value: section for section in UpdateSection}


@dataclass(frozen=True)
class Window:
    """The conference and the meetings whose updates it reviews."""

    case: Case
    area: Area
    conference: Meeting
    since: date
    until: date
    meetings: tuple[Meeting, ...]  # core groups in the period, then the conference itself


def window(session: Session, case_id: int, conference_id: int) -> Window:
    """Everything since the last conference (the initial one, or the last review held)."""
    case = session.get_one(Case, case_id)
    area = session.get_one(Area, case.area_id)
    conference = session.get_one(Meeting, conference_id)
    tz = ZoneInfo(case.timezone)
    until = meeting_day(conference, tz)
    all_meetings = session.exec(
        select(Meeting).where(Meeting.case_id == case_id).order_by(col(Meeting.due_by))
    ).all()
    earlier = [
        meeting_day(m, tz)
        for m in all_meetings
        if m.kind in (MeetingKind.ICPC, MeetingKind.RCPC)
        and m.id != conference_id
        and meeting_day(m, tz) < until
        and (m.kind == MeetingKind.ICPC or m.status == MeetingStatus.HELD)
    ]
    since = max(earlier, default=case.icpc_date)
    core_groups = [
        m
        for m in all_meetings
        if m.kind == MeetingKind.CORE_GROUP
        and since <= meeting_day(m, tz) <= until
        and m.status != MeetingStatus.CANCELLED
    ]
    return Window(case, area, conference, since, until, (*core_groups, conference))


def _label(meeting: Meeting, nation: Nation) -> str:
    return f"{meeting_heading(meeting.kind, nation)} {meeting.sequence}"


def _member_label(member: Member) -> str:
    agency = "Family" if member.role == Role.FAMILY else AGENCY_NAMES[member.agency]
    return named(member.display_name, agency)


def _name(member: Member | None) -> str | None:
    return member.display_name if member is not None else None


def summary_input(session: Session, case_id: int, conference_id: int) -> SummaryInput:
    """The RCPC summary's values: every update, rating, action and attendance in the period."""
    w = window(session, case_id, conference_id)
    tz = ZoneInfo(w.case.timezone)
    plan = load_plan(session, case_id)
    outcomes = tuple(Outcome(o.id or 0, o.wording) for o in plan.outcomes)
    known_outcomes = {o.id for o in outcomes}
    cycles = tuple(
        CoreGroup(m.id or 0, _label(m, w.case.nation), meeting_day(m, tz)) for m in w.meetings
    )
    members = {m.id: m for m in session.exec(select(Member).where(Member.case_id == case_id))}
    meeting_ids = [m.id for m in w.meetings]
    requests = session.exec(
        select(UpdateRequest).where(col(UpdateRequest.meeting_id).in_(meeting_ids))
    ).all()

    updates, ratings, views, reports = [], [], [], []
    for request in requests:
        member = members[request.member_id]
        latest = session.exec(
            select(AgencyUpdate)
            .where(AgencyUpdate.request_id == request.id)
            .order_by(col(AgencyUpdate.version).desc())
        ).first()
        agency = "Family" if member.role == Role.FAMILY else AGENCY_NAMES[member.agency]
        # Family-side words are invited, never owed: they are not listed as a report.
        owed = not is_family_side(member.role) and request.status != UpdateRequestStatus.WAIVED
        if request.meeting_id == conference_id and owed:
            reports.append(
                Report(
                    member.display_name,
                    agency,
                    request.due_at.astimezone(tz).date(),
                    request.received_at.astimezone(tz).date() if request.received_at else None,
                )
            )
        if latest is None:
            continue
        # Family-side words are invited, not owed, so they are never shown as late.
        late = latest.submitted_at > request.due_at and not is_family_side(member.role)
        updates.append(
            MemberUpdate(
                name=member.display_name,
                agency=agency,
                role=member.role,
                submitted_at=latest.submitted_at,
                late=late,
                going_well=latest.going_well,
                worries=latest.worries,
                new_harm=latest.new_harm,
                new_harm_detail=latest.new_harm_detail,
                child_last_seen=latest.child_last_seen,
                child_seen_alone=latest.child_seen_alone,
                next_steps=latest.next_steps,
                help_needed=latest.help_needed,
                professional_only=latest.professional_only,
                professional_only_sections=frozenset(
                    SECTIONS[s] for s in latest.professional_only_sections if s in SECTIONS
                ),
                sent_by=_name(members.get(latest.cover_member_id)),
            )
        )
        if latest.child_views:
            views.append(
                ChildView(
                    member.display_name,
                    latest.child_views,
                    latest.submitted_at.astimezone(tz).date(),
                    professional_only="child_views" in latest.professional_only_sections,
                )
            )
        for rating in session.exec(
            select(OutcomeRating).where(OutcomeRating.update_id == latest.id)
        ):
            if rating.outcome_id in known_outcomes:
                ratings.append(
                    Rating(
                        rating.outcome_id,
                        request.meeting_id,
                        _member_label(member),
                        rating.rag,
                        rating.note,
                    )
                )

    attendance = []
    for invitation in session.exec(
        select(Invitation).where(
            col(Invitation.meeting_id).in_(meeting_ids), col(Invitation.attendance).is_not(None)
        )
    ):
        member = members[invitation.member_id]
        rep = members.get(invitation.representative_member_id)
        assert invitation.attendance is not None
        if member.role == Role.CHAIR:
            continue  # the chair runs the core group; they are not one of its members
        if is_family_side(member.role) and invitation.attendance == Attendance.ABSENT:
            continue  # taking part is the family's choice: they are never listed as absent
        attendance.append(
            AttendanceRecord(
                invitation.meeting_id,
                member.display_name,
                AGENCY_NAMES[member.agency],
                invitation.attendance,
                rep.display_name if rep else None,
            )
        )
    conference = w.conference
    local = conference.starts_at.astimezone(tz) if conference.starts_at else None
    return SummaryInput(
        reference=w.case.reference,
        conference=Conference(
            _label(conference, w.case.nation),
            w.until,
            local.time() if local else None,
            conference.place,
        ),
        period=Period(w.since, w.until),
        family_description=w.case.family_description,
        child_views=tuple(views),
        harm_to_address=w.case.harm_to_address,
        harm_impact=w.case.harm_impact,
        family_meeting=FamilyMeeting(
            children=tuple(Child.from_stored(c).describe() for c in w.case.children),
            category=w.case.category,
            advocate=w.case.child_advocate,
            language=w.case.language,
            interpreter_needed=w.case.interpreter_needed,
        ),
        outcomes=outcomes,
        cycles=cycles,
        ratings=tuple(ratings),
        updates=tuple(updates),
        actions=tuple(
            PlanAction(
                a.description,
                plan.owners.get(a.owner_member_id or 0),
                a.due_date,
                a.status,
                a.outcome_id if a.outcome_id in known_outcomes else None,
            )
            for a in plan.actions
        ),
        attendance=tuple(attendance),
        reports=tuple(reports),
        rag_key=RagKey(w.area.rag_green_meaning, w.area.rag_amber_meaning, w.area.rag_red_meaning),
        timezone=w.case.timezone,
        # The number of children is not recorded yet, so only a baby before birth is told apart.
        children=children_words(
            pre_birth=w.case.pre_birth, birth_date=w.case.birth_date, on=w.until
        ),
        review_heading=meeting_heading(MeetingKind.RCPC, w.case.nation),
        review_short=review_short(w.case.nation),
    )


def digest_input(session: Session, case_id: int, conference_id: int) -> DigestInput:
    """The chair's digest: when and where, quorum, reports in and missing, RAG, new harm."""
    summary = summary_input(session, case_id, conference_id)
    case = session.get_one(Case, case_id)
    forecast = forecast_for(session, case, conference_id)
    return DigestInput(
        reference=summary.reference,
        conference=summary.conference,
        quorum=QuorumForecast(
            forecast.quorate,
            tuple(sorted(forecast.confirmed_agencies)),
            forecast.short_by,
            tuple(named(i.name, AGENCY_NAMES[i.agency]) for i in forecast.not_replied),
        ),
        reports=summary.reports,
        overview=rag_overview(summary),
        new_harm=harm_flags(summary),
        timezone=summary.timezone,
        kept=kept_from_family(summary),
        review_short=summary.review_short,
    )

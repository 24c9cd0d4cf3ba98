"""The update cycle: who owes an update for which meeting, prompts and chases, and submissions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.harm import raises_new_harm
from bot.rules.i18n import _
from bot.rules.messages import MessageKind
from bot.rules.schedule import away_on, calendar_for, deadline_day, meeting_day
from bot.rules.stand_ins import MAY_STAND_IN, form_audience, is_family_side, prefill
from bot.rules.timeline import format_day
from bot.rules.update_form import Audience, UpdateDraft
from bot.rules.vocabulary import UpdateRequestStatus
from bot.rules.work import Work, send_now
from bot.services import audit, jobs
from bot.services.access import check_give_update
from bot.services.harm import alert_new_harm
from bot.services.outbox import sent_about
from bot.services.plan import current_outcomes
from bot.slack.gateway import SlackError
from bot.ui.labels import meeting_words
from bot.ui.update_texts import (
    progress_blocks,
    progress_text,
)
from storage.models import (
    AgencyUpdate,
    Area,
    Case,
    Meeting,
    Member,
    Outcome,
    OutcomeRating,
    UpdateRequest,
)
from storage.queries import plain

log = logging.getLogger(__name__)


class UpdateError(Exception):
    """An update that cannot be opened or saved; the message is for the person."""


@dataclass(frozen=True)
class Receipt:
    """What was saved: for the thanks and the channel's progress count."""

    case_reference: str
    meeting_id: int
    meeting_label: str
    deadline_text: str
    version: int
    late: bool
    on_behalf_of: str | None
    past_deadline: bool = False  # no more changes: the receipt must not offer a date
    # Sent by the member's cover: shown as "sent by you for ..." rather than "filled in with".
    as_cover: bool = False
    # Outbox rows to send right after the answer (new harm to the social worker and chair).
    send_now: tuple[str, ...] = ()


def meeting_label(meeting: Meeting, case: Case) -> str:
    """e.g. 'core group meeting on Thu  3 Dec 2026', 'review CPPM on ...' (the case's nation's
    words)."""
    day = format_day(meeting_day(meeting, ZoneInfo(case.timezone)))
    return _("{meeting} on {day}").format(meeting=meeting_words(meeting.kind, case.nation), day=day)


@dataclass(frozen=True)
class UpdateContext:
    """Everything the update form needs about one request."""

    request: UpdateRequest
    member: Member
    case: Case
    area: Area
    meeting: Meeting
    outcomes: tuple[tuple[int, str], ...]
    previous: UpdateDraft | None
    previous_sent: datetime | None
    # Who sent the latest version (a Slack id): only they see its professional parts again.
    previous_by: str | None = None
    previous_version: int = 0

    @property
    def tz(self) -> ZoneInfo:
        """The case's time zone."""
        return ZoneInfo(self.case.timezone)


# Built once, run with parameters: an update form reads these inside Slack's request, and
# building a statement costs SQLAlchemy more than running it.
_REQUEST_AND_ITS_CASE = (
    sa_select(UpdateRequest, Member, Meeting, Case, Area)
    .join(Member, col(Member.id) == col(UpdateRequest.member_id))
    .join(Meeting, col(Meeting.id) == col(UpdateRequest.meeting_id))
    .join(Case, col(Case.id) == col(Meeting.case_id))
    .join(Area, col(Area.id) == col(Case.area_id))
    .where(col(UpdateRequest.id) == bindparam("request_id"))
)
_OUTCOMES = current_outcomes(col(Outcome.id), col(Outcome.wording))
_LATEST = (
    select(AgencyUpdate)
    .where(col(AgencyUpdate.request_id) == bindparam("request_id"))
    .order_by(col(AgencyUpdate.version).desc())
    .limit(1)
)

_RATINGS = sa_select(
    col(OutcomeRating.outcome_id), col(OutcomeRating.rag), col(OutcomeRating.note)
).where(col(OutcomeRating.update_id) == bindparam("update_id"))


def load_context(session: Session, request_id: int) -> UpdateContext | None:
    """The request, its member, case, meeting, the plan's outcomes (those not retired, in the
    plan's order) and the latest version."""
    found = session.execute(_REQUEST_AND_ITS_CASE, {"request_id": request_id}).first()
    if found is None:
        return None
    request, member, meeting, case, area = found
    assert case.id is not None
    outcomes = tuple(
        (outcome_id, wording)
        for outcome_id, wording in plain(session, _OUTCOMES, {"case_id": case.id})
    )
    latest = session.exec(_LATEST, params={"request_id": request_id}).first()
    previous = None
    if latest is not None:
        ratings = plain(session, _RATINGS, {"update_id": latest.id})
        previous = UpdateDraft(
            ratings=tuple((outcome_id, rag, note) for outcome_id, rag, note in ratings),
            going_well=latest.going_well,
            worries=latest.worries,
            new_harm=latest.new_harm,
            new_harm_detail=latest.new_harm_detail,
            child_last_seen=latest.child_last_seen,
            child_seen_alone=latest.child_seen_alone,
            child_views=latest.child_views,
            next_steps=latest.next_steps,
            help_needed=latest.help_needed,
            professional_only=latest.professional_only,
            professional_only_sections=tuple(latest.professional_only_sections),
        )
    return UpdateContext(
        request,
        member,
        case,
        area,
        meeting,
        outcomes,
        previous,
        latest.submitted_at if latest else None,
        latest.submitted_by if latest else None,
        latest.version if latest else 0,
    )


def is_repeat(context: UpdateContext, user_id: str, draft: UpdateDraft) -> bool:
    """Whether this is the latest version sent again by the same person, word for word."""
    if context.previous is None or context.previous_by != user_id:
        return False
    return _in_order(context.previous) == _in_order(draft)


def _in_order(draft: UpdateDraft) -> UpdateDraft:
    """The draft with its ratings in outcome order, so two copies compare equal."""
    return replace(draft, ratings=tuple(sorted(draft.ratings, key=lambda r: r[0])))


def is_covering(session: Session, context: UpdateContext, user_id: str, today: date) -> bool:
    """Whether `user_id` is the away member's cover today, and still a professional of the case."""
    if context.member.cover_member_id is None or not away_on(context.member, today):
        return False
    cover = session.get(Member, context.member.cover_member_id)
    return bool(
        cover is not None
        and cover.active
        and cover.slack_user_id == user_id
        and cover.role in MAY_STAND_IN
    )


@dataclass(frozen=True)
class FormPlan:
    """How the update form opens for one person: which form, pre-filled with what, for whom."""

    audience: Audience
    previous: UpdateDraft | None
    on_behalf_of: str | None


def form_plan(context: UpdateContext, user_id: str) -> FormPlan:
    """The form for `user_id`: a family-side member's plain form, or the professional one; the
    latest version pre-filled only where `prefill` allows (never a professional's to a cover)."""
    audience = form_audience(context.member.role)
    previous = prefill(
        context.previous, author=context.previous_by, reader=user_id, audience=audience
    )
    on_behalf = None if context.member.slack_user_id == user_id else context.member.display_name
    return FormPlan(audience, previous, on_behalf)


def may_give(session: Session, context: UpdateContext, user_id: str, today: date) -> str | None:
    """Why this person may not give this update, or None if they may."""
    away_cover = is_covering(session, context, user_id, today)
    decision = check_give_update(
        session, case=context.case, user_id=user_id, member=context.member, away_cover=away_cover
    )
    return None if decision.allowed else decision.reason


class FormMistakesError(Exception):
    """The form as sent cannot be kept: what to show beside which field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


# What a submission is read into once its request is known: the draft, and the work it leaves.
Compose = Callable[["UpdateContext"], tuple[UpdateDraft, Sequence[Work]]]


def save_update(
    deps: Dependencies,
    *,
    request_id: int,
    user_id: str,
    draft: UpdateDraft,
    then: Sequence[Work] = (),
) -> Receipt:
    """Keep a new version of the update; the first one after the deadline is kept, marked late.

    A submitted update can be changed until its deadline; after that it is with the chair.
    """
    return submit_update(
        deps, request_id=request_id, user_id=user_id, compose=lambda _: (draft, then)
    )


def submit_update(
    deps: Dependencies, *, request_id: int, user_id: str, compose: Compose
) -> Receipt:
    """`save_update` for a form: the request, its case and plan are read once, in the
    transaction that keeps the version, and `compose` reads the form against them (raising
    `FormMistakesError` for mistakes to show in it)."""
    try:
        return _save_version(deps, request_id, user_id, compose)
    except IntegrityError:
        # Another copy of this submission (Send pressed again while the first was still being
        # saved) took the version number first: read again, and it is a repeat or the next one.
        return _save_version(deps, request_id, user_id, compose)


def _save_version(
    deps: Dependencies,
    request_id: int,
    user_id: str,
    compose: Compose,
) -> Receipt:
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        context = load_context(session, request_id)
        if context is None:
            raise UpdateError(_("That update request no longer exists."))
        today = now.astimezone(context.tz).date()
        problem = may_give(session, context, user_id, today)
        if problem:
            raise UpdateError(problem)
        draft, then = compose(context)
        covering = context.member.slack_user_id != user_id and is_covering(
            session, context, user_id, today
        )
        request = context.request
        late = now > request.due_at
        on_behalf = None if context.member.slack_user_id == user_id else context.member.display_name
        meeting_id, tz = context.meeting.id, context.tz
        assert meeting_id is not None

        def receipt(version: int, late: bool, alerts: Sequence[str] = ()) -> Receipt:
            return Receipt(
                context.case.reference,
                meeting_id,
                meeting_label(context.meeting, context.case),
                format_day(request.due_at.astimezone(tz).date()),
                version,
                # Family-side words are invited, not owed: the trail keeps the time, but they
                # are never told, or shown, that they were late.
                late and not is_family_side(context.member.role),
                on_behalf,
                past_deadline=late,
                as_cover=covering,
                send_now=tuple(alerts),
            )

        if is_repeat(context, user_id, draft):
            # Sent again unchanged (Slack showed them an error and they pressed Send again):
            # the version they sent, thanked again; nothing new is kept, alerted or audited.
            sent = context.previous_sent
            return receipt(context.previous_version, sent is not None and sent > request.due_at)
        if late and request.status == UpdateRequestStatus.RECEIVED:
            raise UpdateError(
                _(
                    "The deadline for changes has passed, so your update is with the chair as "
                    "it was. If something important has changed, please tell the social worker."
                )
            )
        known = {oid for oid, _ in context.outcomes}
        version = context.previous_version + 1
        update = AgencyUpdate(
            request_id=request_id,
            version=version,
            submitted_by=user_id,
            submitted_at=now,
            going_well=draft.going_well,
            worries=draft.worries,
            new_harm=draft.new_harm,
            new_harm_detail=draft.new_harm_detail,
            child_last_seen=draft.child_last_seen,
            child_seen_alone=draft.child_seen_alone,
            child_views=draft.child_views,
            next_steps=draft.next_steps,
            help_needed=draft.help_needed,
            professional_only=draft.professional_only,
            professional_only_sections=list(draft.professional_only_sections),
            cover_member_id=context.member.cover_member_id if covering else None,
        )
        session.add(update)
        session.flush()
        assert update.id is not None
        jobs.add(session, then, now=now)  # committed with the change
        for outcome_id, rag, note in draft.ratings:
            if outcome_id in known:
                session.add(
                    OutcomeRating(update_id=update.id, outcome_id=outcome_id, rag=rag, note=note)
                )
        if request.status != UpdateRequestStatus.RECEIVED:
            request.status, request.received_at = UpdateRequestStatus.RECEIVED, now
            session.add(request)
        # New harm goes to the social worker and chair now, in this same transaction.
        alerts = (
            alert_new_harm(
                session, case_id=context.case.id or 0, update_id=update.id, sender=user_id, now=now
            )
            if raises_new_harm(context.previous, draft)
            else []
        )
        jobs.add(
            session, send_now(alerts), now=now, case_id=context.case.id
        )  # new harm: sent at once, after the answer
        audit.record(
            session,
            actor=user_id,
            action=AuditAction.UPDATE_SUBMITTED,
            at=now,
            case_id=context.case.id,
            request=request_id,
            version=version,
            late=late,
            on_behalf_of=context.member.id if on_behalf else None,
            cover=context.member.cover_member_id if covering else None,
        )
        return receipt(version, late, alerts)


def progress_content(session: Session, meeting_id: int) -> tuple[str, list[Block]]:
    """The channel's "n of m updates in" line for a meeting (counts only, never content)."""
    meeting = session.get_one(Meeting, meeting_id)
    case = session.get_one(Case, meeting.case_id)
    area = session.get_one(Area, case.area_id)
    statuses = session.exec(
        select(UpdateRequest.status).where(
            UpdateRequest.meeting_id == meeting_id,
            UpdateRequest.status != UpdateRequestStatus.WAIVED,
        )
    ).all()
    tz = ZoneInfo(case.timezone)
    received = sum(status == UpdateRequestStatus.RECEIVED for status in statuses)
    deadline = deadline_day(meeting, area, calendar_for(area, case), tz)
    blocks = progress_blocks(
        received, len(statuses), meeting_label(meeting, case), format_day(deadline)
    )
    return progress_text(case.reference), blocks


def refresh_progress(deps: Dependencies, meeting_id: int) -> None:
    """Update the channel's "n of m updates in" line in place."""
    with deps.unit_of_work() as session:
        text, blocks = progress_content(session, meeting_id)
        case_id = session.get_one(Meeting, meeting_id).case_id
        rows = sent_about(
            session, case_id=case_id, meeting_id=meeting_id, kinds=[MessageKind.PROGRESS]
        )
    for row in rows:
        try:
            deps.gateway.update(
                row.slack_channel or row.recipient, row.slack_ts or "", text, blocks
            )
        except SlackError as error:
            log.warning("could not update the progress of meeting %s: %s", meeting_id, error.code)

"""After the updates: the summary drafted and released, and the conference's decision recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from sqlmodel import Session, col, func, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.escape import escape_mrkdwn
from bot.rules.ids import ActionId
from bot.rules.messages import MessageKind
from bot.rules.schedule import calendar_for, meeting_day, rules_for
from bot.rules.stand_ins import FAMILY_SIDE
from bot.rules.timeline import format_day
from bot.rules.vocabulary import (
    CaseStatus,
    Category,
    Decision,
    MeetingKind,
    MeetingStatus,
    Role,
)
from bot.rules.working_days import add_months
from bot.services import audit
from bot.services.access import Permission, check
from bot.services.outbox import sent_about
from bot.services.review import digest_input, summary_input
from bot.services.separation import hidden_from
from bot.slack.gateway import SlackError
from bot.summary import (
    Audience,
    SummaryInput,
    digest_blocks,
    digest_notification_text,
    summary_blocks,
    summary_html,
    summary_markdown,
    summary_notification_text,
)
from bot.ui.common import context, section
from bot.ui.labels import DECISION_WORDS
from storage.models import Area, Case, Meeting, Member

log = logging.getLogger(__name__)


class ConferenceError(Exception):
    """Something about the conference that cannot be done; the message is for the person."""


def current_conference(session: Session, case_id: int) -> Meeting | None:
    """The review conference now in hand: the earliest one without a decision."""
    return session.exec(
        select(Meeting)
        .where(Meeting.case_id == case_id, Meeting.kind == MeetingKind.RCPC)
        .where(col(Meeting.decision).is_(None), Meeting.status != MeetingStatus.CANCELLED)
        .order_by(col(Meeting.sequence))
    ).first()


def _holders(session: Session, case_id: int, *roles: Role) -> list[Member]:
    return list(
        session.exec(
            select(Member).where(
                Member.case_id == case_id,
                col(Member.active),
                col(Member.role).in_(roles),
                col(Member.slack_user_id).is_not(None),
            )
        )
    )


def draft_summary(deps: Dependencies, *, case_id: int, actor: str) -> str:
    """Send the draft (professional copy) to the social worker and chair, for the chair to
    release; returns what to tell the person who asked."""
    with deps.unit_of_work() as session:
        conference = current_conference(session, case_id)
        if conference is None or conference.id is None:
            raise ConferenceError("There is no review conference waiting for a summary.")
        summary = summary_input(session, case_id, conference.id)
        readers = _holders(session, case_id, Role.SOCIAL_WORKER, Role.CHAIR)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.SUMMARY_DRAFTED,
            at=deps.clock.now(),
            case_id=case_id,
            meeting=conference.id,
        )
    messages = summary_blocks(summary, Audience.PROFESSIONAL)
    intro: list[Block] = [
        section(
            f"Here is the draft summary for *{escape_mrkdwn(summary.reference)}*'s review "
            f"conference on {format_day(summary.conference.day)}: the professional copy. The "
            "chair releases it to the core group; the family's copy leaves out what is marked "
            "for professionals only."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Release to the core group",
                    action_id=ActionId.RELEASE_SUMMARY,
                    value=str(conference.id),
                    style="primary",
                )
            ]
        ),
    ]
    for reader in readers:
        assert reader.slack_user_id is not None
        deps.gateway.post(reader.slack_user_id, summary_notification_text(summary.reference), intro)
        for blocks in messages:
            deps.gateway.post(
                reader.slack_user_id, summary_notification_text(summary.reference), blocks
            )
    return "The draft summary is in your direct messages (and the chair's), ready to release."


def release_summary(deps: Dependencies, *, conference_id: int, actor: str) -> None:
    """Post the family's copy in the channel with its documents; professionals get theirs."""
    with deps.unit_of_work() as session:
        conference = session.get(Meeting, conference_id)
        if conference is None:
            raise ConferenceError("That conference no longer exists.")
        case = session.get_one(Case, conference.case_id)
        if not check(
            session, case=case, user_id=actor, permission=Permission.RELEASE_SUMMARY
        ).allowed:
            raise ConferenceError("Sorry, only the conference chair can release the summary.")
        assert case.id is not None
        summary = summary_input(session, case.id, conference_id)
        # Served separately, each family-side member gets a copy without the others' words.
        own_copies = [
            (
                member.slack_user_id,
                summary_input(
                    session, case.id, conference_id, leave_out=hidden_from(session, case, member)
                ),
            )
            for member in _holders(session, case.id, *FAMILY_SIDE)
            if case.family_separate and member.slack_user_id
        ]
        professionals = [
            m for m in _holders(session, case.id, Role.SOCIAL_WORKER, Role.CHAIR, Role.PROFESSIONAL)
        ]
        audit.record(
            session,
            actor=actor,
            action=AuditAction.SUMMARY_RELEASED,
            at=deps.clock.now(),
            case_id=case.id,
            meeting=conference_id,
        )
    if case.slack_channel_id is None or case.channel_archived:
        raise ConferenceError("The case channel is archived, so the summary can't be posted.")
    text = summary_notification_text(summary.reference)
    for blocks in summary_blocks(summary, Audience.FAMILY):
        deps.gateway.post(case.slack_channel_id, text, blocks)
    name = f"{summary.reference}-review-{summary.conference.day.isoformat()}"
    deps.gateway.upload(
        case.slack_channel_id,
        f"{name}.html",
        summary_html(summary, Audience.FAMILY).encode(),
        "Summary (family copy)",
    )
    deps.gateway.upload(
        case.slack_channel_id,
        f"{name}.md",
        summary_markdown(summary, Audience.FAMILY).encode(),
        "Summary (family copy, text)",
    )
    for reader, copy in own_copies:
        try:
            _send_family_copy(deps, reader, copy, name)
        except SlackError as error:
            log.warning("could not send a family member their copy: %s", error.code)
    professional = summary_html(summary, Audience.PROFESSIONAL).encode()
    for member in professionals:
        assert member.slack_user_id is not None
        try:
            dm = deps.gateway.open_dm(member.slack_user_id)
            deps.gateway.upload(
                dm, f"{name}-professional.html", professional, "Summary (professional copy)"
            )
        except SlackError as error:
            log.warning("could not share the professional summary: %s", error.code)


def refresh_digest(deps: Dependencies, case_id: int) -> None:
    """A digest already sent is brought up to date in place when replies or updates arrive."""
    with deps.unit_of_work() as session:
        conference = current_conference(session, case_id)
        if conference is None or conference.id is None:
            return
        rows = sent_about(
            session, case_id=case_id, meeting_id=conference.id, kinds=[MessageKind.DIGEST]
        )
        if not rows:
            return
        digest = digest_input(session, case_id, conference.id)
    blocks = digest_blocks(digest)
    for row in rows:
        try:
            deps.gateway.update(
                row.slack_channel or row.recipient,
                row.slack_ts or "",
                digest_notification_text(digest.reference),
                blocks,
            )
        except SlackError as error:
            log.warning("could not refresh a digest of case %s: %s", case_id, error.code)


@dataclass(frozen=True)
class Recorded:
    """What was decided, for the messages that follow."""

    case_id: int
    reference: str
    decision: Decision
    next_review: str | None


def record_decision(
    deps: Dependencies,
    *,
    conference_id: int,
    actor: str,
    decision: Decision,
    category: Category | None,
    dissent: str | None,
) -> Recorded:
    """The chair records the conference's decision; the schedule follows from it."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        conference = session.get(Meeting, conference_id)
        if conference is None or conference.kind != MeetingKind.RCPC:
            raise ConferenceError("That conference no longer exists.")
        case = session.get_one(Case, conference.case_id)
        if not check(
            session, case=case, user_id=actor, permission=Permission.RECORD_DECISION
        ).allowed:
            raise ConferenceError("Sorry, only the conference chair records its decision.")
        if conference.decision is not None:
            raise ConferenceError("This conference's decision is already recorded.")
        if decision == Decision.CONTINUE and category is None:
            raise ConferenceError("Please choose the category the plan continues under.")
        assert case.id is not None
        conference.decision, conference.category = decision, category
        conference.dissent = (dissent or "").strip() or None
        conference.decided_by, conference.decided_at = actor, now
        conference.status = MeetingStatus.HELD
        conference.held_at = conference.held_at or conference.starts_at or now
        session.add(conference)
        next_review = None
        if decision == Decision.CONTINUE:
            next_review = _next_review(session, case, conference)
        else:
            case.status = (
                CaseStatus.STEPPED_DOWN if decision == Decision.STEP_DOWN else CaseStatus.ENDED
            )
            case.closed_at = now
            session.add(case)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.CONFERENCE_DECISION,
            at=now,
            case_id=case.id,
            meeting=conference_id,
            decision=decision.value,
            category=category.value if category else None,
            dissent=bool(conference.dissent),
        )
        recorded = Recorded(case.id, case.reference, decision, next_review)
    return recorded


def _next_review(session: Session, case: Case, conference: Meeting) -> str:
    """The next review is due within 6 months of this one (its core groups before it)."""
    area = session.get_one(Area, case.area_id)
    calendar = calendar_for(area, case)
    tz = ZoneInfo(case.timezone)
    held = meeting_day(conference, tz)
    due = calendar.on_or_before(add_months(held, 6))
    later = session.exec(
        select(Meeting)
        .where(
            Meeting.case_id == case.id,
            Meeting.kind == MeetingKind.RCPC,
            Meeting.sequence > conference.sequence,
        )
        .order_by(col(Meeting.sequence))
    ).first()
    if later is None:
        later = Meeting(
            case_id=case.id or 0,
            kind=MeetingKind.RCPC,
            sequence=conference.sequence + 1,
            due_by=due,
        )
    if later.status == MeetingStatus.DUE:
        later.due_by = min(later.due_by, due) if later.id else due
    session.add(later)
    # Core groups keep their rhythm up to the next review.
    last_core = session.exec(
        select(func.max(Meeting.due_by)).where(
            Meeting.case_id == case.id, Meeting.kind == MeetingKind.CORE_GROUP
        )
    ).one()
    sequence = (
        session.exec(
            select(func.max(Meeting.sequence)).where(
                Meeting.case_id == case.id, Meeting.kind == MeetingKind.CORE_GROUP
            )
        ).one()
        or 0
    )
    interval = timedelta(weeks=rules_for(area, case.nation).core_group_interval_weeks)
    day = last_core or held
    while day + interval <= later.due_by:
        day = calendar.on_or_before(day + interval)
        sequence += 1
        session.add(
            Meeting(
                case_id=case.id or 0, kind=MeetingKind.CORE_GROUP, sequence=sequence, due_by=day
            )
        )
    session.flush()
    return format_day(later.due_by)


def _send_family_copy(deps: Dependencies, user_id: str, summary: SummaryInput, name: str) -> None:
    """One family member's own copy, in their direct messages, with its documents."""
    text = summary_notification_text(summary.reference)
    for blocks in summary_blocks(summary, Audience.FAMILY):
        deps.gateway.post(user_id, text, blocks)
    dm = deps.gateway.open_dm(user_id)
    deps.gateway.upload(
        dm, f"{name}.html", summary_html(summary, Audience.FAMILY).encode(), "Summary (your copy)"
    )
    deps.gateway.upload(
        dm,
        f"{name}.md",
        summary_markdown(summary, Audience.FAMILY).encode(),
        "Summary (your copy, text)",
    )


def announce_decision(deps: Dependencies, recorded: Recorded) -> None:
    """Tell everyone in writing; when the plan ends, offer to export and archive the channel."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, recorded.case_id)
        members = _holders(session, recorded.case_id, *Role)
        holders = [m for m in members if m.role in (Role.SOCIAL_WORKER, Role.CHAIR)]
    what = DECISION_WORDS[recorded.decision]
    text = f"The review conference's decision for {case.reference}"
    if recorded.decision == Decision.CONTINUE:
        body = (
            f"The review conference decided to {what}. The next review is due by "
            f"{recorded.next_review}; core group meetings and updates carry on as before."
        )
    else:
        body = (
            f"The review conference decided to {what}. Thank you, everyone, for the work you "
            "have done together with the family. I won't send any more reminders for this "
            "case. The social worker will explain what happens next."
        )
    blocks = [section(body), context("This is the written notice of the decision.")]
    if case.slack_channel_id and not case.channel_archived:
        deps.gateway.post(case.slack_channel_id, text, blocks)
    for member in members:
        assert member.slack_user_id is not None
        try:
            deps.gateway.post(member.slack_user_id, text, blocks)
        except SlackError as error:
            log.warning("could not send the decision to a member: %s", error.code)
    if recorded.decision == Decision.CONTINUE:
        return
    offer: list[Block] = [
        section(
            f"The plan for *{escape_mrkdwn(case.reference)}* has ended. Slack is not the case "
            "record: export the summaries, updates, plan history, attendance and audit trail to "
            f"your case record system with `coregroup export {case.reference} --out DIR` "
            "(your administrator can run it), then archive the channel."
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Archive the channel",
                    action_id=ActionId.ARCHIVE_CHANNEL,
                    value=str(case.id),
                    style="danger",
                )
            ]
        ),
    ]
    for holder in holders:
        assert holder.slack_user_id is not None
        deps.gateway.post(holder.slack_user_id, f"Closing {case.reference}", offer)


def archive_case_channel(deps: Dependencies, *, case_id: int, actor: str) -> str:
    """Archive the channel of a case whose plan has ended."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        if case.status == CaseStatus.OPEN:
            raise ConferenceError("The plan is still running, so the channel stays open.")
        if not check(session, case=case, user_id=actor, permission=Permission.ARCHIVE_CASE).allowed:
            raise ConferenceError("Sorry, only the social worker or the chair can archive it.")
        channel = case.slack_channel_id
        case.channel_archived = True
        session.add(case)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.CASE_ARCHIVED,
            at=deps.clock.now(),
            case_id=case_id,
        )
    if channel:
        try:
            deps.gateway.archive(channel)
        except SlackError as error:
            if error.code != "already_archived":
                raise ConferenceError(f"Slack would not archive it ({error.code}).") from None
    return "The channel is archived. Its history stays available to its members."


def decision_recorded_by(
    deps: Dependencies, *, conference_id: int, case_id: int, user_id: str
) -> Recorded | None:
    """The conference's recorded decision, if this person recorded it (so the one submission
    that was accepted, not an earlier or a refused one, announces it)."""
    with deps.unit_of_work() as session:
        conference = session.get(Meeting, conference_id)
        case = session.get(Case, case_id)
        if conference is None or case is None or case.id is None:
            return None
        if conference.decision is None or conference.decided_by != user_id:
            return None
        following = current_conference(session, case.id)
        next_review = format_day(following.due_by) if following else None
        return Recorded(case.id, case.reference, conference.decision, next_review)

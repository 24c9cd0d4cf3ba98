"""After the updates: the summary drafted and released, and the conference's decision recorded."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement
from sqlmodel import Session, col, select

from bot.deps import Dependencies
from bot.rules.audit_actions import AuditAction
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import LOCALES, N_, _, current, locale_of, speaking
from bot.rules.ids import ActionId
from bot.rules.messages import MessageKind
from bot.rules.schedule import calendar_for, meeting_day, rules_for
from bot.rules.stand_ins import FAMILY_SIDE
from bot.rules.timeline import (
    TimelineRules,
    format_day,
    next_core_group_by,
    report_deadline,
)
from bot.rules.vocabulary import (
    CaseStatus,
    Category,
    Decision,
    Language,
    MeetingKind,
    MeetingStatus,
    Role,
)
from bot.rules.work import Work
from bot.rules.working_days import WorkingCalendar, add_months
from bot.services import audit, jobs
from bot.services.access import Permission, check
from bot.services.cases import refresh_case_card
from bot.services.family import family_help
from bot.services.languages import person_language, recipient_language
from bot.services.meetings import cancel_coming_meetings, share_calendar_file
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
    summary_headline_blocks,
    summary_html,
    summary_markdown,
    summary_notification_text,
)
from bot.summary.notice import DecisionNotice, notice_blocks, notice_html, notice_text
from bot.summary.printable import pdf_from_html
from bot.ui.bilingual import rendered
from bot.ui.common import section
from bot.ui.labels import meeting_words
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
            raise ConferenceError(_("There is no review conference waiting for a summary."))
        summary = summary_input(session, case_id, conference.id)
        # The summary is the case's document: in the case's language, whoever reads it.
        language = session.get_one(Case, case_id).bot_language
        readers = _holders(session, case_id, Role.SOCIAL_WORKER, Role.CHAIR)
        audit.record(
            session,
            actor=actor,
            action=AuditAction.SUMMARY_DRAFTED,
            at=deps.clock.now(),
            case_id=case_id,
            meeting=conference.id,
        )
    text = summary_notification_text(summary.reference, summary.review_heading, language)
    head, *overflow = summary_headline_blocks(summary, Audience.PROFESSIONAL, language)
    heading = summary.review_heading  # "Review CPPM": in the sentence, "review CPPM"
    review = heading[:1].lower() + heading[1:]
    intro: list[Block | dict[str, Any]] = [
        section(
            _(
                "Here is the draft summary for *{reference}*'s {review} on {day}: the "
                "professional copy. The chair releases it to the core group; the family's copy "
                "leaves out what is marked for professionals only."
            ).format(
                reference=escape_mrkdwn(summary.reference),
                review=review,
                day=format_day(summary.conference.day),
            )
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=_("Release to the core group"),
                    action_id=ActionId.RELEASE_SUMMARY,
                    value=str(conference.id),
                    style="primary",
                )
            ]
        ),
    ]
    family_pdf = pdf_from_html(summary_html(summary, Audience.FAMILY, language))
    pdf_name = f"{summary.reference}-review-{summary.conference.day.isoformat()}-family-copy.pdf"
    # One direct message to read and act on; the whole summary waits in its thread.
    details = [*overflow, *summary_blocks(summary, Audience.PROFESSIONAL, language)]
    for reader in readers:
        assert reader.slack_user_id is not None
        dm, ts = deps.gateway.post(reader.slack_user_id, text, [*intro, *head])
        for blocks in details:
            deps.gateway.post(reader.slack_user_id, text, blocks, thread_ts=ts)
        if reader.role == Role.SOCIAL_WORKER:
            # For the preparation visit: the family's copy as it stands, to go through with them
            # and to leave with family members who are not on Slack.
            deps.gateway.upload(
                dm, pdf_name, family_pdf, _("Summary (family copy, to print for your visit)")
            )
    return _("The draft summary is in your direct messages (and the chair's), ready to release.")


def release_summary(deps: Dependencies, *, conference_id: int, actor: str) -> None:
    """Post the family's copy in the channel with its documents; professionals get theirs."""
    with deps.unit_of_work() as session:
        conference = session.get(Meeting, conference_id)
        if conference is None:
            raise ConferenceError(_("That conference no longer exists."))
        case = session.get_one(Case, conference.case_id)
        if not check(
            session, case=case, user_id=actor, permission=Permission.RELEASE_SUMMARY
        ).allowed:
            raise ConferenceError(_("Sorry, only the conference chair can release the summary."))
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
        # Once, however often the release runs (a job that stopped half-way runs again).
        released_before = any(
            event.detail.get("meeting") == conference_id
            for event in audit.recent(session, case_id=case.id, limit=500)
            if event.action == AuditAction.SUMMARY_RELEASED
        )
        if not released_before:
            audit.record(
                session,
                actor=actor,
                action=AuditAction.SUMMARY_RELEASED,
                at=deps.clock.now(),
                case_id=case.id,
                meeting=conference_id,
            )
    if case.slack_channel_id is None or case.channel_archived:
        raise ConferenceError(_("The case channel is archived, so the summary can't be posted."))
    language = case.bot_language  # the summary and its documents follow the case's language
    text = summary_notification_text(summary.reference, summary.review_heading, language)
    name = f"{summary.reference}-review-{summary.conference.day.isoformat()}"
    release = f"c{case.id}:release:{conference_id}"
    # The channel gets one message, the headline; the documents and the whole summary are
    # replies in its thread, so a long summary never buries the channel. A part an earlier
    # attempt posted is found (by its metadata key, or a document by its name) and not posted
    # again.
    head, *overflow = summary_headline_blocks(summary, Audience.FAMILY, language)
    _post_once(
        deps,
        case.slack_channel_id,
        release,
        text,
        head,
        [
            *_documents(name, summary, Audience.FAMILY, language),
            # Printed and handed to family members who are not on Slack.
            (
                f"{name}.pdf",
                lambda: pdf_from_html(summary_html(summary, Audience.FAMILY, language)),
                _("Summary (family copy, to print)"),
            ),
        ],
        [*overflow, *summary_blocks(summary, Audience.FAMILY, language)],
    )
    for reader, copy in own_copies:
        try:
            head, *overflow = summary_headline_blocks(copy, Audience.FAMILY, language)
            _post_once(
                deps,
                deps.gateway.open_dm(reader),
                release,
                text,
                head,
                _documents(name, copy, Audience.FAMILY, language),
                [*overflow, *summary_blocks(copy, Audience.FAMILY, language)],
            )
        except SlackError as error:
            log.warning("could not send a family member their copy: %s", error.code)
    # Each professional likewise: their copy's headline, its documents in the thread (the page
    # holds every word, so their direct messages are not filled with the summary again).
    professional_head = [
        block
        for message in summary_headline_blocks(summary, Audience.PROFESSIONAL, language)
        for block in message
    ]
    for member in professionals:
        assert member.slack_user_id is not None
        try:
            _post_once(
                deps,
                deps.gateway.open_dm(member.slack_user_id),
                release,
                text,
                professional_head,
                _documents(name, summary, Audience.PROFESSIONAL, language),
                [],
            )
        except SlackError as error:
            log.warning("could not share the professional summary: %s", error.code)


# The metadata event type of a released summary's messages (as the outbox's are marked).
RELEASE_EVENT = "coregroup_release"

Document = tuple[str, Callable[[], bytes], str]  # file name, its content when needed, its title


def _post_once(
    deps: Dependencies,
    channel: str,
    key: str,
    text: str,
    head: Sequence[Block | dict[str, Any]],
    documents: Sequence[Document],
    thread: Sequence[Sequence[Block | dict[str, Any]]],
) -> str:
    """A headline with documents and blocks in its thread, each part posted unless an earlier
    attempt posted it already; returns the headline's ts. Keys name the conversation too, so
    the same message in the channel and in each direct message has a key of its own."""
    key = f"{key}@{channel}"
    earlier = deps.gateway.bot_messages(channel)
    posted = {m.metadata_key: m.ts for m in earlier if m.metadata_key.startswith(key)}
    shared = {file_name for m in earlier for _file_id, file_name in m.files}

    def meta(part: str) -> dict[str, Any]:
        return {"event_type": RELEASE_EVENT, "event_payload": {"key": f"{key}:{part}"}}

    ts = posted.get(f"{key}:head")
    if ts is None:
        _, ts = deps.gateway.post(channel, text, head, metadata=meta("head"))
    for file_name, content, title in documents:
        if file_name not in shared:
            deps.gateway.upload(channel, file_name, content(), title, thread_ts=ts)
    for number, blocks in enumerate(thread):
        if f"{key}:part:{number}" not in posted:
            deps.gateway.post(channel, text, blocks, metadata=meta(f"part:{number}"), thread_ts=ts)
    return ts


_DOCUMENT_TITLES = {
    Audience.FAMILY: (N_("Summary (family copy)"), N_("Summary (family copy, text)")),
    Audience.PROFESSIONAL: (
        N_("Summary (professional copy)"),
        N_("Summary (professional copy, text)"),
    ),
}


def _documents(
    name: str, summary: SummaryInput, audience: Audience, language: Language
) -> list[Document]:
    """The summary as a page to print and a Markdown file, for the thread of its headline."""
    suffix = "" if audience is Audience.FAMILY else f"-{audience.value}"
    page_title, text_title = _DOCUMENT_TITLES[audience]
    return [
        (
            f"{name}{suffix}.html",
            lambda: summary_html(summary, audience, language).encode(),
            _(page_title),
        ),
        (
            f"{name}{suffix}.md",
            lambda: summary_markdown(summary, audience, language).encode(),
            _(text_title),
        ),
    ]


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
        meeting_id = conference.id

        def said() -> tuple[str, list[dict[str, Any]]]:
            # Gathered in the language being written too: the agencies' names are in it.
            digest = digest_input(session, case_id, meeting_id)
            text = digest_notification_text(digest.reference, digest.review_short)
            return text, digest_blocks(digest)

        # Each digest as it was written: in its reader's language (bot.delivery.content).
        digests = [
            (row, rendered(recipient_language(session, row.recipient, case_id=case_id), said))
            for row in rows
        ]
    for row, digest in digests:
        try:
            deps.gateway.update(
                row.slack_channel or row.recipient,
                row.slack_ts or "",
                digest["text"],
                digest["blocks"],
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
    conference_id: int | None = None


def record_decision(
    deps: Dependencies,
    *,
    conference_id: int,
    actor: str,
    decision: Decision,
    category: Category | None,
    dissent: str | None,
    plan_changes: str | None = None,
    then: Sequence[Work] = (),
) -> Recorded:
    """The chair records the conference's decision; the schedule follows from it."""
    now = deps.clock.now()
    with deps.unit_of_work() as session:
        jobs.add(session, then, now=deps.clock.now())  # committed with the change
        conference = session.get(Meeting, conference_id)
        if conference is None or conference.kind != MeetingKind.RCPC:
            raise ConferenceError(_("That conference no longer exists."))
        case = session.get_one(Case, conference.case_id)
        if not check(
            session, case=case, user_id=actor, permission=Permission.RECORD_DECISION
        ).allowed:
            raise ConferenceError(_("Sorry, only the conference chair records its decision."))
        if conference.decision is not None:
            raise ConferenceError(_("This conference's decision is already recorded."))
        if decision == Decision.CONTINUE and category is None:
            raise ConferenceError(_("Please choose the category the plan continues under."))
        assert case.id is not None
        conference.decision, conference.category = decision, category
        conference.dissent = (dissent or "").strip() or None
        conference.plan_changes = (plan_changes or "").strip() or None
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
            # Meetings still set would stay in people's calendars: they are cancelled here and
            # their cancelling calendar files follow the announcement.
            cancel_coming_meetings(session, case, now)
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
        recorded = Recorded(case.id, case.reference, decision, next_review, conference_id)
    return recorded


def _next_review(session: Session, case: Case, conference: Meeting) -> str:
    """The next review is due within the nation's interval of this one, and the core groups
    before it re-base on this review (`next_core_group_by`), as the case's timeline does."""
    area = session.get_one(Area, case.area_id)
    calendar = calendar_for(area, case)
    rules = rules_for(area, case.nation)
    tz = ZoneInfo(case.timezone)
    held = meeting_day(conference, tz)
    due = calendar.on_or_before(add_months(held, rules.later_rcpc_months))
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
        later.reports_due = report_deadline(
            later.due_by, calendar, area.report_deadline_working_days
        )
    session.add(later)
    _rebase_core_groups(session, case, calendar, rules, held, meeting_day(later, tz))
    session.flush()
    return format_day(later.due_by)


def _rebase_core_groups(
    session: Session,
    case: Case,
    calendar: WorkingCalendar,
    rules: TimelineRules,
    held: date,
    next_review: date,
) -> None:
    """Core groups after a review run an interval from it: those not yet dated move, and more are
    added up to the next review (a dated one keeps its date, and the cycle follows it)."""
    core_groups = session.exec(
        select(Meeting)
        .where(Meeting.case_id == case.id, Meeting.kind == MeetingKind.CORE_GROUP)
        .order_by(col(Meeting.sequence))
    ).all()
    tz = ZoneInfo(case.timezone)
    sequence = max((m.sequence for m in core_groups), default=0)
    reviews = [held, next_review]
    previous = held
    for meeting in core_groups:
        if meeting.status == MeetingStatus.CANCELLED or meeting_day(meeting, tz) <= held:
            continue
        if meeting.status == MeetingStatus.DUE:
            meeting.due_by = next_core_group_by(previous, reviews, calendar, rules)
            session.add(meeting)
        previous = meeting_day(meeting, tz)
    while (day := next_core_group_by(previous, reviews, calendar, rules)) <= next_review:
        sequence += 1
        session.add(
            Meeting(
                case_id=case.id or 0, kind=MeetingKind.CORE_GROUP, sequence=sequence, due_by=day
            )
        )
        previous = day


def announce_decision(deps: Dependencies, recorded: Recorded) -> None:
    """Tell everyone in writing; the social worker also gets a printable notice for family
    members not on Slack; when the plan ends, offer to export and archive the channel."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, recorded.case_id)
        members = _holders(session, recorded.case_id, *Role)
        holders = [m for m in members if m.role in (Role.SOCIAL_WORKER, Role.CHAIR)]
        # The notice in each language it may be read in: the channel's, each member's own.
        notices: dict[str, DecisionNotice] = {}
        for locale in LOCALES:
            with speaking(locale):
                notices[locale] = decision_notice(session, case, recorded)
        languages = {
            m.slack_user_id: person_language(session, m.slack_user_id)
            for m in members
            if m.slack_user_id
        }
        offline_family = _offline_family(session, recorded.case_id)

    def said() -> tuple[str, list[dict[str, Any]]]:
        review = meeting_words(MeetingKind.RCPC, case.nation)
        return notice_text(case.reference, review), notice_blocks(notices[current()])

    # Each message once, however often this runs (found by its metadata key if it was sent).
    decided = f"c{recorded.case_id}:decision:{recorded.conference_id}"
    if case.slack_channel_id and not case.channel_archived:
        posted = rendered(case.bot_language, said)
        _post_once(deps, case.slack_channel_id, decided, posted["text"], posted["blocks"], [], [])
    for member in members:
        assert member.slack_user_id is not None
        told = rendered(languages[member.slack_user_id], said)
        try:
            _post_once(
                deps,
                deps.gateway.open_dm(member.slack_user_id),
                decided,
                told["text"],
                told["blocks"],
                [],
                [],
            )
        except SlackError as error:
            log.warning("could not send the decision to a member: %s", error.code)
    refresh_case_card(deps, recorded.case_id)  # the conference decided is no longer "next"
    if offline_family:
        # Printed for the family in the case's language (Welsh, for a bilingual case).
        locale = locale_of(case.bot_language)
        with speaking(locale):
            _send_printable_notice(deps, case, notices[locale], offline_family, holders, decided)
    if recorded.decision == Decision.CONTINUE:
        return
    with deps.unit_of_work() as session:
        cancelled = session.exec(
            select(Meeting.id).where(
                Meeting.case_id == recorded.case_id,
                Meeting.status == MeetingStatus.CANCELLED,
                col(Meeting.starts_at) > deps.clock.now(),
            )
        ).all()
    # A cancellation already shared (by an earlier run) is not shared again.
    shared = (
        {n for m in deps.gateway.bot_messages(case.slack_channel_id) for _file_id, n in m.files}
        if case.slack_channel_id and not case.channel_archived
        else set()
    )
    for meeting_id in cancelled:
        assert meeting_id is not None
        share_calendar_file(deps, case_id=recorded.case_id, meeting_id=meeting_id, unless=shared)
    offer: list[Block] = [
        section(
            _(
                "The plan for *{reference}* has ended. Slack is not the case record: export the "
                "summaries, updates, plan history, attendance and audit trail to your case "
                "record system with `coregroup export {name} --out DIR` (your administrator can "
                "run it), then archive the channel."
            ).format(reference=escape_mrkdwn(case.reference), name=case.reference)
        ),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=_("Archive the channel"),
                    action_id=ActionId.ARCHIVE_CHANNEL,
                    value=str(case.id),
                    style="danger",
                )
            ]
        ),
    ]
    for holder in holders:
        assert holder.slack_user_id is not None
        dm = deps.gateway.open_dm(holder.slack_user_id)
        closing = _("Closing {reference}").format(reference=case.reference)
        _post_once(deps, dm, f"{decided}:closing", closing, offer, [], [])


def decision_notice(session: Session, case: Case, recorded: Recorded) -> DecisionNotice:
    """What the written notice of a decision says, read from the conference and the schedule."""
    conference = (
        session.get(Meeting, recorded.conference_id) if recorded.conference_id is not None else None
    )
    area = session.get_one(Area, case.area_id)
    return DecisionNotice(
        reference=case.reference,
        review=meeting_words(MeetingKind.RCPC, case.nation),
        decision=recorded.decision,
        category=conference.category if conference else None,
        plan_changes=conference.plan_changes if conference else None,
        next_core_group=_next_core_group(session, case, conference)
        if recorded.decision == Decision.CONTINUE
        else None,
        next_review=recorded.next_review,
        dissent=conference.dissent if conference else None,
        help=family_help(area),
        pre_birth=case.pre_birth,
    )


def _next_core_group(session: Session, case: Case, conference: Meeting | None) -> str | None:
    tz = ZoneInfo(case.timezone)
    after = meeting_day(conference, tz) if conference else None
    candidates = session.exec(
        select(Meeting)
        .where(
            Meeting.case_id == case.id,
            Meeting.kind == MeetingKind.CORE_GROUP,
            col(Meeting.status).in_((MeetingStatus.DUE, MeetingStatus.SCHEDULED)),
        )
        .order_by(col(Meeting.due_by), col(Meeting.sequence))
    ).all()
    for meeting in candidates:
        day = meeting_day(meeting, tz)
        if after is not None and day < after:
            continue
        if meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at is not None:
            local = meeting.starts_at.astimezone(tz)
            return _("{day} at {time}").format(day=format_day(local.date()), time=f"{local:%H:%M}")
        return _("date to be set, due by {day}").format(day=format_day(meeting.due_by))
    return None


def _offline_family(session: Session, case_id: int) -> list[Member]:
    return list(
        session.exec(
            select(Member).where(
                Member.case_id == case_id,
                Member.role == Role.FAMILY,
                col(Member.active),
                col(Member.slack_user_id).is_(None),
            )
        )
    )


def _send_printable_notice(
    deps: Dependencies,
    case: Case,
    notice: DecisionNotice,
    offline_family: Sequence[Member],
    holders: Sequence[Member],
    decided: str,
) -> None:
    """The social worker gets the notice as a PDF to print for family members not on Slack."""
    names = ", ".join(escape_mrkdwn(m.display_name) for m in offline_family)
    pdf = pdf_from_html(notice_html(notice))
    for holder in holders:
        if holder.role != Role.SOCIAL_WORKER or holder.slack_user_id is None:
            continue
        try:
            _post_once(
                deps,
                deps.gateway.open_dm(holder.slack_user_id),
                f"{decided}:printable",
                _("Printable decision notice for {reference}").format(reference=case.reference),
                [
                    section(
                        _(
                            "Here is the decision notice for *{reference}* to print and give to "
                            "{names}, who are not on Slack."
                        ).format(reference=escape_mrkdwn(case.reference), names=names)
                    )
                ],
                [],
                [],
            )
            dm = deps.gateway.open_dm(holder.slack_user_id)
            pdf_name = f"{case.reference}-decision-notice.pdf"
            if pdf_name not in {
                n for m in deps.gateway.bot_messages(dm) for _file_id, n in m.files
            }:
                title = _("Decision notice: {reference}").format(reference=case.reference)
                deps.gateway.upload(dm, pdf_name, pdf, title)
        except SlackError as error:
            log.warning("could not send the printable decision notice: %s", error.code)


def archive_case_channel(deps: Dependencies, *, case_id: int, actor: str) -> str:
    """Archive the channel of a case whose plan has ended."""
    with deps.unit_of_work() as session:
        case = session.get_one(Case, case_id)
        if case.status == CaseStatus.OPEN:
            raise ConferenceError(_("The plan is still running, so the channel stays open."))
        if not check(session, case=case, user_id=actor, permission=Permission.ARCHIVE_CASE).allowed:
            raise ConferenceError(_("Sorry, only the social worker or the chair can archive it."))
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
                raise ConferenceError(
                    _("Slack would not archive it ({code}).").format(code=error.code)
                ) from None
    return _("The channel is archived. Its history stays available to its members.")


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
        return Recorded(case.id, case.reference, conference.decision, next_review, conference_id)

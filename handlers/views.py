"""Modal submissions: validate inline before anything else, then do the slow work after the ack."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk.models.views import View
from sqlmodel import select

from bot.deps import Dependencies
from bot.rules.agenda import CHILD_ROWS, Agenda, read_children
from bot.rules.case_form import parse_new_case
from bot.rules.escape import escape_mrkdwn
from bot.rules.ids import AgendaField, DecisionField, MeetingField, PlanField, UpdateField, ViewId
from bot.rules.timeline import format_day
from bot.rules.update_form import Audience, parse_metadata, parse_update
from bot.rules.view_state import date_of, int_of, text_of, time_of, user_of, value_of
from bot.rules.vocabulary import Attendance, Category, Decision, Role, Rsvp
from bot.services.access import NOT_A_MEMBER
from bot.services.agenda import AgendaError, save_agenda
from bot.services.cases import ChannelNameTakenError, describe_missing, open_case
from bot.services.conference import (
    ConferenceError,
    Recorded,
    announce_decision,
    current_conference,
    record_decision,
    refresh_digest,
)
from bot.services.meetings import (
    MeetingError,
    after_schedule,
    record_attendance,
    refresh_invitation,
    reply,
    schedule,
)
from bot.services.members import MemberError, add_member, find_member
from bot.services.plan import PlanError, refresh_plan_message, save_action, save_outcome
from bot.services.planning import replan_case
from bot.services.updates import UpdateError, load_context, refresh_progress, save_update
from bot.slack.gateway import SlackError
from bot.ui.common import message_modal, new_case_modal, opening_progress_modal, section
from bot.ui.updates import update_receipt_blocks
from handlers.guard import VIEW_RULES, Admitted, Refused, admit_to_case
from storage.models import Case, Meeting, Member

log = logging.getLogger(__name__)


def handle_new_case_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any, deps: Dependencies
) -> None:
    """Check the form; show errors inline, or say the case is being set up."""
    form, errors = parse_new_case(
        view["state"]["values"], today=deps.clock.now().date(), bot_user_id=context.bot_user_id
    )
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    ack(response_action="update", view=opening_progress_modal(form.reference))


def set_up_new_case(
    body: dict[str, Any], view: dict[str, Any], context: Any, deps: Dependencies
) -> None:
    """After the ack: create the channel and the case, then tell the social worker how it went."""
    form, _ = parse_new_case(
        view["state"]["values"], today=deps.clock.now().date(), bot_user_id=context.bot_user_id
    )
    if form is None:
        return  # the acknowledgement already showed the mistakes in the form
    view_id = view["id"]
    user_id = body["user"]["id"]
    try:
        opened = open_case(deps, form, team_id=body["team"]["id"], opened_by=user_id)
    except ChannelNameTakenError:
        deps.gateway.update_view(
            view_id,
            new_case_modal(
                today=deps.clock.now().date(),
                nation=form.nation,
                social_worker=form.social_worker,
                reference=form.reference,
                notice=(
                    f"A channel called #{escape_mrkdwn(form.reference)} already exists (it may be "
                    "archived). Please choose a different case reference with the family, and "
                    "fill the form in again."
                ),
            ),
        )
        return
    except SlackError as error:
        log.warning("opening a case failed at %s: %s", error.method, error.code)
        deps.gateway.update_view(
            view_id,
            message_modal(
                "Case not opened",
                "Sorry, Slack would not let me set up the channel, so no case was opened and "
                f"nothing was saved (Slack said `{error.code}`). Please try again in a minute.",
            ),
        )
        return
    except Exception:
        # Not a Slack refusal: keep the traceback for operators, and never leave the person
        # looking at "setting up" for ever.
        log.exception("opening a case failed")
        deps.gateway.update_view(
            view_id,
            message_modal(
                "Case not opened",
                "Sorry, something went wrong on my side and the case was not opened. "
                "Nothing was saved; please try again, and tell your Slack administrator if it "
                "keeps happening.",
            ),
        )
        raise
    replan_case(deps, opened.case_id)  # prompts and reminders for the first meetings
    done = f"The case *{escape_mrkdwn(form.reference)}* is open in <#{opened.channel_id}>."
    if opened.missing:
        done += (
            "\n\nThese people are in the core group but I could not add them to the channel:\n"
            + describe_missing(opened.missing)
        )
    if opened.missing:
        # The modal may be closed already, so the social worker also gets it in writing.
        for person in {form.social_worker, user_id}:
            deps.gateway.post(
                person,
                f"Some people could not join the channel for {form.reference}",
                [section(done)],
            )
    deps.gateway.update_view(view_id, message_modal("Case opened", done))


@dataclass(frozen=True)
class Submission:
    """A modal about one case, with the access module's answer for the person submitting it."""

    case_id: int
    meta: dict[str, Any]
    user_id: str


def admitted_submission(
    body: dict[str, Any], view: dict[str, Any], deps: Dependencies, view_id: ViewId
) -> Submission | str:
    """The case a modal names (from the bot's own metadata) and whether this person may act on
    it: the one check every case modal makes, before and after its acknowledgement."""
    case_id, meta = _case_in(view)
    user_id = str(body["user"]["id"])
    admitted = admit_to_case(deps, case_id=case_id, user_id=user_id, permission=VIEW_RULES[view_id])
    if not isinstance(admitted, Admitted) or case_id is None:
        return _refusal(admitted)
    return Submission(case_id, meta, user_id)


def _state(view: dict[str, Any]) -> object:
    """What the person entered in the modal (read through bot.rules.view_state)."""
    state = view.get("state")
    return state.get("values") if isinstance(state, dict) else None


def _case_in(view: dict[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """The case (and record) a modal is about, from the metadata the bot itself put there."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        return int(meta["case"]), meta
    except (ValueError, KeyError, TypeError):
        return None, {}


def handle_outcome_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Save an outcome in the family's words; mistakes are shown in the form."""
    sub = admitted_submission(body, view, deps, ViewId.OUTCOME)
    if isinstance(sub, str):
        ack(response_action="errors", errors={PlanField.WORDING: sub})
        return
    try:
        save_outcome(
            deps,
            case_id=sub.case_id,
            actor=sub.user_id,
            wording=text_of(_state(view), PlanField.WORDING),
            outcome_id=sub.meta.get("outcome"),
        )
    except PlanError as error:
        ack(response_action="errors", errors={PlanField.WORDING: str(error)})
        return
    ack()


def handle_action_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Save an action: who will do what, by when, towards which outcome."""
    sub = admitted_submission(body, view, deps, ViewId.ACTION)
    if isinstance(sub, str):
        ack(response_action="errors", errors={PlanField.DESCRIPTION: sub})
        return
    due = date_of(_state(view), PlanField.DUE)
    if due is not None and due < deps.clock.now().date():
        ack(response_action="errors", errors={PlanField.DUE: "Please choose a date from today."})
        return
    try:
        save_action(
            deps,
            case_id=sub.case_id,
            actor=sub.user_id,
            description=text_of(_state(view), PlanField.DESCRIPTION),
            owner_member_id=int_of(_state(view), PlanField.OWNER),
            due=due,
            outcome_id=int_of(_state(view), PlanField.FOR_OUTCOME),
            action_id=sub.meta.get("action"),
        )
    except PlanError as error:
        ack(response_action="errors", errors={PlanField.DESCRIPTION: str(error)})
        return
    ack()


def show_plan_after_submission(
    body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """After the ack: bring the pinned plan up to date, for those who may change it."""
    sub = admitted_submission(body, view, deps, ViewId.OUTCOME)
    if isinstance(sub, Submission):
        replan_case(deps, sub.case_id)  # reminders follow the actions' owners and dates
        refresh_plan_message(deps, sub.case_id)


def handle_schedule_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Set a meeting's date, time and place; problems are shown in the form."""
    sub = admitted_submission(body, view, deps, ViewId.SCHEDULE)
    if isinstance(sub, str):
        ack(response_action="errors", errors={MeetingField.MEETING: sub})
        return
    meeting_id = int_of(_state(view), MeetingField.MEETING)
    day = date_of(_state(view), MeetingField.DATE)
    at = time_of(_state(view), MeetingField.TIME)
    if meeting_id is None or day is None or at is None:
        ack(response_action="errors", errors={MeetingField.DATE: "Please choose a date and time."})
        return
    try:
        scheduled = schedule(
            deps,
            case_id=sub.case_id,
            meeting_id=meeting_id,
            actor=sub.user_id,
            local_start=datetime.combine(day, at),
            place=text_of(_state(view), MeetingField.PLACE),
        )
    except MeetingError as error:
        ack(response_action="errors", errors={MeetingField.DATE: str(error)})
        return
    note = f"\n\n{scheduled.late_note}" if scheduled.late_note else ""
    ack(
        response_action="update",
        view=message_modal("Meeting set", f"Set for {scheduled.card.when}.{note}"),
    )


def after_schedule_submission(
    body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """After the ack: card, topic, calendar file, and every message re-planned for the new time."""
    case_id, _ = _case_in(view)
    meeting_id = int_of(_state(view), MeetingField.MEETING)
    day, at = (
        date_of(_state(view), MeetingField.DATE),
        time_of(_state(view), MeetingField.TIME),
    )
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
        case = session.get(Case, case_id) if case_id is not None else None
    if meeting is None or case is None or meeting.starts_at is None or day is None or at is None:
        return
    # Act only on the submission the acknowledgement accepted: the one now on the meeting.
    local = meeting.starts_at.astimezone(ZoneInfo(case.timezone))
    if (local.date(), local.time()) != (day, at) or case.id is None or meeting.id is None:
        return
    replan_case(deps, case.id)  # first: the outbox is the record of what will be sent
    after_schedule(deps, case_id=case.id, meeting_id=meeting.id)


def handle_representative_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Check the choice of representative, then invite them after the ack."""
    sub = admitted_submission(body, view, deps, ViewId.REPRESENTATIVE)
    if isinstance(sub, str):
        ack(response_action="errors", errors={MeetingField.REPRESENTATIVE: sub})
        return
    chosen = user_of(_state(view), MeetingField.REPRESENTATIVE)
    if chosen is None or chosen == sub.user_id:
        ack(
            response_action="errors",
            errors={MeetingField.REPRESENTATIVE: "Please choose the colleague who will come."},
        )
        return
    ack()


def send_representative(body: dict[str, Any], view: dict[str, Any], deps: Dependencies) -> None:
    """Add the representative to the core group (and channel) and record the reply."""
    sub = admitted_submission(body, view, deps, ViewId.REPRESENTATIVE)
    chosen = user_of(_state(view), MeetingField.REPRESENTATIVE)
    if isinstance(sub, str) or chosen is None or chosen == sub.user_id:
        return  # the acknowledgement said why
    case_id, user_id, meeting_id = sub.case_id, sub.user_id, sub.meta.get("meeting")
    if not isinstance(meeting_id, int):
        return
    with deps.unit_of_work() as session:
        sender = session.exec(
            select(Member).where(Member.case_id == case_id, Member.slack_user_id == user_id)
        ).one()
        existing = find_member(session, case_id, chosen)
    try:
        if existing is None or not existing.active:
            existing = add_member(
                deps,
                case_id=case_id,
                actor=user_id,
                user_id=chosen,
                agency=sender.agency,
                role=Role.PROFESSIONAL,
            )
        reply(
            deps,
            meeting_id=meeting_id,
            user_id=user_id,
            rsvp=Rsvp.REPRESENTATIVE,
            representative_member_id=existing.id,
        )
    except (MemberError, MeetingError) as error:
        deps.gateway.post(user_id, "About your reply to an invitation", [section(str(error))])
        return
    deps.gateway.post(
        user_id,
        "Your representative has been invited",
        [section(f"Thanks: <@{chosen}> will come for your agency, and is now in the channel.")],
    )
    refresh_invitation(deps, meeting_id)
    replan_case(deps, case_id)


def handle_attendance_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Record who came to the meeting."""
    sub = admitted_submission(body, view, deps, ViewId.ATTENDANCE)
    first = next(iter(view["state"]["values"]), MeetingField.ATTENDANCE.value)
    meeting_id = sub.meta.get("meeting") if isinstance(sub, Submission) else None
    if isinstance(sub, str) or not isinstance(meeting_id, int):
        ack(response_action="errors", errors={first: sub if isinstance(sub, str) else NOT_A_MEMBER})
        return
    marks: dict[int, Attendance] = {}
    prefix = MeetingField.ATTENDANCE.value + "_"
    values = view["state"]["values"]
    for block_id in values:
        try:
            marks[int(block_id.removeprefix(prefix))] = Attendance(value_of(values, block_id))
        except (ValueError, TypeError):
            continue
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id)
        wrong_case = meeting is None or meeting.case_id != sub.case_id
    if wrong_case:
        ack(response_action="errors", errors={first: "That meeting isn't part of this case."})
        return
    record_attendance(deps, meeting_id=meeting_id, actor=sub.user_id, marks=marks)
    ack()


def after_attendance_submission(
    body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """After the ack: the invitation shows the meeting as held (no more reply buttons)."""
    sub = admitted_submission(body, view, deps, ViewId.ATTENDANCE)
    if isinstance(sub, Submission) and isinstance(meeting_id := sub.meta.get("meeting"), int):
        refresh_invitation(deps, meeting_id)
        replan_case(deps, sub.case_id)


def handle_update_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Save a version of a member's update (with its receipt and re-planned chases, in the
    database only), then thank them in the form itself; mistakes are shown inline."""
    meta = parse_metadata(view.get("private_metadata"))
    user_id = body["user"]["id"]
    with deps.unit_of_work() as session:
        context = load_context(session, meta.request_id) if meta else None
    first_block = next(iter(view["state"]["values"]), UpdateField.GOING_WELL.value)
    if meta is None or context is None or context.case.id is None:
        ack(response_action="errors", errors={first_block: NOT_A_MEMBER})
        return
    audience: Audience = "family" if context.member.role == Role.FAMILY else "professional"
    draft, errors = parse_update(
        view["state"]["values"],
        outcome_ids=[oid for oid, _ in context.outcomes],
        audience=audience,
        today=deps.clock.now().astimezone(context.tz).date(),
    )
    if draft is None:
        ack(response_action="errors", errors=errors)
        return
    try:
        receipt = save_update(deps, request_id=meta.request_id, user_id=user_id, draft=draft)
    except UpdateError as error:
        ack(response_action="errors", errors={first_block: str(error)})
        return
    replan_case(deps, context.case.id)  # its chases stop now
    thanks = update_receipt_blocks(
        case_reference=receipt.case_reference,
        meeting_label=receipt.meeting_label,
        deadline_text=receipt.deadline_text,
        on_behalf_of=receipt.on_behalf_of,
        version=receipt.version,
    )
    ack(
        response_action="update",
        view=View(type="modal", title="Update received", close="Close", blocks=thanks),
    )


def after_update_submission(body: dict[str, Any], view: dict[str, Any], deps: Dependencies) -> None:
    """After the ack: the channel's count of updates moves (never their content)."""
    meta = parse_metadata(view.get("private_metadata"))
    with deps.unit_of_work() as session:
        context = load_context(session, meta.request_id) if meta else None
    if context is not None and context.meeting.id is not None:
        refresh_progress(deps, context.meeting.id)  # idempotent: a count from the database
        if context.case.id is not None:
            refresh_digest(deps, context.case.id)


def handle_agenda_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Save the agenda recorded with the family; mistakes are shown beside their field."""
    f = AgendaField
    sub = admitted_submission(body, view, deps, ViewId.AGENDA)
    if isinstance(sub, str):
        ack(response_action="errors", errors={f.FAMILY_WORDS: sub})
        return
    state = _state(view)
    rows = [
        (text_of(state, f.CHILD_NAME.numbered(n)), text_of(state, f.CHILD_AGE.numbered(n)))
        for n in range(1, CHILD_ROWS + 1)
    ]
    children, problems = read_children(
        rows, date_of(state, f.UNBORN_DUE), today=deps.clock.now().date()
    )
    if problems:
        ack(
            response_action="errors",
            errors={
                (f.UNBORN_DUE if n == 0 else f.CHILD_NAME.numbered(n)): words
                for n, words in problems.items()
            },
        )
        return
    picked = value_of(state, f.CATEGORY)
    agenda = Agenda(
        children=children,
        family_description=text_of(state, f.FAMILY_WORDS),
        category=Category(picked) if picked in set(Category) else None,
        harm=text_of(state, f.HARM),
        impact=text_of(state, f.IMPACT),
        advocate=text_of(state, f.ADVOCATE),
        language=text_of(state, f.LANGUAGE),
        interpreter_needed=bool(value_of(state, f.INTERPRETER)),
    )
    try:
        save_agenda(deps, case_id=sub.case_id, actor=sub.user_id, agenda=agenda)
    except AgendaError as error:
        ack(response_action="errors", errors={f.FAMILY_WORDS: str(error)})
        return
    ack()


def handle_decision_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Record the conference's decision; its messages and the schedule follow the ack."""
    case_id, meta = _case_in(view)
    conference_id = meta.get("meeting")
    values = view["state"]["values"]
    chosen = value_of(values, DecisionField.DECISION)
    picked = value_of(values, DecisionField.CATEGORY)
    try:
        decision = Decision(str(chosen))
        category = Category(str(picked)) if picked else None
    except ValueError:
        ack(response_action="errors", errors={DecisionField.DECISION: "Please choose one."})
        return
    if not isinstance(conference_id, int) or case_id is None:
        ack(response_action="errors", errors={DecisionField.DECISION: NOT_A_MEMBER})
        return
    try:
        record_decision(
            deps,
            conference_id=conference_id,
            actor=body["user"]["id"],
            decision=decision,
            category=category,
            dissent=text_of(_state(view), DecisionField.DISSENT),
            plan_changes=text_of(_state(view), DecisionField.PLAN_CHANGES),
        )
    except ConferenceError as error:
        field = DecisionField.CATEGORY if "category" in str(error) else DecisionField.DECISION
        ack(response_action="errors", errors={field: str(error)})
        return
    replan_case(deps, case_id)  # continuing: the next cycle is planned; ending: nothing more
    ack()


def after_decision_submission(
    body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Tell everyone in writing (only if this submission's decision is the one recorded)."""
    case_id, meta = _case_in(view)
    conference_id = meta.get("meeting")
    with deps.unit_of_work() as session:
        conference = session.get(Meeting, conference_id) if isinstance(conference_id, int) else None
        case = session.get(Case, case_id) if case_id is not None else None
    if conference is None or case is None or conference.decision is None:
        return
    if conference.decided_by != body["user"]["id"] or case.id is None:
        return
    announce_decision(
        deps,
        Recorded(
            case.id,
            case.reference,
            conference.decision,
            _next_review_text(deps, case.id),
            conference.id,
        ),
    )


def _next_review_text(deps: Dependencies, case_id: int) -> str | None:
    with deps.unit_of_work() as session:
        following = current_conference(session, case_id)
    return format_day(following.due_by) if following else None


def _refusal(admitted: Admitted | Refused) -> str:
    return admitted.message if isinstance(admitted, Refused) else NOT_A_MEMBER


def register(app: App) -> None:
    """Attach the modal listeners."""
    app.view(ViewId.NEW_CASE.value)(ack=handle_new_case_submission, lazy=[set_up_new_case])
    app.view(ViewId.OUTCOME.value)(ack=handle_outcome_submission, lazy=[show_plan_after_submission])
    app.view(ViewId.ACTION.value)(ack=handle_action_submission, lazy=[show_plan_after_submission])
    app.view(ViewId.SCHEDULE.value)(
        ack=handle_schedule_submission, lazy=[after_schedule_submission]
    )
    app.view(ViewId.REPRESENTATIVE.value)(
        ack=handle_representative_submission, lazy=[send_representative]
    )
    app.view(ViewId.ATTENDANCE.value)(
        ack=handle_attendance_submission, lazy=[after_attendance_submission]
    )
    app.view(ViewId.UPDATE.value)(ack=handle_update_submission, lazy=[after_update_submission])
    app.view(ViewId.AGENDA.value)(handle_agenda_submission)
    app.view(ViewId.DECISION.value)(
        ack=handle_decision_submission, lazy=[after_decision_submission]
    )

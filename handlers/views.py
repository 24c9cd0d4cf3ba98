"""Modal submissions: validate inline before anything else, then do the slow work after the ack."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.models.views import View

from bot.delivery.immediate import send_now
from bot.deps import Dependencies
from bot.rules.agenda import CHILD_ROWS, Agenda, read_children
from bot.rules.case_form import parse_new_case
from bot.rules.i18n import _
from bot.rules.ids import (
    AgendaField,
    DecisionField,
    MeetingField,
    NewCaseField,
    PlanField,
    UpdateField,
    ViewId,
)
from bot.rules.stand_ins import form_audience
from bot.rules.update_form import UpdateDraft, parse_metadata, parse_update
from bot.rules.view_state import date_of, int_of, text_of, time_of, user_of, value_of
from bot.rules.vocabulary import Attendance, Category, Decision, SupporterKind
from bot.rules.work import Work, WorkKind, refresh
from bot.services.access import NOT_A_MEMBER
from bot.services.admission import Refused, admit_to_case, nothing
from bot.services.agenda import AgendaError, save_agenda
from bot.services.cases import ReferenceInUseError, request_case
from bot.services.conference import (
    ConferenceError,
    announce_decision,
    decision_recorded_by,
    record_decision,
)
from bot.services.jobs import enqueue
from bot.services.meetings import (
    MeetingError,
    after_schedule,
    answer_held,
    meeting_in_case,
    record_attendance,
    schedule,
    still_starts_at,
)
from bot.services.plan import PlanError, refresh_plan_message, save_action, save_outcome
from bot.services.planning import replan_case
from bot.services.representatives import bring_someone, send_someone
from bot.services.updates import (
    FormMistakesError,
    UpdateContext,
    UpdateError,
    submit_update,
)
from bot.ui.common import message_modal, opening_progress_modal, section
from bot.ui.meetings import SAME_AGENCY_NO
from bot.ui.updates import update_receipt_blocks
from handlers.guard import VIEW_RULES

log = logging.getLogger(__name__)


def handle_new_case_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: Any, deps: Dependencies
) -> None:
    """Check the form; show errors inline, or record the case and say it is being set up (its
    channel is made by a job written with it)."""
    form, errors = parse_new_case(
        view["state"]["values"], today=deps.clock.now().date(), bot_user_id=context.bot_user_id
    )
    if form is None:
        ack(response_action="errors", errors=errors)
        return
    user_id, view_id = str(body["user"]["id"]), str(view["id"])

    def channel_made(case_id: int) -> list[Work]:
        payload = {
            "case_id": case_id,
            "user_id": user_id,
            "view_id": view_id,
            "reference": form.reference,
            "social_worker": form.social_worker,
            "form": {"nation": form.nation.value},
        }
        # No key: the case's own row (its reference is unique in the area) makes it once.
        return [Work(WorkKind.OPEN_CASE, payload)]

    try:
        request_case(
            deps, form, team_id=str(body["team"]["id"]), opened_by=user_id, then=channel_made
        )
    except ReferenceInUseError:
        ack(
            response_action="errors",
            errors={
                NewCaseField.REFERENCE: _(
                    "There is already a case with this reference. Please choose another."
                )
            },
        )
        return
    ack(response_action="update", view=opening_progress_modal(form.reference))


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
    admitted = admit_to_case(
        deps, case_id=case_id, user_id=user_id, permission=VIEW_RULES[view_id], read=nothing
    )
    if isinstance(admitted, Refused):
        return admitted.message
    return Submission(admitted.case_id, meta, user_id)


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
            then=[_plan_shown(sub.case_id)],
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
        ack(response_action="errors", errors={PlanField.DUE: _("Please choose a date from today.")})
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
            then=[_plan_shown(sub.case_id)],
        )
    except PlanError as error:
        ack(response_action="errors", errors={PlanField.DESCRIPTION: str(error)})
        return
    ack()


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
        ack(
            response_action="errors",
            errors={MeetingField.DATE: _("Please choose a date and time.")},
        )
        return
    try:
        scheduled = schedule(
            deps,
            case_id=sub.case_id,
            meeting_id=meeting_id,
            actor=sub.user_id,
            local_start=datetime.combine(day, at),
            place=text_of(_state(view), MeetingField.PLACE),
            then=[
                Work(
                    WorkKind.AFTER_SCHEDULE,
                    {
                        "case_id": sub.case_id,
                        "meeting_id": meeting_id,
                        "local_start": datetime.combine(day, at).isoformat(),
                    },
                )
            ],
        )
    except MeetingError as error:
        ack(response_action="errors", errors={MeetingField.DATE: str(error)})
        return
    note = f"\n\n{scheduled.late_note}" if scheduled.late_note else ""
    ack(
        response_action="update",
        view=message_modal(
            _("Meeting set"), _("Set for {when}.").format(when=scheduled.card.when) + note
        ),
    )


def after_schedule_submission(
    deps: Dependencies, case_id: int, meeting_id: int, local_start: datetime
) -> None:
    """After the ack: card, topic, calendar file, and every message re-planned for the new time."""
    # Act only on the submission the acknowledgement accepted: the one now on the meeting.
    if not still_starts_at(deps, case_id=case_id, meeting_id=meeting_id, local_start=local_start):
        return
    replan_case(deps, case_id)  # first: the outbox is the record of what will be sent
    after_schedule(deps, case_id=case_id, meeting_id=meeting_id)


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
            errors={MeetingField.REPRESENTATIVE: _("Please choose the colleague who will come.")},
        )
        return
    ack()
    meeting_id = sub.meta.get("meeting")
    same_agency = value_of(_state(view), MeetingField.SAME_AGENCY) != SAME_AGENCY_NO
    if isinstance(meeting_id, int):
        payload = {
            "case_id": sub.case_id,
            "user_id": sub.user_id,
            "meeting_id": meeting_id,
            "chosen": chosen,
            "same_agency": same_agency,
        }
        enqueue(deps, [Work(WorkKind.SEND_REPRESENTATIVE, payload, key=_key(body))])


def _key(body: dict[str, Any]) -> str | None:
    """A submission's own job key (its trigger id), so a redelivery makes no second job."""
    trigger = body.get("trigger_id")
    return f"view:{trigger}" if isinstance(trigger, str) else None


def _plan_shown(case_id: int) -> Work:
    """The pinned plan brought up to date after the answer (one pending refresh per case)."""
    return refresh(WorkKind.SHOW_PLAN, f"case:{case_id}", case_id=case_id)


def send_representative_after(
    deps: Dependencies,
    case_id: int,
    user_id: str,
    meeting_id: int,
    chosen: str,
    same_agency: bool,
) -> None:
    """After the ack: a colleague of the sender's agency is added and the reply recorded; anyone
    else waits for the social worker's agreement (asked at once)."""
    answer = send_someone(
        deps,
        case_id=case_id,
        meeting_id=meeting_id,
        user_id=user_id,
        chosen=chosen,
        same_agency=same_agency,
    )
    deps.gateway.post(user_id, _("About your reply to an invitation"), [section(answer.text)])
    send_now(deps, answer.send_now)


def handle_bring_someone_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Check the family member's choice; the social worker is asked after the ack."""
    sub = admitted_submission(body, view, deps, ViewId.BRING_SOMEONE)
    if isinstance(sub, str):
        ack(response_action="errors", errors={MeetingField.SUPPORTER: sub})
        return
    chosen = user_of(_state(view), MeetingField.SUPPORTER)
    if chosen is None or chosen == sub.user_id:
        ack(
            response_action="errors",
            errors={MeetingField.SUPPORTER: _("Please choose the person you'd like to bring.")},
        )
        return
    kind = value_of(_state(view), MeetingField.SUPPORTER_KIND)
    if kind not in set(SupporterKind):
        ack(response_action="errors", errors={MeetingField.SUPPORTER_KIND: _("Please choose one.")})
        return
    ack()
    payload = {"case_id": sub.case_id, "user_id": sub.user_id, "chosen": chosen, "kind": kind}
    enqueue(deps, [Work(WorkKind.BRING_SOMEONE, payload, key=_key(body))])


def ask_to_bring_someone(
    deps: Dependencies, case_id: int, user_id: str, chosen: str, kind: SupporterKind
) -> None:
    """After the ack: ask the social worker, and tell the family member what happens next."""
    answer = bring_someone(deps, case_id=case_id, user_id=user_id, chosen=chosen, kind=kind)
    deps.gateway.post(user_id, _("About bringing someone"), [section(answer.text)])
    send_now(deps, answer.send_now)


def handle_attendance_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Record who came to the meeting."""
    sub = admitted_submission(body, view, deps, ViewId.ATTENDANCE)
    first = next(iter(view["state"]["values"]), MeetingField.ATTENDANCE.value)
    meeting_id = sub.meta.get("meeting") if isinstance(sub, Submission) else None
    if isinstance(sub, str) or not isinstance(meeting_id, int):
        ack(
            response_action="errors",
            errors={first: sub if isinstance(sub, str) else _(NOT_A_MEMBER)},
        )
        return
    marks: dict[int, Attendance] = {}
    prefix = MeetingField.ATTENDANCE.value + "_"
    values = view["state"]["values"]
    for block_id in values:
        try:
            marks[int(block_id.removeprefix(prefix))] = Attendance(value_of(values, block_id))
        except (ValueError, TypeError):
            continue
    if not meeting_in_case(deps, meeting_id=meeting_id, case_id=sub.case_id):
        ack(response_action="errors", errors={first: _("That meeting isn't part of this case.")})
        return
    # After the ack, the invitation shows the meeting as held (no more reply buttons), and the
    # case card and topic no longer name it as next.
    shown = Work(WorkKind.AFTER_ATTENDANCE, {"case_id": sub.case_id, "meeting_id": meeting_id})
    record_attendance(deps, meeting_id=meeting_id, actor=sub.user_id, marks=marks, then=[shown])
    ack()


def handle_not_held_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Record that a meeting whose date passed was not held, and why."""
    sub = admitted_submission(body, view, deps, ViewId.NOT_HELD)
    field = MeetingField.NOT_HELD_REASON.value
    meeting_id = sub.meta.get("meeting") if isinstance(sub, Submission) else None
    if isinstance(sub, str) or not isinstance(meeting_id, int):
        ack(
            response_action="errors",
            errors={field: sub if isinstance(sub, str) else _(NOT_A_MEMBER)},
        )
        return
    if not meeting_in_case(deps, meeting_id=meeting_id, case_id=sub.case_id):
        ack(response_action="errors", errors={field: _("That meeting isn't part of this case.")})
        return
    reason = text_of(view["state"]["values"], field)
    try:
        answer_held(
            deps,
            meeting_id=meeting_id,
            actor=sub.user_id,
            held=False,
            reason=reason,
            then=[Work(WorkKind.REPLAN, {"case_id": sub.case_id})],
        )
    except MeetingError as error:
        ack(response_action="errors", errors={field: str(error)})
        return
    ack()


def handle_update_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], deps: Dependencies
) -> None:
    """Save a version of a member's update (with its receipt, in the database only), then thank
    them in the form itself; mistakes are shown inline. Re-planning follows the answer: a chase
    due meanwhile is not sent, since the dispatcher writes it only while the report is owed."""
    meta = parse_metadata(view.get("private_metadata"))
    user_id = body["user"]["id"]
    first_block = next(iter(view["state"]["values"]), UpdateField.GOING_WELL.value)
    if meta is None:
        ack(response_action="errors", errors={first_block: _(NOT_A_MEMBER)})
        return

    def compose(context: UpdateContext) -> tuple[UpdateDraft, list[Work]]:
        draft, errors = parse_update(
            view["state"]["values"],
            outcome_ids=[oid for oid, _ in context.outcomes],
            audience=form_audience(context.member.role),
            today=deps.clock.now().astimezone(context.tz).date(),
        )
        if draft is None:
            raise FormMistakesError(errors)
        # After the ack: the case re-planned, the channel's count of updates (never their
        # content) and the digest.
        after = {"case_id": context.case.id, "meeting_id": context.meeting.id}
        return draft, [Work(WorkKind.AFTER_UPDATE, after)]

    try:
        receipt = submit_update(deps, request_id=meta.request_id, user_id=user_id, compose=compose)
    except FormMistakesError as mistakes:
        ack(response_action="errors", errors=mistakes.errors)
        return
    except UpdateError as error:
        ack(response_action="errors", errors={first_block: str(error)})
        return
    thanks = update_receipt_blocks(
        case_reference=receipt.case_reference,
        meeting_label=receipt.meeting_label,
        deadline_text=receipt.deadline_text,
        on_behalf_of=receipt.on_behalf_of,
        version=receipt.version,
        late=receipt.late,
        past_deadline=receipt.past_deadline,
        as_cover=receipt.as_cover,
    )
    ack(
        response_action="update",
        view=View(type="modal", title=_("Update received"), close=_("Close"), blocks=thanks),
    )


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
    """Record the conference's decision; the plan, its messages and the schedule follow the ack."""
    case_id, meta = _case_in(view)
    conference_id = meta.get("meeting")
    values = view["state"]["values"]
    chosen = value_of(values, DecisionField.DECISION)
    picked = value_of(values, DecisionField.CATEGORY)
    try:
        decision = Decision(str(chosen))
        category = Category(str(picked)) if picked else None
    except ValueError:
        ack(response_action="errors", errors={DecisionField.DECISION: _("Please choose one.")})
        return
    if not isinstance(conference_id, int) or case_id is None:
        ack(response_action="errors", errors={DecisionField.DECISION: _(NOT_A_MEMBER)})
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
            # Everyone is told in writing after the ack.
            then=[
                Work(
                    WorkKind.AFTER_DECISION,
                    {
                        "conference_id": conference_id,
                        "case_id": case_id,
                        "user_id": body["user"]["id"],
                    },
                )
            ],
        )
    except ConferenceError as error:
        field = DecisionField.CATEGORY if "category" in str(error) else DecisionField.DECISION
        ack(response_action="errors", errors={field: str(error)})
        return
    ack()


def after_decision_submission(
    deps: Dependencies, conference_id: int, case_id: int, user_id: str
) -> None:
    """Tell everyone in writing (only if this submission's decision is the one recorded)."""
    recorded = decision_recorded_by(
        deps, conference_id=conference_id, case_id=case_id, user_id=user_id
    )
    if recorded is not None:
        announce_decision(deps, recorded)


def show_plan(deps: Dependencies, case_id: int) -> None:
    """After the ack: bring the pinned plan up to date, for those who may change it."""
    replan_case(deps, case_id)  # reminders follow the actions' owners and dates
    refresh_plan_message(deps, case_id)


def register(app: App) -> None:
    """Attach the modal listeners (their slow work is written as durable jobs)."""
    app.view(ViewId.NEW_CASE.value)(handle_new_case_submission)
    app.view(ViewId.OUTCOME.value)(handle_outcome_submission)
    app.view(ViewId.ACTION.value)(handle_action_submission)
    app.view(ViewId.SCHEDULE.value)(handle_schedule_submission)
    app.view(ViewId.REPRESENTATIVE.value)(handle_representative_submission)
    app.view(ViewId.BRING_SOMEONE.value)(handle_bring_someone_submission)
    app.view(ViewId.ATTENDANCE.value)(handle_attendance_submission)
    app.view(ViewId.UPDATE.value)(handle_update_submission)
    app.view(ViewId.AGENDA.value)(handle_agenda_submission)
    app.view(ViewId.DECISION.value)(handle_decision_submission)
    app.view(ViewId.NOT_HELD.value)(handle_not_held_submission)

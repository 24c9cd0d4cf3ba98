"""Buttons in the bot's messages: acknowledge, check access, then act (slow work after the ack)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.deps import Dependencies
from bot.rules.ids import ActionId
from bot.rules.timeline import format_day
from bot.rules.update_form import Audience
from bot.rules.vocabulary import Role, Rsvp
from bot.services.access import NOT_A_MEMBER, check_complete_action
from bot.services.conference import (
    ConferenceError,
    archive_case_channel,
    refresh_digest,
    release_summary,
)
from bot.services.meetings import (
    NOT_INVITED,
    MeetingError,
    attendance_invitees,
    record_reply,
    refresh_invitation,
)
from bot.services.members import active_members
from bot.services.plan import (
    PlanError,
    action_owner,
    complete_action,
    load_plan,
    outcome_case,
    refresh_plan_message,
)
from bot.services.planning import replan_case
from bot.services.updates import load_context, may_give, meeting_label
from bot.ui.meetings import attendance_modal, representative_modal
from bot.ui.plan import action_modal, outcome_modal
from bot.ui.updates import update_modal
from handlers.guard import ACTION_RULES, Admitted, Refused, admit_to_case
from storage.models import Case, Meeting, Outcome, PlanAction


def _record_id(body: dict[str, Any]) -> int | None:
    """The id a button carries in its value; anything else is not something we sent."""
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _tell_soon(deps: Dependencies, body: dict[str, Any], text: str) -> None:
    """The same message, sent right after the answer instead of holding it up."""
    url = body.get("response_url")
    if isinstance(url, str):  # a button in a message always has one
        message = {"text": text, "response_type": "ephemeral", "replace_original": False}
        deps.after_answer.post(url, message)


def handle_edit_outcome_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Open the outcome, in the family's words, for editing."""
    ack()
    outcome_id = _record_id(body)
    with deps.unit_of_work() as session:
        case_id = outcome_case(session, outcome_id) if outcome_id is not None else None
    admitted = admit_to_case(
        deps,
        case_id=case_id,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.EDIT_OUTCOME],
    )
    if not isinstance(admitted, Admitted):
        _tell(respond, admitted.message)
        return
    with deps.unit_of_work() as session:
        outcome = session.get_one(Outcome, outcome_id)
    assert admitted.case.id is not None
    deps.gateway.open_view(body["trigger_id"], outcome_modal(admitted.case.id, outcome))


def handle_edit_action_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Open an action for editing."""
    ack()
    action_id = _record_id(body)
    with deps.unit_of_work() as session:
        action = session.get(PlanAction, action_id) if action_id is not None else None
    admitted = admit_to_case(
        deps,
        case_id=action.case_id if action else None,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.EDIT_ACTION],
    )
    if not isinstance(admitted, Admitted) or action is None:
        _tell(respond, admitted.message if not isinstance(admitted, Admitted) else NOT_A_MEMBER)
        return
    open_action_modal(deps, body["trigger_id"], admitted.case, action)


def open_action_modal(
    deps: Dependencies, trigger_id: str, case: Case, action: PlanAction | None = None
) -> None:
    """The action form, with the case's people and outcomes to choose from."""
    assert case.id is not None
    with deps.unit_of_work() as session:
        plan = load_plan(session, case.id)
        members = active_members(session, case.id)
    deps.gateway.open_view(trigger_id, action_modal(case.id, plan.outcomes, members, action))


def handle_complete_action_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Mark an action done: its owner, or the social worker."""
    ack()
    action_id = _record_id(body)
    user_id = body["user"]["id"]
    with deps.unit_of_work() as session:
        found = action_owner(session, action_id) if action_id is not None else None
        case = session.get(Case, found[0]) if found else None
        decision = (
            check_complete_action(session, case=case, user_id=user_id, owner_user_id=found[1])
            if case and found
            else None
        )
    if decision is None or not decision.allowed or case is None or action_id is None:
        _tell(respond, decision.reason if decision else NOT_A_MEMBER)
        return
    assert case.id is not None
    try:
        complete_action(deps, case_id=case.id, actor=user_id, action_id=action_id)
    except PlanError as error:
        _tell(respond, str(error))


def show_plan_after_click(body: dict[str, Any], deps: Dependencies) -> None:
    """After the ack: bring the pinned plan up to date (a Slack call, so not in the request)."""
    action_id = _record_id(body)
    with deps.unit_of_work() as session:
        found = action_owner(session, action_id) if action_id is not None else None
    if found is not None:
        replan_case(deps, found[0])  # a done action's reminder is cancelled
        refresh_plan_message(deps, found[0])


RSVP_BY_ACTION = {
    ActionId.RSVP_ATTENDING: Rsvp.ATTENDING,
    ActionId.RSVP_APOLOGIES: Rsvp.APOLOGIES,
}
THANKS = {
    Rsvp.ATTENDING: "Thanks, you're down as coming.",
    Rsvp.APOLOGIES: (
        "Thanks for letting us know. Please still send your update before the meeting: "
        "it is part of the review."
    ),
}


def _meeting_case(deps: Dependencies, body: dict[str, Any]) -> tuple[int | None, int | None]:
    meeting_id = _record_id(body)
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    return meeting_id, meeting.case_id if meeting else None


def handle_rsvp_click(ack: Ack, body: dict[str, Any], deps: Dependencies) -> None:
    """Attending or apologies: recorded in the request; the thanks and the live list follow it."""
    ack()
    meeting_id = _record_id(body)
    rsvp = RSVP_BY_ACTION[ActionId(body["actions"][0]["action_id"])]
    try:
        if meeting_id is None:
            raise MeetingError(NOT_INVITED)
        with deps.unit_of_work() as session:
            case_id = record_reply(
                session,
                meeting_id=meeting_id,
                user_id=body["user"]["id"],
                rsvp=rsvp,
                at=deps.clock.now(),
            )
    except MeetingError as error:
        _tell_soon(deps, body, str(error))
        return
    _tell_soon(deps, body, THANKS[rsvp])
    # Ten people replying at once need the list shown once more, not ten times.
    deps.after_answer.refresh(
        ("replies", meeting_id), partial(show_replies, deps, meeting_id, case_id)
    )


def show_replies(deps: Dependencies, meeting_id: int, case_id: int) -> None:
    """After replies: the invitation's live list, the plan (chases) and the chair's digest."""
    refresh_invitation(deps, meeting_id)
    replan_case(deps, case_id)
    refresh_digest(deps, case_id)


def handle_representative_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Sending someone: ask who, in a modal."""
    ack()
    meeting_id, case_id = _meeting_case(deps, body)
    admitted = admit_to_case(
        deps,
        case_id=case_id,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RSVP_REPRESENTATIVE],
    )
    if not isinstance(admitted, Admitted) or meeting_id is None or case_id is None:
        _tell(respond, NOT_INVITED)
        return
    deps.gateway.open_view(body["trigger_id"], representative_modal(case_id, meeting_id))


def handle_record_attendance_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """After the meeting: who came, pre-filled from the replies."""
    ack()
    meeting_id, case_id = _meeting_case(deps, body)
    admitted = admit_to_case(
        deps,
        case_id=case_id,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RECORD_ATTENDANCE],
    )
    if not isinstance(admitted, Admitted) or meeting_id is None or case_id is None:
        _tell(respond, admitted.message if isinstance(admitted, Refused) else NOT_A_MEMBER)
        return
    with deps.unit_of_work() as session:
        invitees = attendance_invitees(session, meeting_id)
    deps.gateway.open_view(body["trigger_id"], attendance_modal(case_id, meeting_id, invitees))


def handle_give_update_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Open the update form for this request, pre-filled with the last version if there is one."""
    ack()
    request_id = _record_id(body)
    user_id = body["user"]["id"]
    today = deps.clock.now().date()
    with deps.unit_of_work() as session:
        context = load_context(session, request_id) if request_id is not None else None
        problem = may_give(session, context, user_id, today) if context else NOT_A_MEMBER
    if context is None or problem:
        _tell(respond, problem or NOT_A_MEMBER)
        return
    audience: Audience = "family" if context.member.role == Role.FAMILY else "professional"
    area = context.area
    tz = context.tz
    deadline = format_day(context.request.due_at.astimezone(tz).date())
    on_behalf = None if context.member.slack_user_id == user_id else context.member.display_name
    view = update_modal(
        request_id=context.request.id or 0,
        case_reference=context.case.reference,
        meeting_label=meeting_label(context.meeting, tz),
        deadline_text=deadline,
        outcomes=context.outcomes,
        rag_meanings=(area.rag_green_meaning, area.rag_amber_meaning, area.rag_red_meaning),
        audience=audience,
        on_behalf_of=on_behalf,
        previous=context.previous,
        previous_sent=format_day(context.previous_sent.astimezone(tz).date())
        if context.previous_sent
        else None,
        past_deadline=deps.clock.now() > context.request.due_at,
    )
    deps.gateway.open_view(body["trigger_id"], view)


def handle_release_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """The chair releases the summary; the posting and uploads follow the ack."""
    ack()
    conference_id = _record_id(body)
    with deps.unit_of_work() as session:
        meeting = session.get(Meeting, conference_id) if conference_id is not None else None
    admitted = admit_to_case(
        deps,
        case_id=meeting.case_id if meeting else None,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RELEASE_SUMMARY],
    )
    if not isinstance(admitted, Admitted):
        _tell(respond, admitted.message)


def release_after_click(body: dict[str, Any], respond: Respond, deps: Dependencies) -> None:
    """Post the family's copy and the documents; the professionals get theirs privately."""
    conference_id = _record_id(body)
    if conference_id is None:
        return
    try:
        release_summary(deps, conference_id=conference_id, actor=body["user"]["id"])
    except ConferenceError:
        return  # the acknowledgement has already explained a refusal
    _tell(respond, "Released: the core group has the summary, and professionals their copy.")


def handle_archive_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Archive a closed case's channel (after the ack: it is a Slack call)."""
    ack()


def archive_after_click(body: dict[str, Any], respond: Respond, deps: Dependencies) -> None:
    """Archive, or say kindly why not."""
    case_id = _record_id(body)
    if case_id is None:
        _tell(respond, NOT_A_MEMBER)
        return
    try:
        _tell(respond, archive_case_channel(deps, case_id=case_id, actor=body["user"]["id"]))
    except ConferenceError as error:
        _tell(respond, str(error))


def register(app: App) -> None:
    """Attach the button listeners (replies first: Bolt tries listeners in order, and they are
    the clicks that come in bursts)."""
    for rsvp_action in RSVP_BY_ACTION:
        app.action(rsvp_action.value)(handle_rsvp_click)
    app.action(ActionId.EDIT_OUTCOME.value)(handle_edit_outcome_click)
    app.action(ActionId.EDIT_ACTION.value)(handle_edit_action_click)
    app.action(ActionId.COMPLETE_ACTION.value)(
        ack=handle_complete_action_click, lazy=[show_plan_after_click]
    )
    app.action(ActionId.RSVP_REPRESENTATIVE.value)(handle_representative_click)
    app.action(ActionId.RECORD_ATTENDANCE.value)(handle_record_attendance_click)
    app.action(ActionId.GIVE_UPDATE.value)(handle_give_update_click)
    app.action(ActionId.RELEASE_SUMMARY.value)(ack=handle_release_click, lazy=[release_after_click])
    app.action(ActionId.ARCHIVE_CHANNEL.value)(ack=handle_archive_click, lazy=[archive_after_click])

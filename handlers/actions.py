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
from bot.services.access import NOT_A_MEMBER
from bot.services.admission import (
    Refused,
    action_to_edit,
    admit_to_meeting,
    attendance_invitees,
    may_complete_action,
    meeting_id_of,
    outcome_to_edit,
    update_to_give,
)
from bot.services.conference import (
    ConferenceError,
    archive_case_channel,
    refresh_digest,
    release_summary,
)
from bot.services.meetings import NOT_INVITED, MeetingError, refresh_invitation, reply
from bot.services.plan import PlanError, complete_action, refresh_plan_message
from bot.services.planning import replan_case
from bot.services.updates import meeting_label
from bot.ui.meetings import attendance_modal, representative_modal
from bot.ui.plan import action_modal, outcome_modal
from bot.ui.updates import update_modal
from handlers.guard import ACTION_RULES


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
    admitted = outcome_to_edit(
        deps,
        outcome_id=_record_id(body),
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.EDIT_OUTCOME],
    )
    if isinstance(admitted, Refused):
        _tell(respond, admitted.message)
        return
    deps.gateway.open_view(body["trigger_id"], outcome_modal(admitted.case_id, admitted.found))


def handle_edit_action_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Open an action for editing."""
    ack()
    admitted = action_to_edit(
        deps,
        action_id=_record_id(body),
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.EDIT_ACTION],
    )
    if isinstance(admitted, Refused):
        _tell(respond, admitted.message)
        return
    choices = admitted.found
    view = action_modal(admitted.case_id, choices.outcomes, choices.members, choices.action)
    deps.gateway.open_view(body["trigger_id"], view)


def handle_complete_action_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Mark an action done: its owner, or the social worker; the pinned plan follows the ack."""
    ack()
    action_id = _record_id(body)
    user_id = body["user"]["id"]
    admitted = may_complete_action(deps, action_id=action_id, user_id=user_id)
    if isinstance(admitted, Refused) or action_id is None:
        _tell(respond, admitted.message if isinstance(admitted, Refused) else NOT_A_MEMBER)
        return
    try:
        complete_action(deps, case_id=admitted.case_id, actor=user_id, action_id=action_id)
    except PlanError as error:
        _tell(respond, str(error))
    deps.after_answer.run(partial(show_plan, deps, admitted.case_id))


def show_plan(deps: Dependencies, case_id: int) -> None:
    """After the answer: bring the pinned plan up to date (a Slack call, so not in the request)."""
    replan_case(deps, case_id)  # a done action's reminder is cancelled
    refresh_plan_message(deps, case_id)


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


def handle_rsvp_click(ack: Ack, body: dict[str, Any], deps: Dependencies) -> None:
    """Attending or apologies: recorded in the request; the thanks and the live list follow it."""
    ack()
    meeting_id = _record_id(body)
    rsvp = RSVP_BY_ACTION[ActionId(body["actions"][0]["action_id"])]
    try:
        if meeting_id is None:
            raise MeetingError(NOT_INVITED)
        case_id = reply(deps, meeting_id=meeting_id, user_id=body["user"]["id"], rsvp=rsvp)
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
    admitted = admit_to_meeting(
        deps,
        meeting_id=_record_id(body),
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RSVP_REPRESENTATIVE],
        read=meeting_id_of,
    )
    if isinstance(admitted, Refused):
        _tell(respond, NOT_INVITED)
        return
    view = representative_modal(admitted.case_id, admitted.found)
    deps.gateway.open_view(body["trigger_id"], view)


def handle_record_attendance_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """After the meeting: who came, pre-filled from the replies."""
    ack()
    meeting_id = _record_id(body)
    admitted = admit_to_meeting(
        deps,
        meeting_id=meeting_id,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RECORD_ATTENDANCE],
        read=attendance_invitees,
    )
    if isinstance(admitted, Refused) or meeting_id is None:
        _tell(respond, admitted.message if isinstance(admitted, Refused) else NOT_A_MEMBER)
        return
    view = attendance_modal(admitted.case_id, meeting_id, admitted.found)
    deps.gateway.open_view(body["trigger_id"], view)


def handle_give_update_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Open the update form for this request, pre-filled with the last version if there is one."""
    ack()
    user_id = body["user"]["id"]
    context = update_to_give(deps, request_id=_record_id(body), user_id=user_id)
    if isinstance(context, Refused):
        _tell(respond, context.message)
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
    )
    deps.gateway.open_view(body["trigger_id"], view)


def handle_release_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """The chair releases the summary; the posting and uploads follow the ack."""
    ack()
    conference_id = _record_id(body)
    admitted = admit_to_meeting(
        deps,
        meeting_id=conference_id,
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId.RELEASE_SUMMARY],
        read=meeting_id_of,
    )
    if isinstance(admitted, Refused):
        _tell(respond, admitted.message)
        return
    deps.after_answer.run(
        partial(release_after_click, deps, admitted.found, body["user"]["id"], respond)
    )


def release_after_click(
    deps: Dependencies, conference_id: int, user_id: str, respond: Respond
) -> None:
    """Post the family's copy and the documents; the professionals get theirs privately."""
    try:
        release_summary(deps, conference_id=conference_id, actor=user_id)
    except ConferenceError:
        return  # the acknowledgement has already explained a refusal
    _tell(respond, "Released: the core group has the summary, and professionals their copy.")


def handle_archive_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Archive a closed case's channel (after the ack: it is a Slack call)."""
    ack()
    deps.after_answer.run(
        partial(archive_after_click, deps, _record_id(body), body["user"]["id"], respond)
    )


def archive_after_click(
    deps: Dependencies, case_id: int | None, user_id: str, respond: Respond
) -> None:
    """Archive, or say kindly why not."""
    if case_id is None:
        _tell(respond, NOT_A_MEMBER)
        return
    try:
        _tell(respond, archive_case_channel(deps, case_id=case_id, actor=user_id))
    except ConferenceError as error:
        _tell(respond, str(error))


def register(app: App) -> None:
    """Attach the button listeners (replies first: Bolt tries listeners in order, and they are
    the clicks that come in bursts)."""
    for rsvp_action in RSVP_BY_ACTION:
        app.action(rsvp_action.value)(handle_rsvp_click)
    app.action(ActionId.EDIT_OUTCOME.value)(handle_edit_outcome_click)
    app.action(ActionId.EDIT_ACTION.value)(handle_edit_action_click)
    app.action(ActionId.COMPLETE_ACTION.value)(handle_complete_action_click)
    app.action(ActionId.RSVP_REPRESENTATIVE.value)(handle_representative_click)
    app.action(ActionId.RECORD_ATTENDANCE.value)(handle_record_attendance_click)
    app.action(ActionId.GIVE_UPDATE.value)(handle_give_update_click)
    app.action(ActionId.RELEASE_SUMMARY.value)(handle_release_click)
    app.action(ActionId.ARCHIVE_CHANNEL.value)(handle_archive_click)

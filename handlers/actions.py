"""Buttons in the bot's messages: acknowledge, check access, then act (slow work after the ack)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.delivery.immediate import send_now
from bot.deps import Dependencies
from bot.rules.i18n import N_, _, language_named
from bot.rules.ids import ActionId
from bot.rules.timeline import format_day
from bot.rules.vocabulary import Rsvp
from bot.rules.work import Work, WorkKind, once, refresh
from bot.services.access import NOT_A_MEMBER
from bot.services.admission import (
    Refused,
    action_to_edit,
    admit_to_meeting,
    attendance_invitees,
    may_complete_action,
    meeting_id_of,
    meeting_named,
    outcome_to_edit,
    sender_at_meeting,
    update_to_give,
    update_to_read,
)
from bot.services.approvals import ApprovalError, answer
from bot.services.conference import (
    ConferenceError,
    archive_case_channel,
    release_summary,
)
from bot.services.jobs import enqueue
from bot.services.languages import choose_language
from bot.services.meetings import (
    NOT_INVITED,
    MeetingError,
    answer_held,
    reply,
)
from bot.services.plan import PlanError, complete_action
from bot.services.planning import replan_case
from bot.services.purge import export_now
from bot.services.updates import form_plan, meeting_label
from bot.slack.response_urls import ephemeral
from bot.ui.arranging import held_answer_blocks, not_held_modal
from bot.ui.harm import update_reading_modal
from bot.ui.labels import AGENCY_NAMES
from bot.ui.meetings import attendance_modal, bring_someone_modal, representative_modal
from bot.ui.plan import action_modal, outcome_modal
from bot.ui.updates import update_modal
from handlers.guard import ACTION_RULES, PERSONAL_ACTIONS


def _record_id(body: dict[str, Any]) -> int | None:
    """The id a button carries in its value; anything else is not something we sent."""
    try:
        return int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _tell(respond: Respond, text: str) -> None:
    respond(text=_(text), response_type="ephemeral", replace_original=False)


def _trigger(body: dict[str, Any]) -> str | None:
    """The click's trigger id: Slack sends the same one when it delivers the click again."""
    trigger = body.get("trigger_id")
    return trigger if isinstance(trigger, str) else None


def _told(body: dict[str, Any], text: str) -> list[Work]:
    """The same message as a job, sent right after the answer instead of holding it up."""
    url = body.get("response_url")
    if not isinstance(url, str):  # a button in a message always has one
        return []
    return [once(WorkKind.RESPOND, _trigger(body), url=url, message=ephemeral(_(text)))]


def _plan_shown(case_id: int) -> Work:
    """The pinned plan brought up to date after the answer (one pending refresh per case)."""
    return refresh(WorkKind.SHOW_PLAN, f"case:{case_id}", case_id=case_id)


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
        complete_action(
            deps,
            case_id=admitted.case_id,
            actor=user_id,
            action_id=action_id,
            then=[_plan_shown(admitted.case_id)],
        )
    except PlanError as error:
        _tell(respond, str(error))


RSVP_BY_ACTION = {
    ActionId.RSVP_ATTENDING: Rsvp.ATTENDING,
    ActionId.RSVP_APOLOGIES: Rsvp.APOLOGIES,
}
THANKS = {
    Rsvp.ATTENDING: N_("Thanks, you're down as coming."),
    Rsvp.APOLOGIES: N_(
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
            raise MeetingError(_(NOT_INVITED))
        reply(
            deps,
            meeting_id=meeting_id,
            user_id=body["user"]["id"],
            rsvp=rsvp,
            then=[
                *_told(body, THANKS[rsvp]),
                # Ten people replying at once need the list shown once more, not ten times.
                refresh(WorkKind.SHOW_REPLIES, f"meeting:{meeting_id}", meeting_id=meeting_id),
            ],
        )
    except MeetingError as error:
        enqueue(deps, _told(body, str(error)))


def handle_representative_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Sending someone (a professional), or bringing someone (a family member): ask who."""
    ack()
    admitted = sender_at_meeting(
        deps,
        meeting_id=_record_id(body),
        user_id=body["user"]["id"],
        permission=ACTION_RULES[ActionId(body["actions"][0]["action_id"])],
    )
    if isinstance(admitted, Refused):
        _tell(respond, _(NOT_INVITED))
        return
    sender, case_id = admitted.found, admitted.case_id
    if sender.agency is None:
        # A family member brings someone with them rather than sending someone in their place.
        modal = bring_someone_modal(case_id, sender.meeting_id)
    else:
        modal = representative_modal(case_id, sender.meeting_id, AGENCY_NAMES[sender.agency])
    deps.gateway.open_view(body["trigger_id"], modal)


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
    form = form_plan(context, user_id)
    area = context.area
    tz = context.tz
    deadline = format_day(context.request.due_at.astimezone(tz).date())
    view = update_modal(
        request_id=context.request.id or 0,
        case_reference=context.case.reference,
        meeting_label=meeting_label(context.meeting, context.case),
        deadline_text=deadline,
        outcomes=context.outcomes,
        rag_meanings=(area.rag_green_meaning, area.rag_amber_meaning, area.rag_red_meaning),
        audience=form.audience,
        on_behalf_of=form.on_behalf_of,
        previous=form.previous,
        urgent_contact=area.urgent_contact,
        previous_sent=format_day(context.previous_sent.astimezone(tz).date())
        if context.previous_sent and form.previous
        else None,
        past_deadline=deps.clock.now() > context.request.due_at,
    )
    deps.gateway.open_view(body["trigger_id"], view)


def handle_open_update_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """From a new-harm alert: the whole update, for the social worker or chair."""
    ack()
    reading = update_to_read(deps, update_id=_record_id(body), user_id=body["user"]["id"])
    if isinstance(reading, Refused):
        _tell(respond, reading.message)
        return
    deps.gateway.open_view(body["trigger_id"], update_reading_modal(reading))


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
    work = Work(
        WorkKind.RELEASE_SUMMARY,
        {
            "conference_id": admitted.found,
            "case_id": admitted.case_id,
            "user_id": body["user"]["id"],
            "url": body.get("response_url"),
        },
        # Released once, however often the button is pressed.
        key=f"{WorkKind.RELEASE_SUMMARY.value}:{admitted.found}",
    )
    enqueue(deps, [work])


def release_after_click(deps: Dependencies, conference_id: int, user_id: str) -> str | None:
    """Post the family's copy and the documents; the professionals get theirs privately."""
    try:
        release_summary(deps, conference_id=conference_id, actor=user_id)
    except ConferenceError:
        return None  # the acknowledgement has already explained a refusal
    return _("Released: the core group has the summary, and professionals their copy.")


def handle_archive_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Archive a closed case's channel (after the ack: it is a Slack call)."""
    ack()
    case_id, url = _record_id(body), body.get("response_url")
    if case_id is None or not isinstance(url, str):
        _tell(respond, NOT_A_MEMBER)
        return
    payload = {"case_id": case_id, "user_id": body["user"]["id"], "url": url}
    enqueue(deps, [Work(WorkKind.ARCHIVE_CHANNEL, payload, key=_key(body))])


def _key(body: dict[str, Any]) -> str | None:
    """A click's own job key (its trigger id), so Slack's redelivery makes no second job."""
    trigger = _trigger(body)
    return f"click:{trigger}" if trigger else None


def archive_after_click(deps: Dependencies, case_id: int, user_id: str) -> str:
    """Archive, or say kindly why not."""
    try:
        return archive_case_channel(deps, case_id=case_id, actor=user_id)
    except ConferenceError as error:
        return str(error)


def handle_approval_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """A social worker agrees, or not, to a stand-in or supporter: carried out after the ack."""
    ack()
    approval_id = _record_id(body)
    url = body.get("response_url")
    if approval_id is None or not isinstance(url, str):
        _tell(respond, NOT_A_MEMBER)
        return
    approve = body["actions"][0]["action_id"] == ActionId.APPROVE_REQUEST
    payload = {"approval_id": approval_id, "user_id": body["user"]["id"], "approve": approve}
    enqueue(deps, [Work(WorkKind.ANSWER_APPROVAL, {**payload, "url": url}, key=_key(body))])


def answer_approval(
    deps: Dependencies, approval_id: int, user_id: str, approve: bool
) -> dict[str, Any]:
    """After the ack: take the answer and tell whoever asked at once; what the clicked message
    then shows (its answer, or why nothing changed)."""
    try:
        answered = answer(deps, approval_id=approval_id, actor=user_id, approve=approve)
    except ApprovalError as error:
        return ephemeral(str(error))
    if approve:
        replan_case(deps, answered.case_id)  # a cover now gets the reminders
    send_now(deps, answered.send_now)
    blocks = [b.to_dict() for b in answered.blocks]
    return {"replace_original": True, "text": "Answered", "blocks": blocks}


def handle_export_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Export a closed case's record before its purge (after the ack: it writes files)."""
    ack()
    case_id, url = _record_id(body), body.get("response_url")
    if case_id is None or not isinstance(url, str):
        _tell(respond, NOT_A_MEMBER)
        return
    payload = {"case_id": case_id, "user_id": body["user"]["id"], "url": url}
    enqueue(deps, [Work(WorkKind.EXPORT_RECORD, payload, key=_key(body))])


def export_after_click(deps: Dependencies, case_id: int, user_id: str) -> str:
    """Export, or say kindly why not."""
    return export_now(deps, case_id=case_id, actor=user_id)


def handle_was_held_click(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """The social worker answers "was it held?": yes is recorded after the ack; no opens a form
    for the reason."""
    ack()
    meeting_id = _record_id(body)
    user_id = body["user"]["id"]
    action = ActionId(body["actions"][0]["action_id"])
    admitted = admit_to_meeting(
        deps,
        meeting_id=meeting_id,
        user_id=user_id,
        permission=ACTION_RULES[action],
        read=meeting_named,
    )
    url = body.get("response_url")
    if isinstance(admitted, Refused) or meeting_id is None or not isinstance(url, str):
        _tell(respond, admitted.message if isinstance(admitted, Refused) else NOT_A_MEMBER)
        return
    if action == ActionId.MEETING_NOT_HELD:
        modal = not_held_modal(admitted.case_id, meeting_id, admitted.found)
        deps.gateway.open_view(body["trigger_id"], modal)
        return
    # Recorded in the request; the question shows the answer, and the case is re-planned, after.
    blocks = held_answer_blocks(admitted.reference, admitted.found, held=True)
    message = {
        "replace_original": True,
        "text": "Answered",
        "blocks": [b.to_dict() for b in blocks],
    }
    shown = once(WorkKind.RESPOND, _trigger(body), url=url, message=message)
    replanned = Work(WorkKind.REPLAN, {"case_id": admitted.case_id})
    try:
        answer_held(deps, meeting_id=meeting_id, actor=user_id, held=True, then=[shown, replanned])
    except MeetingError as error:
        enqueue(deps, _told(body, str(error)))


def handle_language_pick(ack: Ack, body: dict[str, Any], deps: Dependencies) -> None:
    """A person picks their language on their own Home tab: stored and audited as the command
    is, and the Home tab is shown again in it (after the ack)."""
    ack()
    picked = body["actions"][0]
    language = language_named(str((picked.get("selected_option") or {}).get("value", "")))
    on_home = (body.get("view") or {}).get("type") == "home"
    if ActionId(picked["action_id"]) not in PERSONAL_ACTIONS or not on_home or language is None:
        return  # no such menu anywhere else: nothing to change, and no one else's to change
    user_id = body["user"]["id"]
    team_id = str((body.get("team") or {}).get("id") or "")
    home = refresh(WorkKind.SHOW_HOME, f"user:{user_id}", user_id=user_id, team_id=team_id)
    choose_language(deps, team_id=team_id, user_id=user_id, language=language, then=[home])


def register(app: App) -> None:
    """Attach the button listeners (replies first: Bolt tries listeners in order, and they are
    the clicks that come in bursts)."""
    for rsvp_action in RSVP_BY_ACTION:
        app.action(rsvp_action.value)(handle_rsvp_click)
    app.action(ActionId.EDIT_OUTCOME.value)(handle_edit_outcome_click)
    app.action(ActionId.EDIT_ACTION.value)(handle_edit_action_click)
    app.action(ActionId.COMPLETE_ACTION.value)(handle_complete_action_click)
    app.action(ActionId.RSVP_REPRESENTATIVE.value)(handle_representative_click)
    app.action(ActionId.BRING_SOMEONE.value)(handle_representative_click)
    app.action(ActionId.RECORD_ATTENDANCE.value)(handle_record_attendance_click)
    app.action(ActionId.GIVE_UPDATE.value)(handle_give_update_click)
    app.action(ActionId.OPEN_UPDATE.value)(handle_open_update_click)
    app.action(ActionId.RELEASE_SUMMARY.value)(handle_release_click)
    app.action(ActionId.ARCHIVE_CHANNEL.value)(handle_archive_click)
    app.action(ActionId.APPROVE_REQUEST.value)(handle_approval_click)
    app.action(ActionId.DECLINE_REQUEST.value)(handle_approval_click)
    app.action(ActionId.EXPORT_RECORD.value)(handle_export_click)
    app.action(ActionId.MEETING_WAS_HELD.value)(handle_was_held_click)
    app.action(ActionId.MEETING_NOT_HELD.value)(handle_was_held_click)
    app.action(ActionId.CHOOSE_LANGUAGE.value)(handle_language_pick)

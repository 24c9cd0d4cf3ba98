"""The /coregroup slash command: parse, check access, acknowledge at once, then do slow work."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlmodel import Session

from bot.deps import Dependencies
from bot.rules.ids import Command
from bot.rules.vocabulary import Agency, Role
from bot.services.access import OPENING_NEEDS_FULL_MEMBER
from bot.services.agenda import read_agenda
from bot.services.conference import ConferenceError, current_conference, draft_summary
from bot.services.meetings import schedulable
from bot.services.members import MemberError, add_member, change_role, remove_member
from bot.services.plan import load_plan, set_family_may_edit
from bot.services.planning import replan_case
from bot.services.status import history_text, status_text
from bot.services.updates import UpdateError, set_away
from bot.ui.agenda import agenda_modal
from bot.ui.common import message_modal, new_case_modal
from bot.ui.meetings import decision_modal, schedule_modal
from bot.ui.plan import outcome_modal, plan_text
from bot.ui.texts import help_text, unknown_command_text
from handlers.actions import open_action_modal
from handlers.guard import COMMAND_RULES, Admitted, admit_in_channel, admit_in_channel_within
from storage.models import Case

log = logging.getLogger(__name__)

# With should_escape, Slack sends a mention as <@U123|name>.
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
SLOW_VERBS = frozenset({"add", "remove", "summary"})


@dataclass(frozen=True)
class Request:
    """One /coregroup invocation, parsed."""

    verb: str
    args: tuple[str, ...]
    user_id: str
    channel_id: str


def parse(command: dict[str, Any]) -> Request:
    """Split the command text into a verb and its arguments."""
    words = str(command.get("text") or "").split()
    return Request(
        verb=words[0].lower() if words else "help",
        args=tuple(words[1:]),
        user_id=str(command.get("user_id", "")),
        channel_id=str(command.get("channel_id", "")),
    )


def handle_coregroup_command(
    ack: Ack, command: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Answer `/coregroup <sub-command>`; every answer is ephemeral (only the caller sees it)."""
    request = parse(command)
    if request.verb not in COMMAND_RULES:
        ack(text=unknown_command_text(request.verb))
        return
    permission = COMMAND_RULES[request.verb]
    if permission is None:
        if request.verb == "new":
            ack()
            open_new_case_modal(deps, command)
        else:
            ack(text=help_text())
        return
    # One unit of work asks the access module and, for the read-only answers, reads the answer.
    with deps.unit_of_work() as session:
        admitted = admit_in_channel_within(
            session, channel_id=request.channel_id, user_id=request.user_id, permission=permission
        )
        read = READ_ANSWERS.get(request.verb)
        answer = read(session, admitted.case) if read and isinstance(admitted, Admitted) else None
    if not isinstance(admitted, Admitted):
        ack(text=admitted.message)
        return
    if answer is not None:
        ack(text=answer)
        return
    if request.verb in SLOW_VERBS:
        ack(text="On it…")
        deps.after_answer.run(partial(finish_coregroup_command, deps, request, respond))
        return
    if request.verb in MODAL_VERBS:
        ack()  # then open the form at once: its trigger id lives 3 seconds
        MODAL_VERBS[request.verb](deps, admitted.case, str(command["trigger_id"]), request.user_id)
        return
    ack(text=QUICK_ANSWERS[request.verb](deps, admitted.case, request))


def finish_coregroup_command(deps: Dependencies, request: Request, respond: Respond) -> None:
    """After the answer: the sub-commands that call Slack (adding and removing people)."""
    permission = COMMAND_RULES[request.verb]
    assert permission is not None
    # Checked again: only work the acknowledgement admitted is done (and the register may have
    # changed in between).
    admitted = admit_in_channel(
        deps, channel_id=request.channel_id, user_id=request.user_id, permission=permission
    )
    if not isinstance(admitted, Admitted):
        return  # the acknowledgement has already told them, kindly
    try:
        answer = SLOW_ANSWERS[request.verb](deps, admitted.case, request)
    except Exception:  # the person is waiting on "On it…": they must hear something
        log.exception("/coregroup %s failed after the acknowledgement", request.verb)
        answer = (
            f"Sorry, something went wrong on my side and `/coregroup {request.verb}` did not "
            "finish. Please try again in a minute; `/coregroup history` shows what was done."
        )
    respond(text=answer, replace_original=False)


def open_new_case_modal(deps: Dependencies, command: dict[str, Any]) -> None:
    """Open the form first (the trigger id lives 3 seconds), then check the person may use it."""
    user_id = str(command["user_id"])
    view_id = deps.gateway.open_view(
        str(command["trigger_id"]),
        new_case_modal(
            today=deps.clock.now().date(),
            nation=deps.settings.default_nation,
            social_worker=user_id,
        ),
    )
    if deps.gateway.user(user_id).is_guest:
        deps.gateway.update_view(view_id, message_modal("Open a case", OPENING_NEEDS_FULL_MEMBER))


def _mentioned(args: tuple[str, ...]) -> str | None:
    match = MENTION.match(args[0]) if args else None
    return match.group(1) if match else None


def _agency(words: tuple[str, ...]) -> Agency | None:
    wanted = "_".join(words).lower().replace("'", "").replace("-", "_")
    for agency in Agency:
        if wanted in (agency.value, agency.value.replace("_", "")):
            return agency
    return None


AGENCY_CHOICES = ", ".join(a.value for a in Agency if a is not Agency.FAMILY)
ROLE_CHOICES = ", ".join(r.value for r in Role)


def _add(deps: Dependencies, case: Case, request: Request) -> str:
    user_id = _mentioned(request.args)
    agency = _agency(request.args[1:])
    if user_id is None or agency is None:
        return f"Usage: `/coregroup add @person agency`, where agency is one of: {AGENCY_CHOICES}."
    role = Role.FAMILY if agency is Agency.FAMILY else Role.PROFESSIONAL
    assert case.id is not None
    try:
        member = add_member(
            deps, case_id=case.id, actor=request.user_id, user_id=user_id, agency=agency, role=role
        )
    except MemberError as error:
        return str(error)
    return f"Added <@{user_id}> to the core group ({member.agency.value.replace('_', ' ')})."


def _remove(deps: Dependencies, case: Case, request: Request) -> str:
    user_id = _mentioned(request.args)
    if user_id is None:
        return "Usage: `/coregroup remove @person`."
    assert case.id is not None
    try:
        remove_member(deps, case_id=case.id, actor=request.user_id, user_id=user_id)
    except MemberError as error:
        return str(error)
    return f"Removed <@{user_id}> from the core group and the channel."


def _role(deps: Dependencies, case: Case, request: Request) -> str:
    user_id = _mentioned(request.args)
    try:
        role = Role(request.args[1].lower()) if len(request.args) == 2 else None
    except ValueError:
        role = None
    if user_id is None or role is None:
        return f"Usage: `/coregroup role @person role`, where role is one of: {ROLE_CHOICES}."
    assert case.id is not None
    try:
        change_role(deps, case_id=case.id, actor=request.user_id, user_id=user_id, role=role)
    except MemberError as error:
        return str(error)
    return f"<@{user_id}> is now {role.value.replace('_', ' ')} in this core group."


def _plan(session: Session, case: Case) -> str:
    assert case.id is not None
    return plan_text(load_plan(session, case.id))


def _family_plan(deps: Dependencies, case: Case, request: Request) -> str:
    choice = request.args[0].lower() if request.args else ""
    if choice not in ("on", "off"):
        return "Usage: `/coregroup family-plan on` (or `off`): may the family edit the plan?"
    assert case.id is not None
    set_family_may_edit(deps, case_id=case.id, actor=request.user_id, allowed=choice == "on")
    if choice == "on":
        return "Family members in this core group can now add to and edit the plan."
    return "Only the social worker can now edit the plan."


def _open_outcome_form(deps: Dependencies, case: Case, trigger_id: str, user_id: str) -> None:
    assert case.id is not None
    deps.gateway.open_view(trigger_id, outcome_modal(case.id))


def _open_action_form(deps: Dependencies, case: Case, trigger_id: str, user_id: str) -> None:
    open_action_modal(deps, trigger_id, case)


def _open_schedule_form(deps: Dependencies, case: Case, trigger_id: str, user_id: str) -> None:
    assert case.id is not None
    with deps.unit_of_work() as session:
        choices = schedulable(session, case, user_id)
    if not choices:
        deps.gateway.open_view(
            trigger_id, message_modal("Set a meeting", "There are no meetings for you to set.")
        )
        return
    deps.gateway.open_view(
        trigger_id, schedule_modal(case.id, choices, today=deps.clock.now().date())
    )


def _away(deps: Dependencies, case: Case, request: Request) -> str:
    usage = "Usage: `/coregroup away until YYYY-MM-DD @cover` (the cover is optional)."
    words = [w for w in request.args if w.lower() != "until"]
    try:
        until = date.fromisoformat(words[0]) if words else None
    except ValueError:
        until = None
    cover = _mentioned(tuple(words[1:])) if len(words) > 1 else None
    today = deps.clock.now().date()
    if until is None or (len(words) > 1 and cover is None):
        return usage
    if until < today:
        return "That date has already passed: please give the day you'll be back."
    return _record_away(deps, case, request, until, cover)


def _back(deps: Dependencies, case: Case, request: Request) -> str:
    return _record_away(deps, case, request, None, None)


def _record_away(
    deps: Dependencies, case: Case, request: Request, until: date | None, cover: str | None
) -> str:
    assert case.id is not None
    try:
        answer = set_away(
            deps, case_id=case.id, actor=request.user_id, until=until, cover_user=cover
        )
    except UpdateError as error:
        return str(error)
    replan_case(deps, case.id)  # reminders now go to the cover (or to them again)
    return answer


def _summary(deps: Dependencies, case: Case, request: Request) -> str:
    assert case.id is not None
    try:
        return draft_summary(deps, case_id=case.id, actor=request.user_id)
    except ConferenceError as error:
        return str(error)


def _open_decision_form(deps: Dependencies, case: Case, trigger_id: str, user_id: str) -> None:
    assert case.id is not None
    with deps.unit_of_work() as session:
        conference = current_conference(session, case.id)
    if conference is None or conference.id is None:
        deps.gateway.open_view(
            trigger_id,
            message_modal("Conference decision", "There is no review conference to record."),
        )
        return
    label = f"Review conference {conference.sequence} for {case.reference}"
    deps.gateway.open_view(trigger_id, decision_modal(case.id, conference.id, label))


def _open_agenda_form(deps: Dependencies, case: Case, trigger_id: str, user_id: str) -> None:
    assert case.id is not None
    with deps.unit_of_work() as session:
        reference, agenda = read_agenda(session, case.id)
    deps.gateway.open_view(trigger_id, agenda_modal(case.id, reference, agenda))


# Read-only answers, read in the same unit of work as the access check.
READ_ANSWERS: dict[str, Callable[[Session, Case], str]] = {
    "status": status_text,
    "history": history_text,
    "plan": _plan,
}
Answer = Callable[[Dependencies, Case, Request], str]
QUICK_ANSWERS: dict[str, Answer] = {
    "role": _role,
    "family-plan": _family_plan,
    "away": _away,
    "back": _back,
}
MODAL_VERBS: dict[str, Callable[[Dependencies, Case, str, str], None]] = {
    "outcome": _open_outcome_form,
    "action": _open_action_form,
    "schedule": _open_schedule_form,
    "decision": _open_decision_form,
    "agenda": _open_agenda_form,
}
SLOW_ANSWERS: dict[str, Answer] = {"add": _add, "remove": _remove, "summary": _summary}


def register(app: App) -> None:
    """Attach the slash command listener (its slow work goes to `deps.after_answer`)."""
    app.command(Command.COREGROUP.value)(handle_coregroup_command)

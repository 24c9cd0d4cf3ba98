"""The /coregroup slash command: parse, check access, acknowledge at once, then do slow work.

Each sub-command is declared once in `bot.rules.commands` (who may use it, whether it is slow, its
help line); this module gives each its handler in `HANDLERS`, and the dispatch tables below are
derived from the two.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.deps import Dependencies
from bot.rules.agenda import Agenda
from bot.rules.commands import DECLARED, SubCommand, find, usage
from bot.rules.i18n import _, language_named, speaking
from bot.rules.ids import Command
from bot.rules.measures import parse_period
from bot.rules.vocabulary import Agency, Role
from bot.rules.work import Work, WorkKind
from bot.services.access import OPENING_NEEDS_FULL_MEMBER
from bot.services.admission import (
    ActionChoices,
    Admitted,
    CaseRead,
    ConferenceToDecide,
    Refused,
    action_choices,
    admit_in_channel,
    conference_to_decide,
    history_answer,
    nothing,
    plan_answer,
    status_answer,
)
from bot.services.agenda import agenda_to_record
from bot.services.conference import ConferenceError, draft_summary
from bot.services.jobs import enqueue
from bot.services.languages import (
    area_language_in_slack,
    choose_language,
    locale_for,
    tell_person,
)
from bot.services.managers import change_in_slack
from bot.services.measures import Period, for_manager
from bot.services.meetings import schedulable
from bot.services.members import MemberError, add_member, change_role, remove_member
from bot.services.plan import set_family_may_edit
from bot.services.separation import SeparationError, release_words, set_family_separate
from bot.services.stand_ins import set_away
from bot.services.updates import UpdateError
from bot.ui.agenda import agenda_modal
from bot.ui.common import message_modal, new_case_modal
from bot.ui.labels import AGENCY_NAMES, ROLE_WORDS
from bot.ui.measures import as_csv, chart, measures_blocks, measures_title, period_words
from bot.ui.meetings import decision_modal, schedule_modal
from bot.ui.plan import action_modal, outcome_modal
from bot.ui.texts import help_text, unknown_command_text
from handlers.guard import COMMAND_RULES

log = logging.getLogger(__name__)

# With should_escape, Slack sends a mention as <@U123|name>.
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


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
        verb=words[0].lower() if words else SubCommand.HELP.value,
        args=tuple(words[1:]),
        user_id=str(command.get("user_id", "")),
        channel_id=str(command.get("channel_id", "")),
    )


# --- The kinds of handler a sub-command can have -------------------------------------------------


@dataclass(frozen=True)
class Anywhere:
    """Touches no existing case (help, opening a new one): no access check on a channel."""

    run: Callable[[Ack, Dependencies, dict[str, Any]], None]


@dataclass(frozen=True)
class Read:
    """A read-only answer, read in the same unit of work as the access check."""

    read: CaseRead[str]


Answer = Callable[[Dependencies, Admitted[None], Request], str]


@dataclass(frozen=True)
class Reply:
    """An answer from a service call: in the request, or after "On it…" if declared slow."""

    answer: Answer


@dataclass(frozen=True)
class Form:
    """Opens a modal at once (its trigger id lives 3 seconds), with what `read` found."""

    read: CaseRead[Any]
    open: Callable[[Dependencies, Admitted[Any], str], None]


Handler = Anywhere | Read | Reply | Form


def handle_coregroup_command(
    ack: Ack, command: dict[str, Any], respond: Respond, deps: Dependencies
) -> None:
    """Answer `/coregroup <sub-command>`; every answer is ephemeral (only the caller sees it)."""
    request = parse(command)
    declared = find(request.verb)
    if declared is None:
        ack(text=unknown_command_text(request.verb))
        return
    handler = HANDLERS[declared.name]
    if isinstance(handler, Anywhere):
        handler.run(ack, deps, command)
        return
    assert declared.permission is not None
    # One unit of work asks the access module and reads what the answer or the form needs.
    admitted = admit_in_channel(
        deps,
        channel_id=request.channel_id,
        user_id=request.user_id,
        permission=declared.permission,
        read=handler.read if isinstance(handler, Read | Form) else nothing,
    )
    if isinstance(admitted, Refused):
        ack(text=admitted.message)
        return
    if isinstance(handler, Read):
        ack(text=admitted.found)
    elif isinstance(handler, Form):
        ack()  # then open the form at once: its trigger id lives 3 seconds
        handler.open(deps, admitted, str(command["trigger_id"]))
    elif declared.slow:
        url = command.get("response_url")
        if isinstance(url, str):
            payload = {
                "verb": request.verb,
                "args": list(request.args),
                "user_id": request.user_id,
                "channel_id": request.channel_id,
                "case_id": admitted.case_id,
                "url": url,
            }
            trigger = command.get("trigger_id")
            key = f"command:{trigger}" if isinstance(trigger, str) else None
            enqueue(deps, [Work(WorkKind.FINISH_COMMAND, payload, key=key)])
        ack(text=_("On it…"))
    else:
        ack(text=handler.answer(deps, admitted, request))


def finish_coregroup_command(deps: Dependencies, request: Request) -> str | None:
    """After the answer: the sub-commands that call Slack (adding and removing people); returns
    what to tell the person (None: nothing more)."""
    declared = find(request.verb)
    assert declared is not None and declared.permission is not None
    # Checked again: only work the acknowledgement admitted is done (and the register may have
    # changed in between).
    admitted = admit_in_channel(
        deps,
        channel_id=request.channel_id,
        user_id=request.user_id,
        permission=declared.permission,
        read=nothing,
    )
    if isinstance(admitted, Refused):
        return None  # the acknowledgement has already told them, kindly
    try:
        answer = SLOW_ANSWERS[declared.name](deps, admitted, request)
    except Exception:  # the person is waiting on "On it…": they must hear something
        log.exception("/coregroup %s failed after the acknowledgement", declared.name)
        answer = _(
            "Sorry, something went wrong on my side and `/coregroup {name}` did not finish. "
            "Please try again in a minute; `/coregroup history` shows what was done."
        ).format(name=declared.name)
    return answer


def _help(ack: Ack, deps: Dependencies, command: dict[str, Any]) -> None:
    ack(text=help_text())


def open_new_case_modal(ack: Ack, deps: Dependencies, command: dict[str, Any]) -> None:
    """Open the form first (the trigger id lives 3 seconds), then check the person may use it."""
    ack()
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
        deps.gateway.update_view(
            view_id, message_modal(_("Open a case"), _(OPENING_NEEDS_FULL_MEMBER))
        )


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


def _add(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    user_id = _mentioned(request.args)
    agency = _agency(request.args[1:])
    if user_id is None or agency is None:
        return _("Usage: {usage}, where agency is one of: {choices}.").format(
            usage=usage(SubCommand.ADD), choices=AGENCY_CHOICES
        )
    role = Role.FAMILY if agency is Agency.FAMILY else Role.PROFESSIONAL
    try:
        member = add_member(
            deps,
            case_id=case.case_id,
            actor=request.user_id,
            user_id=user_id,
            agency=agency,
            role=role,
        )
    except MemberError as error:
        return str(error)
    return _("Added {person} to the core group ({agency}).").format(
        person=f"<@{user_id}>", agency=AGENCY_NAMES[member.agency]
    )


def _remove(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    user_id = _mentioned(request.args)
    if user_id is None:
        return _("Usage: {usage}.").format(usage=usage(SubCommand.REMOVE))
    try:
        remove_member(deps, case_id=case.case_id, actor=request.user_id, user_id=user_id)
    except MemberError as error:
        return str(error)
    return _("Removed {person} from the core group and the channel.").format(person=f"<@{user_id}>")


def _role(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    user_id = _mentioned(request.args)
    try:
        role = Role(request.args[1].lower()) if len(request.args) == 2 else None
    except ValueError:
        role = None
    if user_id is None or role is None:
        return _("Usage: {usage}, where role is one of: {choices}.").format(
            usage=usage(SubCommand.ROLE), choices=ROLE_CHOICES
        )
    try:
        change_role(deps, case_id=case.case_id, actor=request.user_id, user_id=user_id, role=role)
    except MemberError as error:
        return str(error)
    return _("{person} is now {role} in this core group.").format(
        person=f"<@{user_id}>", role=ROLE_WORDS[role].lower()
    )


def _family_plan(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    choice = request.args[0].lower() if request.args else ""
    if choice not in ("on", "off"):
        return _("Usage: `/coregroup family-plan on` (or `off`): may the family edit the plan?")
    set_family_may_edit(deps, case_id=case.case_id, actor=request.user_id, allowed=choice == "on")
    if choice == "on":
        return _("Family members in this core group can now add to and edit the plan.")
    return _("Only the social worker can now edit the plan.")


def _separate(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    choice = request.args[0].lower() if request.args else ""
    if choice not in ("on", "off"):
        return _("Usage: {usage}: must family members not see each other's words?").format(
            usage=usage(SubCommand.SEPARATE)
        )
    return set_family_separate(
        deps, case_id=case.case_id, actor=request.user_id, separate=choice == "on"
    )


def _share(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    author = _mentioned(request.args[:1])
    reader = _mentioned(request.args[1:2])
    if author is None or reader is None:
        return _("Usage: {usage}.").format(usage=usage(SubCommand.SHARE))
    try:
        return release_words(
            deps,
            case_id=case.case_id,
            actor=request.user_id,
            author_user=author,
            reader_user=reader,
        )
    except SeparationError as error:
        return str(error)


def _open_outcome_form(deps: Dependencies, case: Admitted[None], trigger_id: str) -> None:
    deps.gateway.open_view(trigger_id, outcome_modal(case.case_id))


def _open_action_form(deps: Dependencies, case: Admitted[ActionChoices], trigger_id: str) -> None:
    choices = case.found
    view = action_modal(case.case_id, choices.outcomes, choices.members, choices.action)
    deps.gateway.open_view(trigger_id, view)


def _open_schedule_form(
    deps: Dependencies, case: Admitted[list[tuple[int, str]]], trigger_id: str
) -> None:
    if not case.found:
        deps.gateway.open_view(
            trigger_id,
            message_modal(_("Set a meeting"), _("There are no meetings for you to set.")),
        )
        return
    deps.gateway.open_view(
        trigger_id, schedule_modal(case.case_id, case.found, today=deps.clock.now().date())
    )


def _away(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    words = [w for w in request.args if w.lower() != "until"]
    try:
        until = date.fromisoformat(words[0]) if words else None
    except ValueError:
        until = None
    cover = _mentioned(tuple(words[1:])) if len(words) > 1 else None
    today = deps.clock.now().date()
    if until is None or (len(words) > 1 and cover is None):
        return _("Usage: {usage} (the cover is optional).").format(usage=usage(SubCommand.AWAY))
    if until < today:
        return _("That date has already passed: please give the day you'll be back.")
    return _record_away(deps, case, request, until, cover)


def _back(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    return _record_away(deps, case, request, None, None)


def _record_away(
    deps: Dependencies,
    case: Admitted[None],
    request: Request,
    until: date | None,
    cover: str | None,
) -> str:
    # Reminders go to the cover (or to them again) once the job re-plans; a chase due before
    # it runs is written at sending time only if its person is still the one chased.
    replanned = Work(WorkKind.REPLAN, {"case_id": case.case_id})
    try:
        answer = set_away(
            deps,
            case_id=case.case_id,
            actor=request.user_id,
            until=until,
            cover_user=cover,
            then=[replanned],
        )
    except UpdateError as error:
        return str(error)
    return answer.text


def _summary(deps: Dependencies, case: Admitted[None], request: Request) -> str:
    try:
        return draft_summary(deps, case_id=case.case_id, actor=request.user_id)
    except ConferenceError as error:
        return str(error)


def _open_decision_form(
    deps: Dependencies, case: Admitted[ConferenceToDecide | None], trigger_id: str
) -> None:
    conference = case.found
    if conference is None:
        deps.gateway.open_view(
            trigger_id,
            message_modal(_("Conference decision"), _("There is no review conference to record.")),
        )
        return
    view = decision_modal(case.case_id, conference.conference_id, conference.label)
    deps.gateway.open_view(trigger_id, view)


def _open_agenda_form(deps: Dependencies, case: Admitted[Agenda], trigger_id: str) -> None:
    deps.gateway.open_view(trigger_id, agenda_modal(case.case_id, case.reference, case.found))


def _measures(ack: Ack, deps: Dependencies, command: dict[str, Any]) -> None:
    """For managers: the figures, a chart and a CSV, in their own direct message (never in the
    channel they typed in, which may be a case's)."""
    request = parse(command)
    today = deps.clock.now().date()
    chosen = parse_period(request.args, today)
    if chosen is None:
        ack(text=_("Usage: {usage}.").format(usage=usage(SubCommand.MEASURES)))
        return
    period = Period(*chosen)
    team_id = str(command.get("team_id", ""))
    teams = for_manager(deps, team_id=team_id, user_id=request.user_id, period=period)
    if isinstance(teams, str):
        ack(text=teams)
        return
    payload = {
        "team_id": team_id,
        "user_id": request.user_id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    trigger = command.get("trigger_id")
    key = f"command:{trigger}" if isinstance(trigger, str) else None
    enqueue(deps, [Work(WorkKind.SEND_MEASURES, payload, key=key)])
    ack(text=_("On it… the measures will arrive in your direct messages with me."))


def send_measures(deps: Dependencies, team_id: str, user_id: str, period: Period) -> None:
    """After the answer: the figures, a chart and a CSV in the manager's direct messages."""
    teams = for_manager(deps, team_id=team_id, user_id=user_id, period=period)
    if isinstance(teams, str):
        return  # no longer a manager: the acknowledgement was the last word
    channel, ts = tell_person(
        deps,
        user_id,
        lambda: (
            measures_title(period_words(period.start, period.end)),
            measures_blocks(teams, period_words(period.start, period.end)),
        ),
    )
    # The chart and the files' titles have room for one language: the manager's (Welsh first).
    with speaking(locale_for(deps, user_id=user_id, team_id=team_id)):
        said = period_words(period.start, period.end)
        stem = f"measures-{period.start}-{period.end}"
        png, chart_title = chart(teams, "png"), _("Chart: {period}").format(period=said)
        figures_title = _("Figures: {period}").format(period=said)
    deps.gateway.upload(channel, f"{stem}.png", png, chart_title, ts)
    deps.gateway.upload(channel, f"{stem}.csv", as_csv(teams).encode(), figures_title, ts)


def _managers(ack: Ack, deps: Dependencies, command: dict[str, Any]) -> None:
    """An area admin gives or takes away the manager role."""
    request = parse(command)
    verb = request.args[0].lower() if request.args else ""
    user_id = _mentioned(request.args[1:])
    if verb not in ("add", "remove") or user_id is None:
        ack(text=_("Usage: {usage}.").format(usage=usage(SubCommand.MANAGERS)))
        return
    ack(
        text=change_in_slack(
            deps,
            team_id=str(command.get("team_id", "")),
            actor=request.user_id,
            user_id=user_id,
            add=verb == "add",
        )
    )


def _language(ack: Ack, deps: Dependencies, command: dict[str, Any]) -> None:
    """A person chooses the language the bot speaks to them (stored and audited); with `area`,
    an area admin changes the area's default (the service checks who may)."""
    request = parse(command)
    words = [word.lower() for word in request.args]
    for_area = len(words) == 2 and words[0] == "area"
    named = words[1] if for_area else (words[0] if len(words) == 1 else "")
    language = language_named(named) if named else None
    if language is None:
        ack(text=_("Usage: {usage}.").format(usage=usage(SubCommand.LANGUAGE)))
        return
    team_id = str(command.get("team_id", ""))
    if for_area:
        ack(
            text=area_language_in_slack(
                deps, team_id=team_id, actor=request.user_id, language=language
            )
        )
        return
    ack(text=choose_language(deps, team_id=team_id, user_id=request.user_id, language=language))


# Every declared sub-command's handler (tests/test_commands.py checks the two match).
HANDLERS: dict[SubCommand, Handler] = {
    SubCommand.HELP: Anywhere(_help),
    SubCommand.NEW: Anywhere(open_new_case_modal),
    SubCommand.STATUS: Read(status_answer),
    SubCommand.HISTORY: Read(history_answer),
    SubCommand.PLAN: Read(plan_answer),
    SubCommand.ADD: Reply(_add),
    SubCommand.REMOVE: Reply(_remove),
    SubCommand.ROLE: Reply(_role),
    SubCommand.FAMILY_PLAN: Reply(_family_plan),
    SubCommand.SEPARATE: Reply(_separate),
    SubCommand.SHARE: Reply(_share),
    SubCommand.AWAY: Reply(_away),
    SubCommand.BACK: Reply(_back),
    SubCommand.SUMMARY: Reply(_summary),
    SubCommand.OUTCOME: Form(nothing, _open_outcome_form),
    SubCommand.ACTION: Form(action_choices, _open_action_form),
    SubCommand.SCHEDULE: Form(schedulable, _open_schedule_form),
    SubCommand.DECISION: Form(conference_to_decide, _open_decision_form),
    SubCommand.AGENDA: Form(agenda_to_record, _open_agenda_form),
    SubCommand.MEASURES: Anywhere(_measures),
    SubCommand.MANAGERS: Anywhere(_managers),
    SubCommand.LANGUAGE: Anywhere(_language),
}

# The dispatch tables, derived from the declarations and the handlers.
READ_ANSWERS: dict[SubCommand, CaseRead[str]] = {
    name: handler.read for name, handler in HANDLERS.items() if isinstance(handler, Read)
}
QUICK_ANSWERS: dict[SubCommand, Answer] = {
    name: handler.answer
    for name, handler in HANDLERS.items()
    if isinstance(handler, Reply) and not DECLARED[name].slow
}
SLOW_ANSWERS: dict[SubCommand, Answer] = {
    name: handler.answer
    for name, handler in HANDLERS.items()
    if isinstance(handler, Reply) and DECLARED[name].slow
}
MODAL_VERBS: dict[SubCommand, Form] = {
    name: handler for name, handler in HANDLERS.items() if isinstance(handler, Form)
}
SLOW_VERBS = frozenset(name for name in COMMAND_RULES if DECLARED[name].slow)


def register(app: App) -> None:
    """Attach the slash command listener (its slow work is written as durable jobs)."""
    app.command(Command.COREGROUP.value)(handle_coregroup_command)

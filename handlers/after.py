"""What each kind of durable job does: a plain function of the dependencies and the job's ids.

A listener answers Slack and leaves its slow work as a job (written with its change, in one
transaction); a worker (`bot.worker`) runs it here. Each function may run more than once (a
worker died half-way, or a Slack call failed and is tried again), so each step converges: it
reads the database afresh, and Slack work already done is found, not repeated.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.delivery.immediate import send_now
from bot.deps import Dependencies
from bot.rules.escape import escape_mrkdwn
from bot.rules.i18n import _, speaking
from bot.rules.vocabulary import Nation, SupporterKind
from bot.rules.work import WorkKind
from bot.services.cases import (
    ChannelNameTakenError,
    describe_missing,
    refresh_case_card,
    set_up_channel,
    who_to_tell,
    withdraw_case,
)
from bot.services.conference import refresh_digest
from bot.services.languages import locale_for, tell_person
from bot.services.measures import Period
from bot.services.meetings import refresh_invitation
from bot.services.planning import replan_case
from bot.services.status import home_view
from bot.services.updates import refresh_progress
from bot.slack.gateway import SlackError
from bot.slack.response_urls import Reply, ephemeral
from bot.ui.common import message_modal, new_case_modal, section
from handlers import actions, commands, views

log = logging.getLogger(__name__)

Payload = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """How to run a kind of job, and who to tell if it never succeeds. What `run` answers to a
    response URL (a `Reply`) is posted by the worker once the job is recorded done."""

    run: Callable[[Dependencies, Payload], Reply | None]
    failed: Callable[[Dependencies, Payload], None]


def tell_social_worker(deps: Dependencies, payload: Payload) -> None:
    """The default word after the last attempt: the case's social worker (or whoever clicked)
    hears, in their own language, that something the bot was doing for them did not finish."""
    case_id = payload.get("case_id")
    people = who_to_tell(deps, case_id) if isinstance(case_id, int) else None
    reference, social_workers = people if people else ("", [])
    who = social_workers or [u for u in (payload.get("user_id"),) if isinstance(u, str)]
    for person in who:
        tell_person(deps, person, lambda: _not_finished(reference))


def _not_finished(reference: str) -> tuple[str, list[Block]]:
    """The apology for work that did not finish, in the language being rendered."""
    if reference:
        text = _(
            "Sorry: something I was doing for *{reference}* after a click or a form did not "
            "finish, even after several tries. What was saved is kept; please check "
            "`/coregroup status` and do it again, or tell your Slack administrator if it keeps "
            "happening."
        ).format(reference=escape_mrkdwn(reference))
    else:
        text = _(
            "Sorry: something I was doing after a click or a form did not finish, even after "
            "several tries. What was saved is kept; please check `/coregroup status` and do it "
            "again, or tell your Slack administrator if it keeps happening."
        )
    return _("Something did not finish"), [section(text)]


# --- opening a case --------------------------------------------------------------------------


def open_case_channel(deps: Dependencies, payload: Payload) -> None:
    """Make the channel, bring people in, introduce the case; tell the social worker."""
    case_id, user_id, view_id = payload["case_id"], payload["user_id"], payload.get("view_id")
    try:
        opened = set_up_channel(deps, case_id, opened_by=user_id)
    except ChannelNameTakenError as taken:
        # Not worth trying again: someone else's channel has the name.
        _withdraw(deps, payload, str(taken), name_taken=True)
        return
    if opened is None:
        return  # withdrawn already
    replan_case(deps, case_id)  # prompts and reminders for the first meetings
    with_reference = payload.get("reference", "")
    channel_id, missing = opened.channel_id, opened.missing

    def done() -> str:
        said = _("The case *{reference}* is open in {channel}.").format(
            reference=escape_mrkdwn(with_reference), channel=f"<#{channel_id}>"
        )
        if not missing:
            return said
        return (
            said
            + "\n\n"
            + _("These people are in the core group but I could not add them to the channel:")
            + "\n"
            + describe_missing(missing)
        )

    if missing:
        # The modal may be closed already, so the social worker also gets it in writing, each
        # person in their own language.
        for person in {payload.get("social_worker", user_id), user_id}:
            tell_person(
                deps,
                person,
                lambda: (
                    _("Some people could not join the channel for {reference}").format(
                        reference=with_reference
                    ),
                    [section(done())],
                ),
            )
    _update_view(deps, view_id, _("Case opened"), done())


def case_not_opened(deps: Dependencies, payload: Payload) -> None:
    """After the last attempt: no half-made case is left, and the social worker is told."""
    _withdraw(deps, payload, "the channel could not be made", name_taken=False)


def _withdraw(deps: Dependencies, payload: Payload, reason: str, *, name_taken: bool) -> None:
    reference = withdraw_case(deps, payload["case_id"], reason=reason)
    if reference is None:
        return
    view_id = payload.get("view_id")
    if name_taken and isinstance(view_id, str):
        form = payload.get("form") or {}
        nation = form.get("nation")
        with contextlib.suppress(SlackError):  # the form was closed: the message below says it
            deps.gateway.update_view(
                view_id,
                new_case_modal(
                    today=deps.clock.now().date(),
                    nation=Nation(nation) if nation else deps.settings.default_nation,
                    social_worker=payload.get("social_worker", payload["user_id"]),
                    reference=reference,
                    notice=_not_opened(reference, name_taken=True),
                ),
            )
    elif not name_taken:
        text = _not_opened(reference, name_taken=False)
        _update_view(deps, view_id, _("Case not opened"), text)
    for person in {payload.get("social_worker", payload["user_id"]), payload["user_id"]}:
        tell_person(
            deps,
            person,
            lambda: (
                _("The case {reference} was not opened").format(reference=reference),
                [section(_not_opened(reference, name_taken=name_taken))],
            ),
        )


def _not_opened(reference: str, *, name_taken: bool) -> str:
    """Why a case was not opened, in the language being rendered."""
    if name_taken:
        return _(
            "A channel called #{reference} already exists (it may be archived). Please "
            "choose a different case reference with the family, and fill the form in again."
        ).format(reference=escape_mrkdwn(reference))
    return _(
        "Sorry, Slack would not let me set up the channel for *{reference}*, so no case was "
        "opened and nothing was kept. Please try again in a few minutes."
    ).format(reference=escape_mrkdwn(reference))


def _update_view(deps: Dependencies, view_id: object, title: str, text: str) -> None:
    if not isinstance(view_id, str):
        return
    try:
        deps.gateway.update_view(view_id, message_modal(title, text))
    except SlackError as error:  # closed, or too old: the person has it in writing or in Slack
        log.info("could not update the new-case form: %s", error.code)


# --- refreshes and re-planning -----------------------------------------------------------------


def show_plan(deps: Dependencies, payload: Payload) -> None:
    """The pinned plan, brought up to date (and the reminders that follow its actions)."""
    views.show_plan(deps, payload["case_id"])


def show_replies(deps: Dependencies, payload: Payload) -> None:
    """An invitation's live list, the chases and the chair's digest, after replies."""
    refresh_invitation(deps, payload["meeting_id"])
    replan_case(deps, payload["case_id"])
    refresh_digest(deps, payload["case_id"])


def replan(deps: Dependencies, payload: Payload) -> None:
    """Re-plan a case's messages."""
    replan_case(deps, payload["case_id"])


def after_attendance(deps: Dependencies, payload: Payload) -> None:
    """The invitation shows the meeting as held, and the card and topic no longer name it."""
    refresh_invitation(deps, payload["meeting_id"])
    refresh_case_card(deps, payload["case_id"])
    replan_case(deps, payload["case_id"])


def after_update(deps: Dependencies, payload: Payload) -> None:
    """Its chases cancelled (none was sent meanwhile: a chase is written only while the report
    is owed), the channel's count of updates (never their content), and the digest."""
    replan_case(deps, payload["case_id"])
    refresh_progress(deps, payload["meeting_id"])
    refresh_digest(deps, payload["case_id"])


# --- Slack work a person asked for ---------------------------------------------------------------


def respond(deps: Dependencies, payload: Payload) -> Reply:
    """A message to a click's response URL."""
    return Reply(payload["url"], payload["message"])


def send_outbox_now(deps: Dependencies, payload: Payload) -> None:
    """Outbox rows a person's action asked to go at once."""
    send_now(deps, list(payload["keys"]))


def finish_command(deps: Dependencies, payload: Payload) -> Reply | None:
    """A slow /coregroup sub-command (adding, removing people), and its answer."""
    request = commands.Request(
        verb=payload["verb"],
        args=tuple(payload["args"]),
        user_id=payload["user_id"],
        channel_id=payload["channel_id"],
    )
    answer = commands.finish_coregroup_command(deps, request)
    return Reply(payload["url"], ephemeral(answer)) if answer is not None else None


def send_measures(deps: Dependencies, payload: Payload) -> None:
    """A manager's figures, chart and CSV, in their direct messages."""
    period = Period(date.fromisoformat(payload["start"]), date.fromisoformat(payload["end"]))
    commands.send_measures(deps, payload["team_id"], payload["user_id"], period)


def release_summary(deps: Dependencies, payload: Payload) -> Reply | None:
    """The chair's release of a conference summary."""
    said = actions.release_after_click(deps, payload["conference_id"], payload["user_id"])
    return Reply(payload["url"], ephemeral(said)) if said is not None else None


def archive_channel(deps: Dependencies, payload: Payload) -> Reply:
    """Archive a closed case's channel, or say why not."""
    said = actions.archive_after_click(deps, payload["case_id"], payload["user_id"])
    return Reply(payload["url"], ephemeral(said))


def export_record(deps: Dependencies, payload: Payload) -> Reply:
    """Export a closed case's record, or say why not."""
    said = actions.export_after_click(deps, payload["case_id"], payload["user_id"])
    return Reply(payload["url"], ephemeral(said))


def answer_approval(deps: Dependencies, payload: Payload) -> Reply:
    """A social worker's answer to a request for a stand-in or supporter."""
    said = actions.answer_approval(
        deps, payload["approval_id"], payload["user_id"], payload["approve"]
    )
    return Reply(payload["url"], said)


def after_schedule(deps: Dependencies, payload: Payload) -> None:
    """Card, topic, calendar file, and every message re-planned for the new time."""
    views.after_schedule_submission(
        deps,
        payload["case_id"],
        payload["meeting_id"],
        datetime.fromisoformat(payload["local_start"]),
    )


def send_representative(deps: Dependencies, payload: Payload) -> None:
    """A colleague sent in someone's place (or the social worker asked to agree)."""
    views.send_representative_after(
        deps,
        payload["case_id"],
        payload["user_id"],
        payload["meeting_id"],
        payload["chosen"],
        payload["same_agency"],
    )


def bring_someone(deps: Dependencies, payload: Payload) -> None:
    """A family member's supporter: the social worker is asked."""
    views.ask_to_bring_someone(
        deps,
        payload["case_id"],
        payload["user_id"],
        payload["chosen"],
        SupporterKind(payload["kind"]),
    )


def after_decision(deps: Dependencies, payload: Payload) -> None:
    """The plan follows the decision (continuing: the next cycle; ending: nothing more), and
    everyone is told of it in writing."""
    replan_case(deps, payload["case_id"])
    views.after_decision_submission(
        deps, payload["conference_id"], payload["case_id"], payload["user_id"]
    )


def show_home(deps: Dependencies, payload: Payload) -> None:
    """A person's Home tab again, in the language they read now (read afresh, so a second choice
    made while this waited is the one shown)."""
    user_id, team_id = payload["user_id"], payload.get("team_id")
    with speaking(locale_for(deps, user_id=user_id, team_id=team_id)):
        deps.gateway.publish_home(user_id, home_view(deps, user_id, team_id=team_id))


def _just(run: Callable[[Dependencies, Payload], Reply | None]) -> Kind:
    return Kind(run, tell_social_worker)


# Every kind's function (tests/test_jobs.py checks each WorkKind has one).
WORK: Mapping[str, Kind] = {
    WorkKind.OPEN_CASE: Kind(open_case_channel, case_not_opened),
    WorkKind.SHOW_PLAN: _just(show_plan),
    WorkKind.SHOW_REPLIES: _just(show_replies),
    WorkKind.REPLAN: _just(replan),
    WorkKind.RESPOND: _just(respond),
    WorkKind.SEND_NOW: _just(send_outbox_now),
    WorkKind.FINISH_COMMAND: _just(finish_command),
    WorkKind.SEND_MEASURES: _just(send_measures),
    WorkKind.RELEASE_SUMMARY: _just(release_summary),
    WorkKind.ARCHIVE_CHANNEL: _just(archive_channel),
    WorkKind.ANSWER_APPROVAL: _just(answer_approval),
    WorkKind.EXPORT_RECORD: _just(export_record),
    WorkKind.AFTER_SCHEDULE: _just(after_schedule),
    WorkKind.SEND_REPRESENTATIVE: _just(send_representative),
    WorkKind.BRING_SOMEONE: _just(bring_someone),
    WorkKind.AFTER_ATTENDANCE: _just(after_attendance),
    WorkKind.AFTER_UPDATE: _just(after_update),
    WorkKind.AFTER_DECISION: _just(after_decision),
    WorkKind.SHOW_HOME: _just(show_home),
}

"""Events API listeners; each event id is handled once even when Slack redelivers it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Dependencies
from bot.rules.i18n import _
from bot.rules.ids import Event
from bot.services.inbox import first_delivery
from bot.services.languages import tell_person
from bot.services.members import case_in_channel, record_joined, record_left, social_worker_ids
from bot.services.status import home_view
from bot.ui.common import section
from bot.ui.texts import joined_text, left_text

log = logging.getLogger(__name__)


class SkipRedeliveredEvents(Middleware):
    """Record each event id; a redelivery (X-Slack-Retry-Num) of one already handled is dropped.

    A Middleware subclass rather than a decorated function: it sees every request, and Bolt
    then calls it directly instead of assembling its arguments each time.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not isinstance(event_id, str):
            return next()
        deps: Dependencies = req.context["deps"]
        if not first_delivery(deps, event_id):
            log.info("event %s already handled; ignoring the redelivery", event_id)
            # A 200 with no listener run: Slack stops retrying and nothing happens twice.
            return BoltResponse(status=200, body="")
        return next()


def handle_member_joined(event: dict[str, Any], deps: Dependencies) -> None:
    """Someone was added to a case channel outside the bot: the register follows the channel."""
    case = case_in_channel(deps, str(event.get("channel", "")))
    user_id = str(event.get("user", ""))
    if case is None or user_id == deps.gateway.bot_user_id():
        return
    if record_joined(deps, case_id=case.case_id, user_id=user_id):
        _tell_social_workers(deps, case.case_id, case.reference, lambda: joined_text(user_id))


def handle_member_left(event: dict[str, Any], deps: Dependencies) -> None:
    """Someone left a case channel: they leave the core group, and the social worker is told."""
    case = case_in_channel(deps, str(event.get("channel", "")))
    user_id = str(event.get("user", ""))
    if case is None:
        return
    if record_left(deps, case_id=case.case_id, user_id=user_id):
        _tell_social_workers(deps, case.case_id, case.reference, lambda: left_text(user_id))


def handle_app_home_opened(event: dict[str, Any], context: BoltContext, deps: Dependencies) -> None:
    """Show the person their language, their own cases and next dates."""
    if event.get("tab") != "home":
        return
    user_id = str(event.get("user", ""))
    deps.gateway.publish_home(user_id, home_view(deps, user_id, team_id=context.team_id))


def _tell_social_workers(
    deps: Dependencies, case_id: int, reference: str, text: Callable[[], str]
) -> None:
    """Each social worker hears of the change in their own language."""
    for user_id in social_worker_ids(deps, case_id):
        tell_person(
            deps,
            user_id,
            lambda: (
                _("Core group change in {reference}").format(reference=reference),
                [section(text())],
            ),
        )


def register(app: App) -> None:
    """Attach the event listeners and the redelivery guard."""
    app.middleware(SkipRedeliveredEvents())
    app.event(Event.MEMBER_JOINED_CHANNEL.value)(handle_member_joined)
    app.event(Event.MEMBER_LEFT_CHANNEL.value)(handle_member_left)
    app.event(Event.APP_HOME_OPENED.value)(handle_app_home_opened)

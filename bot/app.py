"""The Bolt app factory: wires listeners, dependencies and the error handler; no global app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Dependencies
from bot.rules.commands import find
from bot.rules.i18n import ENGLISH, speak
from bot.rules.work import Work, WorkKind
from bot.services.jobs import enqueue
from bot.services.languages import locale_for
from bot.slack.response_urls import ephemeral

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a "
    "minute; if it keeps happening, please tell your Slack administrator."
)


class ProvideDependencies(Middleware):
    """Hands every listener the `deps` argument.

    A Middleware subclass rather than a decorated function: Bolt then calls it directly instead
    of inspecting and assembling its arguments on every request.
    """

    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        req.context["deps"] = self.deps
        return next()


class SpeakTheirLanguage(Middleware):
    """Runs every listener in the language of the person it answers (their choice, their Slack
    locale, or their area's default): their replies, forms and Home tab. What a listener posts
    in a case's channel, or sends to someone else, is written in that place's language.

    Bolt runs the listeners after every global middleware has returned, so the locale is set for
    the rest of the request rather than around `next()`; it is set on every request, English
    where nobody is known, so none inherits another's."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        deps = req.context.get("deps")
        user_id = req.context.user_id
        known = isinstance(deps, Dependencies) and bool(user_id)
        speak(
            locale_for(deps, user_id=user_id, team_id=req.context.team_id)
            if known and isinstance(deps, Dependencies)
            else ENGLISH
        )
        return next()


def create_app(deps: Dependencies, *, request_verification: bool = True) -> App:
    """Build the Bolt app for HTTP or Socket Mode.

    `process_before_response=True` runs each listener inside the request instead of polling a
    thread for `ack()`: that keeps acknowledgements fast (DESIGN.md, Serving requests fast).
    """
    from handlers import register_all

    app = App(
        client=deps.client,
        signing_secret=deps.settings.require("slack_signing_secret")
        if request_verification
        else None,
        process_before_response=True,
        token_verification_enabled=False,  # no auth.test call at start-up; the client is ready
        request_verification_enabled=request_verification,
        logger=logging.getLogger("coregroup.bolt"),
    )

    app.middleware(ProvideDependencies(deps))
    app.middleware(SpeakTheirLanguage())
    register_all(app)
    app.error(tell_kindly_on_error)
    return app


def request_context(body: dict[str, Any], context: BoltContext) -> str:
    """Who asked what, where: ids only (never the body's text, a response URL or a token)."""
    parts = {
        "team": context.team_id,
        "user": context.user_id,
        "channel": context.channel_id,
        "command": body.get("command"),
    }
    if isinstance(body.get("command"), str):
        # Only a declared sub-command is named: anything else typed is the person's own text.
        words = str(body.get("text") or "").split()
        declared = find(words[0]) if words else None
        parts["sub_command"] = declared.name if declared else None
    actions = body.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        parts["action"] = actions[0].get("action_id")
    view = body.get("view")
    if body.get("type") in ("view_submission", "view_closed") and isinstance(view, dict):
        parts["callback"] = view.get("callback_id")
    event = body.get("event")
    if isinstance(event, dict):
        parts["event"] = event.get("type")
    return " ".join(f"{name}={value}" for name, value in parts.items() if isinstance(value, str))


def tell_kindly_on_error(
    error: Exception, body: dict[str, Any], context: BoltContext
) -> BoltResponse | None:
    """Bolt's one error handler: log the failure with its request's ids and its traceback, and
    tell the person privately, where Slack gave a way to (a response URL)."""
    log.error("a listener failed: %s", request_context(body, context), exc_info=error)
    deps = context.get("deps")
    url = body.get("response_url")
    if not isinstance(deps, Dependencies) or not isinstance(url, str):
        # A modal or an event: Slack shows its own "trouble connecting" for the 500, or retries.
        return None
    try:
        enqueue(
            deps, [Work(WorkKind.RESPOND, {"url": url, "message": ephemeral(SOMETHING_WENT_WRONG)})]
        )
    except Exception:  # the database may be what failed: the log has it
        log.exception("could not queue the apology for a failed request")
    # The person has our words: a plain 200 keeps Slack from adding its own error beside them.
    return BoltResponse(status=200, body="")

"""The Bolt app factory: wires listeners, dependencies and the error handler; no global app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.clock import Clock
from bot.settings import Settings
from bot.slack.after_answer import AfterAnswer
from bot.slack.gateway import SlackGateway
from storage.db import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dependencies:
    """What every listener may need; a middleware hands it over as the `deps` argument."""

    settings: Settings
    unit_of_work: UnitOfWork
    clock: Clock
    client: WebClient
    # Where listeners leave their Slack work for right after the answer (made here, once, so
    # every thread sees the same one).
    after_answer: AfterAnswer = field(default_factory=AfterAnswer, compare=False, repr=False)

    @cached_property
    def gateway(self) -> SlackGateway:
        """The typed door to Slack, shared so what it learns once (the bot's id) is kept."""
        return SlackGateway(self.client)

    def __deepcopy__(self, memo: dict[int, object]) -> Dependencies:
        # Bolt deep-copies the context for lazy listeners: share the engine and client instead.
        return self


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


def create_app(deps: Dependencies, *, request_verification: bool = True) -> App:
    """Build the Bolt app for HTTP or Socket Mode.

    `process_before_response=True` runs each listener inside the request instead of polling a
    thread for `ack()`: that keeps acknowledgements fast (DESIGN.md, Serving requests fast).
    """
    from handlers import actions, commands, events, views

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
    for module in (commands, actions, events, views):
        module.register(app)
    return app

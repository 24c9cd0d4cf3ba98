"""The Bolt app factory: wires listeners, dependencies and the error handler; no global app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.clock import Clock
from bot.gateway import SlackGateway
from bot.settings import Settings
from storage.db import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dependencies:
    """What every listener may need; a middleware hands it over as the `deps` argument."""

    settings: Settings
    unit_of_work: UnitOfWork
    clock: Clock
    client: WebClient

    @cached_property
    def gateway(self) -> SlackGateway:
        """The typed door to Slack, shared so what it learns once (the bot's id) is kept."""
        return SlackGateway(self.client)

    def __deepcopy__(self, memo: dict[int, object]) -> Dependencies:
        # Bolt deep-copies the context for lazy listeners: share the engine and client instead.
        return self


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

    @app.middleware
    def provide_dependencies(context: BoltContext, next: Callable[[], None]) -> None:
        context["deps"] = deps
        next()

    for module in (commands, actions, events, views):
        module.register(app)
    return app

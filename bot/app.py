"""The Bolt app factory: wires listeners, dependencies and the error handler; no global app."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.deps import Dependencies

log = logging.getLogger(__name__)


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
    register_all(app)
    return app

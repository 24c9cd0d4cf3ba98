"""What every listener, service and job is given: settings, the unit of work, the clock, Slack."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from slack_sdk import WebClient

from bot.clock import Clock
from bot.settings import Settings
from bot.slack.after_answer import AfterAnswer
from bot.slack.gateway import SlackGateway
from storage.db import UnitOfWork


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

"""What every listener, service and job is given: settings, the unit of work, the clock, Slack."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from slack_sdk import WebClient

from bot.clock import Clock
from bot.settings import Settings
from bot.slack.gateway import SlackGateway
from storage.db import UnitOfWork


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

"""Slack listeners: one module per Slack surface, each exposing register(app)."""

from __future__ import annotations

from slack_bolt import App


def register_all(app: App) -> None:
    """Attach every listener: the one place the Slack surfaces are wired to the app."""
    from handlers import actions, commands, events, views

    for module in (commands, actions, events, views):
        module.register(app)

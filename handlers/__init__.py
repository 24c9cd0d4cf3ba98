"""Slack listeners: one module per Slack surface, each exposing register(app)."""

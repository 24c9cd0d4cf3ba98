"""Escaping of people's text before it reaches Slack, so nobody's words can ping or hide a link."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """Escape `&`, `<`, `>` as Slack asks: disarms `<!channel>`, `<@U1>` and `<url|label>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

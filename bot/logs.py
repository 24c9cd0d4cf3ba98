"""Logging set-up that keeps request bodies and tokens out of every log line."""

from __future__ import annotations

import logging
import re

# Slack tokens (bot, user, app, config) and signing-like secrets in free text.
TOKEN_PATTERN = re.compile(r"xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")

# These libraries log whole request and response bodies at DEBUG; case text must never reach a log.
CHATTY_LOGGERS = ("slack_sdk", "slack_bolt", "urllib3", "uvicorn.access", "websocket")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a Slack token with a marker before the record is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if TOKEN_PATTERN.search(message):
            record.msg = TOKEN_PATTERN.sub("xox?-[redacted]", message)
            record.args = None
        return True


class StillRunning(logging.Filter):
    """Drop APScheduler's note that a tick was skipped because the job is still running: the
    daily job outlasts many ticks by design (a tick only checks whether its hour has come)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


class TokenGivenTwice(logging.Filter):
    """Drop Bolt's start-up warning that SLACK_BOT_TOKEN is unused: the app is given the client
    built from that very token, and Bolt reads the variable again on its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def configure_logging(level: str = "INFO") -> None:
    """Configure the root logger once, for the CLI's long-running commands."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(StillRunning())
    logging.getLogger("coregroup.bolt").addFilter(TokenGivenTwice())
    # APScheduler says at INFO that each tick ran: the jobs say instead when they did something.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    # WeasyPrint narrates each step of a PDF at INFO, even importing it parses three style sheets.
    logging.getLogger("weasyprint.progress").setLevel(
        max(logging.WARNING, logging.getLogger().level)
    )

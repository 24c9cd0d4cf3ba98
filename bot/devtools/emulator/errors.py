"""Errors the emulator raises: Slack API errors, and requests Slack could never receive."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Web API error: answered as HTTP 200 `{"ok": false, "error": code, ...extra}`."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


class EmulatorUsageError(Exception):
    """A test asked the emulator for something no Slack user or client could do."""

"""The project's Slack emulator: Slack's Web API, people and app traffic, for tests and the demo."""

from .emulator import SlackEmulator, events_from_manifest, run_standalone, scopes_from_manifest
from .errors import ApiError, EmulatorUsageError
from .faults import Fault
from .interactions import AppResponse
from .ratelimit import WORKSPACE_POST_LIMIT, PostLimit
from .server import CallRecord

__all__ = [
    "WORKSPACE_POST_LIMIT",
    "ApiError",
    "AppResponse",
    "CallRecord",
    "EmulatorUsageError",
    "Fault",
    "PostLimit",
    "SlackEmulator",
    "events_from_manifest",
    "run_standalone",
    "scopes_from_manifest",
]

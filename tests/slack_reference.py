"""Where the tests find Slack's published contract (methods, events, manifest schema) as data.

It is Slack's, not ours, so it is not copied into this repository: it is read from
`COREGROUP_SLACK_REFERENCE` if set, else from `slack-reference/` in the `shared` folder beside
the clone. Without it the tests that check the emulator and the manifest against it skip and say
where they looked; `COREGROUP_REQUIRE_SLACK_REFERENCE=1` (set by `.ci/run` when the data is there)
turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(
    os.environ.get("COREGROUP_SLACK_REFERENCE") or ROOT.parent / "shared" / "slack-reference"
)


def require_reference() -> Path:
    """The reference folder; skips (or fails, when required) if it is not there."""
    if not (REFERENCE / "methods").is_dir():
        message = (
            f"Slack's reference data is not at {REFERENCE}: set COREGROUP_SLACK_REFERENCE to "
            "the folder that holds methods/, events.json and manifest-schema/"
        )
        if os.environ.get("COREGROUP_REQUIRE_SLACK_REFERENCE"):
            pytest.fail(message)
        pytest.skip(message)
    return REFERENCE


def reference_json(relative: str) -> Any:
    """One file of the reference, parsed."""
    return json.loads((require_reference() / relative).read_text(encoding="utf-8"))

"""Reading what a person entered in a modal (`view.state.values`), by block id, defensively.

Slack nests each input as values[block_id][action_id]; every form here uses one element per
block with the same id. A payload of the wrong shape reads as "nothing entered", never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any


def value_of(values: object, block_id: str) -> Any:
    """The entered value of one block's element, as its element type gives it (or None)."""
    block = values.get(block_id) if isinstance(values, Mapping) else None
    element = block.get(block_id) if isinstance(block, Mapping) else None
    if not isinstance(element, Mapping):
        return None
    kind = element.get("type")
    if kind == "plain_text_input":
        text = element.get("value")
        return text.strip() if isinstance(text, str) else ""
    if kind in ("static_select", "radio_buttons"):
        option = element.get("selected_option")
        return option.get("value") if isinstance(option, Mapping) else None
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        chosen = element.get("selected_users")
        return list(chosen) if isinstance(chosen, list) else []
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "checkboxes":
        options = element.get("selected_options")
        if not isinstance(options, list):
            return []
        return [o.get("value") for o in options if isinstance(o, Mapping)]
    return None


def text_of(values: object, block_id: str) -> str:
    """Text typed into a block ('' when empty)."""
    value = value_of(values, block_id)
    return value if isinstance(value, str) else ""


def int_of(values: object, block_id: str) -> int | None:
    """A chosen option whose value is a record id."""
    try:
        return int(value_of(values, block_id))
    except (TypeError, ValueError):
        return None


def date_of(values: object, block_id: str) -> date | None:
    """A picked date."""
    value = value_of(values, block_id)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def time_of(values: object, block_id: str) -> time | None:
    """A picked time of day."""
    value = value_of(values, block_id)
    try:
        return time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def user_of(values: object, block_id: str) -> str | None:
    """A picked person's user id."""
    value = value_of(values, block_id)
    return value if isinstance(value, str) and value else None

"""Block Kit checks as Slack applies them to messages and views, using slack_sdk's own models."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from .errors import ApiError, EmulatorUsageError

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
_SELECTED_KEY = {
    "static_select": "selected_option",
    "external_select": "selected_option",
    "overflow": "selected_option",
    "radio_buttons": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
_INITIAL_KEY = {
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_conversation": "initial_conversation",
    "selected_conversations": "initial_conversations",
    "selected_channel": "initial_channel",
    "selected_channels": "initial_channels",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
}
_VALUE_TYPES = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}


# views.* refuse a view whose JSON is over 250 kB (view_too_large).
MAX_VIEW_BYTES = 250_000


def decode_json_arg(value: Any, *, error: str) -> Any:
    """A JSON argument: form posts carry it as a string, JSON posts as the value itself."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(error) from None
    return value


def _problems(blocks: Any, limit: int) -> list[str]:
    """What Slack would object to in a list of blocks, as its `[ERROR] ...` messages."""
    if not isinstance(blocks, list):
        return ["[ERROR] must be an array [json-pointer:/blocks]"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] must provide at most {limit} items [json-pointer:/blocks]")
    seen_ids: set[str] = set()
    for index, raw in enumerate(blocks):
        pointer = f"[json-pointer:/blocks/{index}]"
        if not isinstance(raw, dict):
            problems.append(f"[ERROR] must be an object {pointer}")
            continue
        block_id = raw.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_ids:
                problems.append(f"[ERROR] duplicate block_id {block_id!r} {pointer}")
            seen_ids.add(block_id)
        try:
            block = Block.parse(raw)
            if block is None or type(block) is Block:
                problems.append(f"[ERROR] unsupported block type {raw.get('type')!r} {pointer}")
                continue
            block.validate_json()
            # to_dict validates nested elements and text objects, which validate_json skips.
            block.to_dict()
        except (SlackObjectFormationError, TypeError, KeyError, ValueError) as exc:
            problems.append(f"[ERROR] {exc} {pointer}")
    return problems


def check_message_blocks(value: Any) -> list[dict[str, Any]]:
    """Decode and validate a message's blocks, or raise invalid_blocks(_format) as Slack does."""
    blocks = decode_json_arg(value, error="invalid_blocks_format")
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    problems = _problems(blocks, MAX_MESSAGE_BLOCKS)
    if problems:
        raise ApiError("invalid_blocks", response_metadata={"messages": problems})
    return blocks


def check_view(value: Any, *, expected_type: str) -> dict[str, Any]:
    """Decode and validate a view, or raise invalid_arguments with Slack's messages."""
    view = decode_json_arg(value, error="invalid_arguments")
    if not isinstance(view, dict):
        raise ApiError(
            "invalid_arguments", response_metadata={"messages": ["[ERROR] invalid view"]}
        )
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        raise ApiError("view_too_large")
    problems: list[str] = []
    if view.get("type") != expected_type:
        problems.append(f"[ERROR] view type must be {expected_type!r} [json-pointer:/view/type]")
    problems += [p.replace("/blocks", "/view/blocks") for p in _problems(view.get("blocks"), 100)]
    if not problems:
        try:
            model = View(**view)
            model.validate_json()
            model.to_dict()
        except (SlackObjectFormationError, TypeError, KeyError, ValueError) as exc:
            problems.append(f"[ERROR] {exc} [json-pointer:/view]")
    if problems:
        raise ApiError("invalid_arguments", response_metadata={"messages": problems})
    return view


def with_block_ids(blocks: list[dict[str, Any]], seed: str) -> list[dict[str, Any]]:
    """Copy blocks, giving each one without a block_id a generated one as Slack does."""
    result = []
    for index, block in enumerate(blocks):
        copy = json.loads(json.dumps(block))
        copy.setdefault("block_id", f"{seed[-4:]}{index:02d}")
        result.append(copy)
    return result


def interactive_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block (actions elements, section accessory, input element)."""
    elements: list[dict[str, Any]] = []
    if block.get("type") == "actions":
        elements += [e for e in block.get("elements", []) if isinstance(e, dict)]
    accessory = block.get("accessory")
    if isinstance(accessory, dict) and accessory.get("action_id"):
        elements.append(accessory)
    element = block.get("element")
    if block.get("type") == "input" and isinstance(element, dict):
        elements.append(element)
    return elements


def options_of(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options += group.get("options", [])
    return options


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """An element's entry in view.state.values for `value` (None: its initial value)."""
    kind = str(element.get("type"))
    entry: dict[str, Any] = {"type": kind}
    if kind in _VALUE_TYPES:
        entry["value"] = value if value is not None else element.get("initial_value")
        return entry
    key = _SELECTED_KEY.get(kind)
    if key is None:
        return entry
    if value is None:
        entry[key] = element.get(_INITIAL_KEY[key], [] if key.endswith("s") else None)
    elif key in ("selected_option", "selected_options"):
        wanted = [value] if key == "selected_option" else list(value)
        by_value = {str(o.get("value")): o for o in options_of(element)}
        missing = [v for v in wanted if str(v) not in by_value]
        if missing:
            raise EmulatorUsageError(f"{element.get('action_id')!r} has no option {missing!r}")
        chosen = [by_value[str(v)] for v in wanted]
        entry[key] = chosen[0] if key == "selected_option" else chosen
    else:
        entry[key] = value
    return entry


def initial_state(payload: dict[str, Any]) -> dict[str, Any]:
    """state.values as Slack fills it before the person types anything (input blocks only)."""
    values: dict[str, Any] = {}
    for block in payload.get("blocks", []):
        element = block.get("element") if block.get("type") == "input" else None
        if isinstance(element, dict) and element.get("action_id") and block.get("block_id"):
            values.setdefault(block["block_id"], {})[element["action_id"]] = element_state(
                element, None
            )
    return values

"""The emulator's method table agrees with Slack's reference; missing arguments are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.devtools.emulator.contract import GENERIC_ERRORS, METHODS
from bot.devtools.emulator.methods import HANDLERS

METHOD_NAMES = sorted(METHODS)


def test_every_method_in_the_table_has_a_handler_and_vice_versa() -> None:
    assert set(METHODS) == set(HANDLERS)


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_contract_matches_slack_reference(
    name: str, reference_method: Callable[[str], dict[str, Any]]
) -> None:
    reference = reference_method(name)
    contract = METHODS[name]
    assert contract.http_method == reference["http_method"]
    assert contract.json_input == bool(reference.get("json_input_supported"))
    assert set(contract.required) == set(reference["args"]["required"]) - {"token"}
    assert contract.bot_scopes == tuple(reference["scope"].get("bot") or ())
    assert contract.tier == reference["rate_limits"]


@pytest.mark.parametrize("name", METHOD_NAMES)
def test_every_error_the_emulator_can_answer_is_documented(
    name: str, reference_method: Callable[[str], dict[str, Any]]
) -> None:
    documented = set(reference_method(name)["errors"])
    undocumented = METHODS[name].errors - documented - GENERIC_ERRORS
    assert undocumented == set()
    for error in METHODS[name].missing_errors.values():
        assert error in documented | GENERIC_ERRORS


MISSING_CASES = [(name, arg) for name in METHOD_NAMES for arg in METHODS[name].required]


@pytest.mark.parametrize(("name", "missing"), MISSING_CASES)
def test_call_missing_a_required_argument_is_refused(
    client: WebClient, name: str, missing: str
) -> None:
    contract = METHODS[name]
    args = {arg: "x" for arg in contract.required if arg != missing}
    verb = "GET" if contract.http_method == "GET" else "POST"
    with pytest.raises(SlackApiError) as refused:
        client.api_call(name, http_verb=verb, params=args)
    assert refused.value.response["error"] == contract.missing_error(missing)
    if contract.missing_error(missing) == "invalid_arguments":
        assert refused.value.response["response_metadata"]["messages"]

"""Rate limits on the emulator clock, and seeded faults slack_sdk's retry handlers must survive."""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.clock import ManualClock, SystemClock
from bot.devtools.emulator import WORKSPACE_POST_LIMIT, Fault, PostLimit, SlackEmulator
from bot.devtools.emulator.ratelimit import RateLimiter

QUICK = FixedValueRetryIntervalCalculator(0.01)


def rate_limited(call: object, **kwargs: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as refused:
        call(**kwargs)  # type: ignore[operator]
    return refused.value


def test_tier_2_method_allows_a_minute_of_burst_then_429_until_the_clock_moves(
    client: WebClient, clock: ManualClock, private_case: str
) -> None:
    for n in range(20):  # the bucket is per method: a full minute of allowance
        client.conversations_setTopic(channel=private_case, topic=f"t{n}")
    refused = rate_limited(client.conversations_setTopic, channel=private_case, topic="over")
    assert refused.response.status_code == 429
    assert refused.response["error"] == "ratelimited"
    assert refused.response.headers["Retry-After"] == "3"
    clock.advance(timedelta(seconds=3))
    assert client.conversations_setTopic(channel=private_case, topic="again")["ok"]


def test_post_message_is_about_one_per_second_per_channel(
    client: WebClient, clock: ManualClock, private_case: str
) -> None:
    other = client.conversations_create(name="case-0002", is_private=True)["channel"]["id"]
    for n in range(3):
        client.chat_postMessage(channel=private_case, text=f"burst {n}")
    refused = rate_limited(client.chat_postMessage, channel=private_case, text="too fast")
    assert (refused.response.status_code, refused.response.headers["Retry-After"]) == (429, "1")
    assert client.chat_postMessage(channel=other, text="another channel is fine")["ok"]
    clock.advance(timedelta(seconds=1))
    assert client.chat_postMessage(channel=private_case, text="a second later")["ok"]


def test_post_message_is_also_limited_across_the_workspace_whatever_the_channel(
    emu: SlackEmulator, client: WebClient, clock: ManualClock
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=6, burst=4)
    people = [emu.add_user(f"member {n}") for n in range(6)]
    for person in people[:4]:  # each to a different person: no channel is busy
        client.chat_postMessage(channel=person, text="Please send your update")
    refused = rate_limited(client.chat_postMessage, channel=people[4], text="one too many")
    assert (refused.response.status_code, refused.response.headers["Retry-After"]) == (429, "10")
    clock.advance(timedelta(seconds=10))
    assert client.chat_postMessage(channel=people[4], text="a token later")["ok"]
    rate_limited(client.chat_postMessage, channel=people[5], text="and the next waits again")
    assert [c.status for c in emu.calls_to("chat.postMessage")] == [200] * 4 + [429, 200, 429]


def test_a_post_refused_by_its_channel_takes_nothing_from_the_workspace_allowance(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    emu.workspace_post_limit = PostLimit(per_minute=6, burst=4)
    for n in range(3):
        client.chat_postMessage(channel=private_case, text=f"burst {n}")
    refused = rate_limited(client.chat_postMessage, channel=private_case, text="channel busy")
    assert refused.response.headers["Retry-After"] == "1"
    person = emu.add_user("alex")
    assert client.chat_postMessage(channel=person, text="the fourth workspace token")["ok"]


def test_the_default_workspace_limit_is_600_posts_a_minute_with_a_minute_of_burst() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock)
    assert limiter.workspace_posts == WORKSPACE_POST_LIMIT == PostLimit(600, 600)
    assert [limiter.check("chat.postMessage", f"U{n:05d}") for n in range(600)] == [None] * 600
    assert limiter.check("chat.postMessage", "U99999") == 1
    clock.advance(timedelta(seconds=1))
    passed = [limiter.check("chat.postMessage", f"U1{n:04d}") is None for n in range(11)]
    assert passed == [True] * 10 + [False]  # ten a second once the burst is spent


def test_the_least_time_a_fan_out_can_take_is_what_exceeds_the_burst_over_the_rate() -> None:
    assert WORKSPACE_POST_LIMIT.least_seconds(5000) == 440.0
    assert WORKSPACE_POST_LIMIT.least_seconds(600) == 0.0
    assert PostLimit(per_minute=60, burst=3).least_seconds(13) == 10.0
    with pytest.raises(ValueError):
        PostLimit(per_minute=0, burst=1)


def test_rate_limits_can_be_switched_off(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    emu.rate_limits_enabled = False
    for n in range(30):
        client.chat_postMessage(channel=private_case, text=f"{n}")


def test_rate_limit_retry_handler_survives_a_429_storm_without_losing_a_message() -> None:
    with SlackEmulator(clock=SystemClock()) as emu:
        client = WebClient(
            token=emu.bot_token,
            base_url=emu.api_url,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=5)],
        )
        channel = client.conversations_create(name="storm", is_private=True)["channel"]["id"]
        for n in range(5):
            client.chat_postMessage(channel=channel, text=f"message {n}")
        texts = [m.text for m in emu.inspector.messages(channel)]
        assert texts == [f"message {n}" for n in range(5)]
        assert any(c.status == 429 for c in emu.calls_to("chat.postMessage"))
        assert emu.contract_violations == []


def test_a_client_that_waits_its_retry_after_in_real_time_is_let_through_on_a_frozen_clock() -> (
    None
):
    clock, real = ManualClock(), [0.0]
    limiter = RateLimiter(clock, real_seconds=lambda: real[0])
    for _ in range(3):
        assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C1") == 1
    real[0] += 0.5  # came back too soon: still refused, and asked to wait again
    assert limiter.check("chat.postMessage", "C1") == 1
    real[0] += 1.0  # waited the whole second it was asked to
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C1") == 1  # one token earned, not a new burst


def test_a_wait_the_simulated_clock_already_covered_is_not_credited_twice() -> None:
    clock, real = ManualClock(), [0.0]
    limiter = RateLimiter(clock, real_seconds=lambda: real[0])
    for _ in range(3):
        limiter.check("chat.postMessage", "C1")
    assert limiter.check("chat.postMessage", "C1") == 1
    clock.advance(timedelta(seconds=1))
    real[0] += 1.0
    assert limiter.check("chat.postMessage", "C1") is None
    assert limiter.check("chat.postMessage", "C1") == 1


def test_retry_handler_gets_through_a_429_storm_while_the_simulated_clock_stands_still() -> None:
    with SlackEmulator(clock=ManualClock()) as emu:
        client = WebClient(
            token=emu.bot_token,
            base_url=emu.api_url,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
        )
        channel = client.conversations_create(name="frozen", is_private=True)["channel"]["id"]
        for n in range(5):
            client.chat_postMessage(channel=channel, text=f"message {n}")
        texts = [m.text for m in emu.inspector.messages(channel)]
        assert texts == [f"message {n}" for n in range(5)]
        statuses = [c.status for c in emu.calls_to("chat.postMessage")]
        assert statuses == [200, 200, 200, 429, 200, 429, 200]


def fault_sequence(seed: int) -> list[str | None]:
    with SlackEmulator(clock=ManualClock()) as emu:
        emu.faults.configure(rate=0.5, kinds=(Fault.HTTP_500, Fault.HTTP_503), seed=seed)
        client = WebClient(token=emu.bot_token, base_url=emu.api_url, retry_handlers=[])
        for _ in range(12):
            with contextlib.suppress(SlackApiError):
                client.auth_test()
        return [c.fault for c in emu.calls]


def test_faults_are_seeded_and_reproducible() -> None:
    first, again, other = fault_sequence(7), fault_sequence(7), fault_sequence(8)
    assert first == again
    assert first != other
    assert {"http_500", "http_503"} & set(filter(None, first))


def test_retry_handlers_survive_5xx_and_dropped_connections(
    emu: SlackEmulator, private_case: str
) -> None:
    emu.rate_limits_enabled = False
    emu.faults.configure(rate=0.3, kinds=(Fault.HTTP_500, Fault.HTTP_503, Fault.DROP), seed=3)
    client = WebClient(
        token=emu.bot_token,
        base_url=emu.api_url,
        retry_handlers=[
            ServerErrorRetryHandler(max_retry_count=8, interval_calculator=QUICK),
            ConnectionErrorRetryHandler(max_retry_count=8, interval_calculator=QUICK),
        ],
    )
    for n in range(20):
        client.chat_postMessage(channel=private_case, text=f"prompt {n}")
    texts = [m.text for m in emu.inspector.messages(private_case)]
    assert texts == [f"prompt {n}" for n in range(20)]
    kinds = {c.fault for c in emu.calls_to("chat.postMessage")}
    assert {"http_500", "http_503", "drop"} <= kinds


@pytest.mark.parametrize("kind", [Fault.HTTP_500_AFTER, Fault.DROP_AFTER])
def test_fail_after_apply_leaves_the_message_posted(
    emu: SlackEmulator, client: WebClient, private_case: str, kind: Fault
) -> None:
    emu.faults.inject_next(kind, method="chat.postMessage")
    with pytest.raises(Exception):  # noqa: B017 - a 500 or a dropped connection, as the client sees it
        client.chat_postMessage(
            channel=private_case,
            text="Invitation",
            metadata={"event_type": "outbox_sent", "event_payload": {"key": "invite:1"}},
        )
    history = client.conversations_history(channel=private_case, include_all_metadata=True)
    assert [
        m["metadata"]["event_payload"]["key"] for m in history["messages"] if "metadata" in m
    ] == ["invite:1"]


def test_fail_before_apply_posts_nothing(
    emu: SlackEmulator, client: WebClient, private_case: str
) -> None:
    emu.faults.inject_next(Fault.HTTP_500, method="chat.postMessage")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=private_case, text="Invitation")
    assert [m.text for m in emu.inspector.messages(private_case)] == []


def test_slow_answers_are_slow_but_succeed(emu: SlackEmulator, client: WebClient) -> None:
    emu.faults.configure(rate=1.0, kinds=[Fault.SLOW], seed=1, slow_ms=60)
    started = time.monotonic()
    assert client.auth_test()["ok"]
    assert time.monotonic() - started >= 0.06
    emu.faults.off()
    assert emu.faults.choose("auth.test") is None

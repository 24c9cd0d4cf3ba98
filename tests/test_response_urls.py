"""Posting to response URLs from the event loop: connections kept alive, failures only logged."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from typing import Any

import httptools
import pytest

from bot.slack.response_urls import ResponseUrls

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
UNTIL_CLOSE = b"HTTP/1.0 200 OK\r\n\r\nok"
NOT_FOUND = b'HTTP/1.1 404 Not Found\r\nContent-Length: 16\r\n\r\n{"ok":false,"e"}'


class FakeSlack:
    """A response URL endpoint: records each message and its connection, answers as told."""

    def __init__(self, answer: bytes, *, close_after_each: bool = False) -> None:
        self.answer = answer
        self.close_after_each = close_after_each
        self.connections = 0
        self.messages: list[dict[str, Any]] = []
        self.paths: list[str] = []

    async def start(self) -> str:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self._server = server
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/actions/T1/B2?x=1"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        fake = self

        class Request:
            def __init__(self) -> None:
                self.body = b""
                self.done = False

            def on_url(self, url: bytes) -> None:
                fake.paths.append(url.decode())

            def on_body(self, body: bytes) -> None:
                self.body += body

            def on_message_complete(self) -> None:
                self.done = True

        request = Request()
        parser = httptools.HttpRequestParser(request)
        while data := await reader.read(65536):
            parser.feed_data(data)
            if request.done:
                self.messages.append(json.loads(request.body))
                writer.write(self.answer)
                await writer.drain()
                if self.close_after_each or self.answer == UNTIL_CLOSE:
                    break
                request.body, request.done = b"", False
        writer.close()


def post_twice(slack: FakeSlack) -> list[int | None]:
    async def scenario() -> list[int | None]:
        url = await slack.start()
        poster = ResponseUrls(timeout=5)
        first = await poster.post(url, {"text": "Thanks, you're down as coming."})
        second = await poster.post(url, {"text": "Thanks for letting us know."})
        return [first, second]

    return asyncio.run(scenario())


@pytest.mark.parametrize("answer", [OK, CHUNKED], ids=["content-length", "chunked"])
def test_messages_go_over_one_kept_alive_connection(answer: bytes) -> None:
    slack = FakeSlack(answer)
    assert post_twice(slack) == [200, 200]
    assert slack.connections == 1
    assert slack.paths == ["/actions/T1/B2?x=1"] * 2
    assert [m["text"] for m in slack.messages] == [
        "Thanks, you're down as coming.",
        "Thanks for letting us know.",
    ]


def test_a_connection_the_server_closed_while_idle_is_replaced_and_nothing_is_lost() -> None:
    slack = FakeSlack(OK, close_after_each=True)
    assert post_twice(slack) == [200, 200]
    assert slack.connections == 2
    assert len(slack.messages) == 2


def test_an_answer_that_runs_to_the_end_of_the_connection_is_read_whole() -> None:
    slack = FakeSlack(UNTIL_CLOSE)
    assert post_twice(slack) == [200, 200]
    assert slack.connections == 2  # such a connection cannot carry another message


def test_a_refusal_from_slack_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.slack.response_urls"):
        assert post_twice(FakeSlack(NOT_FOUND)) == [404, 404]
    assert "a response URL answered 404" in caplog.text


def test_an_unreachable_response_url_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario() -> int | None:
        return await ResponseUrls(timeout=5).post(f"http://127.0.0.1:{port}/x", {"text": "hi"})

    with caplog.at_level(logging.WARNING, logger="bot.slack.response_urls"):
        assert asyncio.run(scenario()) is None
    assert "could not post to a response URL" in caplog.text

"""Posting to a response URL after a job: delivered, a refusal logged (not retried), a network
failure raised (the worker logs it: the job is done, and its answer is never said twice)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.slack.response_urls import ephemeral, post_to_response_url


class ResponseUrl(ThreadingHTTPServer):
    """A response URL endpoint that records each message and answers with `status`."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.messages: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/actions/T1/B2"


class _Handler(BaseHTTPRequestHandler):
    server: ResponseUrl

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.messages.append(json.loads(self.rfile.read(length)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serving(status: int) -> Iterator[ResponseUrl]:
    server = ResponseUrl(status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def slack() -> Iterator[ResponseUrl]:
    yield from serving(200)


@pytest.fixture
def refusing() -> Iterator[ResponseUrl]:
    yield from serving(404)


def test_a_message_reaches_the_response_url_as_sent(slack: ResponseUrl) -> None:
    post_to_response_url(slack.url, ephemeral("Thanks, you're down as coming."))
    assert slack.messages == [
        {
            "text": "Thanks, you're down as coming.",
            "response_type": "ephemeral",
            "replace_original": False,
        }
    ]


def test_a_refusal_from_slack_is_logged_not_raised(
    refusing: ResponseUrl, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.slack.response_urls"):
        post_to_response_url(refusing.url, ephemeral("hi"))
    assert len(refusing.messages) == 1
    assert "a response URL refused a message: HTTP 404" in caplog.text


def test_an_unreachable_response_url_raises_for_the_worker_to_log() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(OSError):
        post_to_response_url(f"http://127.0.0.1:{port}/x", ephemeral("hi"))

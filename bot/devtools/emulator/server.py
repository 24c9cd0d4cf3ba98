"""The emulator's HTTP face: Web API calls, file uploads and response_urls, as Slack answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .contract import METHODS, may_answer
from .errors import ApiError
from .faults import Fault, FaultInjector
from .methods import HANDLERS, Call
from .ratelimit import RateLimiter
from .socket_mode import SocketModeHub
from .state import Workspace

# Arguments never written to the call log: secrets and file bytes.
_HIDDEN_ARGS = frozenset({"token"})


@dataclass(frozen=True)
class CallRecord:
    """One Web API call as the emulator saw it, for tests to inspect (`emu.calls`)."""

    method: str
    args: dict[str, Any]
    status: int
    ok: bool
    error: str | None
    fault: str | None
    at: datetime
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    """What to send back: a status, a JSON body and headers; `drop` closes the socket instead."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


ResponseUrlHandler = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]
# The standalone emulator's own endpoint: a person types something (`coregroup emulator say`).
SayHandler = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
SAY_PATH = "/_emulator/say"


class ApiService:
    """Turns one HTTP request into an Answer, applying Slack's request pipeline in Slack's order."""

    def __init__(
        self,
        workspace: Workspace,
        tokens: dict[str, frozenset[str]],
        limiter: RateLimiter,
        faults: FaultInjector,
    ) -> None:
        self.workspace = workspace
        self.tokens = tokens
        self.limiter = limiter
        self.faults = faults
        self.calls: list[CallRecord] = []
        self.contract_violations: list[str] = []
        self.base_url = ""
        self.response_url_handler: ResponseUrlHandler | None = None
        self.say_handler: SayHandler | None = None
        self.socket_mode: SocketModeHub | None = None
        self._log_lock = threading.Lock()

    # --- Web API ---------------------------------------------------------------------------------

    def api(
        self, method: str, query: dict[str, str], headers: dict[str, str], raw: bytes
    ) -> Answer:
        """Serve /api/<method>: faults, auth, rate limit, contract, then the method itself."""
        args: dict[str, Any] = {}
        answer, fault = self._api(method, query, headers, raw, args)
        body = answer.body if isinstance(answer.body, dict) else {}
        error = body.get("error") if body else None
        if error and not may_answer(method, str(error)) and method in METHODS:
            self.contract_violations.append(f"{method}: {error}")
        record = CallRecord(
            method=method,
            args={k: v for k, v in args.items() if k not in _HIDDEN_ARGS},
            status=0 if answer.drop else answer.status,
            ok=bool(body.get("ok")),
            error=error,
            fault=fault.value if fault else None,
            at=self.workspace.now(),
            response=body,
        )
        with self._log_lock:
            self.calls.append(record)
        return answer

    def _api(
        self,
        method: str,
        query: dict[str, str],
        headers: dict[str, str],
        raw: bytes,
        args: dict[str, Any],
    ) -> tuple[Answer, Fault | None]:
        contract = METHODS.get(method)
        if contract is None or method not in HANDLERS:
            return Answer(404, {"ok": False, "error": "unknown_method"}), None
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        # Tokens in the query string are refused for apps created after February 2021.
        args.update({k: v for k, v in query.items() if k != "token"})
        token = None
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        if content_type == "application/json" and raw:
            try:
                decoded = json.loads(raw)
            except ValueError:
                return Answer(200, {"ok": False, "error": "invalid_json"}), None
            if not isinstance(decoded, dict):
                return Answer(200, {"ok": False, "error": "invalid_json"}), None
            # Methods without JSON support read only form fields, so a JSON body's arguments vanish.
            if contract.json_input:
                args.update({k: v for k, v in decoded.items() if k != "token"})
        elif raw:
            try:
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                return Answer(200, {"ok": False, "error": "invalid_form_data"}), None
            flat = {k: v[-1] for k, v in form.items()}
            token = token or flat.pop("token", None)
            flat.pop("token", None)
            args.update(flat)

        fault = self.faults.choose(method)
        if fault is Fault.SLOW:
            time.sleep(self.faults.slow_ms / 1000)
        elif fault is not None and not fault.after_apply:
            return self._fault_answer(fault), fault

        if method == "apps.connections.open" and self.socket_mode is not None:
            return self._open_connection(headers), fault
        if not token:
            return Answer(200, {"ok": False, "error": "not_authed"}), fault
        scopes = self.tokens.get(token)
        if scopes is None:
            return Answer(200, {"ok": False, "error": "invalid_auth"}), fault

        with self.workspace.lock:
            channel = args.get("channel")
            retry_after = self.limiter.check(method, channel if isinstance(channel, str) else None)
        if retry_after is not None:
            return Answer(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            ), fault

        for name in contract.required:
            value = args.get(name)
            # An empty topic clears it; every other required argument must have a value.
            if value is None or (
                value == "" and (method, name) != ("conversations.setTopic", "topic")
            ):
                code = contract.missing_error(name)
                extra: dict[str, Any] = {}
                if code == "invalid_arguments":
                    extra["response_metadata"] = {
                        "messages": [f"[ERROR] missing required field: {name}"]
                    }
                return Answer(200, {"ok": False, "error": code, **extra}), fault
        if contract.bot_scopes and not scopes.intersection(contract.bot_scopes):
            return Answer(
                200,
                {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": ",".join(contract.bot_scopes),
                    "provided": ",".join(sorted(scopes)),
                },
            ), fault

        call = Call(method=method, args=args, scopes=scopes, base_url=self.base_url)
        with self.workspace.lock:
            try:
                result = HANDLERS[method](self.workspace, call)
                body: dict[str, Any] = {"ok": True, **result}
            except ApiError as exc:
                body = {"ok": False, "error": exc.code, **exc.extra}
        if fault is not None and fault.after_apply:
            return self._fault_answer(fault), fault
        return Answer(200, body), fault

    def _open_connection(self, headers: dict[str, str]) -> Answer:
        assert self.socket_mode is not None
        auth = headers.get("authorization", "")
        # Slack reads the app-level token from the Authorization header only.
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        try:
            body: dict[str, Any] = {"ok": True, **self.socket_mode.open_connection(token)}
        except ApiError as exc:
            body = {"ok": False, "error": exc.code, **exc.extra}
        return Answer(200, body)

    @staticmethod
    def _fault_answer(fault: Fault) -> Answer:
        if fault.status is None:
            return Answer(drop=True)
        if fault.status == 429:
            return Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        return Answer(
            fault.status, "Service Unavailable" if fault.status == 503 else "Internal Error"
        )

    # --- uploads and response_urls ----------------------------------------------------------------

    def upload(self, file_id: str, raw: bytes) -> Answer:
        """Receive a file's bytes at the URL files.getUploadURLExternal handed out."""
        with self.workspace.lock:
            file = self.workspace.files.get(file_id)
            if file is None:
                return Answer(404, "Not Found")
            file.data = raw
        return Answer(200, f"OK - {len(raw)}")

    def say(self, raw: bytes) -> Answer:
        """A person types a slash command (the standalone emulator's `say` endpoint)."""
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return Answer(400, {"ok": False, "error": "invalid_json"})
        if self.say_handler is None or not isinstance(payload, dict):
            return Answer(404, {"ok": False, "error": "not_standalone"})
        status, body = self.say_handler(payload)
        return Answer(status, body)

    def response_url(self, token: str, raw: bytes) -> Answer:
        """Receive a post to a response_url and let the interactions module apply it."""
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return Answer(400, {"ok": False, "error": "invalid_json"})
        if self.response_url_handler is None or not isinstance(payload, dict):
            return Answer(404, {"ok": False, "error": "invalid_url"})
        status, body = self.response_url_handler(token, payload)
        return Answer(status, body)


def _handler_class(service: ApiService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "SlackEmulator/1.0"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            # Read the whole body first so a dropped connection is a drop, not a half-sent request.
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = parts.path
            if path.startswith("/api/"):
                answer = service.api(path[5:], query, headers, raw)
            elif path.startswith("/upload/") and self.command == "POST":
                answer = service.upload(path[8:], raw)
            elif path.startswith("/response/") and self.command == "POST":
                answer = service.response_url(path[10:], raw)
            elif path == SAY_PATH and self.command == "POST":
                answer = service.say(raw)
            else:
                answer = Answer(404, "Not Found")
            self._send(answer)

        def _send(self, answer: Answer) -> None:
            if answer.drop:
                self.close_connection = True
                return
            if isinstance(answer.body, dict):
                data = json.dumps(answer.body).encode()
                content_type = "application/json; charset=utf-8"
            else:
                data = answer.body.encode()
                content_type = "text/plain; charset=utf-8"
            self.send_response(answer.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: the call log (`emu.calls`) is the record."""

    return Handler


class EmulatorHTTPServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving an ApiService from a background thread."""

    def __init__(self, service: ApiService, port: int = 0) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(service))
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        service.base_url = f"{self.base_url}/api/"
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve on a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            name="slack-emulator",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve on the calling thread until `stop` (used by the standalone runner)."""
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

"""The small stdlib HTTP server every sandbox (Pennylane, Zoho Books, NetSuite) is served by: GET
and POST with a body, JSON replies, the injected faults they share (an HTTP status, a malformed
body, a delay, ...) and ``LocalServer``, their start/stop/``with`` lifecycle on 127.0.0.1.

The endpoint object answers ``handle(Request) -> Reply``; the server never decides anything.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol, Self
from urllib.parse import parse_qsl, urlsplit

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Any  # email.message.Message: case-insensitive ``get``
    body: bytes = b""
    raw_query: str = ""


class Endpoint(Protocol):
    def handle(self, request: Request) -> Reply:
        """One request → its reply."""


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}, payload


@dataclass(slots=True)
class Fault:
    """The next ``remaining`` requests (under ``path`` if set) fail this way."""

    remaining: int
    status: int = 500
    kind: str = "status"  # status | malformed | delay (| echo: Pennylane)
    delay: float = 0.0
    path: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    retry_after: int = 1  # Pennylane's 429


class Faults:
    """Injected faults, taken in order, each used ``remaining`` times (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.path is None or path.startswith(fault.path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


def serve(
    endpoint: Endpoint, host: str, port: int, name: str, headers: dict[str, str] | None = None
) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``endpoint`` from a daemon thread; returns the server and its origin (port 0: any).
    ``headers`` go with every reply."""

    class Handler(_Handler):
        pass

    Handler.endpoint = endpoint
    Handler.extra_headers = dict(headers or {})
    Handler.server_version = f"{name}/1.0"
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    text = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
    threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True).start()
    return server, f"http://{text}:{bound_port}"


class LocalServer:
    """``start()`` serves the sandbox (its ``handle``) on ``_host:_port`` (port 0: any free one)
    and sets ``origin`` and ``base_url`` (origin + ``API_PREFIX``); ``stop()``; ``with``."""

    SERVER_NAME: ClassVar[str] = "sandbox"
    API_PREFIX: ClassVar[str] = ""
    REPLY_HEADERS: ClassVar[dict[str, str]] = {}
    _host: str
    _port: int
    _server: ThreadingHTTPServer | None = None
    origin: str = ""
    base_url: str = ""

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def start(self) -> str:
        """Serve the API; returns its base URL (``http://127.0.0.1:<port><API_PREFIX>``)."""
        self._server, self.origin = serve(self, self._host, self._port, self.SERVER_NAME, self.REPLY_HEADERS)
        self.base_url = self.origin + self.API_PREFIX
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid the 40 ms delayed ACK
    endpoint: Endpoint
    extra_headers: dict[str, str] = {}

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=method,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=self.headers,
            body=body,
            raw_query=parts.query,
        )
        try:
            status, headers, payload = self.endpoint.handle(request)
        except Exception:  # noqa: BLE001 - the sandbox must answer, like a real 500
            status, headers, payload = 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        try:
            self.send_response(status)
            for key, value in {**headers, **self.extra_headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

"""A small stdlib HTTP server for the Zoho Books and NetSuite sandboxes (GET and POST with a
body), JSON replies, and the injected faults both use (an HTTP status, a malformed body, a delay).

The endpoint object answers ``handle(Request) -> Reply``; the server never decides anything.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
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
    kind: str = "status"  # status | malformed | delay
    delay: float = 0.0
    path: str | None = None
    body: dict[str, Any] = field(default_factory=dict)


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


def serve(endpoint: Endpoint, host: str, port: int, name: str) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``endpoint`` from a daemon thread; returns the server and its origin (port 0: any)."""

    class Handler(_Handler):
        pass

    Handler.endpoint = endpoint
    Handler.server_version = f"{name}/1.0"
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    text = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
    threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True).start()
    return server, f"http://{text}:{bound_port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    endpoint: Endpoint

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
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

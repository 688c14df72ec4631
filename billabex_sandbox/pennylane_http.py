"""The HTTP side of the Pennylane sandbox: the stdlib server, JSON replies, Pennylane's rate
limit (fixed windows per token, ``ratelimit-*`` headers, a plain-text 429) and injected faults.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body


class Endpoint(Protocol):
    def handle(self, path: str, query: dict[str, str], headers: Any) -> Reply:
        """One request (path, query, request headers) → its reply."""


def json_reply(status: int, body: Any) -> Reply:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json; charset=utf-8"}, payload


@dataclass(slots=True)
class Fault:
    """The next ``remaining`` requests (under ``path`` if set) fail this way."""

    remaining: int
    status: int = 500
    kind: str = "status"  # status | malformed | delay
    delay: float = 0.0
    retry_after: int = 1
    path: str | None = None


def take_fault(faults: list[Fault], path: str) -> Fault | None:
    """The first fault that applies to ``path``, used once (dropped when used up)."""
    for fault in faults:
        if fault.path is None or path.startswith(fault.path):
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.remove(fault)
            return fault
    return None


class RateLimit:
    """``requests`` per ``period`` seconds and per token, in fixed windows, as Pennylane counts."""

    def __init__(self, requests: int, period: float) -> None:
        self.requests, self.period = requests, period
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, token: str) -> dict[str, str] | None:
        """The ``ratelimit-*`` headers of an accepted request, or None when the window is full."""
        with self._lock:
            now = time.time()
            start, count = self._windows.get(token, (now, 0))
            if now - start >= self.period:
                start, count = now, 0
            if count >= self.requests:
                self._windows[token] = (start, count)
                return None
            self._windows[token] = (start, count + 1)
        return {
            "ratelimit-limit": str(self.requests),
            "ratelimit-remaining": str(self.requests - count - 1),
            "ratelimit-reset": str(math.ceil(start + self.period)),
        }

    def refused(self, token: str) -> Reply:
        """The 429 of a full window: retry when it ends."""
        window_end = self._windows[token][0] + self.period
        return self.too_many(max(1, math.ceil(window_end - time.time())), window_end)

    def too_many(self, seconds: int, reset: float) -> Reply:
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "retry-after": str(seconds),
            "ratelimit-limit": str(self.requests),
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(math.ceil(reset)),
        }
        return 429, headers, f"Rate limit exceeded. Please retry in {seconds} seconds.".encode()


def serve(endpoint: Endpoint, host: str, port: int) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``endpoint`` on ``host:port`` from a daemon thread; returns the server and its origin
    (``port`` 0 picks a free port)."""

    class Handler(_Handler):
        pass

    Handler.endpoint = endpoint
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    name = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="pennylane-sandbox", daemon=True
    )
    thread.start()
    return server, f"http://{name}:{bound_port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PennylaneSandbox/1.0"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid the 40 ms delayed ACK
    endpoint: Endpoint

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            status, headers, body = self.endpoint.handle(parts.path, query, self.headers)
        except Exception:  # noqa: BLE001 - the sandbox must answer, like a real 500
            status, headers, body = 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        self._reply(status, headers, body)

    def do_POST(self) -> None:
        self.close_connection = True
        self._reply(*json_reply(405, {"error": "The sandbox is read-only", "status": 405}))

    def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Api-Version-Expires-At", "")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

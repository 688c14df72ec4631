"""The HTTP side of the Pennylane sandbox that is Pennylane's own (the server, faults and lifecycle
are ``http_server``'s): JSON replies as Pennylane sends them, and its rate limit (fixed windows per
token, ``ratelimit-*`` headers, a plain-text 429).
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

from billabex_sandbox.http_server import Reply


def json_reply(status: int, body: Any) -> Reply:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json; charset=utf-8"}, payload


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

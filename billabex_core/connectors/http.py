"""HTTP plumbing shared by the connectors: pacing, retries, error mapping, request counting.

- ``RateLimiter``: a client-side token bucket, so a sync stays under the provider's limit
  instead of bouncing off it.
- ``ApiClient.get_json``: one GET with retries (tenacity). 429 waits ``retry-after`` (the body
  is plain text and never parsed as JSON); 5xx, timeouts and network errors back off
  exponentially; after ``max_tries`` they become ``RateLimitedError`` /
  ``ProviderUnavailableError``. Other statuses map to the ``connectors.base`` errors at once.
- ``BearerAuth``: the token as an ``httpx.Auth``, so it never lands in a URL or a log line.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from billabex_core.connectors.base import (
    AuthenticationError,
    MalformedResponseError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitedError,
    RequestRejectedError,
)
from billabex_core.connectors.urls import guarded

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4, keepalive_expiry=30.0)
_SCOPE_RE = re.compile(r'scope[s]? "?([\w:.\-]+)"?', re.IGNORECASE)
_SCOPE_NAME = re.compile(r"^[a-z_]+(:(readonly|all))?$")  # customer_invoices:readonly
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:\-]{0,63}$")  # not_found, InvalidDateFormat, 1002


class BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class RateLimiter:
    """Token bucket: ``requests`` per ``period`` seconds with bursts of at most ``burst``.

    The refill rate is ``(requests - burst) / period`` so that no window of ``period`` seconds,
    however aligned, sees more than ``requests`` calls. ``sleep`` is injectable for tests.
    """

    def __init__(
        self,
        requests: int,
        period: float,
        *,
        burst: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(max(1, min(burst, requests - 1)))
        self.rate = (requests - self.capacity) / period
        self._tokens = self.capacity
        self._sleep = sleep
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token, sleeping first if the bucket is empty; return the time slept."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + max(0.0, now - self._last) * self.rate)
            self._last = max(now, self._last)
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            wait = (1 - self._tokens) / self.rate
            self._tokens = 0.0
            self._last += wait  # the token refilled during the wait is ours
        self._sleep(wait)
        return wait


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_tries: int = 5
    backoff_base: float = 1.0  # 1, 2, 4, 8 s ...
    backoff_max: float = 30.0
    max_retry_after: float = 60.0  # never sleep longer than this on one 429
    default_retry_after: float = 5.0


class _Retryable(Exception):
    def __init__(self, status: int, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after`` (seconds), else ``ratelimit-reset`` (Unix time)."""
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    reset = response.headers.get("ratelimit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - (time.time() if now is None else now))
        except ValueError:
            pass
    return None


def provider_code(value: Any) -> str | None:
    """A provider's error code (``not_found``, ``InvalidDateFormat``, ``1002``), never free text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and _CODE.match(value.strip()):
        return value.strip()
    return None


def error_detail(response: httpx.Response) -> str:
    """What an error may show of an answer: the provider's error code (``code``, else an
    ``error`` that is a code), or nothing. Never the body: a base URL pointed at an internal
    service must not display that service's answer (issue #17), and a provider echoing the
    request must not put a token into a message."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("code", "error"):
            code = provider_code(body.get(key))
            if code:
                return code
    return ""


def missing_scope(response: httpx.Response) -> str | None:
    """The scope a 403 names (``scope "customer_invoices:readonly"``), if it looks like a scope."""
    try:
        body = response.json()
    except ValueError:
        return None
    texts = [str(body.get(k) or "") for k in ("error", "message")] if isinstance(body, dict) else []
    return next((s for s in map(missing_scope_from, texts) if s), None)


def missing_scope_from(detail: str) -> str | None:
    match = _SCOPE_RE.search(detail)
    return match.group(1) if match and _SCOPE_NAME.match(match.group(1)) else None


class ApiClient:
    """A JSON API client: pacing, retries, error mapping and a request counter."""

    def __init__(
        self,
        *,
        provider: str,
        base_url: str,
        auth: httpx.Auth,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_LIMITS,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.provider = provider
        self.requests = 0
        self._sleep = sleep
        self._limiter = limiter
        self._policy = policy or RetryPolicy()
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=auth,
            transport=guarded(transport, limits=limits),  # public addresses only (connectors/urls.py)
            timeout=timeout,
            headers={"Accept": "application/json", **(headers or {})},
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: it would bypass the address check
        )

    def close(self) -> None:
        self._client.close()

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` (relative to the base URL) and return the decoded JSON body."""
        retrying = Retrying(
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            stop=stop_after_attempt(self._policy.max_tries),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._send(path.lstrip("/"), params)
        except _Retryable as exc:
            if exc.status == 429:
                raise RateLimitedError(self.provider, exc.retry_after) from None
            raise ProviderUnavailableError(self.provider, f"HTTP {exc.status}") from None
        except httpx.TimeoutException:
            raise ProviderUnavailableError(self.provider, "no answer in time") from None
        except httpx.TransportError as exc:
            raise ProviderUnavailableError(self.provider, f"network error: {type(exc).__name__}") from None
        return self._decode(response)

    def _send(self, path: str, params: Mapping[str, Any] | None) -> httpx.Response:
        if self._limiter is not None:
            self._limiter.acquire()
        self.requests += 1
        response = self._client.get(path, params=params)
        status = response.status_code
        if status == 429:
            wait = retry_after_seconds(response)
            log.info("%s rate limit hit, retry in %s s", self.provider, wait)
            raise _Retryable(429, wait)
        if status >= 500:
            raise _Retryable(status)
        if status == 401:
            raise AuthenticationError(self.provider)
        if status == 403:
            raise PermissionDeniedError(self.provider, missing_scope(response))
        if status >= 400:
            raise RequestRejectedError(self.provider, status, error_detail(response))
        self._pace_from_headers(response)
        return response

    def _pace_from_headers(self, response: httpx.Response) -> None:
        """Sleep until the window resets when the server says no request is left."""
        if response.headers.get("ratelimit-remaining") == "0":
            wait = retry_after_seconds(response)
            if wait:
                self._sleep(min(wait, self._policy.max_retry_after))

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.status == 429:
            wait = exc.retry_after if exc.retry_after is not None else self._policy.default_retry_after
            return min(wait, self._policy.max_retry_after)
        backoff = self._policy.backoff_base * 2 ** (state.attempt_number - 1)
        return min(backoff, self._policy.backoff_max)

    def _decode(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise MalformedResponseError(self.provider, f"invalid JSON from {response.url.path}") from None

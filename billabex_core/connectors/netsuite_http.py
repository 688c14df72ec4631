"""HTTP for NetSuite SuiteQL (connectors.md §3.4, §3.7–3.8): signed POSTs, a concurrency cap,
backoff on the account's concurrency limit, and ``o:errorDetails`` errors.

- Every request is signed by ``netsuite_tba.TokenAuth`` (a new nonce per try).
- Concurrency: NetSuite limits requests in flight per **account**, shared by every integration;
  a process-wide semaphore per account id keeps this process under ``max_concurrency``.
- 429 (or 400) ``CONCURRENCY_LIMIT_EXCEEDED`` comes without Retry-After: exponential backoff with
  jitter (about 1, 2, 4, 8, 16, 30 s), 6 tries; 5xx and network errors the same.
- 401 ``INVALID_LOGIN``: TBA has nothing to refresh → ``AuthenticationError`` at once.
- Other errors → ``RequestRejectedError`` quoting ``o:errorCode`` (never the answer's text).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from billabex_core.connectors.base import (
    AuthenticationError,
    MalformedResponseError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitedError,
    RequestRejectedError,
)
from billabex_core.connectors.http import provider_code
from billabex_core.connectors.netsuite_tba import TokenAuth
from billabex_core.connectors.urls import guarded

PROVIDER = "NetSuite"
SUITEQL = "query/v1/suiteql"
MAX_TRIES = 6
BACKOFF_MAX = 30.0
CONCURRENCY = "CONCURRENCY_LIMIT_EXCEEDED"


def error_details(response: httpx.Response) -> tuple[str | None, str]:
    """(``o:errorCode``, ``""``) of a NetSuite error body: the code, never the text of an answer
    (issue #17: a base URL pointed at an internal service must not display its answer)."""
    try:
        body = response.json()
    except ValueError:
        return None, ""
    details = body.get("o:errorDetails") if isinstance(body, dict) else None
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return provider_code(details[0].get("o:errorCode")), ""
    return None, ""


class NetSuiteClient:
    """``suiteql(query, limit, offset)`` with the cap, retries and error mapping."""

    _gates: ClassVar[dict[str, threading.BoundedSemaphore]] = {}
    _gates_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        *,
        base_url: str,
        auth: TokenAuth,
        max_concurrency: int = 2,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: httpx.Timeout | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.requests = 0
        self._sleep, self._jitter = sleep, jitter
        with self._gates_lock:
            key = f"{auth.realm}:{max_concurrency}"
            self._gate = self._gates.setdefault(key, threading.BoundedSemaphore(max_concurrency))
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=auth,
            transport=guarded(transport),  # public addresses only (connectors/urls.py)
            timeout=timeout or httpx.Timeout(60.0, connect=10.0),
            headers={"Accept": "application/json", "Prefer": "transient"},
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def backoff(self, attempt: int) -> float:
        base = min(2.0 ** (attempt - 1), BACKOFF_MAX)
        return base * (0.5 + self._jitter() / 2)

    def suiteql(self, query: str, *, limit: int, offset: int = 0) -> dict[str, Any]:
        failure, limited = "no answer", False
        for attempt in range(1, MAX_TRIES + 1):
            self.requests += 1
            try:
                with self._gate:
                    response = self._client.post(
                        SUITEQL, params={"limit": limit, "offset": offset}, json={"q": query}
                    )
            except httpx.TimeoutException:
                failure, limited = "no answer in time", False
            except httpx.TransportError as exc:
                failure, limited = f"network error: {type(exc).__name__}", False
            else:
                code, detail = error_details(response) if response.status_code >= 400 else (None, "")
                if response.status_code == 429 or code == CONCURRENCY:
                    failure, limited = CONCURRENCY, True
                elif response.status_code >= 500:
                    failure, limited = f"HTTP {response.status_code} {code or ''}".strip(), False
                else:
                    return self._decode(response, code, detail)
            if attempt < MAX_TRIES:
                self._sleep(self.backoff(attempt))
        if limited:
            raise RateLimitedError(PROVIDER)
        raise ProviderUnavailableError(PROVIDER, failure)

    def _decode(self, response: httpx.Response, code: str | None, detail: str) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise AuthenticationError(PROVIDER)
        if status == 403:
            raise PermissionDeniedError(PROVIDER, code)
        if status >= 400:
            raise RequestRejectedError(PROVIDER, status, code or detail)
        try:
            body = response.json()
        except ValueError:
            raise MalformedResponseError(PROVIDER, "invalid JSON from SuiteQL") from None
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise MalformedResponseError(PROVIDER, "a SuiteQL answer without items")
        return body

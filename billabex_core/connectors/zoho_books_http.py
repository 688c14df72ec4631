"""HTTP for Zoho Books (connectors.md §2.4–2.7): ``organization_id`` on every call, pacing under
100 calls a minute, the daily quota, retries, and Zoho's ``{"code", "message"}`` errors.

- Pacing: a token bucket of ``per_minute`` calls a minute (bursts of 10). A 429 within the
  minute waits ``MINUTE_WAIT`` seconds (Zoho sends no Retry-After) and tries again.
- Daily quota: ``X-Rate-Limit-Limit/-Remaining/-Reset`` (the day's calls, seconds to the reset)
  are read on every answer. Once the quota is spent (remaining 0, or a 429 saying so) the client
  stops at once with ``QuotaExhaustedError`` naming when it resets: waiting hours is the
  worker's schedule's business, not a sync's.
- 5xx, timeouts and network errors back off 1, 2, 4, 8 s; 5 tries in all.
- 401 after the auth's own refresh-and-replay: code 57 is a missing scope (the refresh token
  works, the module does not) → ``PermissionDeniedError`` naming the scope. Other 4xx and any
  200 whose ``code`` is not 0 → ``RequestRejectedError`` quoting Zoho's code (never a body).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from billabex_core.connectors.base import (
    AuthenticationError,
    MalformedResponseError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitedError,
    RequestRejectedError,
)
from billabex_core.connectors.http import RateLimiter
from billabex_core.connectors.urls import guarded
from billabex_core.connectors.zoho_books_auth import PROVIDER, ZohoOAuth, response_code
from billabex_core.errors import ConnectorError
from billabex_core.messages import Template

log = logging.getLogger(__name__)

MAX_TRIES = 5
MINUTE_WAIT = 60.0
SCOPES = {  # path's first segment → the scope that reads it
    "contacts": "ZohoBooks.contacts.READ",
    "invoices": "ZohoBooks.invoices.READ",
    "creditnotes": "ZohoBooks.creditnotes.READ",
    "customerpayments": "ZohoBooks.customerpayments.READ",
    "organizations": "ZohoBooks.settings.READ",
}


_QUOTA = (
    "the Zoho Books daily API quota%s is spent: %s; the next scheduled sync resumes "
    "where this one stopped (or ask Zoho for a higher quota)"
)
_CALLS, _HOURS, _MINUTES = (
    " ({limit} calls)",
    "it resets in {hours} h {minutes} min",
    "it resets in {minutes} min",
)
# (the limit is known, when it resets) -> the sentence
QUOTA = {
    (False, "hours"): Template("connector.zoho.quota.hours", _QUOTA % ("", _HOURS)),
    (False, "minutes"): Template("connector.zoho.quota.minutes", _QUOTA % ("", _MINUTES)),
    (False, "tomorrow"): Template("connector.zoho.quota.tomorrow", _QUOTA % ("", "it resets tomorrow")),
    (True, "hours"): Template("connector.zoho.quota_calls.hours", _QUOTA % (_CALLS, _HOURS)),
    (True, "minutes"): Template("connector.zoho.quota_calls.minutes", _QUOTA % (_CALLS, _MINUTES)),
    (True, "tomorrow"): Template(
        "connector.zoho.quota_calls.tomorrow", _QUOTA % (_CALLS, "it resets tomorrow")
    ),
}


class QuotaExhaustedError(RateLimitedError):
    def __init__(self, limit: int | None, reset_in: float | None) -> None:
        hours, minutes = divmod(int((reset_in or 0) // 60), 60)
        when = "tomorrow" if not reset_in else "hours" if hours else "minutes"
        minutes_shown = f"{minutes:02d}" if hours else str(minutes)
        ConnectorError.__init__(
            self, QUOTA[(bool(limit), when)], hours=hours, minutes=minutes_shown, limit=limit
        )
        self.provider, self.retry_after = PROVIDER, reset_in


def _detail(response: httpx.Response) -> str:
    """Zoho's error code, never its message nor the body (issue #17: errors show no answer)."""
    code = response_code(response)
    return f"code {code}" if code is not None else ""


class ZohoClient:
    """GET JSON from the Books API with pacing, quota, retries and error mapping."""

    def __init__(
        self,
        *,
        api_url: str,
        organization_id: str,
        auth: ZohoOAuth,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        per_minute: int = 100,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.requests = 0
        self._organization_id = organization_id
        self._sleep = sleep
        self._limiter = RateLimiter(per_minute, 60.0, burst=10, sleep=sleep) if per_minute else None
        self._client = httpx.Client(
            base_url=api_url.rstrip("/") + "/",
            auth=auth,
            transport=guarded(transport),  # public addresses only (connectors/urls.py)
            timeout=timeout or httpx.Timeout(30.0, connect=10.0),
            headers={"Accept": "application/json"},
            follow_redirects=False,
            trust_env=False,
        )
        self.quota: tuple[int | None, int | None, float | None] = (None, None, None)

    def close(self) -> None:
        self._client.close()

    def count_request(self) -> None:
        self.requests += 1

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET ``path`` (below the API root) with ``organization_id``; the decoded body (code 0)."""
        query = {**(params or {}), "organization_id": self._organization_id}
        failure = "no answer"
        rate_limited = False
        for attempt in range(1, MAX_TRIES + 1):
            self._stop_if_quota_spent()
            if self._limiter is not None:
                self._limiter.acquire()
            self.requests += 1
            try:
                response = self._client.get(path.lstrip("/"), params=query)
            except httpx.TimeoutException:
                failure, rate_limited = "no answer in time", False
                self._sleep(min(2.0 ** (attempt - 1), 30.0))
                continue
            except httpx.TransportError as exc:
                failure, rate_limited = f"network error: {type(exc).__name__}", False
                self._sleep(min(2.0 ** (attempt - 1), 30.0))
                continue
            self._note_quota(response)
            status = response.status_code
            if status == 429:
                code = response_code(response)
                if code == 45 or self.quota[1] == 0:
                    raise QuotaExhaustedError(self.quota[0], self.quota[2])
                log.info("Zoho Books per-minute limit hit, waiting %s s", MINUTE_WAIT)
                failure, rate_limited = "HTTP 429", True
                self._sleep(MINUTE_WAIT)
                continue
            if status >= 500:
                failure, rate_limited = f"HTTP {status}", False
                self._sleep(min(2.0 ** (attempt - 1), 30.0))
                continue
            return self._decode(path, response)
        if rate_limited:
            raise RateLimitedError(PROVIDER, MINUTE_WAIT)
        raise ProviderUnavailableError(PROVIDER, failure)

    def _decode(self, path: str, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            if response_code(response) == 57:
                raise PermissionDeniedError(PROVIDER, SCOPES.get(path.strip("/").split("/")[0]))
            raise AuthenticationError(PROVIDER)
        if status >= 400:
            raise RequestRejectedError(PROVIDER, status, _detail(response))
        try:
            body = response.json()
        except ValueError:
            raise MalformedResponseError(PROVIDER, f"invalid JSON from {response.url.path}") from None
        if not isinstance(body, dict):
            raise MalformedResponseError(PROVIDER, f"{response.url.path} did not answer an object")
        if body.get("code", 0) != 0:
            raise RequestRejectedError(PROVIDER, status, _detail(response))
        return body

    def _note_quota(self, response: httpx.Response) -> None:
        def number(name: str) -> float | None:
            try:
                return float(response.headers[name])
            except (KeyError, ValueError):
                return None

        limit, remaining, reset = (number(f"X-Rate-Limit-{h}") for h in ("Limit", "Remaining", "Reset"))
        if remaining is not None:
            self.quota = (int(limit) if limit else None, int(remaining), reset)
            self._quota_seen_at = time.monotonic()

    def _stop_if_quota_spent(self) -> None:
        limit, remaining, reset = self.quota
        if remaining == 0:
            left = None if reset is None else max(0.0, reset - (time.monotonic() - self._quota_seen_at))
            if left is None or left > 0:
                raise QuotaExhaustedError(limit, left)
            self.quota = (limit, None, None)

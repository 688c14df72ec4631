"""Zoho OAuth 2.0 for the Books API (connectors.md §2.3): a refresh token traded for access tokens
at the data centre's accounts server, sent as ``Authorization: Zoho-oauthtoken <token>``.

The access token is cached and refreshed ``REFRESH_MARGIN`` seconds before it expires, and again
when the API answers 401 (code 57) — the request is then replayed once with the new token. One
refresh at a time: threads that need a token while another refreshes wait for its result (Zoho
allows 10 access tokens per 10 minutes per refresh token, so a burst of refreshes would lock the
integration out). Tokens never reach a log line or an error message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx

from billabex_core.connectors.base import (
    AuthenticationError,
    MalformedResponseError,
    ProviderUnavailableError,
    RateLimitedError,
)
from billabex_core.connectors.urls import guarded
from billabex_core.errors import ConnectorError
from billabex_core.messages import Template

PROVIDER = "Zoho Books"
TOKEN_PATH = "/oauth/v2/token"
REFRESH_MARGIN = 300.0  # seconds before expiry
TRIES = 3


_REFUSED = (
    "Zoho Accounts refused to renew the access (%s): "
    "generate a new refresh token (or check the client id and secret) and update the integration"
)
WRONG_CLIENT = Template("connector.zoho.wrong_client", _REFUSED % "unknown client id or wrong client secret")
REVOKED = Template("connector.zoho.revoked", _REFUSED % "the refresh token is invalid or was revoked")


class RefreshRejectedError(AuthenticationError):
    def __init__(self, reason: Template) -> None:
        ConnectorError.__init__(self, reason)
        self.provider = PROVIDER


def response_code(response: httpx.Response) -> int | None:
    """Zoho's ``code`` in an error body, if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) else None


class ZohoOAuth(httpx.Auth):
    """``httpx.Auth`` holding the access token; thread-safe."""

    requires_response_body = True

    def __init__(
        self,
        *,
        accounts_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[], None] = lambda: None,
    ) -> None:
        self._form = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        self._client = httpx.Client(  # public addresses only (connectors/urls.py)
            base_url=accounts_url,
            transport=guarded(transport),
            timeout=timeout or httpx.Timeout(30.0),
            trust_env=False,
        )
        self._sleep, self._clock, self.on_request = sleep, clock, on_request
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.refreshes = 0
        self.api_domain: str | None = None

    def close(self) -> None:
        self._client.close()

    def token(self) -> str:
        """A valid access token, refreshed first when missing or about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN:
                self._refresh()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """The API refused ``token``: the next ``token()`` refreshes (unless another thread did)."""
        with self._lock:
            if self._token == token:
                self._token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token()
        request.headers["Authorization"] = f"Zoho-oauthtoken {token}"
        response = yield request
        if response.status_code == 401 and response_code(response) in (57, 14, None):
            self.invalidate(token)
            request.headers["Authorization"] = f"Zoho-oauthtoken {self.token()}"
            yield request

    def _refresh(self) -> None:
        for attempt in range(TRIES):
            self.on_request()
            try:
                response = self._client.post(TOKEN_PATH, data=self._form)
            except httpx.TransportError as exc:
                failure: str = f"network error: {type(exc).__name__}"
            else:
                if response.status_code < 500:
                    self._accept(response)
                    return
                failure = f"HTTP {response.status_code}"
            if attempt + 1 < TRIES:
                self._sleep(2.0**attempt)
        raise ProviderUnavailableError("Zoho Accounts", failure)

    def _accept(self, response: httpx.Response) -> None:
        try:
            body: Any = response.json()
        except ValueError:
            raise MalformedResponseError("Zoho Accounts", "the token answer is not JSON") from None
        if not isinstance(body, dict):
            raise MalformedResponseError("Zoho Accounts", "the token answer is not an object")
        error = str(body.get("error") or "")
        if "too many requests" in str(body.get("error_description", "")).lower():
            raise RateLimitedError("Zoho Accounts", 600.0)
        if error == "invalid_client":
            raise RefreshRejectedError(WRONG_CLIENT)
        if error or response.status_code >= 400 or not body.get("access_token"):
            raise RefreshRejectedError(REVOKED)
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = str(body["access_token"])
        self._expires_at = self._clock() + lifetime
        self.api_domain = body.get("api_domain")
        self.refreshes += 1

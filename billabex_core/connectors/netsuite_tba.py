"""NetSuite Token-Based Authentication: OAuth 1.0a signatures with HMAC-SHA256 (connectors.md §3.3,
RFC 5849 §3.4), as an ``httpx.Auth`` that signs every request with a fresh nonce and timestamp.

- realm = the account id upper case with ``_`` (``123456_SB1``); host = lower case with ``-``.
- Base string = ``METHOD & pct(scheme://host/path) & pct(sorted params)``, the parameters being
  the query string's and the ``oauth_*`` ones (never ``realm``, never ``oauth_signature``, never a
  JSON body), each name and value percent-encoded with RFC 3986's unreserved set.
- Key = ``pct(consumer_secret) & pct(token_secret)``; signature = base64(HMAC-SHA256(key, base)).

``signature_base_string`` and ``sign`` are pure, so the published test vectors prove them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Callable, Generator
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

_NONCE_CHARS = string.ascii_letters + string.digits


def pct(value: str) -> str:
    """RFC 3986 percent-encoding: only ``A-Z a-z 0-9 - . _ ~`` stay as they are."""
    return quote(value, safe="-._~")


def realm_of(account_id: str) -> str:
    return account_id.strip().upper().replace("-", "_")


def host_of(account_id: str) -> str:
    return account_id.strip().lower().replace("_", "-")


def signature_base_string(method: str, url: str, oauth_params: dict[str, str]) -> str:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    base_uri = f"{scheme}://{host}{parts.path or '/'}"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    params += [(k, v) for k, v in oauth_params.items() if k not in ("realm", "oauth_signature")]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((pct(k), pct(v)) for k, v in params))
    return "&".join((method.upper(), pct(base_uri), pct(normalized)))


def sign(base_string: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{pct(consumer_secret)}&{pct(token_secret)}".encode()
    digest = hmac.new(key, base_string.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def authorization_header(realm: str, oauth_params: dict[str, str], signature: str) -> str:
    fields = [("realm", realm), *sorted(oauth_params.items()), ("oauth_signature", signature)]
    return "OAuth " + ", ".join(f'{k}="{pct(v)}"' for k, v in fields)


class TokenAuth(httpx.Auth):
    """Signs each request (retries included) with a new nonce: NetSuite refuses a reused one."""

    def __init__(
        self,
        *,
        account_id: str,
        consumer_key: str,
        consumer_secret: str,
        token_id: str,
        token_secret: str,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] | None = None,
    ) -> None:
        self.realm = realm_of(account_id)
        self._consumer_key, self._consumer_secret = consumer_key, consumer_secret
        self._token_id, self._token_secret = token_id, token_secret
        self._clock = clock
        self._nonce = nonce or (lambda: "".join(secrets.choice(_NONCE_CHARS) for _ in range(20)))

    def header_for(self, method: str, url: str) -> str:
        oauth = {
            "oauth_consumer_key": self._consumer_key,
            "oauth_token": self._token_id,
            "oauth_signature_method": "HMAC-SHA256",
            "oauth_timestamp": str(int(self._clock())),
            "oauth_nonce": self._nonce(),
            "oauth_version": "1.0",
        }
        base = signature_base_string(method, url, oauth)
        return authorization_header(self.realm, oauth, sign(base, self._consumer_secret, self._token_secret))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.header_for(request.method, str(request.url))
        yield request

"""Server-side requests (issue #17, point 3): where a connector may connect, and what an error
shows of an answer. The policy is ``billabex_core.connectors.urls``; "Test connection" being for
administrators is ``tests/core/test_roles.py::test_integration_changes_and_tests_are_for_admins``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import httpx
import pytest

from billabex_core.config import reset_settings
from billabex_core.connectors import CONNECTORS
from billabex_core.connectors.base import ConnectorError
from billabex_core.connectors.netsuite import NetSuiteConnector
from billabex_core.connectors.pennylane import PennylaneConnector
from billabex_core.connectors.urls import BlockedAddressError
from billabex_core.connectors.zoho_books import ZohoBooksConnector
from billabex_core.errors import ValidationError
from billabex_core.services import integrations
from billabex_sandbox.pennylane import PennylaneSandbox

BASE = {
    "pennylane": {"api_token": "t0k3n-abcdef"},
    "zoho_books": {
        "client_id": "cid",
        "client_secret": "csecret-123",
        "refresh_token": "rt-123456",
        "organization_id": "42",
    },
    "netsuite": {
        "account_id": "1234567",
        "consumer_key": "ck",
        "consumer_secret": "cs-123456",
        "token_id": "ti",
        "token_secret": "ts-123456",
    },
}
URL_KEYS = [
    ("pennylane", "base_url"),
    ("zoho_books", "accounts_url"),
    ("zoho_books", "api_url"),
    ("netsuite", "base_url"),
]
REFUSED = [
    "http://billing.example.com/api",  # clear text to a real host
    "ftp://billing.example.com/api",
    "https://10.0.0.5/api",  # private
    "https://192.168.1.10/api",
    "https://172.16.0.1/api",
    "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
    "https://[fe80::1]/api",
    "https://[fd00::1]/api",
    "https://100.64.0.1/api",  # shared (carrier-grade NAT)
    "https://0.0.0.0/api",
    "https://[::ffff:10.0.0.1]/api",  # IPv4-mapped private
    "https://user:password@billing.example.com/api",
    "not a url",
]


@pytest.mark.parametrize(("provider", "key"), URL_KEYS)
@pytest.mark.parametrize("url", REFUSED)
def test_config_validation_refuses_non_public_or_clear_text_urls(provider: str, key: str, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CONNECTORS[provider].validate_config({**BASE[provider], key: url})
    assert caught.value.field == key


@pytest.mark.parametrize(("provider", "key"), URL_KEYS)
def test_https_public_urls_and_local_sandboxes_are_accepted(provider: str, key: str) -> None:
    for url in ("https://billing.example.com/api/", "http://127.0.0.1:8765/api", "http://localhost:9/x"):
        clean = CONNECTORS[provider].validate_config({**BASE[provider], key: url})
        assert clean[key] == url.rstrip("/")


@pytest.mark.parametrize(("provider", "key"), URL_KEYS)
def test_local_sandboxes_can_be_switched_off(
    provider: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILLABEX_LOCAL_SANDBOXES", "false")
    reset_settings()
    with pytest.raises(ValidationError, match="local sandboxes are switched off"):
        CONNECTORS[provider].validate_config({**BASE[provider], key: "http://127.0.0.1:8765/api"})


# -- at connection time: the name is resolved and every address checked ----------------------------


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names resolved as this dict says (the rest as usual)."""
    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return table


@pytest.fixture
def sandbox() -> Iterator[PennylaneSandbox]:
    with PennylaneSandbox(seed=3, customers=3, invoices=5, rate_limit=False) as box:
        yield box


def _port(url: str) -> int:
    return httpx.URL(url).port or 0


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "192.168.0.7"])
def test_a_public_looking_name_that_resolves_inside_is_refused_before_any_request(
    dns: dict[str, str], sandbox: PennylaneSandbox, address: str
) -> None:
    dns["billing.example.com"] = address
    url = f"https://billing.example.com:{_port(sandbox.base_url)}/api/external/v2"
    connector = PennylaneConnector({"api_token": sandbox.token, "base_url": url})
    with pytest.raises(BlockedAddressError, match="private or reserved address"):
        connector.test_connection()
    assert sandbox.request_count == 0


def test_each_provider_client_checks_the_addresses(dns: dict[str, str]) -> None:
    dns["books.example.com"] = "10.9.9.9"
    dns["accounts.example.com"] = "127.0.0.2"
    dns["1234567.suitetalk.api.netsuite.com"] = "192.168.1.1"
    zoho = ZohoBooksConnector(
        {
            **BASE["zoho_books"],
            "accounts_url": "https://accounts.example.com",
            "api_url": "https://books.example.com/v3",
        }
    )
    netsuite = NetSuiteConnector(BASE["netsuite"])
    for connector in (zoho, netsuite):
        with pytest.raises(BlockedAddressError):
            connector.test_connection()
        connector.close()


def test_a_local_sandbox_name_must_resolve_to_this_machine(dns: dict[str, str]) -> None:
    dns["localhost"] = "10.0.0.8"
    connector = PennylaneConnector({"api_token": "x" * 12, "base_url": "http://localhost:1/api"})
    with pytest.raises(BlockedAddressError, match="must be on this machine"):
        connector.test_connection()


def test_the_local_sandbox_still_works(sandbox: PennylaneSandbox) -> None:
    with PennylaneConnector(sandbox.connector_config()) as connector:
        assert connector.test_connection().company_name


def test_switching_sandboxes_off_also_stops_stored_ones(
    sandbox: PennylaneSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    connector = PennylaneConnector(sandbox.connector_config())  # validated while allowed
    monkeypatch.setenv("BILLABEX_LOCAL_SANDBOXES", "0")
    reset_settings()
    with pytest.raises(BlockedAddressError, match="switched off"):
        connector.test_connection()
    assert sandbox.request_count == 0


# -- errors show an HTTP status and a provider code, never the body --------------------------------


class _Internal(BaseHTTPRequestHandler):
    """An internal service: answers every request with a page of confidential data."""

    status = 404

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = (
            b'{"code": 1002, "error": "not_found", "message": "CONFIDENTIAL payroll of 2026", '
            b'"o:errorDetails": [{"o:errorCode": "NOT_FOUND", "detail": "CONFIDENTIAL admin panel"}], '
            b'"access_token": "tok-1234567", "expires_in": 3600}'
        )
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def internal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Internal)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("status", [400, 403, 404, 422])
@pytest.mark.parametrize(
    ("provider", "key"), [("pennylane", "base_url"), ("zoho_books", "api_url"), ("netsuite", "base_url")]
)
def test_test_connection_shows_the_status_and_code_never_the_body(
    session, internal: str, provider: str, key: str, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Internal, "status", status)
    config = {**BASE[provider], key: internal + "/api"}
    if provider == "zoho_books":
        config["accounts_url"] = internal
    with pytest.raises(ConnectorError) as caught:
        integrations.test_new_connection(session=session, provider=provider, config=config, actor="cli")
    message = str(caught.value)
    assert "CONFIDENTIAL" not in message and "payroll" not in message and "tok-1234567" not in message
    if provider != "zoho_books" and status != 403:  # Zoho: its token server refuses first
        assert f"HTTP {status}" in message

"""Errors, retries and rate limits of the Pennylane connector, and the sandbox's quirks."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from billabex_core.cli import main
from billabex_core.connectors.base import (
    AuthenticationError,
    MalformedResponseError,
    PermissionDeniedError,
    ProviderUnavailableError,
    RateLimitedError,
)
from billabex_core.connectors.http import RateLimiter
from billabex_core.connectors.pennylane import PennylaneConnector, validate_pennylane_config
from billabex_core.connectors.records import ChildrenRecord, Entity
from billabex_core.errors import ValidationError
from billabex_sandbox.pennylane import PennylaneSandbox


def test_invalid_token_is_a_clear_authentication_error(make_connector, drain):
    with pytest.raises(AuthenticationError) as caught:
        drain(make_connector(api_token="wrong-token"), Entity.ACCOUNT)
    assert "wrong-token" not in str(caught.value) and "rejected the API credentials" in str(caught.value)


def test_missing_scope_is_named(pennylane_sandbox, make_connector, drain):
    pennylane_sandbox.add_token("customers-only", ["customers:readonly"])
    connector = make_connector(api_token="customers-only")
    assert drain(connector, Entity.ACCOUNT)[0]
    with pytest.raises(PermissionDeniedError) as caught:
        drain(connector, Entity.INVOICE)
    assert caught.value.missing_scope == "customer_invoices:readonly"
    assert '"customer_invoices:readonly"' in str(caught.value)


def test_429_waits_retry_after(pennylane_sandbox, make_connector, fake_sleep, drain):
    pennylane_sandbox.fail_next(2, status=429, retry_after=3)
    records, _, pages = drain(make_connector(), Entity.ACCOUNT)
    assert len(records) == 30 and fake_sleep.calls == [3.0, 3.0]
    assert pages[0].requests == 3  # two refused, one served


def test_429_forever_gives_up(pennylane_sandbox, make_connector, fake_sleep, drain):
    pennylane_sandbox.fail_next(99, status=429, retry_after=2)
    with pytest.raises(RateLimitedError):
        drain(make_connector(), Entity.ACCOUNT)
    assert fake_sleep.calls == [2.0] * 4


def test_real_rate_limit_is_honoured():
    with PennylaneSandbox(
        seed=1, customers=6, invoices=0, rate_limit_requests=4, rate_limit_period=1.0
    ) as sandbox:
        raw = httpx.get(f"{sandbox.base_url}/me", headers={"Authorization": f"Bearer {sandbox.token}"})
        assert raw.headers["ratelimit-limit"] == "4" and raw.headers["ratelimit-remaining"] == "3"
        config = sandbox.connector_config(rate_limit_per_5s=0, page_size=1)  # no client bucket
        with PennylaneConnector(config) as connector:
            started = time.monotonic()
            accounts = [r for page in connector.pages(Entity.ACCOUNT, cursor=None) for r in page.records]
            # ratelimit-remaining: 0 made it wait for the reset instead of bouncing off a 429
            assert len(accounts) == 6 and connector.requests == 6
            assert time.monotonic() - started > 0.5


def test_client_pacing_avoids_429(pennylane_sandbox, fake_sleep):
    times = iter(range(1000))
    limiter = RateLimiter(25, 5.0, sleep=fake_sleep, clock=lambda: next(times) * 0.01)
    for _ in range(30):
        limiter.acquire()
    assert len(fake_sleep.calls) == 30 - 5  # a burst of 5, then 4 per second
    assert all(0 < wait <= 0.25 for wait in fake_sleep.calls)


def test_5xx_is_retried_with_backoff(pennylane_sandbox, make_connector, fake_sleep, drain):
    pennylane_sandbox.fail_next(2, status=502)
    assert len(drain(make_connector(), Entity.ACCOUNT)[0]) == 30
    assert fake_sleep.calls == [1.0, 2.0]
    pennylane_sandbox.fail_next(99, status=500)
    with pytest.raises(ProviderUnavailableError, match="HTTP 500"):
        drain(make_connector(), Entity.ACCOUNT)
    assert fake_sleep.calls[2:] == [1.0, 2.0, 4.0, 8.0]


def test_malformed_json(pennylane_sandbox, make_connector, drain):
    pennylane_sandbox.fail_next(1, kind="malformed")
    with pytest.raises(MalformedResponseError):
        drain(make_connector(), Entity.INVOICE)


def test_timeouts_are_retried_then_reported(pennylane_sandbox, make_connector, fake_sleep, drain):
    # Margins a loaded machine keeps: an answer on time takes well under a second, a late one
    # comes 2 s after the timeout (0.15 s timeouts failed on plain answers under load).
    pennylane_sandbox.fail_next(1, kind="delay", delay=3.0)
    assert drain(make_connector(timeout_seconds=1.0), Entity.ACCOUNT)[0]
    assert fake_sleep.calls == [1.0]
    pennylane_sandbox.fail_next(5, kind="delay", delay=2.0)
    with pytest.raises(ProviderUnavailableError, match="no answer in time"):
        drain(make_connector(timeout_seconds=0.5), Entity.ACCOUNT)


def test_config_validation():
    config = validate_pennylane_config({"api_token": " t ", "excluded_customer_ids": [12, "13"]})
    assert config["api_token"] == "t" and config["excluded_customer_ids"] == ["12", "13"]
    assert config["base_url"] == "https://app.pennylane.com/api/external/v2"
    for bad, field in (
        ({}, "api_token"),
        ({"api_token": "t", "base_url": "ftp://x"}, "base_url"),
        ({"api_token": "t", "excluded_customer_ids": "12"}, "excluded_customer_ids"),
        ({"api_token": "t", "api_key": "x"}, "api_key"),
        ({"api_token": "t", "page_size": 101}, "page_size"),
    ):
        with pytest.raises(ValidationError) as caught:
            validate_pennylane_config(bad)
        assert caught.value.field == field


def _get(sandbox, path, token=None, **params):
    headers = {"Authorization": f"Bearer {token or sandbox.token}"}
    return httpx.get(f"{sandbox.base_url}{path}", params=params, headers=headers)


def test_sandbox_quirks(pennylane_sandbox):
    sb = pennylane_sandbox
    assert _get(sb, "/customer_invoices", limit=101).status_code == 400
    assert _get(sb, "/customer_invoices", limit=0).status_code == 400
    unauthorised = _get(sb, "/customers", token="nope")
    assert unauthorised.json() == {"error": "The access token is invalid", "status": 401}
    ids = [i["id"] for i in _get(sb, "/customer_invoices", limit=5).json()["items"]]
    assert ids == sorted(ids, reverse=True)  # default sort -id
    only_credits = json.dumps([{"field": "credit_note", "operator": "eq", "value": "true"}])
    first = _get(sb, "/customer_invoices", limit=3, sort="id", filter=only_credits).json()
    assert all(i["status"] == "credit_note" and i["currency_amount"].startswith("-") for i in first["items"])
    again = _get(
        sb, "/customer_invoices", limit=3, sort="id", cursor=first["next_cursor"], filter=only_credits
    )
    assert all(i["status"] == "credit_note" for i in again.json()["items"])
    dropped = _get(sb, "/customer_invoices", limit=3, sort="id", cursor=first["next_cursor"]).json()["items"]
    assert [i["id"] for i in dropped] == list(
        range(first["items"][-1]["id"] + 1, first["items"][-1]["id"] + 4)
    )
    sb.touch_invoices([sb.invoice_ids()[0]])
    log = _get(sb, "/changelogs/customer_invoices", start_date="2020-01-01T00:00:00Z")
    assert log.status_code == 422
    page = _get(sb, "/changelogs/customer_invoices", limit=1000).json()
    assert page["items"][0]["operation"] == "update"
    both = _get(
        sb, "/changelogs/customer_invoices", cursor="c2VxOjA", start_date=page["items"][0]["processed_at"]
    )
    assert both.status_code == 400
    credit = sb.invoice_ids(credit_notes=True)[0]
    assert _get(sb, f"/customer_invoices/{credit}/payments").json()["items"] == []
    sb.fail_next(1, status=429, retry_after=2)
    limited = _get(sb, "/me")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.text == "Rate limit exceeded. Please retry in 2 seconds."


def test_sandbox_is_deterministic_and_lean():
    started = time.monotonic()
    big = PennylaneSandbox(seed=5, customers=2_000, invoices=100_000)
    assert time.monotonic() - started < 5
    same = PennylaneSandbox(seed=5, customers=2_000, invoices=100_000)
    for invoice_id in (100_000, 150_123, 199_999):
        assert big.invoice(invoice_id) == same.invoice(invoice_id)
    assert big.customer(1_500) == same.customer(1_500)


def test_cli_refuses_unknown_provider(capsys):
    assert main(["sandbox", "sage"]) == 2  # (Zoho Books and NetSuite have sandboxes now)
    assert "no sandbox" in capsys.readouterr().err


def test_payment_rows_in_flight_keep_order_and_errors(pennylane_sandbox, make_connector, fake_sleep, drain):
    """Payment rows are read a few requests at a time: same records, every request counted, a
    5xx retried and a 401 raised as when they were read one by one."""
    sequential = make_connector()
    drain(sequential, Entity.INVOICE)
    expected, candidates = [], sequential._payment_candidates
    for invoice in candidates:  # the same invoices, one request after the other
        expected += [
            r for r in sequential._payments(sequential._http, invoice) if not isinstance(r, ChildrenRecord)
        ]
    connector = make_connector()
    drain(connector, Entity.INVOICE)
    before = connector.requests
    pennylane_sandbox.fail_next(2, status=503, path="/api/external/v2/customer_invoices/")
    records, _, pages = drain(connector, Entity.PAYMENT)
    assert records == expected and fake_sleep.calls.count(1.0) >= 1
    assert connector.requests - before == sum(p.requests for p in pages) == len(candidates) + 2
    failing = make_connector()
    drain(failing, Entity.INVOICE)
    pennylane_sandbox.fail_next(1, status=401, path="/api/external/v2/customer_invoices/")
    with pytest.raises(AuthenticationError):
        drain(failing, Entity.PAYMENT)

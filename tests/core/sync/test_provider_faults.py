"""The provider faults of the sandboxes (issue #18 point 3): 5xx bursts, 429 storms, dropped
connections, truncated and malformed JSON, slow responses, token expiry, a customer deleted
between pages → the sync completes or stops with one clear error, and a later sync converges to
the provider's data (the exports of a clean sync)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from billabex_core.connectors.pennylane import PennylaneConnector
from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.services.integrations import add_integration
from billabex_sandbox.pennylane import PennylaneSandbox
from tests.core.jobs.faults import exports

INVOICES = "/api/external/v2/customer_invoices"


class FaultyNetwork(httpx.BaseTransport):
    """The real HTTP transport, with connections dropped or bodies cut short on chosen requests."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults: dict[int, str] = {}  # request number → drop | truncate
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        fault = self.faults.pop(self.count, None)
        if fault == "drop":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        response = self.inner.handle_request(request)
        if fault != "truncate":
            return response
        body = response.read()
        headers = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() not in {"content-length", "content-encoding"}
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=body[: len(body) // 2], request=request
        )


def _no_wait(_seconds: float) -> None:
    """Retries back off without waiting in tests."""


def _factory(
    network: FaultyNetwork, timeout: float | None
) -> Callable[[str, dict[str, Any]], PennylaneConnector]:
    def make(_provider: str, config: dict[str, Any]) -> PennylaneConnector:
        return PennylaneConnector(
            {**config, **({"timeout_seconds": timeout} if timeout else {})}, transport=network, sleep=_no_wait
        )

    return make


def _later_requests(network: FaultyNetwork, kind: str, *numbers: int) -> None:
    for n in numbers:
        network.faults[n] = kind


SCENARIOS: dict[str, Callable[[PennylaneSandbox, FaultyNetwork], float | None]] = {
    "5xx burst": lambda box, net: box.fail_next(5, status=503, path=INVOICES) and None,
    "429 storm": lambda box, net: box.fail_next(60, status=429, retry_after=0, path=INVOICES) and None,
    "dropped connections": lambda box, net: _later_requests(net, "drop", 4, 9, 10),
    "truncated JSON": lambda box, net: _later_requests(net, "truncate", 5, 12),
    "malformed JSON": lambda box, net: box.fail_next(1, kind="malformed", path=INVOICES) and None,
    "slow responses": lambda box, net: box.fail_next(3, kind="delay", delay=0.4, path=INVOICES) or 0.15,
    "token expiry": lambda box, net: box.fail_next(100, status=401, path=INVOICES) and None,
}


@pytest.fixture
def reference(pennylane_sandbox, today, tmp_path, _sqlite_template) -> dict:
    """The exports of a clean sync of the same provider data."""
    path = tmp_path / "reference.db"
    shutil.copy(_sqlite_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url)) as session:
        ref_id = add_integration(
            session=session,
            provider="pennylane",
            name="demo",
            config=pennylane_sandbox.connector_config(page_size=20),
            actor="alice",
        ).id
        session.commit()
    assert run_integration_sync(engine=get_engine(url), integration_id=ref_id, today=today).ok
    return exports(url, skip=("tasks",))


@pytest.mark.parametrize("fault", list(SCENARIOS))
def test_a_fault_ends_clearly_and_the_next_sync_converges(
    fault, db_url, integration_id, pennylane_sandbox, today, reference
) -> None:
    network = FaultyNetwork()
    timeout = SCENARIOS[fault](pennylane_sandbox, network)
    engine = get_engine(db_url)
    first = run_integration_sync(
        engine=engine,
        integration_id=integration_id,
        today=today,
        connector_factory=_factory(network, timeout),
    )
    if not first.ok:  # one clear line, never a traceback
        assert first.error and "\n" not in first.error and "Traceback" not in first.error, first.error
    pennylane_sandbox.clear_faults()
    later = run_integration_sync(engine=engine, integration_id=integration_id, today=today)
    assert later.ok, later.error
    assert exports(db_url, skip=("tasks",)) == reference


def test_a_customer_deleted_between_pages(db_url, integration_id, pennylane_sandbox, today) -> None:
    """The provider loses a customer while the sync walks its pages: the sync completes or stops
    with one clear error (Pennylane answers 404 for the lost customer's contacts), and the next
    one has every document of the provider, none twice."""
    deleted: list[int] = []

    def progress(p: Any) -> None:
        if p.entity == "account" and p.pages == 1 and not deleted:
            victim = pennylane_sandbox.customer_ids()[-1]
            pennylane_sandbox.delete_customer(victim)
            deleted.append(victim)

    engine = get_engine(db_url)
    first = run_integration_sync(engine=engine, integration_id=integration_id, today=today, progress=progress)
    assert deleted
    if not first.ok:
        assert first.error and "\n" not in first.error and "Traceback" not in first.error, first.error
    later = run_integration_sync(engine=engine, integration_id=integration_id, today=today)
    assert later.ok, later.error
    mine = exports(db_url)
    numbers = sorted(row["number"] for row in mine["invoices"])
    assert len(numbers) == len(set(numbers)) == len(pennylane_sandbox.invoice_ids(credit_notes=False))
    names = {row["name"] for row in mine["accounts"]}
    for customer in pennylane_sandbox.customer_ids():
        assert pennylane_sandbox.customer(customer)["name"] in names

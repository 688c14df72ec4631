"""The sandbox against Pennylane's own contract (the vendor OpenAPI) and the quirks of
connectors.md §1.10, over real HTTP: every endpoint, every error, every kind of record."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from billabex_sandbox.contract import SPEC_PATH, PennylaneContract
from billabex_sandbox.pennylane import PennylaneSandbox

SHARED_SPEC = (
    Path(__file__).resolve().parents[4] / "shared/connector_specs/pennylane/openapi_subset_receivables.json"
)


def _get(sandbox: PennylaneSandbox, path: str, token: str | None = None, **params: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token or sandbox.token}"}
    query = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    return httpx.get(f"{sandbox.base_url}{path}", params=query, headers=headers)


def _pages(sandbox: PennylaneSandbox, path: str, **params: object) -> list[dict]:
    items, cursor = [], None
    while True:
        body = _get(sandbox, path, **params, **({"cursor": cursor} if cursor else {})).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return items


@pytest.mark.skipif(not SHARED_SPEC.is_file(), reason="shared/ is not next to the repository")
def test_vendored_spec_is_the_shared_one() -> None:
    assert SPEC_PATH.read_bytes() == SHARED_SPEC.read_bytes()


def test_the_check_catches_an_off_contract_body() -> None:
    contract = PennylaneContract()
    ok = {"items": [], "has_more": False, "next_cursor": None}
    path = "/api/external/v2/customer_invoices"
    assert (
        contract.check(path, {}, 200, {"Content-Type": "application/json"}, json.dumps(ok).encode()) is None
    )
    bad = {**ok, "items": [{"id": 1, "amount": 12.5}]}
    assert contract.check(path, {}, 200, {"Content-Type": "application/json"}, json.dumps(bad).encode())
    assert contract.check(path, {}, 429, {"Content-Type": "application/json"}, b"{}")
    too_many = {"limit": "500"}  # a success for a request Pennylane refuses (limit 1–100)
    assert contract.check(path, too_many, 200, {"Content-Type": "application/json"}, json.dumps(ok).encode())
    assert len(contract.violations) == 3 and contract.checked == 4


def test_every_endpoint_and_record_kind_complies(pennylane_sandbox: PennylaneSandbox) -> None:
    sandbox = pennylane_sandbox
    invoices = _pages(sandbox, "/customer_invoices", limit=100)
    assert {i["status"] for i in invoices} >= {"paid", "partially_paid", "late", "credit_note", "draft"}
    customers = _pages(sandbox, "/customers", limit=100, sort="id")
    assert {c["customer_type"] for c in customers} == {"company", "individual"}
    for item in invoices[:40] + [i for i in invoices if i["status"] in ("credit_note", "draft")]:
        assert _get(sandbox, f"/customer_invoices/{item['id']}").status_code == 200
        for sub in ("payments", "matched_transactions"):
            assert _get(sandbox, f"/customer_invoices/{item['id']}/{sub}", limit=5).status_code == 200
    for item in customers[:10]:
        kind = f"{item['customer_type']}_customers"
        for path in (
            f"/customers/{item['id']}",
            f"/{kind}/{item['id']}",
            f"/customers/{item['id']}/contacts",
        ):
            assert _get(sandbox, path).status_code == 200
    first = invoices[-1]["id"]
    for flt in (
        [{"field": "credit_note", "operator": "eq", "value": "true"}],
        [{"field": "id", "operator": "in", "value": [first, first + 1]}],
        [{"field": "date", "operator": "gteq", "value": "2025-06-01"}],
    ):
        assert _get(sandbox, "/customer_invoices", filter=flt, sort="-date").status_code == 200
    me = _get(sandbox, "/me").json()
    assert me["company"]["name"] and "customers:readonly" in me["scopes"]


def test_change_logs_and_errors_comply(pennylane_sandbox: PennylaneSandbox) -> None:
    sandbox = pennylane_sandbox
    invoice_id = sandbox.invoice_ids(credit_notes=False)[0]
    sandbox.add_payment(invoice_id, "1.00")
    sandbox.add_invoice(sandbox.customer_ids()[0])
    sandbox.update_customer(sandbox.customer_ids()[1], notes="moved")
    sandbox.delete_invoice(sandbox.invoice_ids(credit_notes=False)[1])
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for resource in ("customer_invoices", "customers"):
        body = _get(sandbox, f"/changelogs/{resource}", start_date=since, limit=2).json()
        assert body["items"]
        assert _get(sandbox, f"/changelogs/{resource}", cursor=body["next_cursor"] or "x").status_code in (
            200,
            400,
        )
    old = (datetime.now(UTC) - timedelta(weeks=5)).isoformat()
    assert _get(sandbox, "/changelogs/customers", start_date=old).status_code == 422
    assert _get(sandbox, "/changelogs/customers", start_date=since, cursor="abc").status_code == 400
    assert _get(sandbox, "/customer_invoices", limit=500).status_code == 400
    assert _get(sandbox, "/customer_invoices", filter=[{"field": "status"}]).status_code == 400
    assert _get(sandbox, "/customer_invoices", sort="amount").status_code == 400
    assert _get(sandbox, "/customer_invoices/1").status_code == 404
    assert _get(sandbox, "/customers", token="nope").status_code == 401
    sandbox.add_token("invoices-only", ["customer_invoices:readonly"])
    assert _get(sandbox, "/customers", token="invoices-only").status_code == 403


def test_quirks_of_connectors_md_1_10() -> None:
    """Default sort ``-id``, filters not carried by the cursor, plain-text 429, no currency on
    customers, EUR remaining amounts on non-EUR invoices and credit notes."""
    with PennylaneSandbox(
        seed=3, customers=20, invoices=200, rate_limit_requests=3, rate_limit_period=60, contract=True
    ) as sandbox:
        ids = [i["id"] for i in _get(sandbox, "/customers", limit=2).json()["items"]]
        assert ids == sorted(ids, reverse=True)
        flt = [{"field": "credit_note", "operator": "eq", "value": "true"}]
        first = _get(sandbox, "/customer_invoices", filter=flt, limit=2).json()
        _get(sandbox, "/customer_invoices", cursor=first["next_cursor"], limit=2)
        refused = _get(sandbox, "/customer_invoices", cursor=first["next_cursor"], limit=2)
        assert refused.status_code == 429 and refused.headers["content-type"].startswith("text/plain")
        assert "retry" in refused.text and int(refused.headers["retry-after"]) >= 1
        assert sandbox.contract_violations == []
    with PennylaneSandbox(seed=3, customers=20, invoices=200, rate_limit=False, contract=True) as sandbox:
        first = _get(sandbox, "/customer_invoices", filter=flt, limit=2).json()
        unfiltered = _get(sandbox, "/customer_invoices", cursor=first["next_cursor"], limit=5).json()
        assert {i["status"] for i in unfiltered["items"]} != {"credit_note"}  # the filter was not replayed
        customers = _pages(sandbox, "/customers", limit=100)
        assert customers and all("currency" not in c for c in customers)
        invoices = _pages(sandbox, "/customer_invoices", limit=100)
        foreign = [i for i in invoices if i["currency"] != "EUR" and not i["draft"]]
        assert {"invoice", "credit_note"} <= {
            "credit_note" if i["status"] == "credit_note" else "invoice" for i in foreign
        }
        for item in foreign:
            rate = Decimal(item["exchange_rate"])
            assert rate != 1 and Decimal(item["amount"]) == (
                Decimal(item["currency_amount"]) * rate
            ).quantize(Decimal("0.01"))
            if item["status"] in ("upcoming", "late") or (
                item["status"] == "credit_note" and item["credited_invoice"] is None
            ):  # nothing settled yet: the remaining amount is the whole EUR amount
                assert Decimal(item["remaining_amount_with_tax"]) == Decimal(item["amount"])
        assert sandbox.contract_violations == []

"""The resources of the Pennylane sandbox: which path reads what, with which scope.

``read`` answers a path under ``/api/external/v2`` from the data (a 200 body) or raises
``ApiError`` (400, 403, 404, 422); authentication, rate limits and faults are
``pennylane``'s business.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from billabex_sandbox import pennylane_api as api
from billabex_sandbox.pennylane_customers import contacts, customer
from billabex_sandbox.pennylane_data import CUSTOMER_BASE, INVOICE_BASE, PennylaneData
from billabex_sandbox.pennylane_invoices import invoice, matched_transaction_items, payment_items

PREFIX = "/api/external/v2"
_INVOICE_ROUTE = re.compile(r"^/customer_invoices/(\d+)(/payments|/matched_transactions)?$")
_CUSTOMER_ROUTE = re.compile(r"^/(customers|company_customers|individual_customers)/(\d+)(/contacts)?$")
_CUSTOMER_KIND = {"company_customers": "company", "individual_customers": "individual"}
DEMO_COMPANY_ID = 424242
_ME = {
    "user": {"id": 1, "first_name": "Demo", "last_name": "User", "email": "demo@example.org", "locale": "fr"},
    "company": {"id": DEMO_COMPANY_ID, "name": "Démo Pennylane SAS", "reg_no": "732829320"},
}


def resource_path(path: str) -> str:
    """The path below ``PREFIX``, without a trailing slash (404 outside the API)."""
    if not path.startswith(PREFIX + "/"):
        raise api.not_found()
    return path[len(PREFIX) :].rstrip("/")


def me(scopes: frozenset[str], company_id: int = DEMO_COMPANY_ID) -> dict[str, Any]:
    return {**_ME, "company": {**_ME["company"], "id": company_id}, "scopes": sorted(scopes)}


def check_scope(path: str, scopes: frozenset[str]) -> None:
    """403 naming the scope when the token may not read the resource of ``path``."""
    resource = "customers" if "customer" in path and "customer_invoices" not in path else "customer_invoices"
    if not scopes & {f"{resource}:readonly", f"{resource}:all"}:
        raise api.ApiError(
            403, {"error": f'Access to this resource requires scope "{resource}:readonly".', "status": 403}
        )


def invoice_listing(data: PennylaneData, base_url: str) -> api.Listing:
    return api.Listing(
        count=data.invoice_count,
        base=INVOICE_BASE,
        alive=lambda i: i not in data.deleted_invoices,
        field_of=lambda i, f: api.invoice_field(data, i, f),
        allowed=api.INVOICE_FILTERS,
        render=lambda i: invoice(data, i, base_url),
        day_of=lambda i: data.inv_day[i],
    )


def customer_listing(data: PennylaneData, base_url: str) -> api.Listing:
    return api.Listing(
        count=data.customer_count,
        base=CUSTOMER_BASE,
        alive=lambda i: i not in data.deleted_customers,
        field_of=lambda i, f: api.customer_field(customer(data, i, base_url), f),
        allowed=api.CUSTOMER_FILTERS,
        render=lambda i: customer(data, i, base_url),
    )


def read(
    data: PennylaneData,
    path: str,
    query: dict[str, str],
    *,
    base_url: str,
    changelogs: dict[str, list[api.ChangeEntry]],
    retention: timedelta,
) -> Any:
    """The body of a 200 for the resource ``path`` (a ``resource_path``)."""
    if path == "/customer_invoices":
        return api.paginate(invoice_listing(data, base_url), query)
    if path == "/customers":
        return api.paginate(customer_listing(data, base_url), query)
    if path.startswith("/changelogs/") and path[12:] in changelogs:
        return api.changelog_page(changelogs[path[12:]], query, now=datetime.now(UTC), retention=retention)
    if match := _INVOICE_ROUTE.match(path):
        return _invoice_resource(data, match, query, base_url)
    if match := _CUSTOMER_ROUTE.match(path):
        return _customer_resource(data, match, query, base_url)
    raise api.not_found()


def _invoice_resource(data: PennylaneData, match: re.Match[str], query: dict[str, str], base_url: str) -> Any:
    index = data.invoice_index(int(match.group(1)))
    if index is None:
        raise api.not_found()
    if match.group(2) is None:
        return invoice(data, index, base_url)
    if match.group(2) == "/payments":
        return api.sub_list(payment_items(data, index), query)
    return api.sub_list(matched_transaction_items(data, index, base_url), query)


def _customer_resource(
    data: PennylaneData, match: re.Match[str], query: dict[str, str], base_url: str
) -> Any:
    index = data.customer_index(int(match.group(2)))
    if index is None:
        raise api.not_found()
    item = customer(data, index, base_url)
    kind = _CUSTOMER_KIND.get(match.group(1))
    if kind and item["customer_type"] != kind:
        raise api.not_found()
    if match.group(3):
        return api.sub_list(contacts(data, index, base_url), query)
    if kind:  # the typed endpoints answer the one shape, without the oneOf discriminator
        item.pop("customer_type")
    return item

"""Checks the Zoho Books sandbox against Zoho's own OpenAPI documents (openapi-core).

Every request the sandbox answers under ``/books/v3`` and its reply are validated against the
vendor module file of that path: ``specs/zoho_books/*.json`` are Zoho's published OAS modules
(``shared/connector_specs/zoho_books/*.yml``, connectors.md §2.1) converted from YAML to JSON,
nothing else changed. The request
is checked too (``organization_id`` present, ``page``/``per_page`` typed), so the connector's
calls are held to the contract as well as the sandbox's answers. The OAS has typing errors that contradict Zoho's own
documentation and real responses (connectors.md §2.4, §2.10); they are corrected here, each
named in ``ERRATA`` — nothing else is relaxed. Problems are collected, not raised: the sandbox
keeps answering and the test fixtures assert the list is empty.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from pathlib import Path
from typing import Any

SPEC_DIR_ENV = "BILLABEX_ZOHO_OAS_DIR"
_CANDIDATES = (Path(__file__).with_name("specs") / "zoho_books",)
HOST = "https://www.zohoapis.com"
PREFIX = "/books/v3"
MODULES = (  # path prefix → module file (the longest prefix first)
    ("/contacts/", "/contactpersons", "contact-persons.json"),
    ("/contacts", "", "contacts.json"),
    ("/invoices", "", "invoices.json"),
    ("/creditnotes", "", "credit-notes.json"),
    ("/customerpayments", "", "customer-payments.json"),
)
_NUMBER = {"type": "number"}
# (module, component schema, replacement): the OAS says otherwise, Zoho's docs and responses agree.
ERRATA: tuple[tuple[str, str, dict[str, Any]], ...] = (
    # Amounts are JSON numbers (connectors.md §2.4); the invoices OAS types some as strings.
    ("invoices.json", "total", _NUMBER),
    ("invoices.json", "balance", _NUMBER),
    ("customer-payments.json", "bcy_amount", _NUMBER),
    # Receivable figures carry cents; the contacts OAS says integer.
    ("contacts.json", "outstanding_receivable_amount", _NUMBER),
    ("contacts.json", "unused_credits_receivable_amount", _NUMBER),
)
_PAGE_CONTEXT = {"type": "object"}  # typed array in the OAS, an object per the pagination guide
_LIST_KEYS = {"creditnotes"}  # typed object in the credit-notes OAS, a list in every response


def spec_dir() -> Path | None:
    configured = os.environ.get(SPEC_DIR_ENV)
    for candidate in (Path(configured),) if configured else _CANDIDATES:
        if (candidate / "invoices.json").is_file():
            return candidate
    return None


def _fix(document: dict[str, Any], module: str) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    for name, replacement in ((n, r) for m, n, r in ERRATA if m == module):
        if name in schemas:
            schemas[name] = {**{k: v for k, v in schemas[name].items() if k != "type"}, **replacement}
    for schema in schemas.values():
        props = schema.get("properties") if isinstance(schema, dict) else None
        if not props:
            continue
        if isinstance(props.get("page_context"), dict) and props["page_context"].get("type") == "array":
            props["page_context"] = {
                **_PAGE_CONTEXT,
                "properties": props["page_context"]["items"].get("properties", {}),
            }
        for key in _LIST_KEYS & set(props):
            if props[key].get("type") == "object":
                props[key] = {"type": "array", "items": props[key]}
    return document


@functools.cache
def _api(module: str) -> Any:
    from openapi_core import Config, OpenAPI  # a development dependency: only when checking

    folder = spec_dir()
    if folder is None:
        return None
    document = json.loads((folder / module).read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The vendor file repeats an operationId (list_credit_note_refunds): the document itself is
        # not validated, only our exchanges against it.
        return OpenAPI.from_dict(_fix(document, module), config=Config(spec_validator_cls=None))


def module_of(resource: str) -> str | None:
    for prefix, suffix, module in MODULES:
        if resource.startswith(prefix) and (not suffix or suffix in resource):
            return module
    return None


class _Request:
    def __init__(self, resource: str, query: dict[str, str]) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = HOST
        self.path = PREFIX + resource
        self.full_url_pattern = HOST + self.path
        self.method = "get"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(query.items())),
            header=Headers(),
            cookie=ImmutableMultiDict(),
            path={},
        )
        self.content_type = "application/json"
        self.body: bytes | None = None


class _Response:
    def __init__(self, status: int, body: bytes) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.content_type = "application/json"
        self.headers = Headers({"Content-Type": "application/json"})
        self.data = body


def check(resource: str, query: dict[str, str], status: int, body: bytes) -> str | None:
    """None when the exchange matches the vendor OAS (or no OAS covers the path), else why not."""
    module = module_of(resource)
    api = _api(module) if module else None
    if api is None or status != 200:
        return None
    request, response = _Request(resource, query), _Response(status, body)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            api.validate_request(request)
            api.validate_response(request, response)
    except Exception as exc:  # noqa: BLE001 - every validation failure is reported, never raised
        cause = exc.__cause__
        details = [str(e).splitlines()[0] for e in getattr(cause, "schema_errors", ())] or [str(exc)[:300]]
        return f"GET {resource}: {type(exc).__name__}: {'; '.join(details)[:500]}"
    return None


def spec_missing_reason() -> str | None:
    return None if spec_dir() is not None else f"Zoho OAS not found (set {SPEC_DIR_ENV})"

"""Zoho Books API v3 connector (connectors.md §2): customers with their contact persons, invoices,
credit notes and their applications, customer payments and what they paid.

Every entity is a walk over one list endpoint (``page``/``per_page`` ≤ 200, ascending
``created_time``, ``page_context.has_more_page``); incremental runs add ``last_modified_time``
(Zoho: "modified after") set to the start of the previous run minus ``OVERLAP``. The cursor stored
after each page says which page comes next and the last id read; Zoho's pages are positions, so
a record deleted meanwhile would shift the next page by one and hide a record: after each page
the connector reads the single item now at the end of the previous page (``per_page=1``), and
when it is not the one read there, reads that page again. Zoho has no deletion feed: voided and
draft documents become deletions, and the complete lists do the rest (docs/sync.md, complete
sets): a customer's contact persons, a credit note's applications, a payment's allocations, an
invoice with nothing settled (no payment nor application left), and a reconciliation of the
customers, invoices, credit notes and payments: every id Zoho lists, after a full walk (free: the
walk read them) and otherwise every ``reconcile_hours`` (one ``per_page=200`` listing each).

List rows carry what an invoice or a credit note needs; details are fetched only where a field
is missing: a customer's address, VAT number and contact persons (``GET /contacts/{id}``), a
credit note's applications (``/creditnotes/{id}/invoices``, only when something was applied), and a
payment's allocations (``GET /customerpayments/{id}``) unless the list row already says them (one
invoice number known from the invoice pass and ``unused_amount``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import httpx

from billabex_core.connectors import zoho_books_mapping as m
from billabex_core.connectors.base import (
    ConnectionInfo,
    Connector,
    PermissionDeniedError,
    RequestRejectedError,
)
from billabex_core.connectors.records import ChildrenRecord, Entity, PaymentRecord, Record, RecordPage
from billabex_core.connectors.zoho_books_auth import ZohoOAuth
from billabex_core.connectors.zoho_books_config import DATA_CENTRES, validate_zoho_config
from billabex_core.connectors.zoho_books_http import SCOPES, ZohoClient

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=5)
PAYMENT_KEYS = ("customer_payments", "customerpayments", "payments")  # connectors.md §2.5: uncertain
LISTS: dict[Entity, tuple[str, dict[str, str], str]] = {  # path, fixed params, id key
    Entity.ACCOUNT: ("contacts", {"contact_type": "customer"}, "contact_id"),
    Entity.INVOICE: ("invoices", {}, "invoice_id"),
    Entity.CREDIT_NOTE: ("creditnotes", {}, "creditnote_id"),
    Entity.CREDIT_APPLICATION: ("creditnotes", {}, "creditnote_id"),
    Entity.PAYMENT: ("customerpayments", {}, "payment_id"),
}


@dataclass(slots=True)
class WalkState:
    """What ``RecordPage.cursor`` holds (as JSON)."""

    since: str | None = None  # last_modified_time filter; None: everything
    started: str | None = None  # when this walk began (the next walk's watermark)
    page: int = 1  # the next page to read
    last: str | None = None  # id of the last item of the page before
    reconciled: str | None = None  # when every id of the list was last read (a reconciliation)

    def dumps(self) -> str:
        return json.dumps(
            {k: v for k, v in asdict(self).items() if v not in (None, 1)}, separators=(",", ":")
        )

    @classmethod
    def loads(cls, cursor: str | None) -> WalkState | None:
        if not cursor:
            return None
        try:
            state = cls(**json.loads(cursor))
            if state.page < 1 or (state.since is not None and m.timestamp(state.since) is None):
                raise ValueError("bad cursor")
            return state
        except (ValueError, TypeError, m.MalformedResponseError):
            log.warning("unreadable Zoho Books cursor, starting a full scan")
            return None


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ZohoBooksConnector(Connector):
    provider: ClassVar[str] = "zoho_books"
    display_name: ClassVar[str] = "Zoho Books"
    ENTITIES: ClassVar[tuple[Entity, ...]] = (
        Entity.ACCOUNT,  # contact persons come with their customer's detail
        Entity.INVOICE,
        Entity.CREDIT_NOTE,
        Entity.CREDIT_APPLICATION,
        Entity.PAYMENT,
    )
    SECRET_KEYS: ClassVar[frozenset[str]] = frozenset({"client_secret", "refresh_token"})
    COMPLETE_SETS: ClassVar[frozenset[tuple[Entity, Entity | None]]] = frozenset(
        {
            (Entity.CONTACT, Entity.ACCOUNT),
            (Entity.CREDIT_APPLICATION, Entity.CREDIT_NOTE),
            (Entity.CREDIT_APPLICATION, Entity.INVOICE),
            (Entity.PAYMENT, Entity.INVOICE),
            (Entity.PAYMENT, Entity.PAYMENT),
            *((e, None) for e in (Entity.ACCOUNT, Entity.INVOICE, Entity.CREDIT_NOTE, Entity.PAYMENT)),
        }
    )
    DATA_CENTRES: ClassVar[dict[str, tuple[str, str, str]]] = DATA_CENTRES

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        cfg = self.validate_config(config)
        timeout = httpx.Timeout(
            float(cfg["timeout_seconds"]), connect=min(float(cfg["timeout_seconds"]), 10.0)
        )
        self._excluded = frozenset(cfg["excluded_customer_ids"])
        self._size = cfg["page_size"]
        self._reconcile_every = timedelta(hours=float(cfg["reconcile_hours"]))
        self._now = clock
        self._auth = ZohoOAuth(
            accounts_url=cfg["accounts_url"],
            client_id=cfg["client_id"],
            client_secret=cfg["client_secret"],
            refresh_token=cfg["refresh_token"],
            transport=transport,
            timeout=timeout,
            sleep=sleep,
        )
        self._http = ZohoClient(
            api_url=cfg["api_url"],
            organization_id=cfg["organization_id"],
            auth=self._auth,
            transport=transport,
            sleep=sleep,
            per_minute=cfg["rate_limit_per_minute"],
            timeout=timeout,
        )
        self._auth.on_request = self._http.count_request  # token calls count as requests too
        self._organization_id = cfg["organization_id"]
        # Invoice number → (invoice id, customer id), learnt by the invoice pass for the payments.
        self._numbers: dict[str, tuple[str, str]] = {}

    @classmethod
    def validate_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return validate_zoho_config(config)

    @property
    def requests(self) -> int:
        return self._http.requests

    def close(self) -> None:
        self._http.close()
        self._auth.close()

    def test_connection(self) -> ConnectionInfo:
        """The organisation's name, and which module scopes the refresh token lacks."""
        name = f"organization {self._organization_id}"
        try:
            orgs = self._http.get("organizations").get("organizations") or []
            found = [o for o in orgs if str(o.get("organization_id")) == self._organization_id]
            if not found:
                raise RequestRejectedError(
                    self.display_name, 404, f"organization {self._organization_id} is not one of this login's"
                )
            name = str(found[0].get("name") or name)
        except PermissionDeniedError:
            pass  # ZohoBooks.settings.READ is optional: the sync does not need it
        missing = []
        for path in ("contacts", "invoices", "creditnotes", "customerpayments"):
            try:
                self._http.get(path, {"page": 1, "per_page": 1})
            except PermissionDeniedError:
                missing.append(SCOPES[path])
        granted = tuple(s for k, s in SCOPES.items() if k != "organizations" and s not in missing)
        return ConnectionInfo(
            provider=self.provider,
            company_name=name,
            company_id=self._organization_id,
            scopes=granted,
            missing_scopes=tuple(missing),
        )

    # -- paging ---------------------------------------------------------------------------------

    def pages(self, entity: Entity, *, cursor: str | None, full: bool = False) -> Iterator[RecordPage]:
        if entity not in self.ENTITIES:
            raise ValueError(f"Zoho Books does not provide {entity}")
        state = None if full else WalkState.loads(cursor)
        if state is None:
            state = WalkState()
        elif state.page == 1:  # a finished walk: the next one reads what changed since
            state = WalkState(since=state.since, reconciled=state.reconciled)
        if state.started is None:
            state.started = self._now().isoformat()
        id_key = LISTS[entity][2]
        # A whole list read from its first page in this run names every id: a reconciliation.
        ids: set[str] | None = set() if state.since is None and state.page == 1 else None
        spent = self.requests
        for items, more in self._walk(entity, state):
            records = self._records(entity, items, changed=state.since is not None)
            if ids is not None:
                ids.update(str(i.get(id_key)) for i in items)
            if more:
                cursor_text = state.dumps()
            else:
                started = datetime.fromisoformat(state.started or self._now().isoformat())
                reconciled = self._reconcile(entity, state, ids, records)
                cursor_text = WalkState(since=m.zoho_time(started - OVERLAP), reconciled=reconciled).dumps()
            yield RecordPage(records, cursor_text, self.requests - spent)
            spent = self.requests

    def _reconcile(
        self, entity: Entity, state: WalkState, ids: set[str] | None, records: list[Record]
    ) -> str | None:
        """Append the list of every id of ``entity`` when it was read whole or a reconciliation is
        due (one listing); returns when the list was last read whole."""
        if entity is Entity.CREDIT_APPLICATION:  # its credit notes' list is reconciled with them
            return None
        at = state.started or self._now().isoformat()
        if ids is None:
            last = datetime.fromisoformat(state.reconciled) if state.reconciled else None
            if last is not None and self._now() - last < self._reconcile_every:
                return state.reconciled
            at, ids = self._now().isoformat(), set()
            id_key = LISTS[entity][2]
            for items, _ in self._walk(entity, WalkState()):
                ids.update(str(i.get(id_key)) for i in items)
        records.append(ChildrenRecord(entity, None, None, frozenset(ids)))
        return at

    def _walk(self, entity: Entity, state: WalkState) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """The list's pages from ``state.page`` (updated as it goes): (items, more to come)."""
        path, fixed, id_key = LISTS[entity]
        params: dict[str, Any] = {**fixed, "sort_column": "created_time", "sort_order": "A"}
        if state.since:
            params["last_modified_time"] = state.since
        previous: set[str] = set()
        while True:
            body = self._http.get(path, {**params, "page": state.page, "per_page": self._size})
            items = self._items(body, entity)
            if state.page > 1 and state.last is not None:
                items = self._recover_shift(path, params, state, items, previous, id_key) + items
            more = bool((body.get("page_context") or {}).get("has_more_page")) and bool(items)
            previous = {str(i.get(id_key)) for i in items}
            state.last = str(items[-1].get(id_key)) if items else state.last
            state.page += 1
            yield items, more
            if not more:
                return

    def _recover_shift(
        self,
        path: str,
        params: dict[str, Any],
        state: WalkState,
        items: list[dict[str, Any]],
        previous: set[str],
        id_key: str,
    ) -> list[dict[str, Any]]:
        """Items a deletion pushed back onto the previous page (read again when it happened)."""
        edge = (state.page - 1) * self._size
        probe = self._items(self._http.get(path, {**params, "page": edge, "per_page": 1}), None)
        if probe and str(probe[0].get(id_key)) == state.last:
            return []
        log.info("Zoho Books %s shifted between two pages; reading page %s again", path, state.page - 1)
        again = self._items(
            self._http.get(path, {**params, "page": state.page - 1, "per_page": self._size}), None
        )
        current = {str(i.get(id_key)) for i in items}
        return [i for i in again if str(i.get(id_key)) not in previous | current]

    def _items(self, body: dict[str, Any], entity: Entity | None) -> list[dict[str, Any]]:
        keys = PAYMENT_KEYS if entity in (Entity.PAYMENT, None) else ()
        for key in (*keys, "contacts", "invoices", "creditnotes"):
            if isinstance(body.get(key), list):
                items = body[key]
                if not all(isinstance(i, dict) for i in items):
                    raise m.malformed("a list item is not an object")
                return list(items)
        raise m.malformed("a list answer has no list")

    # -- records --------------------------------------------------------------------------------

    def _records(self, entity: Entity, items: list[dict[str, Any]], *, changed: bool) -> list[Record]:
        if entity is Entity.ACCOUNT:
            return [r for row in items if self._wanted(row, "contact_id") for r in self._customer(row)]
        if entity in (Entity.INVOICE, Entity.CREDIT_NOTE):
            rows = [row for row in items if self._wanted(row, "customer_id")]
            if entity is Entity.INVOICE:
                for row in rows:
                    if row.get("invoice_number") and str(row.get("status")) not in m.NOT_DEBT:
                        self._numbers[str(row["invoice_number"])] = (
                            str(row["invoice_id"]),
                            str(row["customer_id"]),
                        )
            records = [m.map_document(row, entity) for row in rows]
            if entity is Entity.INVOICE:  # nothing settled: no payment nor application left on it
                records.extend(
                    ChildrenRecord(child, Entity.INVOICE, str(row["invoice_id"]))
                    for row in rows
                    if m.nothing_settled(row)
                    for child in (Entity.PAYMENT, Entity.CREDIT_APPLICATION)
                )
            return records
        if entity is Entity.CREDIT_APPLICATION:
            return [r for row in items if self._wanted(row, "customer_id") for r in self._applications(row)]
        return [r for row in items if self._wanted(row, "customer_id") for r in self._payment(row, changed)]

    def _wanted(self, row: dict[str, Any], key: str) -> bool:
        if key == "contact_id" and row.get("contact_type", "customer") != "customer":
            return False  # vendors never become accounts
        return str(row.get(key)) not in self._excluded

    def _customer(self, row: dict[str, Any]) -> list[Record]:
        customer_id = m.ident(row, "contact_id")
        try:
            detail = self._http.get(f"contacts/{customer_id}").get("contact")
        except RequestRejectedError as exc:
            if exc.status == 404:  # deleted since the list was read
                return []
            raise
        if not isinstance(detail, dict) or detail.get("contact_type", "customer") != "customer":
            return []
        persons = m.map_persons(detail)
        listed = frozenset(str(getattr(p, "external_id", "")) for p in persons)
        return [
            m.map_account(detail),
            *persons,
            ChildrenRecord(Entity.CONTACT, Entity.ACCOUNT, customer_id, listed),
        ]

    def _applications(self, note: dict[str, Any]) -> list[Record]:
        if str(note.get("status")) in m.NOT_DEBT:
            return []  # the credit note's deletion takes its applications with it
        code = m.currency_code(note)
        total, balance = (
            m.money(note.get("total"), "total", code),
            m.money(note.get("balance"), "balance", code),
        )
        note_id = m.ident(note, "creditnote_id")
        if total is not None and balance is not None and abs(balance) >= abs(total):
            return [ChildrenRecord(Entity.CREDIT_APPLICATION, Entity.CREDIT_NOTE, note_id)]  # nothing applied
        rows = self._http.get(f"creditnotes/{note_id}/invoices").get("invoices_credited") or []
        records = m.map_applications(note_id, rows, m.currency_code(note))
        listed = frozenset(str(getattr(r, "external_id", "")) for r in records)
        return [*records, ChildrenRecord(Entity.CREDIT_APPLICATION, Entity.CREDIT_NOTE, note_id, listed)]

    def _payment(self, row: dict[str, Any], changed: bool) -> list[Record]:
        allocations = self._allocations_from_row(row)
        if allocations is None:
            payment_id = m.ident(row, "payment_id")
            detail = self._http.get(f"customerpayments/{payment_id}").get("payment")
            if not isinstance(detail, dict):
                raise m.malformed(f"payment {payment_id} has no detail")
            allocations = m.allocations_from_detail({"currency_code": row.get("currency_code"), **detail})
            row = {**row, **{k: v for k, v in detail.items() if k != "invoices"}}
        records = m.map_payment(row, allocations, changed=changed)
        listed = frozenset(r.external_id for r in records if isinstance(r, PaymentRecord))
        payment_id = m.ident(row, "payment_id")
        return [*records, ChildrenRecord(Entity.PAYMENT, Entity.PAYMENT, payment_id, listed)]

    def _allocations_from_row(self, row: dict[str, Any]) -> list[tuple[str, Decimal]] | None:
        """(invoice id, amount) when the list row says it all: one known invoice and the unused rest."""
        number = str(row.get("invoice_number") or row.get("invoice_numbers") or "").strip()
        code = m.currency_code(row)
        amount, unused = (
            m.money(row.get("amount"), "amount", code),
            m.money(row.get("unused_amount"), "unused_amount", code),
        )
        known = self._numbers.get(number)
        if not number or "," in number or amount is None or unused is None or known is None:
            return None
        if known[1] != str(row.get("customer_id")):
            return None
        return [(known[0], abs(amount) - abs(unused))]


__all__ = ["WalkState", "ZohoBooksConnector", "validate_zoho_config"]

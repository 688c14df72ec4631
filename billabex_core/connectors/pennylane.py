"""Pennylane Company API v2 connector (connectors.md §1): customers, contacts, invoices,
credit notes and payments, full scans resumable by id and incremental sync by change logs.

Full scan: ``sort=id`` ascending, ``limit=100``, following ``next_cursor`` and replaying the
same ``filter`` on every page (Pennylane's cursor does not carry filters). The cursor stored
after each page says ``{"mode": "full", "after": <last id>}``; a resumed scan starts with
``filter id gt <last id>``, so nothing is skipped or read twice.

Incremental: once a scan completes, the cursor becomes ``{"mode": "incremental", "since":
<scan start - 5 min>}``. The next run reads ``/changelogs/<resource>`` from ``since``
(``start_date`` on the first page only), re-fetches changed ids 100 at a time with
``filter id in``, and turns ``delete`` events into ``DeletionRecord``. The watermark advances
to the last ``processed_at`` handled (``seen`` lists the ids already handled at that instant).
Change logs keep 4 weeks: an older watermark (or a 422) silently falls back to a full scan.

Payments cost one request per invoice: a full scan fetches them for every (partly) paid invoice
(``paid_invoice_payments: false``: for partly paid open ones only), an incremental sync for every
changed invoice that is (partly) paid. The part of an invoice Pennylane says is settled that no
payment row explains (a bank transaction matched in Pennylane, a skipped fetch) is the engine's
"settled in Pennylane" figure (docs/sync.md).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from billabex_core.connectors import pennylane_mapping as m
from billabex_core.connectors.base import (
    ConnectionInfo,
    Connector,
    RequestRejectedError,
    WatermarkExpiredError,
)
from billabex_core.connectors.http import ApiClient, BearerAuth, RateLimiter
from billabex_core.connectors.pennylane_config import DEFAULT_BASE_URL, validate_pennylane_config
from billabex_core.connectors.pennylane_payments import PaymentFetcher
from billabex_core.connectors.pennylane_state import SyncState, batched
from billabex_core.connectors.pennylane_state import envelope as _envelope
from billabex_core.connectors.pennylane_state import iso as _iso
from billabex_core.connectors.pennylane_state import utcnow as _utcnow
from billabex_core.connectors.records import (
    ChildrenRecord,
    ContactRecord,
    DeletionRecord,
    Entity,
    PaymentRecord,
    Record,
    RecordPage,
)

log = logging.getLogger(__name__)

REQUIRED_SCOPES = ("customer_invoices:readonly", "customers:readonly")
CHANGELOG_RETENTION = timedelta(weeks=4)
RETENTION_MARGIN = timedelta(hours=1)  # don't even try a watermark this close to expiry
SCAN_OVERLAP = timedelta(minutes=5)  # changes during a scan are read again incrementally
CHANGELOG_LIMIT = 1000
REFETCH_BATCH = 100


class PennylaneConnector(Connector):
    provider: ClassVar[str] = "pennylane"
    display_name: ClassVar[str] = "Pennylane"
    ENTITIES: ClassVar[tuple[Entity, ...]] = (
        Entity.ACCOUNT,
        Entity.CONTACT,
        Entity.INVOICE,
        Entity.CREDIT_NOTE,
        Entity.PAYMENT,
    )
    SECRET_KEYS: ClassVar[frozenset[str]] = frozenset({"api_token"})
    ACCOUNT_CURRENCY_FROM_DOCUMENTS: ClassVar[bool] = True  # customers have no currency (§1.9)
    # A customer's contacts and an invoice's payments are read whole (docs/sync.md, complete sets).
    COMPLETE_SETS: ClassVar[frozenset[tuple[Entity, Entity | None]]] = frozenset(
        {(Entity.CONTACT, Entity.ACCOUNT), (Entity.PAYMENT, Entity.INVOICE)}
    )

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        cfg = self.validate_config(config)
        self._excluded = frozenset(cfg["excluded_customer_ids"])
        self._page_size = cfg["page_size"]
        self._paid_payments = bool(cfg["paid_invoice_payments"])
        self._now = clock
        per_5s = cfg["rate_limit_per_5s"]
        timeout = float(cfg["timeout_seconds"])
        limiter = RateLimiter(per_5s, 5.0, sleep=sleep) if per_5s else None  # shared by all clients

        def client() -> ApiClient:
            return ApiClient(
                provider=self.display_name,
                base_url=cfg["base_url"],
                auth=BearerAuth(cfg["api_token"]),
                transport=transport,
                sleep=sleep,
                limiter=limiter,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                headers={"X-Use-2026-API-Changes": "true"},
            )

        self._http = client()
        self._fetcher = PaymentFetcher(client)  # payment rows: a few requests in flight
        # Invoices whose payments the PAYMENT full scan needs, noted by a complete INVOICE scan.
        self._payment_candidates: list[dict[str, Any]] | None = None

    @classmethod
    def validate_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return validate_pennylane_config(config)

    @property
    def requests(self) -> int:
        return self._http.requests + self._fetcher.requests

    def close(self) -> None:
        self._fetcher.close()
        self._http.close()

    def test_connection(self) -> ConnectionInfo:
        data = self._http.get_json("me")
        if not isinstance(data, dict) or not isinstance(data.get("company"), dict):
            raise m.malformed("/me has no company")
        scopes = tuple(str(s) for s in data.get("scopes") or ())
        granted = set(scopes)
        missing = tuple(
            s for s in REQUIRED_SCOPES if not granted & {s, s.replace(":readonly", ":all"), s.split(":")[0]}
        )
        company = data["company"]
        return ConnectionInfo(
            provider=self.provider,
            company_name=str(company.get("name") or ""),
            company_id=str(company["id"]) if company.get("id") is not None else None,
            scopes=scopes,
            missing_scopes=missing,
        )

    # -- paging ---------------------------------------------------------------------------

    def pages(self, entity: Entity, *, cursor: str | None, full: bool = False) -> Iterator[RecordPage]:
        if entity not in self.ENTITIES:
            raise ValueError(f"Pennylane does not provide {entity}")
        state = None if full else SyncState.loads(cursor)
        if state is not None and state.mode == "incremental":
            try:
                yield from self._incremental(entity, state)
                return
            except WatermarkExpiredError:
                log.warning("Pennylane change log expired for %s, running a full scan", entity)
                state = None
        yield from self._full(entity, state)

    def _full(self, entity: Entity, state: SyncState | None) -> Iterator[RecordPage]:
        started = state.started_at if state and state.started_at else _iso(self._now())
        after = state.after if state else 0
        if entity is Entity.PAYMENT and self._payment_candidates is not None:
            yield from self._payments_from_candidates(after, started)
            return
        collect: list[dict[str, Any]] | None = [] if entity is Entity.INVOICE and after == 0 else None
        path, filters = self._scan_target(entity)
        spent = self.requests
        for items, more in self._scan(path, filters, after):
            records = self._records(entity, items, changed=False)
            if collect is not None:
                collect.extend(self._slim(i) for i in items if self._wants_payments(i, changed=False))
            after = m.item_id(items[-1]) if items else after
            if more:
                next_state = SyncState("full", after=after, started_at=started)
            else:
                watermark = m.timestamp(started) or self._now()
                next_state = SyncState("incremental", since=_iso(watermark - SCAN_OVERLAP))
                if collect is not None:
                    self._payment_candidates = collect
            yield RecordPage(records, next_state.dumps(), self.requests - spent)
            spent = self.requests

    def _scan_target(self, entity: Entity) -> tuple[str, list[dict[str, Any]]]:
        if entity in (Entity.ACCOUNT, Entity.CONTACT):
            return "customers", []
        credit = "true" if entity is Entity.CREDIT_NOTE else "false"
        return "customer_invoices", [
            {"field": "credit_note", "operator": "eq", "value": credit},
            {"field": "draft", "operator": "eq", "value": "false"},
        ]

    def _scan(
        self, path: str, filters: list[dict[str, Any]], after: int
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """Pages of ``path`` by ascending id after ``after``, the same filter on every page."""
        flt = [*filters, {"field": "id", "operator": "gt", "value": after}] if after else filters
        params: dict[str, Any] = {"sort": "id", "limit": self._page_size}
        if flt:
            params["filter"] = json.dumps(flt, separators=(",", ":"))
        return self._scan_params(path, params)

    def _all(
        self, path: str, params: Mapping[str, Any], http: ApiClient | None = None
    ) -> list[dict[str, Any]]:
        return [item for items, _ in self._scan_params(path, params, http) for item in items]

    def _scan_params(
        self, path: str, params: Mapping[str, Any], http: ApiClient | None = None
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """Every page of ``path`` with ``params`` (and the native cursor): (items, more to come)."""
        native: str | None = None
        client = http or self._http
        while True:
            items, native = _envelope(
                client.get_json(path, {**params, "cursor": native} if native else params)
            )
            yield items, native is not None
            if native is None:
                return

    def _payments_from_candidates(self, after: int, started: str) -> Iterator[RecordPage]:
        candidates = [c for c in self._payment_candidates or () if int(c["id"]) > after]
        self._payment_candidates = None
        spent = self.requests
        chunks = list(batched(candidates, 50)) or [[]]
        for number, chunk in enumerate(chunks, 1):
            records: list[Record] = [r for found in self._fetcher.map(self._payments, chunk) for r in found]
            after = int(chunk[-1]["id"]) if chunk else after
            if number < len(chunks):
                next_state = SyncState("full", after=after, started_at=started)
            else:
                watermark = m.timestamp(started) or self._now()
                next_state = SyncState("incremental", since=_iso(watermark - SCAN_OVERLAP))
            yield RecordPage(records, next_state.dumps(), self.requests - spent)
            spent = self.requests

    # -- incremental ------------------------------------------------------------------------

    def _incremental(self, entity: Entity, state: SyncState) -> Iterator[RecordPage]:
        mark = state.since or ""
        mark_at = m.timestamp(mark)
        assert mark_at is not None
        if mark_at < self._now() - CHANGELOG_RETENTION + RETENTION_MARGIN:
            raise WatermarkExpiredError(self.display_name)
        resource = "customers" if entity in (Entity.ACCOUNT, Entity.CONTACT) else "customer_invoices"
        seen = set(state.seen)
        params: dict[str, Any] = {"start_date": mark, "limit": CHANGELOG_LIMIT}
        spent, yielded = self.requests, False
        while True:
            try:
                data = self._http.get_json(f"changelogs/{resource}", params)
            except RequestRejectedError as exc:
                if exc.status == 422 and "start_date" in params:
                    raise WatermarkExpiredError(self.display_name) from None
                raise
            entries, native = _envelope(data)
            fresh: list[tuple[int, str, str, datetime]] = []
            for entry in entries:
                at = m.timestamp(entry.get("processed_at"))
                if at is None:
                    raise m.malformed("a change log entry has no processed_at")
                entry_id = m.item_id(entry)
                if at < mark_at or (at == mark_at and entry_id in seen):
                    continue
                fresh.append((entry_id, str(entry.get("operation")), str(entry["processed_at"]), at))
            last = {entry_id: pos for pos, (entry_id, *_) in enumerate(fresh)}
            order = [pos for pos, (entry_id, *_) in enumerate(fresh) if last[entry_id] == pos]
            for chunk in batched(order, REFETCH_BATCH):
                records = self._changed(entity, [fresh[pos] for pos in chunk])
                upto = chunk[-1]
                if fresh[upto][3] != mark_at:
                    mark, mark_at, seen = fresh[upto][2], fresh[upto][3], set()
                seen |= {fresh[pos][0] for pos in range(upto + 1) if fresh[pos][3] == mark_at}
                cursor = SyncState("incremental", since=mark, seen=sorted(seen)).dumps()
                yield RecordPage(records, cursor, self.requests - spent)
                spent, yielded = self.requests, True
            if native is None:
                break
            params = {"cursor": native, "limit": CHANGELOG_LIMIT}
        if not yielded:
            cursor = SyncState("incremental", since=mark, seen=sorted(seen)).dumps()
            yield RecordPage([], cursor, self.requests - spent)

    def _changed(self, entity: Entity, entries: list[tuple[int, str, str, datetime]]) -> list[Record]:
        """Records for one batch of changed ids: re-fetched state, deletions for the rest."""
        deleted = [entry_id for entry_id, op, *_ in entries if op == "delete"]
        wanted = [entry_id for entry_id, op, *_ in entries if op != "delete"]
        path = "customers" if entity in (Entity.ACCOUNT, Entity.CONTACT) else "customer_invoices"
        items: list[dict[str, Any]] = []
        if wanted:
            flt = json.dumps([{"field": "id", "operator": "in", "value": wanted}], separators=(",", ":"))
            items = self._all(path, {"filter": flt, "sort": "id", "limit": REFETCH_BATCH})
        found = {m.item_id(item) for item in items}
        records = self._records(entity, items, changed=True)
        if entity in (Entity.ACCOUNT, Entity.INVOICE, Entity.CREDIT_NOTE):
            gone = sorted({*deleted, *(i for i in wanted if i not in found)})
            if entity is Entity.ACCOUNT:
                gone = [i for i in gone if str(i) not in self._excluded]
            records.extend(DeletionRecord(entity, str(i)) for i in gone)
        return records

    # -- mapping with fetches ----------------------------------------------------------------

    def _records(self, entity: Entity, items: Iterable[dict[str, Any]], *, changed: bool) -> list[Record]:
        if entity is Entity.ACCOUNT:
            return [m.map_account(c) for c in items if str(m.item_id(c)) not in self._excluded]
        if entity is Entity.CONTACT:
            return [r for c in items if str(m.item_id(c)) not in self._excluded for r in self._contacts(c)]
        if entity is Entity.PAYMENT:
            items = list(items)
            wanted = [i for i in items if self._wants_payments(i, changed=changed)]
            records = [r for found in self._fetcher.map(self._payments, wanted) for r in found]
            if changed:  # a changed invoice with nothing settled has no payment left
                records.extend(
                    ChildrenRecord(Entity.PAYMENT, Entity.INVOICE, str(m.item_id(i)))
                    for i in items
                    if m.customer_of(i) not in self._excluded and m.nothing_settled(i)
                )
            return records
        out: list[Record] = []
        for item in items:
            if item.get("draft") or m.customer_of(item) in self._excluded:
                continue
            if m.is_credit_note(item) != (entity is Entity.CREDIT_NOTE):
                continue
            record = m.map_document(item)
            if record is not None:
                out.append(record)
        return out

    def _contacts(self, customer: dict[str, Any]) -> list[Record]:
        """The customer's contact persons, then its billing e-mails no person has (§1.5)."""
        customer_id = str(m.item_id(customer))
        lang = m.language(customer.get("billing_language"))
        items = self._all(f"customers/{customer_id}/contacts", {"sort": "id", "limit": 100})
        persons = [
            m.map_contact(item, customer_id=customer_id, lang=lang, primary=n == 0)
            for n, item in enumerate(items)
        ]
        billing = m.billing_contacts(customer, persons, lang=lang)
        listed = frozenset(r.external_id for r in (*persons, *billing) if isinstance(r, ContactRecord))
        return [*persons, *billing, ChildrenRecord(Entity.CONTACT, Entity.ACCOUNT, customer_id, listed)]

    def _wants_payments(self, invoice: dict[str, Any], *, changed: bool) -> bool:
        customer = m.customer_of(invoice)
        return (
            customer is not None
            and customer not in self._excluded
            and m.needs_payments(invoice, changed=changed, paid=self._paid_payments)
        )

    def _payments(self, http: ApiClient, invoice: dict[str, Any]) -> list[Record]:
        """The invoice's payment rows: settled ones, deletions for the others, and the list as
        complete (a row deleted in Pennylane goes)."""
        path = f"customer_invoices/{m.item_id(invoice)}/payments"
        items = self._all(path, {"sort": "id", "limit": 100}, http)
        records = [m.map_payment(item, invoice=invoice) for item in items]
        listed = frozenset(r.external_id for r in records if isinstance(r, PaymentRecord))
        return [*records, ChildrenRecord(Entity.PAYMENT, Entity.INVOICE, str(m.item_id(invoice)), listed)]

    @staticmethod
    def _slim(invoice: dict[str, Any]) -> dict[str, Any]:
        return {"id": invoice["id"], "customer": invoice.get("customer"), "currency": invoice.get("currency")}


__all__ = ["DEFAULT_BASE_URL", "PennylaneConnector", "SyncState", "validate_pennylane_config"]

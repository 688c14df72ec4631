"""A faithful local emulation of Pennylane's Company API v2 (receivables subset).

Served by a stdlib ``ThreadingHTTPServer`` on 127.0.0.1, under ``/api/external/v2``, with the
quirks of connectors.md §1: Bearer tokens (401 ``{"error", "status"}``), scopes (403 naming the
scope), cursor pagination whose cursor does not carry filters, ``limit`` bounds (400), default
sort ``-id``, string amounts, credit notes as negative customer invoices, ``oneOf`` customers,
change logs (4-week retention → 422, ``start_date`` + ``cursor`` → 400), 25 requests / 5 s per
token with ``ratelimit-*`` headers and a plain-text 429.

    with PennylaneSandbox(seed=1, customers=50, invoices=500) as sandbox:
        config = sandbox.connector_config()     # {"api_token": ..., "base_url": ...}
        sandbox.add_payment(invoice_id)         # mutations write change log entries
        sandbox.fail_next(2, status=503)        # fault injection
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from billabex_sandbox import pennylane_api as api
from billabex_sandbox import pennylane_routes as routes
from billabex_sandbox.contract import PennylaneContract
from billabex_sandbox.http_server import Fault, Faults, LocalServer, Reply, Request
from billabex_sandbox.pennylane_customers import contacts, customer
from billabex_sandbox.pennylane_data import (
    CREDIT_NOTE,
    CUSTOMER_BASE,
    DRAFT,
    INVOICE,
    INVOICE_BASE,
    Payment,
    PennylaneData,
    Profile,
    ledger_row,
)
from billabex_sandbox.pennylane_day import working_day
from billabex_sandbox.pennylane_fakes import iso, places
from billabex_sandbox.pennylane_http import RateLimit, json_reply
from billabex_sandbox.pennylane_invoices import invoice, payment_items
from billabex_sandbox.pennylane_routes import PREFIX

READ_SCOPES = ("customer_invoices:readonly", "customers:readonly")
CONTRACT_ENV = "BILLABEX_SANDBOX_CONTRACT"  # "1": every sandbox checks its replies (the test suite)


class PennylaneSandbox(LocalServer):
    """The emulated API and its data; ``start()`` serves it, mutation hooks drive tests."""

    SERVER_NAME = "PennylaneSandbox"
    API_PREFIX = PREFIX
    REPLY_HEADERS = {"Api-Version-Expires-At": ""}

    def __init__(
        self,
        *,
        seed: int = 42,
        customers: int = 40,
        invoices: int = 400,
        rate_limit: bool = True,
        rate_limit_requests: int = 25,
        rate_limit_period: float = 5.0,
        retention: timedelta = timedelta(weeks=4),
        token: str | None = None,
        scopes: Iterable[str] = READ_SCOPES,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
        contract: bool | None = None,
        profile: Profile | None = None,
        company_id: int = routes.DEMO_COMPANY_ID,
    ) -> None:
        self.now = datetime.now(UTC)
        self.company_id = company_id  # /me's company: Billabex connects one company once
        self.token = token or f"pl-sandbox-{random.Random(seed).getrandbits(64):016x}"
        self.tokens: dict[str, frozenset[str]] = {self.token: frozenset(scopes)}
        self.data = PennylaneData(
            seed=seed,
            customers=customers,
            invoices=invoices,
            today=today or self.now.date(),
            now=self.now,
            profile=profile,
        )
        self.rate_limit = rate_limit
        self.limits = RateLimit(rate_limit_requests, rate_limit_period)
        self.retention = retention
        self.changelogs: dict[str, list[api.ChangeEntry]] = {"customers": [], "customer_invoices": []}
        self.request_count = 0
        self.request_log: deque[tuple[str, dict[str, str]]] = deque(maxlen=5_000)
        self.faults = Faults()
        self._last_tick = self.now
        self._lock = threading.RLock()
        self._host, self._port = host, port
        self.base_url = f"https://app.pennylane.com{PREFIX}"
        if contract is None:
            contract = os.environ.get(CONTRACT_ENV, "") not in ("", "0")
        self.contract = PennylaneContract() if contract else None

    def connector_config(self, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {"api_token": self.token, "base_url": self.base_url}
        if not self.rate_limit:
            config["rate_limit_per_5s"] = 0
        return {**config, **extra}

    # -- test hooks -------------------------------------------------------------------------

    def add_token(self, token: str, scopes: Iterable[str]) -> None:
        self.tokens[token] = frozenset(scopes)

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 500,
        kind: str = "status",
        delay: float = 0.0,
        retry_after: int = 1,
        path: str | None = None,
    ) -> None:
        """The next ``n`` requests (under ``path`` if given) fail: an HTTP ``status``, a
        ``malformed`` 200 body, a ``delay`` before answering (to trigger client timeouts), or an
        ``echo`` of the request (its headers, token included, in every field of an error body)."""
        with self._lock:
            self.faults.add(Fault(n, status, kind, delay, path, retry_after=retry_after))

    def clear_faults(self) -> None:
        """Drop the faults not used yet."""
        self.faults.clear()

    def invoice_ids(self, *, credit_notes: bool | None = None, drafts: bool = False) -> list[int]:
        data, out = self.data, []
        for index in range(data.invoice_count):
            kind = data.inv_kind[index]
            if index in data.deleted_invoices or (kind == DRAFT and not drafts):
                continue
            if credit_notes is None or (kind == CREDIT_NOTE) == credit_notes or kind == DRAFT:
                out.append(INVOICE_BASE + index)
        return out

    def customer_ids(self) -> list[int]:
        return [
            CUSTOMER_BASE + i for i in range(self.data.customer_count) if i not in self.data.deleted_customers
        ]

    def invoice(self, invoice_id: int) -> dict[str, Any]:
        index = self.data.invoice_index(invoice_id)
        if index is None:
            raise KeyError(invoice_id)
        return invoice(self.data, index, self.base_url)

    def customer(self, customer_id: int) -> dict[str, Any]:
        index = self.data.customer_index(customer_id)
        if index is None:
            raise KeyError(customer_id)
        return customer(self.data, index, self.base_url)

    def contacts(self, customer_id: int) -> list[dict[str, Any]]:
        index = self.data.customer_index(customer_id)
        return [] if index is None else contacts(self.data, index, self.base_url)

    def payments(self, invoice_id: int) -> list[dict[str, Any]]:
        index = self.data.invoice_index(invoice_id)
        return [] if index is None else payment_items(self.data, index)

    def ledger(self) -> list[dict[str, Any]]:
        """The truth behind the JSON, per live document (``pennylane_data.ledger_row``)."""
        return [ledger_row(self.data, document_id - INVOICE_BASE) for document_id in self.invoice_ids()]

    def touch_invoices(self, ids: Iterable[int]) -> None:
        with self._lock:
            for invoice_id in ids:
                index = self._invoice(invoice_id)
                self.data.touched[index] = self._tick()
                self._log("customer_invoices", invoice_id, "update")

    def add_payment(
        self,
        invoice_id: int,
        amount: Decimal | str | None = None,
        *,
        status: str = "paid_out",
        bank_matched: bool = False,
    ) -> int:
        """Record a payment (default: the whole remaining amount); the invoice changes too.
        ``bank_matched``: a bank transaction reconciled in Pennylane, listed by
        ``/matched_transactions`` and not by ``/payments``."""
        with self._lock:
            index = self._invoice(invoice_id)
            due = self.data.remaining(index)
            units = places(self.data.amounts(index)[0])
            value = due if amount is None else int(Decimal(str(amount)).scaleb(units))
            payment_id = self.data.new_payment_id()
            moment = self._tick()
            self.data.extra_payments.setdefault(index, []).append(
                Payment(payment_id, value, moment, status, "Virement reçu", bank_matched)
            )
            self.data.touched[index] = moment
            self._log("customer_invoices", invoice_id, "update")
            return payment_id

    def add_invoice(
        self,
        customer_id: int,
        *,
        credit_note: bool = False,
        currency: str | None = None,
        total: Decimal | str | None = None,
    ) -> int:
        """A new invoice (or credit note); ``currency``/``total`` fix its amounts (KWD: three
        decimals, JPY: none)."""
        with self._lock:
            owner = self.data.customer_index(customer_id)
            if owner is None:
                raise KeyError(customer_id)
            kind = CREDIT_NOTE if credit_note else INVOICE
            fixed = None if total is None else Decimal(str(total))
            index = self.data.add_invoice(owner, kind=kind, currency=currency, total=fixed)
            self.data.touched[index] = self._tick()
            self._log("customer_invoices", INVOICE_BASE + index, "insert")
            return INVOICE_BASE + index

    def delete_invoice(self, invoice_id: int) -> None:
        """Delete a document; the documents a credit link ties it to change too (and are logged)."""
        with self._lock:
            index = self._invoice(invoice_id)
            self.data.deleted_invoices.add(index)
            self._tick()
            self._log("customer_invoices", invoice_id, "delete")
            linked = [self.data.credit_target.get(index), *self.data.credits_of.get(index, ())]
            self.touch_invoices(
                [
                    INVOICE_BASE + i
                    for i in linked
                    if i is not None and self.data.invoice_index(INVOICE_BASE + i) is not None
                ]
            )

    def update_customer(self, customer_id: int, **fields: Any) -> None:
        with self._lock:
            index = self.data.customer_index(customer_id)
            if index is None:
                raise KeyError(customer_id)
            overrides = self.data.customer_overrides.setdefault(index, {})
            overrides.update(fields, updated_at=iso(self._tick()))
            self._log("customers", customer_id, "update")

    def update_contact(self, contact_id: int, **fields: Any) -> None:
        """Change a contact person (``id`` = customer id × 10 + n); its customer is logged as
        updated, so an incremental sync reads its contacts again."""
        with self._lock:
            customer_id = contact_id // 10
            if not any(c["id"] == contact_id for c in self.contacts(customer_id)):
                raise KeyError(contact_id)
            self.data.contact_overrides.setdefault(contact_id, {}).update(fields)
            self.update_customer(customer_id)

    def delete_contact(self, contact_id: int) -> None:
        """Remove a contact person; its customer is logged as updated (its contacts are read again)."""
        self.update_contact(contact_id, deleted=True)

    def delete_payment(self, invoice_id: int, payment_id: int) -> None:
        """Remove a payment row of an invoice (it owes that amount again); the invoice changes."""
        with self._lock:
            index = self._invoice(invoice_id)
            if not any(p.id == payment_id for p in self.data.payments(index)):
                raise KeyError(payment_id)
            self.data.deleted_payments.add(payment_id)
            self.data.touched[index] = self._tick()
            self._log("customer_invoices", invoice_id, "update")

    def delete_customer(self, customer_id: int) -> None:
        with self._lock:
            index = self.data.customer_index(customer_id)
            if index is None:
                raise KeyError(customer_id)
            self.data.deleted_customers.add(index)
            self._tick()
            self._log("customers", customer_id, "delete")

    def mutate(self, fraction: float = 0.01, *, seed: int = 0) -> dict[str, list[int]]:
        """Change about ``fraction`` of the invoices like a working day would (``pennylane_day``)."""
        return working_day(self, fraction, seed=seed)

    def age_changelogs(self, delta: timedelta) -> None:
        """Move every change log entry ``delta`` into the past (to test retention)."""
        with self._lock:
            for entries in self.changelogs.values():
                for entry in entries:
                    entry.processed_at -= delta

    def _invoice(self, invoice_id: int) -> int:
        index = self.data.invoice_index(invoice_id)
        if index is None:
            raise KeyError(invoice_id)
        return index

    def _tick(self) -> datetime:
        moment = max(datetime.now(UTC), self._last_tick + timedelta(microseconds=1))
        self._last_tick = moment
        return moment

    def _log(self, resource: str, record_id: int, operation: str) -> None:
        moment = iso(self._last_tick)
        self.changelogs[resource].append(
            api.ChangeEntry(record_id, operation, self._last_tick, moment, moment)
        )

    # -- request handling -------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """One request → (status, headers, body): faults first, then auth, rate limit, route."""
        path, query, headers = request.path, request.query, request.headers
        if request.method != "GET":
            return json_reply(405, {"error": "The sandbox is read-only", "status": 405})
        with self._lock:
            self.request_count += 1
            self.request_log.append((path, query))
        fault = self.faults.take(path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
            fault = None
        if fault is not None:
            if fault.kind == "echo":  # a careless provider: the request back, token included
                return self._echo(fault, path, query, headers)
            return self._fault_reply(fault)  # a failing Pennylane on purpose: not checked
        reply = self._reply(path, query, headers)
        if self.contract is not None:
            problem = self.contract.check(path, query, *reply)
            if problem is not None:  # fail loudly: a test must never pass on an off-contract body
                return 500, {"Content-Type": "text/plain"}, f"sandbox contract violation: {problem}".encode()
        return reply

    @property
    def contract_violations(self) -> list[str]:
        """The replies that broke Pennylane's OpenAPI (with ``contract`` on), one line each."""
        return list(self.contract.violations) if self.contract is not None else []

    def _reply(self, path: str, query: dict[str, str], headers: Any) -> Reply:
        auth = headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token is None or token not in self.tokens:
            return json_reply(401, {"error": "The access token is invalid", "status": 401})
        limit_headers = self.limits.take(token) if self.rate_limit else {}
        if limit_headers is None:
            return self.limits.refused(token)
        try:
            status, body = 200, self._answer(path, query, self.tokens[token])
        except api.ApiError as exc:
            status, body = exc.status, exc.body
        status, out_headers, payload = json_reply(status, body)
        out_headers.update(limit_headers)
        return status, out_headers, payload

    @staticmethod
    def _echo(fault: Fault, path: str, query: dict[str, str], headers: Any) -> Reply:
        sent = {name: str(value) for name, value in headers.items()}
        token = sent.get("Authorization", "").removeprefix("Bearer ")
        body = {
            "error": token,
            "code": token,
            "message": f"bad request: {sent}",
            "path": path,
            "query": query,
        }
        return json_reply(fault.status, body)

    def _fault_reply(self, fault: Fault) -> Reply:
        if fault.kind == "malformed":
            return 200, {"Content-Type": "application/json"}, b'{"items": [{"id": 1, "na'
        if fault.status == 429:
            return self.limits.too_many(fault.retry_after, time.time() + fault.retry_after)
        return fault.status, {"Content-Type": "text/html"}, b"<html><body>Server error</body></html>"

    def _answer(self, path: str, query: dict[str, str], scopes: frozenset[str]) -> Any:
        resource = routes.resource_path(path)
        if resource == "/me":
            return routes.me(scopes, self.company_id)
        routes.check_scope(resource, scopes)
        with self._lock:
            return routes.read(
                self.data,
                resource,
                query,
                base_url=self.base_url,
                changelogs=self.changelogs,
                retention=self.retention,
            )

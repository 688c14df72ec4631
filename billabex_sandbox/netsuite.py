"""A local emulation of NetSuite's SuiteTalk REST SuiteQL endpoint, with Token-Based Authentication.

``POST /services/rest/query/v1/suiteql?limit=&offset=`` with ``Prefer: transient`` and a JSON
body ``{"q": "<SuiteQL>"}``: the query runs on an SQLite copy of the tables (``netsuite_sql``);
the reply is the REST collection envelope. Quirks of connectors.md §3: every request signed
(OAuth 1.0a HMAC-SHA256, realm = the account id; a bad signature, an unknown token, a stale
timestamp or a reused nonce → 401 ``INVALID_LOGIN``), ``limit`` 1–1000, at most ``row_cap``
(100,000) rows per query, every cell a string, an account concurrency limit answered by 429
``CONCURRENCY_LIMIT_EXCEEDED`` without Retry-After, ``o:errorDetails`` error bodies. With
``contract`` on, every reply is checked against ``netsuite_contract``.

    with NetSuiteSandbox(seed=1, customers=20, invoices=300) as sandbox:
        config = sandbox.connector_config()   # account_id, consumer/token keys, base_url
        sandbox.add_payment(invoice_id)       # the invoice's lastmodifieddate does not move
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import deque
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from billabex_sandbox import netsuite_contract as contract_rules
from billabex_sandbox.http_server import Fault, Faults, LocalServer, Reply, Request, json_reply
from billabex_sandbox.netsuite_data import CUSTOMER_BASE, NetSuiteData, account_time
from billabex_sandbox.netsuite_sql import SuiteQL, SuiteQLError

CONTRACT_ENV = "BILLABEX_SANDBOX_CONTRACT"
SUITEQL = "/services/rest/query/v1/suiteql"
ERRORS = {
    400: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1",
    401: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
    404: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5",
    429: "https://www.rfc-editor.org/rfc/rfc6585.html#section-4",
    500: "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
}
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
LOGIN = "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail."


def error_reply(status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> Reply:
    body = {
        "type": ERRORS.get(status, ERRORS[400]),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "o:errorDetails": [{"detail": detail, "o:errorCode": code}],
    }
    return json_reply(
        status, body, {"Content-Type": "application/vnd.oracle.resource+json; type=error", **(headers or {})}
    )


class NetSuiteSandbox(LocalServer):
    """The emulated account; ``start()`` serves it, the hooks drive tests."""

    SERVER_NAME = "netsuite-sandbox"
    API_PREFIX = "/services/rest"

    def __init__(
        self,
        *,
        seed: int = 42,
        customers: int = 40,
        invoices: int = 400,
        rate_limit: bool = True,
        concurrency: int = 5,
        row_cap: int = 100_000,
        account_id: str = "123456_SB1",
        contract: bool | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
    ) -> None:
        rng = random.Random(seed)
        self.account_id = account_id
        self.consumer_key, self.consumer_secret = (
            f"{rng.getrandbits(128):032x}",
            f"{rng.getrandbits(128):032x}",
        )
        self.token_id, self.token_secret = f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(128):032x}"
        self.token = self.token_id  # what the ``sandbox`` command prints as the credential
        self.now = datetime.now(UTC)
        self.data = NetSuiteData(
            seed=seed, customers=customers, invoices=invoices, today=today or self.now.date(), now=self.now
        )
        self._lock = threading.RLock()
        self.sql = SuiteQL(self.data.db, self._lock, row_cap=row_cap)
        self.rate_limit, self.concurrency = rate_limit, concurrency
        self.contract = os.environ.get(CONTRACT_ENV, "") not in ("", "0") if contract is None else contract
        self.contract_violations: list[str] = []
        self.faults = Faults()
        self.request_count = 0
        self.rejected_for_concurrency = 0
        self.max_in_flight = 0
        self.request_log: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=5_000)
        self.queries: deque[str] = deque(maxlen=2_000)
        self._in_flight = 0
        self._nonces: dict[str, float] = {}
        self._host, self._port = host, port
        self.base_url = (
            f"https://{account_id.lower().replace('_', '-')}.suitetalk.api.netsuite.com/services/rest"
        )

    def connector_config(self, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "account_id": self.account_id,
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "token_id": self.token_id,
            "token_secret": self.token_secret,
            "base_url": self.base_url,
        }
        return {**config, **extra}

    def credentials(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.connector_config().items() if k != "base_url"}

    # -- test hooks -----------------------------------------------------------------------------

    def fail_next(self, n: int = 1, *, status: int = 500, kind: str = "status", delay: float = 0.0) -> None:
        """The next ``n`` requests fail: an HTTP ``status`` (429: ``CONCURRENCY_LIMIT_EXCEEDED``),
        a ``malformed`` body, or a ``delay`` before answering normally."""
        self.faults.add(Fault(n, status, kind, delay))

    def clear_faults(self) -> None:
        self.faults.clear()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self.data.db.execute(sql, params))

    def ids(self, kind: str, *, open_only: bool = False) -> list[int]:
        """Transaction ids of ``kind`` (CustInvc, CustCred, CustPymt), voided ones left out."""
        sql = "SELECT id FROM \"transaction\" WHERE type = ? AND voided = 'F'"
        if open_only:
            sql += " AND foreignamountunpaid <> 0"
        return [row[0] for row in self.query(sql + " ORDER BY id", kind)]

    def customer_ids(self) -> list[int]:
        return [row[0] for row in self.query("SELECT id FROM customer ORDER BY id")]

    def _stamp(self) -> str:
        return account_time(datetime.now(UTC))

    def add_payment(self, invoice_id: int, amount: Decimal | str | None = None) -> int:
        """A payment applied to the invoice (default: what it still owes)."""
        with self._lock:
            value = self.data.unpaid(invoice_id) if amount is None else Decimal(str(amount))
            payment = self.data.pay(
                [(invoice_id, value)],
                datetime.now(UTC).date(),
                random.Random(invoice_id),
                stamp=self._stamp(),
            )
            self.data.db.commit()
            return payment

    def add_invoice(self, customer_id: int, total: str = "1200.00") -> int:
        with self._lock:
            stamp, invoice_id = self._stamp(), self.data.new_id()
            (currency,) = self.data.db.execute(
                "SELECT currency FROM customer WHERE id = ?", (customer_id,)
            ).fetchone()
            self.data.db.execute(
                "INSERT INTO \"transaction\" VALUES (?, ?, 'CustInvc', 'A', ?, ?, 1, ?, 0, ?, NULL, ?, ?, 'F', 'T', NULL, NULL, ?, ?)",
                (invoice_id, f"INV-N{invoice_id}", customer_id, currency, float(total), float(total), stamp[:10], stamp[:10], stamp, stamp),
            )  # fmt: skip
            self.data.db.commit()
            return invoice_id

    def void_invoice(self, invoice_id: int) -> None:
        with self._lock:
            self.data.db.execute(
                "UPDATE \"transaction\" SET voided = 'T', status = 'V', foreignamountunpaid = 0, lastmodifieddate = ? WHERE id = ?",
                (self._stamp(), invoice_id),
            )
            self.data.db.commit()

    def update_customer(self, customer_id: int, **fields: Any) -> None:
        with self._lock:
            sets = ", ".join(f"{k} = ?" for k in fields)  # column names chosen by the test, not a client
            self.data.db.execute(
                f"UPDATE customer SET {sets}, lastmodifieddate = ? WHERE id = ?",
                (*fields.values(), self._stamp(), customer_id),
            )
            self.data.db.commit()

    def set_contact_email(self, contact_id: int, email: str) -> None:
        with self._lock:
            self.data.db.execute(
                "UPDATE contact SET email = ?, lastmodifieddate = ? WHERE id = ?",
                (email, self._stamp(), contact_id),
            )
            self.data.db.commit()

    def unapply(self, doc_id: int, invoice_id: int) -> None:
        """Remove what a payment or a credit memo applied to an invoice: the invoice owes it again
        (its lastmodifieddate stays, as NetSuite leaves it), the payment or credit memo has it
        unused again and its lastmodifieddate moves."""
        with self._lock:
            self.data.unapply(doc_id, invoice_id, self._stamp())
            self.data.db.commit()

    def delete_record(self, record_id: int, record_type: str) -> None:
        """Delete a customer, contact or transaction (a payment or credit memo unapplied first:
        its invoices owe it again); ``deletedrecord`` gets a row (``record_type``: customer,
        contact, invoice, creditmemo, customerpayment)."""
        with self._lock:
            table = {"customer": "customer", "contact": "contact"}.get(record_type, '"transaction"')
            links = "SELECT previousdoc FROM nexttransactionlinelink WHERE nextdoc = ?"
            for (invoice_id,) in self.data.db.execute(links, (record_id,)).fetchall():
                self.data.unapply(record_id, invoice_id, self._stamp())
            self.data.db.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
            self.data.db.execute(
                "DELETE FROM nexttransactionlinelink WHERE previousdoc = ? OR nextdoc = ?",
                (record_id, record_id),
            )
            self.data.db.execute(
                "INSERT INTO deletedrecord VALUES (?, ?, ?, NULL, ?)",
                (record_id, record_type, record_type, self._stamp()),
            )
            self.data.db.commit()

    # -- requests -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        with self._lock:
            self.request_count += 1
            self.request_log.append((request.method, request.path, request.query))
            if self.rate_limit and self._in_flight >= self.concurrency:
                self.rejected_for_concurrency += 1
                return self._checked(
                    error_reply(
                        429,
                        "CONCURRENCY_LIMIT_EXCEEDED",
                        "Concurrent request limit exceeded. Request blocked.",
                    )
                )
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return self._checked(self._answer(request))
        finally:
            with self._lock:
                self._in_flight -= 1

    def _checked(self, reply: Reply) -> Reply:
        if self.contract:
            problem = contract_rules.check(reply[0], reply[2])
            if problem is not None:
                self.contract_violations.append(problem)
                return 500, {"Content-Type": "text/plain"}, f"sandbox contract violation: {problem}".encode()
        return reply

    def _answer(self, request: Request) -> Reply:
        fault = self.faults.take(request.path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
        elif fault is not None and fault.kind == "malformed":
            return 200, {"Content-Type": "application/json"}, b'{"links":[],"items":[{"id":'
        elif fault is not None and fault.status == 429:
            return error_reply(
                429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked."
            )
        elif fault is not None:
            return error_reply(fault.status, "UNEXPECTED_ERROR", "An unexpected error occurred.")
        refused = self._authenticate(request)
        if refused is not None:
            return refused
        if request.path != SUITEQL:
            return error_reply(
                404, "NONEXISTENT_ID", f"Invalid URL: {request.path} is not served by this sandbox."
            )
        if request.method != "POST":
            return error_reply(400, "INVALID_PARAMETER", "SuiteQL queries are sent with POST.")
        if (request.headers.get("Prefer") or "").strip().lower() != "transient":
            return error_reply(
                400, "INVALID_HEADER", 'The request header "Prefer: transient" is required for SuiteQL.'
            )
        return self._suiteql(request)

    def _authenticate(self, request: Request) -> Reply | None:
        fields = contract_rules.parse_header(request.headers.get("Authorization") or "")
        rejected = error_reply(
            401,
            "INVALID_LOGIN",
            LOGIN,
            {"WWW-Authenticate": f'OAuth realm="{self.account_id}", error="token_rejected"'},
        )
        if fields.get("realm") != self.account_id or fields.get("oauth_signature_method") != "HMAC-SHA256":
            return rejected
        if (fields.get("oauth_consumer_key"), fields.get("oauth_token")) != (
            self.consumer_key,
            self.token_id,
        ):
            return rejected
        try:
            skew = abs(time.time() - int(fields.get("oauth_timestamp", "0")))
        except ValueError:
            return rejected
        nonce = fields.get("oauth_nonce", "")
        url = f"http://{request.headers.get('Host')}{request.path}"
        expected = contract_rules.expected_signature(
            request.method, url, request.raw_query, fields, (self.consumer_secret, self.token_secret)
        )
        with self._lock:
            now = time.time()
            self._nonces = {n: t for n, t in self._nonces.items() if t > now - 900}
            reused = nonce in self._nonces
            self._nonces[nonce] = now
        if skew > 300 or len(nonce) < 6 or reused or fields.get("oauth_signature") != expected:
            return rejected
        return None

    def _suiteql(self, request: Request) -> Reply:
        try:
            limit = int(request.query.get("limit", "1000"))
            offset = int(request.query.get("offset", "0"))
            query = json.loads(request.body or b"{}").get("q")
        except (ValueError, AttributeError):
            return error_reply(400, "INVALID_PARAMETER", "Invalid limit, offset or body.")
        if not 1 <= limit <= 1000 or offset < 0 or not isinstance(query, str):
            return error_reply(
                400,
                "INVALID_PARAMETER",
                "Invalid value for the parameter limit (1 to 1000) or offset, or no q.",
            )
        self.queries.append(query)
        try:
            items, total = self.sql.run(query, limit=limit, offset=offset)
        except SuiteQLError as exc:
            return error_reply(400, "INVALID_PARAMETER", str(exc)[:500])
        has_more = offset + len(items) < total
        url = f"http://{request.headers.get('Host')}{SUITEQL}"
        links = [{"rel": "self", "href": f"{url}?limit={limit}&offset={offset}"}]
        if has_more:
            links.append({"rel": "next", "href": f"{url}?limit={limit}&offset={offset + limit}"})
        body = {
            "links": links,
            "count": len(items),
            "hasMore": has_more,
            "items": [{"links": [], **item} for item in items],
            "offset": offset,
            "totalResults": total,
        }
        return json_reply(200, body)


__all__ = ["CUSTOMER_BASE", "NetSuiteSandbox"]

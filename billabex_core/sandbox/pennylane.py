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

import json
import math
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from billabex_core.sandbox import pennylane_api as api
from billabex_core.sandbox.pennylane_data import (
    CREDIT_NOTE,
    CUSTOMER_BASE,
    DRAFT,
    INVOICE,
    INVOICE_BASE,
    Payment,
    PennylaneData,
)

PREFIX = "/api/external/v2"
READ_SCOPES = ("customer_invoices:readonly", "customers:readonly")
_INVOICE_ROUTE = re.compile(r"^/customer_invoices/(\d+)(/payments|/matched_transactions)?$")
_CUSTOMER_ROUTE = re.compile(r"^/(customers|company_customers|individual_customers)/(\d+)(/contacts)?$")


@dataclass(slots=True)
class Fault:
    remaining: int
    status: int = 500
    kind: str = "status"  # status | malformed | delay
    delay: float = 0.0
    retry_after: int = 1
    path: str | None = None


class PennylaneSandbox:
    """The emulated API and its data; ``start()`` serves it, mutation hooks drive tests."""

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
    ) -> None:
        self.now = datetime.now(UTC)
        self.token = token or f"pl-sandbox-{random.Random(seed).getrandbits(64):016x}"
        self.tokens: dict[str, frozenset[str]] = {self.token: frozenset(scopes)}
        self.data = PennylaneData(
            seed=seed, customers=customers, invoices=invoices, today=today or self.now.date(), now=self.now
        )
        self.rate_limit, self.rate_limit_requests, self.rate_limit_period = (
            rate_limit,
            rate_limit_requests,
            rate_limit_period,
        )
        self.retention = retention
        self.changelogs: dict[str, list[api.ChangeEntry]] = {"customers": [], "customer_invoices": []}
        self.request_count = 0
        self.request_log: deque[tuple[str, dict[str, str]]] = deque(maxlen=5_000)
        self._faults: list[Fault] = []
        self._windows: dict[str, tuple[float, int]] = {}
        self._last_tick = self.now
        self._lock = threading.RLock()
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = f"https://app.pennylane.com{PREFIX}"

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        sandbox = self

        class Handler(_Handler):
            pass

        Handler.sandbox = sandbox
        self._server = ThreadingHTTPServer((self._host, self._port), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}{PREFIX}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="pennylane-sandbox", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PennylaneSandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

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
        ``malformed`` 200 body, or a ``delay`` before answering (to trigger client timeouts)."""
        with self._lock:
            self._faults.append(Fault(n, status, kind, delay, retry_after, path))

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
        return self.data.invoice(index, self.base_url)

    def customer(self, customer_id: int) -> dict[str, Any]:
        index = self.data.customer_index(customer_id)
        if index is None:
            raise KeyError(customer_id)
        return self.data.customer(index, self.base_url)

    def contacts(self, customer_id: int) -> list[dict[str, Any]]:
        index = self.data.customer_index(customer_id)
        return [] if index is None else self.data.contacts(index, self.base_url)

    def payments(self, invoice_id: int) -> list[dict[str, Any]]:
        index = self.data.invoice_index(invoice_id)
        return [] if index is None else self.data.payment_items(index)

    def touch_invoices(self, ids: Iterable[int]) -> None:
        with self._lock:
            for invoice_id in ids:
                index = self._invoice(invoice_id)
                self.data.touched[index] = self._tick()
                self._log("customer_invoices", invoice_id, "update")

    def add_payment(
        self, invoice_id: int, amount: Decimal | str | None = None, *, status: str = "paid_out"
    ) -> int:
        """Record a payment (default: the whole remaining amount); the invoice changes too."""
        with self._lock:
            index = self._invoice(invoice_id)
            due = self.data.remaining(index)
            value = due if amount is None else int(Decimal(str(amount)) * 100)
            payment_id = self.data.new_payment_id()
            moment = self._tick()
            self.data.extra_payments.setdefault(index, []).append(
                Payment(payment_id, value, moment, status, "Virement reçu")
            )
            self.data.touched[index] = moment
            self._log("customer_invoices", invoice_id, "update")
            return payment_id

    def add_invoice(self, customer_id: int, *, credit_note: bool = False) -> int:
        with self._lock:
            customer = self.data.customer_index(customer_id)
            if customer is None:
                raise KeyError(customer_id)
            index = self.data.add_invoice(customer, kind=CREDIT_NOTE if credit_note else INVOICE)
            self.data.touched[index] = self._tick()
            self._log("customer_invoices", INVOICE_BASE + index, "insert")
            return INVOICE_BASE + index

    def delete_invoice(self, invoice_id: int) -> None:
        with self._lock:
            self.data.deleted_invoices.add(self._invoice(invoice_id))
            self._tick()
            self._log("customer_invoices", invoice_id, "delete")

    def update_customer(self, customer_id: int, **fields: Any) -> None:
        with self._lock:
            index = self.data.customer_index(customer_id)
            if index is None:
                raise KeyError(customer_id)
            overrides = self.data.customer_overrides.setdefault(index, {})
            overrides.update(fields, updated_at=api.iso(self._tick()))
            self._log("customers", customer_id, "update")

    def delete_customer(self, customer_id: int) -> None:
        with self._lock:
            index = self.data.customer_index(customer_id)
            if index is None:
                raise KeyError(customer_id)
            self.data.deleted_customers.add(index)
            self._tick()
            self._log("customers", customer_id, "delete")

    def mutate(self, fraction: float = 0.01, *, seed: int = 0) -> dict[str, list[int]]:
        """Change about ``fraction`` of the invoices like a working day would: payments on open
        invoices, other updates, a few new invoices, one deletion, a few customer edits."""
        rng = random.Random(seed)
        live = self.invoice_ids()
        picked = rng.sample(live, max(1, min(len(live), round(len(live) * fraction))))
        summary: dict[str, list[int]] = {
            "paid": [],
            "touched": [],
            "added": [],
            "deleted": [],
            "customers": [],
        }
        for invoice_id in picked[1:]:
            item = self.invoice(invoice_id)
            if item["status"] in ("upcoming", "late", "partially_paid") and rng.random() < 0.7:
                self.add_payment(invoice_id)
                summary["paid"].append(invoice_id)
            else:
                self.touch_invoices([invoice_id])
                summary["touched"].append(invoice_id)
        self.delete_invoice(picked[0])
        summary["deleted"].append(picked[0])
        customers = self.customer_ids()
        for _ in range(max(1, len(picked) // 20)):
            summary["added"].append(self.add_invoice(rng.choice(customers)))
        for customer_id in rng.sample(customers, max(1, min(len(customers), len(picked) // 50))):
            self.update_customer(customer_id, notes=f"updated {rng.randrange(10**6)}")
            summary["customers"].append(customer_id)
        return summary

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
        moment = api.iso(self._last_tick)
        self.changelogs[resource].append(
            api.ChangeEntry(record_id, operation, self._last_tick, moment, moment)
        )

    # -- request handling -------------------------------------------------------------------

    def handle(self, path: str, query: dict[str, str], headers: Any) -> tuple[int, dict[str, str], bytes]:
        """One request → (status, headers, body)."""
        with self._lock:
            self.request_count += 1
            self.request_log.append((path, query))
            fault = self._take_fault(path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind == "malformed":
            return 200, {"Content-Type": "application/json"}, b'{"items": [{"id": 1, "na'
        if fault is not None and fault.status == 429:
            return self._too_many(fault.retry_after, time.time() + fault.retry_after)
        if fault is not None:
            return fault.status, {"Content-Type": "text/html"}, b"<html><body>Server error</body></html>"
        auth = headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token not in self.tokens:
            return _json(401, {"error": "The access token is invalid", "status": 401})
        limit_headers = self._rate(token)
        if limit_headers is None:
            window = self._windows[token][0] + self.rate_limit_period
            return self._too_many(max(1, math.ceil(window - time.time())), window)
        try:
            status, body = self._route(path, query, self.tokens[token])
        except api.ApiError as exc:
            status, body = exc.status, exc.body
        status, out_headers, payload = _json(status, body)
        out_headers.update(limit_headers)
        return status, out_headers, payload

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.path is None or path.startswith(fault.path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _rate(self, token: str) -> dict[str, str] | None:
        if not self.rate_limit:
            return {}
        with self._lock:
            now = time.time()
            start, count = self._windows.get(token, (now, 0))
            if now - start >= self.rate_limit_period:
                start, count = now, 0
            if count >= self.rate_limit_requests:
                self._windows[token] = (start, count)
                return None
            self._windows[token] = (start, count + 1)
        return {
            "ratelimit-limit": str(self.rate_limit_requests),
            "ratelimit-remaining": str(self.rate_limit_requests - count - 1),
            "ratelimit-reset": str(math.ceil(start + self.rate_limit_period)),
        }

    def _too_many(self, seconds: int, reset: float) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "retry-after": str(seconds),
            "ratelimit-limit": str(self.rate_limit_requests),
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(math.ceil(reset)),
        }
        return 429, headers, f"Rate limit exceeded. Please retry in {seconds} seconds.".encode()

    def _route(self, path: str, query: dict[str, str], scopes: frozenset[str]) -> tuple[int, Any]:
        if not path.startswith(PREFIX + "/"):
            raise api.not_found()
        path = path[len(PREFIX) :].rstrip("/")
        if path == "/me":
            return 200, {
                "user": {
                    "id": 1,
                    "first_name": "Demo",
                    "last_name": "User",
                    "email": "demo@example.org",
                    "locale": "fr",
                },
                "company": {"id": 424242, "name": "Démo Pennylane SAS", "reg_no": "732829320"},
                "scopes": sorted(scopes),
            }
        resource = (
            "customers" if "customer" in path and "customer_invoices" not in path else "customer_invoices"
        )
        if not scopes & {f"{resource}:readonly", f"{resource}:all"}:
            raise api.ApiError(
                403,
                {"error": f'Access to this resource requires scope "{resource}:readonly".', "status": 403},
            )
        data = self.data
        with self._lock:
            if path == "/customer_invoices":
                return 200, api.paginate(
                    query=query,
                    count=data.invoice_count,
                    base=INVOICE_BASE,
                    alive=lambda i: i not in data.deleted_invoices,
                    field_of=lambda i, f: api.invoice_field(data, i, f),
                    allowed=api.INVOICE_FILTERS,
                    render=lambda i: data.invoice(i, self.base_url),
                    day_of=lambda i: data.inv_day[i],
                )
            if path == "/customers":
                return 200, api.paginate(
                    query=query,
                    count=data.customer_count,
                    base=CUSTOMER_BASE,
                    alive=lambda i: i not in data.deleted_customers,
                    field_of=lambda i, f: api.customer_field(data.customer(i, self.base_url), f),
                    allowed=api.CUSTOMER_FILTERS,
                    render=lambda i: data.customer(i, self.base_url),
                )
            if path.startswith("/changelogs/") and path[12:] in self.changelogs:
                now = datetime.now(UTC)
                return 200, api.changelog_page(
                    self.changelogs[path[12:]], query, now=now, retention=self.retention
                )
            if match := _INVOICE_ROUTE.match(path):
                index = data.invoice_index(int(match.group(1)))
                if index is None:
                    raise api.not_found()
                if match.group(2) is None:
                    return 200, data.invoice(index, self.base_url)
                items = data.payment_items(index) if match.group(2) == "/payments" else []
                return 200, _sub_list(items, query)
            if match := _CUSTOMER_ROUTE.match(path):
                index = data.customer_index(int(match.group(2)))
                if index is None:
                    raise api.not_found()
                item = data.customer(index, self.base_url)
                kind = {"company_customers": "company", "individual_customers": "individual"}.get(
                    match.group(1)
                )
                if kind and item["customer_type"] != kind:
                    raise api.not_found()
                if match.group(3):
                    return 200, _sub_list(data.contacts(index, self.base_url), query)
                return 200, item
        raise api.not_found()


def _sub_list(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    """A small nested collection: cursor pagination by id, ``sort`` ``id`` / ``-id``."""
    limit = api.limit_param(query, 100)
    sort = query.get("sort", "-id")
    if sort not in ("id", "-id"):
        raise api.bad_request("sort must be one of id, -id", "NotEnumInclude", "sort")
    items = sorted(items, key=lambda item: item["id"], reverse=sort == "-id")
    if query.get("cursor"):
        last = api.decode_cursor(query["cursor"], "id")
        items = [i for i in items if (i["id"] > last if sort == "id" else i["id"] < last)]
    more = len(items) > limit
    items = items[:limit]
    return {
        "items": items,
        "has_more": more,
        "next_cursor": api.encode_cursor("id", items[-1]["id"]) if more else None,
    }


def _json(status: int, body: Any) -> tuple[int, dict[str, str], bytes]:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return status, {"Content-Type": "application/json; charset=utf-8"}, payload


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PennylaneSandbox/1.0"
    disable_nagle_algorithm = True  # headers and body are two writes: avoid the 40 ms delayed ACK
    sandbox: PennylaneSandbox

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        try:
            status, headers, body = self.sandbox.handle(parts.path, query, self.headers)
        except Exception:  # noqa: BLE001 - the sandbox must answer, like a real 500
            status, headers, body = 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        self._reply(status, headers, body)

    def do_POST(self) -> None:
        self.close_connection = True
        self._reply(*_json(405, {"error": "The sandbox is read-only", "status": 405}))

    def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Api-Version-Expires-At", "")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

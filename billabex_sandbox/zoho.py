"""A local emulation of Zoho Books API v3 (receivables subset) and of Zoho Accounts' token endpoint.

One stdlib server on 127.0.0.1 serves both: ``POST /oauth/v2/token`` (the data centre's accounts
server: ``refresh_token`` and ``authorization_code`` grants, access tokens valid ``token_ttl``
seconds, at most 10 tokens per 10 minutes per refresh token) and ``/books/v3/...`` (the API
root). Quirks of connectors.md §2: ``Authorization: Zoho-oauthtoken``, ``organization_id`` on every
call, ``{"code", "message"}`` envelopes, HTTP 401 with code 57 for a dead token, ``page``/
``per_page`` ≤ 200 with ``page_context.has_more_page``, ``last_modified_time`` "modified after",
timestamps with ``+0100`` offsets, amounts as JSON numbers, 100 calls a minute (429 code 44) and a
daily quota (429 code 45) with ``X-Rate-Limit-*`` headers. With ``contract`` on, every 200 it serves (and
the request) is checked against Zoho's OAS (``zoho_contract``): a violation is listed in
``contract_violations`` and answered as a 500.

    with ZohoSandbox(seed=1, customers=20, invoices=300) as sandbox:
        config = sandbox.connector_config()   # client_id, client_secret, refresh_token, ...
        sandbox.add_payment(invoice_id)       # mutations bump last_modified_time
        sandbox.fail_next(2, status=503)      # fault injection
"""

from __future__ import annotations

import math
import os
import random
import re
import secrets
import threading
import time
from collections import deque
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from billabex_sandbox import zoho_api as api
from billabex_sandbox import zoho_contract
from billabex_sandbox.http_server import Fault, Faults, LocalServer, Reply, Request, json_reply
from billabex_sandbox.zoho_data import Contact, ZohoData
from billabex_sandbox.zoho_hooks import ZohoHooks

CONTRACT_ENV = "BILLABEX_SANDBOX_CONTRACT"  # "1": check every exchange against Zoho's OAS
PREFIX = "/books/v3"
TOKEN_PATH = "/oauth/v2/token"
ORGANIZATION = {"organization_id": "20099887766", "name": "Démo Zoho SARL", "currency_code": "EUR"}
_DETAIL = re.compile(r"^/(contacts|invoices|creditnotes|customerpayments)/([^/]+)(?:/([a-z]+))?$")


class ZohoSandbox(ZohoHooks, LocalServer):
    """The emulated API and its data; ``start()`` serves it, the hooks drive tests."""

    SERVER_NAME = "zoho-sandbox"
    API_PREFIX = PREFIX

    def __init__(
        self,
        *,
        seed: int = 42,
        customers: int = 40,
        invoices: int = 400,
        rate_limit: bool = True,
        per_minute: int = 100,
        daily_quota: int = 10_000,
        token_ttl: int = 3600,
        payments_key: str = "customer_payments",
        contract: bool | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        today: date | None = None,
        organization_id: str = ORGANIZATION["organization_id"],
    ) -> None:
        rng = random.Random(seed)
        self.client_id = f"1000.{rng.getrandbits(40):010X}"
        self.client_secret = f"{rng.getrandbits(128):032x}"
        self.refresh_token = f"1000.{rng.getrandbits(128):032x}.{rng.getrandbits(64):016x}"
        self.token = self.refresh_token  # what the ``sandbox`` command prints as the credential
        self.grant_code = f"1000.{rng.getrandbits(96):024x}"
        self.organization_id = organization_id  # Billabex connects one organization once
        self.now = datetime.now(UTC)
        self.data = ZohoData(
            seed=seed, customers=customers, invoices=invoices, today=today or self.now.date(), now=self.now
        )
        self.rate_limit, self.per_minute, self.daily_quota = rate_limit, per_minute, daily_quota
        self.token_ttl, self.payments_key = token_ttl, payments_key
        if contract is None:
            contract = os.environ.get(CONTRACT_ENV, "") not in ("", "0")
        self.contract = contract
        self.access_tokens: dict[str, float] = {}  # token → expiry (time.time())
        self.token_requests = 0
        self.request_count = 0
        self.quota_used = 0
        self.request_log: deque[tuple[str, str, dict[str, str]]] = deque(maxlen=5_000)
        self.contract_violations: list[str] = []  # replies (or requests) off Zoho's OAS
        self.faults = Faults()
        self._minute: tuple[float, int] = (0.0, 0)
        self._grants: deque[float] = deque()
        self._last_tick = self.now
        self._lock = threading.RLock()
        self._host, self._port = host, port
        self.origin = "https://accounts.zoho.eu"
        self.base_url = "https://www.zohoapis.eu" + PREFIX

    def connector_config(self, **extra: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
            "organization_id": self.organization_id,
            "accounts_url": self.origin,
            "api_url": self.base_url,
        }
        if not self.rate_limit:
            config["rate_limit_per_minute"] = 0
        return {**config, **extra}

    def credentials(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
            "organization_id": self.organization_id,
            "grant code (authorization_code grant)": self.grant_code,
        }

    # -- test hooks -----------------------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        *,
        status: int = 500,
        kind: str = "status",
        delay: float = 0.0,
        path: str | None = None,
        code: int | None = None,
    ) -> None:
        """The next ``n`` API requests (under ``path``, below the API root, if given) fail: an
        HTTP ``status`` (with Zoho's body ``code`` if given), a ``malformed`` body, or a ``delay``."""
        body = {"code": code, "message": "Injected failure"} if code is not None else {}
        self.faults.add(Fault(n, status, kind, delay, PREFIX + path if path else None, body))

    def clear_faults(self) -> None:
        self.faults.clear()

    def expire_tokens(self) -> None:
        """Every access token issued so far dies now (the next call gets 401, code 57)."""
        with self._lock:
            self.access_tokens.clear()

    def revoke_refresh_token(self) -> None:
        with self._lock:
            self.refresh_token = f"revoked-{secrets.token_hex(8)}"
            self.access_tokens.clear()

    def spend_quota(self, calls: int | None = None) -> None:
        """Use ``calls`` of today's quota (all of it by default)."""
        with self._lock:
            self.quota_used = self.daily_quota if calls is None else self.quota_used + calls

    # -- requests -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        with self._lock:
            self.request_count += 1
            self.request_log.append((request.method, request.path, request.query))
        if request.method == "POST" and request.path == TOKEN_PATH:
            return self._token(request)
        if not request.path.startswith(PREFIX + "/") or request.method != "GET":
            return json_reply(404, {"code": 5, "message": "Invalid URL Passed"})
        fault = self.faults.take(request.path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay)
        elif fault is not None:
            return self._fault(fault)
        auth = request.headers.get("Authorization") or ""
        token = auth[len("Zoho-oauthtoken ") :] if auth.startswith("Zoho-oauthtoken ") else None
        with self._lock:
            expiry = self.access_tokens.get(token or "")
            if expiry is None or expiry < time.time():
                return json_reply(
                    401, {"code": 57, "message": "You are not authorized to perform this operation"}
                )
            refused = self._take_quota()
        if refused is not None:
            return refused
        resource = request.path[len(PREFIX) :].rstrip("/")
        try:
            status, body = 200, self._answer(resource, request.query)
        except api.ApiError as exc:
            status, body = exc.status, {"code": exc.code, "message": exc.message}
        reply = json_reply(status, body, self._limit_headers())
        if self.contract:
            problem = zoho_contract.check(resource, request.query, status, reply[2])
            if problem:  # fail loudly: a test must never pass on an off-contract exchange
                self.contract_violations.append(problem)
                return 500, {"Content-Type": "text/plain"}, f"sandbox contract violation: {problem}".encode()
        return reply

    def _fault(self, fault: Fault) -> Reply:
        if fault.kind == "malformed":
            return 200, {"Content-Type": "application/json"}, b'{"code":0,"message":"success","invoices":[{'
        if fault.body:
            return json_reply(fault.status, fault.body, self._limit_headers())
        if fault.status == 429:
            return json_reply(429, {"code": 44, "message": "Too many requests: try again in a minute"})
        return fault.status, {"Content-Type": "text/html"}, b"<html><body>Service unavailable</body></html>"

    def _take_quota(self) -> Reply | None:
        """100 calls a minute (fixed window), then the day's quota; None when the call may go on."""
        if self.quota_used >= self.daily_quota:
            return json_reply(
                429,
                {"code": 45, "message": "You have reached the maximum number of API calls allowed per day"},
                self._limit_headers(),
            )
        if self.rate_limit:
            now = time.time()
            start, count = self._minute
            if now - start >= 60:
                start, count = now, 0
            if count >= self.per_minute:
                return json_reply(
                    429, {"code": 44, "message": "Rate limit exceeded: too many API calls per minute"}
                )
            self._minute = (start, count + 1)
        self.quota_used += 1
        return None

    def _limit_headers(self) -> dict[str, str]:
        midnight = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), datetime.min.time(), UTC)
        return {
            "X-Rate-Limit-Limit": str(self.daily_quota),
            "X-Rate-Limit-Remaining": str(max(0, self.daily_quota - self.quota_used)),
            "X-Rate-Limit-Reset": str(math.ceil((midnight - datetime.now(UTC)).total_seconds())),
        }

    def _token(self, request: Request) -> Reply:
        params = {**request.query, **dict(parse_qsl(request.body.decode(errors="replace")))}
        with self._lock:
            self.token_requests += 1
            if (params.get("client_id"), params.get("client_secret")) != (self.client_id, self.client_secret):
                return json_reply(200, {"error": "invalid_client"})
            grant = params.get("grant_type")
            valid = (grant == "refresh_token" and params.get("refresh_token") == self.refresh_token) or (
                grant == "authorization_code" and params.get("code") == self.grant_code
            )
            if not valid:
                return json_reply(200, {"error": "invalid_code"})
            now = time.time()
            while self._grants and self._grants[0] < now - 600:
                self._grants.popleft()
            if len(self._grants) >= 10:
                return json_reply(
                    400,
                    {
                        "error": "Access Denied",
                        "error_description": "You have made too many requests continuously. "
                        "Please try again after some time.",
                    },
                )
            self._grants.append(now)
            token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
            self.access_tokens[token] = now + self.token_ttl
        body: dict[str, Any] = {
            "access_token": token,
            "api_domain": self.origin,
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
        }
        if grant == "authorization_code":
            body["refresh_token"] = self.refresh_token
        return json_reply(200, body)

    def _answer(self, resource: str, query: dict[str, str]) -> Any:
        if resource == "/organizations":
            return {
                "code": 0,
                "message": "success",
                "organizations": [{**ORGANIZATION, "organization_id": self.organization_id}],
            }
        if query.get("organization_id") != self.organization_id:
            raise api.ApiError(
                400,
                6041,
                f"This user is not associated with the CompanyID: {query.get('organization_id', '')}",
            )
        with self._lock:
            return self._read(resource, query)

    def _read(self, resource: str, query: dict[str, str]) -> Any:
        data = self.data
        if resource == "/contacts":
            kind = query.get("contact_type")
            rows = [c for c in data.contacts.values() if kind in (None, c.contact_type)]
            return api.paged(query, rows, lambda c: api.contact_row(data, c), "contacts")
        if resource == "/invoices":
            return api.paged(
                query, list(data.invoices.values()), lambda i: api.invoice_row(data, i), "invoices"
            )
        if resource == "/creditnotes":
            notes = list(data.credit_notes.values())
            return api.paged(query, notes, lambda n: api.credit_row(data, n), "creditnotes")
        if resource == "/customerpayments":
            payments = list(data.payments.values())
            return api.paged(query, payments, lambda p: api.payment_row(data, p), self.payments_key)
        match = _DETAIL.match(resource)
        if match is None:
            raise api.ApiError(404, 5, "Invalid URL Passed")
        return self._detail(*match.groups())

    def _detail(self, kind: str, raw_id: str, sub: str | None) -> Any:
        data, ok = self.data, {"code": 0, "message": "success"}
        if kind == "contacts":
            contact: Contact = api.lookup(data.contacts, raw_id, "Contact")
            if sub == "contactpersons":
                persons = [api.person_json(p) for p in contact.persons]
                context = {"page": 1, "per_page": 200, "has_more_page": False}
                return {**ok, "contact_persons": persons, "page_context": context}
            return {**ok, "contact": api.contact_detail(data, contact)} if sub is None else _no_route()
        if kind == "invoices":
            invoice = api.lookup(data.invoices, raw_id, "Invoice")
            if sub == "payments":
                return {**ok, "payments": api.invoice_payments(data, invoice)}
            return {**ok, "invoice": api.invoice_detail(data, invoice)} if sub is None else _no_route()
        if kind == "creditnotes":
            note = api.lookup(data.credit_notes, raw_id, "Credit note")
            if sub == "invoices":
                return {**ok, "invoices_credited": api.credited_invoices(data, note)}
            return {**ok, "creditnote": api.credit_detail(data, note)} if sub is None else _no_route()
        payment = api.lookup(data.payments, raw_id, "Payment")
        return {**ok, "payment": api.payment_detail(data, payment)} if sub is None else _no_route()


def _no_route() -> Any:
    raise api.ApiError(404, 5, "Invalid URL Passed")

"""NetSuite connector: SuiteTalk REST SuiteQL with Token-Based Authentication (connectors.md §3).

Customers, contacts, credit memos (``CustCred``), invoices (``CustInvc``) with what paid them
(``nexttransactionlinelink`` rows to ``CustPymt`` and ``CustCred``, read for each page of invoices,
≤ 1000 ids per query) and customer payments' unapplied rest. Each entity is a keyset walk over
``(lastmodifieddate, id)`` (``netsuite_queries``); the cursor after each page holds the keyset
position, so a killed sync resumes after its last committed page.

Incremental runs read what changed since the previous walk's newest ``lastmodifieddate`` minus an
hour (NetSuite's timestamps are in the account's time zone: the watermark comes from NetSuite's
own values, never from our clock), and deletions from ``deletedrecord``. Applying a payment or a
credit memo may leave the invoice's ``lastmodifieddate`` alone, so the invoice walk also takes every
invoice a link changed since the watermark points to, and every open invoice (which also catches
an invoice re-opened by a deleted payment). Voided documents become deletions: never debt.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import httpx

from billabex_core.connectors import netsuite_queries as q
from billabex_core.connectors.base import ConnectionInfo, Connector, RequestRejectedError
from billabex_core.connectors.netsuite_config import validate_netsuite_config
from billabex_core.connectors.netsuite_http import NetSuiteClient
from billabex_core.connectors.netsuite_tba import TokenAuth
from billabex_core.connectors.records import (
    ChildrenRecord,
    CreditApplicationRecord,
    DeletionRecord,
    Entity,
    PaymentRecord,
    Record,
    RecordPage,
)

log = logging.getLogger(__name__)

OVERLAP_SECONDS = 3600


@dataclass(slots=True)
class WalkState:
    """What ``RecordPage.cursor`` holds (as JSON)."""

    since: str | None = None  # lastmodifieddate watermark (account time zone); None: everything
    after: list[Any] | None = None  # keyset: [lastmodifieddate, id] of the last row read
    newest: str | None = None  # the newest lastmodifieddate seen by this walk

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def loads(cls, cursor: str | None) -> WalkState | None:
        if not cursor:
            return None
        try:
            state = cls(**json.loads(cursor))
            for stamp in (state.since, state.newest, *(state.after or [None])[:1]):
                if stamp is not None and not q.STAMP.match(str(stamp)):
                    raise ValueError("bad timestamp")
            return state
        except (ValueError, TypeError):
            log.warning("unreadable NetSuite cursor, starting a full scan")
            return None


class NetSuiteConnector(Connector):
    provider: ClassVar[str] = "netsuite"
    display_name: ClassVar[str] = "NetSuite"
    ENTITIES: ClassVar[tuple[Entity, ...]] = (
        Entity.ACCOUNT,
        Entity.CONTACT,
        Entity.CREDIT_NOTE,
        Entity.INVOICE,  # with the payments and credit applications of each page of invoices
        Entity.PAYMENT,  # the unapplied rest of customer payments
        Entity.CREDIT_APPLICATION,  # nothing of its own: they come with the invoices
    )
    SECRET_KEYS: ClassVar[frozenset[str]] = frozenset({"consumer_secret", "token_secret"})
    # Each page of invoices reads every link to them: their payments and credits are complete;
    # a deleted customer payment takes all its rows (docs/sync.md, complete sets).
    COMPLETE_SETS: ClassVar[frozenset[tuple[Entity, Entity | None]]] = frozenset(
        {
            (Entity.PAYMENT, Entity.INVOICE),
            (Entity.CREDIT_APPLICATION, Entity.INVOICE),
            (Entity.PAYMENT, Entity.PAYMENT),
        }
    )

    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        cfg = self.validate_config(config)
        self._excluded = frozenset(cfg["excluded_customer_ids"])
        self._limit = cfg["page_size"]
        self._account = cfg["account_id"]
        auth = TokenAuth(
            account_id=cfg["account_id"],
            consumer_key=cfg["consumer_key"],
            consumer_secret=cfg["consumer_secret"],
            token_id=cfg["token_id"],
            token_secret=cfg["token_secret"],
        )
        seconds = float(cfg["timeout_seconds"])
        self._http = NetSuiteClient(
            base_url=cfg["base_url"],
            auth=auth,
            max_concurrency=cfg["max_concurrency"],
            transport=transport,
            sleep=sleep,
            timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
        )
        self._link_newest = ""  # newest application (link) seen: the watermark moves with payments too

    @classmethod
    def validate_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        return validate_netsuite_config(config)

    @property
    def requests(self) -> int:
        return self._http.requests

    def close(self) -> None:
        self._http.close()

    def test_connection(self) -> ConnectionInfo:
        """Two counts: customers (the login works) and invoices (the role may read transactions)."""
        body = self._http.suiteql("SELECT COUNT(*) AS customers FROM customer", limit=1)
        customers = (body["items"] or [{}])[0].get("customers", "0")
        missing: list[str] = []
        try:
            self._http.suiteql(
                "SELECT COUNT(*) AS invoices FROM transaction WHERE type = 'CustInvc'", limit=1
            )
        except RequestRejectedError as exc:
            missing.append(f"Transactions (read): {exc.detail}"[:120])
        return ConnectionInfo(
            provider=self.provider,
            company_name=f"NetSuite account {self._account} ({customers} customers)",
            company_id=self._account,
            scopes=("rest_webservices",),
            missing_scopes=tuple(missing),
        )

    # -- walks ------------------------------------------------------------------------------------

    def pages(self, entity: Entity, *, cursor: str | None, full: bool = False) -> Iterator[RecordPage]:
        if entity not in self.ENTITIES:
            raise ValueError(f"NetSuite does not provide {entity}")
        if entity is Entity.CREDIT_APPLICATION:
            yield RecordPage([], "{}", 0)
            return
        state = None if full else WalkState.loads(cursor)
        if state is None:
            state = WalkState()
        elif state.after is None:  # a finished walk: the next one reads what changed since
            state = WalkState(since=state.since)
        spent = self.requests
        while True:
            query = q.walk_query(entity, since=state.since, after=tuple(state.after) if state.after else None)
            body = self._http.suiteql(query, limit=self._limit)
            rows = body["items"]
            records = self._records(entity, rows, changed=state.since is not None)
            if rows:
                last = rows[-1]
                state.after = [q.modified(last), int(last["id"])]
                state.newest = max(state.newest or "", self._link_newest, *(q.modified(r) for r in rows))
            if body.get("hasMore") and rows:
                yield RecordPage(records, state.dumps(), self.requests - spent)
                spent = self.requests
                continue
            if state.since is not None:
                records.extend(self._deletions(entity, state.since))
            newest = state.newest or state.since
            since = q.minus_overlap(newest, OVERLAP_SECONDS) if newest else None
            yield RecordPage(records, WalkState(since=since).dumps(), self.requests - spent)
            return

    def _records(self, entity: Entity, rows: list[dict[str, Any]], *, changed: bool) -> list[Record]:
        if entity is Entity.ACCOUNT:
            return [q.account(r) for r in rows if str(r.get("id")) not in self._excluded]
        if entity is Entity.CONTACT:
            return [
                q.contact(r) for r in rows if r.get("company") and str(r["company"]) not in self._excluded
            ]
        if entity is Entity.PAYMENT:
            return [
                x
                for r in rows
                if str(r.get("entity")) not in self._excluded
                for x in q.unapplied(r, changed=changed)
            ]
        mine = [r for r in rows if str(r.get("entity")) not in self._excluded]
        records = [q.document(r, entity) for r in mine]
        if entity is Entity.INVOICE:
            live = [
                int(r["id"])
                for r, rec in zip(mine, records, strict=True)
                if not isinstance(rec, DeletionRecord)
            ]
            records.extend(self._applications(live))
        return records

    def _applications(self, invoice_ids: list[int]) -> list[Record]:
        """Every payment and credit memo applied to these invoices, and each invoice's lists as
        complete (an application removed in NetSuite goes)."""
        out = self._links(invoice_ids)
        for child, kind in (
            (Entity.PAYMENT, PaymentRecord),
            (Entity.CREDIT_APPLICATION, CreditApplicationRecord),
        ):
            listed: dict[str, set[str]] = {str(i): set() for i in invoice_ids}
            for record in out:
                if isinstance(record, kind):
                    listed[str(record.invoice_external_id)].add(record.external_id)
            out.extend(ChildrenRecord(child, Entity.INVOICE, i, frozenset(ids)) for i, ids in listed.items())
        return out

    def _links(self, invoice_ids: list[int]) -> list[Record]:
        out: list[Record] = []
        for start in range(0, len(invoice_ids), 1000):  # SuiteQL IN lists: 1000 items at most
            query, offset = q.links_query(invoice_ids[start : start + 1000]), 0
            while True:
                body = self._http.suiteql(query, limit=1000, offset=offset)
                out.extend(q.application(row) for row in body["items"])
                stamps = [q.modified(row) for row in body["items"]]
                self._link_newest = max(self._link_newest, *stamps) if stamps else self._link_newest
                if not body.get("hasMore") or not body["items"]:
                    break
                offset += len(body["items"])
        return out

    def _deletions(self, entity: Entity, since: str) -> list[Record]:
        body = self._http.suiteql(q.deleted_query(entity, since), limit=1000)
        out: list[Record] = []
        for row in body["items"]:
            record_id = str(row["recordid"])
            if entity is Entity.PAYMENT:  # every row of the payment: its applications too
                out.append(ChildrenRecord(Entity.PAYMENT, Entity.PAYMENT, record_id))
            elif not (entity is Entity.ACCOUNT and record_id in self._excluded):
                out.append(DeletionRecord(entity, record_id))
        return out


__all__ = ["NetSuiteConnector", "WalkState", "validate_netsuite_config"]

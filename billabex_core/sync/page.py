"""What every part of a page's writing shares: the tables, the outcome, the row keys."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.models import (
    Account,
    Contact,
    CreditApplication,
    Document,
    Payment,
)
from billabex_core.sync import mapping as mp
from billabex_core.sync.result import Counts
from billabex_core.sync.writer import Upserted, existing, table_of

ACC, CON, DOC = table_of(Account), table_of(Contact), table_of(Document)
PAY, APP = table_of(Payment), table_of(CreditApplication)
IMPLIED = "implied:"
MAX_ERRORS = 50


@dataclass(slots=True)
class PageOutcome:
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    accounts: set[int] = field(default_factory=set)  # statuses to recompute
    errors: list[str] = field(default_factory=list)
    anomalies: list[tuple[int, str]] = field(default_factory=list)  # (account id, message)

    def fail(self, entity: str, message: str) -> None:
        self.counts[entity].failed += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def tally(self, entity: str, up: Upserted) -> None:
        c = self.counts[entity]
        c.created += len(up.created)
        c.updated += len(up.updated)
        c.unchanged += len(up.unchanged)


def row_keys(ctx: mp.SyncContext, table: sa.Table) -> dict[str, Any]:
    keys: dict[str, Any] = {"integration_id": ctx.integration_id}
    if "source" in table.c:
        keys["source"] = ctx.provider
    return keys


def last_wins(records: list[Any]) -> dict[str, Any]:
    return {r.external_id: r for r in records}


def resolve_accounts(
    conn: Connection, ctx: mp.SyncContext, external_ids: set[str], *, columns: tuple[str, ...] = ()
) -> dict[str, Any]:
    return existing(conn, ACC, integration_id=ctx.integration_id, external_ids=external_ids, columns=columns)

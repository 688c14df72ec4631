"""What the sync must tell the agent's rules about a page (domain.md §5, §6b).

- ``currency_mismatches``: a new document in another currency than its account's is left out
  of the balance and the reminders; like a manual import, it is an anomaly a person must look
  at. The messages go to the caller's anomaly hook, marked ``CURRENCY_MISMATCH``.
- ``revalidate_corrected``: a contact made invalid by a hard bounce whose e-mail was corrected
  at the billing tool is valid again, as a correction by hand makes it
  (``services.contacts.update_contact``); the sync job's hook closes its invalid-contact task.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.db.types import utcnow
from billabex_core.models import DocumentKind
from billabex_core.sync.page import ACC, CON
from billabex_core.sync.writer import Upserted

CURRENCY_MISMATCH = "currency mismatch: "


def currency_mismatches(
    conn: Connection, kind: DocumentKind, rows: Mapping[str, dict[str, Any]], created: Iterable[str]
) -> list[tuple[int, str]]:
    """(account id, message) for each new document whose currency is not its account's."""
    new = [rows[ext] for ext in created]
    if not new:
        return []
    ids = sorted({row["account_id"] for row in new})
    query = sa.select(ACC.c.id, ACC.c.currency).where(ACC.c.id.in_(ids))
    currencies = {r.id: r.currency for r in conn.execute(query)}
    label = kind.value.replace("_", " ")
    return [
        (
            row["account_id"],
            f"{CURRENCY_MISMATCH}{label} {row['number']} is in {row['currency']}, the account in "
            f"{currencies[row['account_id']]}: it is not counted in the account's balance nor in its reminders",
        )
        for row in new
        if currencies.get(row["account_id"]) not in (None, row["currency"])
    ]


def revalidate_corrected(conn: Connection, rows: Mapping[str, dict[str, Any]], up: Upserted) -> None:
    """Contacts whose e-mail changed at the provider are valid again (a bounce said the old one)."""
    changed = [
        up.ids[ext] for ext in up.updated if ext in up.before and up.before[ext].email != rows[ext]["email"]
    ]
    if changed:
        conn.execute(
            sa.update(CON)
            .where(CON.c.id.in_(changed), CON.c.is_valid.is_(False))
            .values(is_valid=True, invalid_reason=None, updated_at=utcnow())
        )

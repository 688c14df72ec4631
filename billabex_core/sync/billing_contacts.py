"""Contacts made from a customer's billing e-mails (docs/sync.md, connectors.md §1.5).

The connector yields them with the customer's contact persons, as ``ContactRecord``s whose
external id starts with ``billing:`` (``records.billing_contact_id``), for the billing e-mails no
contact person has. They are replaced as a whole: a customer's ``billing:`` contacts that its
latest contacts no longer include go, and so do those whose address the customer record no
longer lists (a customer left with no contact at all sends no contact record).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from billabex_core.connectors.records import BILLING_CONTACT_PREFIX, DeletionRecord, Entity
from billabex_core.sync import mapping as mp
from billabex_core.sync.deletions import apply_deletions
from billabex_core.sync.page import CON, PageOutcome


def _billing_contacts(conn: Connection, ctx: mp.SyncContext, account_ids: Iterable[int]) -> list[sa.Row]:
    query = sa.select(CON.c.account_id, CON.c.email, CON.c.external_id).where(
        CON.c.integration_id == ctx.integration_id,
        CON.c.account_id.in_(sorted(set(account_ids))),
        CON.c.external_id.startswith(BILLING_CONTACT_PREFIX),
    )
    return list(conn.execute(query))


def _drop(conn: Connection, ctx: mp.SyncContext, external_ids: Iterable[str], out: PageOutcome) -> None:
    gone = sorted(set(external_ids))
    if gone:
        apply_deletions(conn, ctx, [DeletionRecord(Entity.CONTACT, ext) for ext in gone], out)


def drop_unlisted_billing_contacts(
    conn: Connection, ctx: mp.SyncContext, emails: Mapping[int, Iterable[str]], out: PageOutcome
) -> None:
    """After the customers: ``emails`` maps each account written to its billing e-mails."""
    listed = {account_id: {e.strip().casefold() for e in found} for account_id, found in emails.items()}
    _drop(
        conn,
        ctx,
        (
            c.external_id
            for c in _billing_contacts(conn, ctx, listed)
            if c.email.casefold() not in listed[c.account_id]
        ),
        out,
    )


def drop_replaced_billing_contacts(
    conn: Connection, ctx: mp.SyncContext, kept: Mapping[int, set[str]], out: PageOutcome
) -> None:
    """After a page of contacts: ``kept`` maps each account of the page to the external ids of
    its contacts in the page; its ``billing:`` contacts not among them go."""
    _drop(
        conn,
        ctx,
        (
            c.external_id
            for c in _billing_contacts(conn, ctx, kept)
            if c.external_id not in kept[c.account_id]
        ),
        out,
    )

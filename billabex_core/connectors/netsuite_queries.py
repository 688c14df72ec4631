"""The SuiteQL the NetSuite connector sends (connectors.md §3.5), and its rows → records.

Every walk is a keyset over ``(lastmodifieddate, id)``: ``WHERE <filter> AND (modified after the
last row read, or the same second and a larger id) ORDER BY lastmodifieddate, id`` with offset 0,
so no query ever pages past NetSuite's 100,000-row cap and a record modified during the walk
moves behind the position instead of shifting the rows ahead of it. Timestamps are compared
as ``TO_TIMESTAMP('YYYY-MM-DD HH24:MI:SS')`` text in the account's time zone, never ours.
Values interpolated into the SQL are our own (ids as integers, timestamps checked by ``STAMP``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from billabex_core.connectors.base import MalformedResponseError
from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    CreditApplicationRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
    Record,
)
from billabex_core.domain.amounts import amount_places, to_money

PROVIDER = "NetSuite"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
FORMAT = "'YYYY-MM-DD HH24:MI:SS'"
DELETED_TYPES = {
    Entity.ACCOUNT: "customer",
    Entity.CONTACT: "contact",
    Entity.CREDIT_NOTE: "creditmemo",
    Entity.INVOICE: "invoice",
    Entity.PAYMENT: "customerpayment",
}
_DOC = """t.id, t.tranid, t.entity, t.status, t.voided, cur.symbol AS currency, t.foreigntotal,
  t.foreignamountunpaid, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate,
  TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate"""
SELECTS = {
    Entity.ACCOUNT: (
        "c",
        """SELECT c.id, c.entityid, c.companyname, c.isperson, c.firstname, c.lastname, c.email,
  c.language, c.vatregnumber, cur.symbol AS currency, a.addr1, a.addr2, a.city, a.zip, a.country, {modified}
FROM customer c LEFT JOIN currency cur ON cur.id = c.currency
LEFT JOIN customeraddressbookentityaddress a ON a.nkey = c.defaultbillingaddress""",
    ),
    Entity.CONTACT: (
        "ct",
        """SELECT ct.id, ct.firstname, ct.lastname, ct.email, ct.phone, ct.title, ct.company, ct.isinactive,
  c.language, {modified}
FROM contact ct JOIN customer c ON c.id = ct.company""",
    ),
    Entity.CREDIT_NOTE: (
        "t",
        f"SELECT {_DOC}, {{modified}}\nFROM transaction t LEFT JOIN currency cur ON cur.id = t.currency",
    ),
    Entity.INVOICE: (
        "t",
        f"SELECT {_DOC}, {{modified}}\nFROM transaction t LEFT JOIN currency cur ON cur.id = t.currency",
    ),
    Entity.PAYMENT: (
        "t",
        """SELECT t.id, t.tranid, t.entity, cur.symbol AS currency, t.foreigntotal, t.foreignpaymentamountunused,
  TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, {modified}
FROM transaction t LEFT JOIN currency cur ON cur.id = t.currency""",
    ),
}
TYPES = {Entity.CREDIT_NOTE: "CustCred", Entity.INVOICE: "CustInvc", Entity.PAYMENT: "CustPymt"}


def ts(stamp: str) -> str:
    if not STAMP.match(stamp):
        raise ValueError(f"not a NetSuite timestamp: {stamp!r}")
    return f"TO_TIMESTAMP('{stamp}', {FORMAT})"


def walk_query(entity: Entity, *, since: str | None, after: tuple[str, int] | None) -> str:
    """The page query of ``entity``: changed since ``since`` (None: all), after the keyset."""
    alias, select = SELECTS[entity]
    lmd = f"{alias}.lastmodifieddate"
    where = [f"{alias}.type = '{TYPES[entity]}'"] if entity in TYPES else []
    if since is not None:
        changed = f"{lmd} > {ts(since)}"
        if entity is Entity.INVOICE:
            # An application does not move the invoice's lastmodifieddate: also every invoice a
            # payment or credit memo was applied to since, and every open one (a deleted payment).
            links = (
                f"SELECT l.previousdoc FROM nexttransactionlinelink l WHERE l.lastmodifieddate > {ts(since)}"
            )
            changed = f"({changed} OR t.foreignamountunpaid <> 0 OR t.id IN ({links}))"
        where.append(changed)
    if after is not None:
        stamp, last_id = after
        where.append(f"({lmd} > {ts(stamp)} OR ({lmd} = {ts(stamp)} AND {alias}.id > {int(last_id)}))")
    modified = f"TO_CHAR({lmd}, {FORMAT}) AS modified"
    text = select.format(modified=modified)
    return f"{text}\nWHERE {' AND '.join(where) or '1 = 1'}\nORDER BY {lmd}, {alias}.id"


def links_query(invoice_ids: list[int]) -> str:
    ids = ", ".join(str(int(i)) for i in invoice_ids)
    return f"""SELECT l.previousdoc AS invoice, l.nextdoc AS doc, l.nexttype AS type, l.foreignamount AS amount,
  p.entity, cur.symbol AS currency, TO_CHAR(p.trandate, 'YYYY-MM-DD') AS trandate, p.tranid,
  TO_CHAR(l.lastmodifieddate, {FORMAT}) AS modified
FROM nexttransactionlinelink l JOIN transaction p ON p.id = l.nextdoc
LEFT JOIN currency cur ON cur.id = p.currency
WHERE l.previoustype = 'CustInvc' AND l.nexttype IN ('CustPymt', 'CustCred') AND l.previousdoc IN ({ids})
ORDER BY l.previousdoc, l.nextdoc"""


def deleted_query(entity: Entity, since: str) -> str:
    return f"""SELECT d.recordid, TO_CHAR(d.deleteddate, {FORMAT}) AS deleted FROM deletedrecord d
WHERE d.type = '{DELETED_TYPES[entity]}' AND d.deleteddate > {ts(since)}
ORDER BY d.deleteddate, d.recordid"""


# -- rows → records -------------------------------------------------------------------------------


def malformed(detail: str) -> MalformedResponseError:
    return MalformedResponseError(PROVIDER, detail)


def money(value: Any, name: str, currency: str | None) -> Decimal | None:
    """A SuiteQL number in ``currency``'s places (EUR 2, KWD 3, JPY 2 like every stored amount:
    ``domain/amounts.py``), half up."""
    if value is None or value == "":
        return None
    try:
        return to_money(Decimal(str(value)), amount_places(currency))
    except (InvalidOperation, ValueError):
        raise malformed(f"{name} is not an amount") from None


def day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise malformed(f"bad date {str(value)[:40]!r}") from None


def modified(row: dict[str, Any]) -> str:
    stamp = str(row.get("modified") or "")
    if not STAMP.match(stamp):
        raise malformed(f"bad lastmodifieddate {stamp[:40]!r}")
    return stamp


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _language(value: Any) -> str | None:
    return str(value).split("_")[0].lower() or None if value else None


def account(row: dict[str, Any]) -> AccountRecord:
    person = row.get("isperson") == "T"
    name = _clean(f"{row.get('firstname') or ''} {row.get('lastname') or ''}") if person else None
    city = _clean(f"{row.get('zip') or ''} {row.get('city') or ''}")
    line = ", ".join(p for p in (_clean(row.get("addr1")), _clean(row.get("addr2")), city) if p)
    return AccountRecord(
        external_id=str(row["id"]),
        name=name
        or _clean(row.get("companyname"))
        or _clean(row.get("entityid"))
        or f"NetSuite customer {row['id']}",
        is_company=not person,
        country=(_clean(row.get("country")) or "").upper() or None,
        currency=_clean(row.get("currency")),
        vat=(_clean(row.get("vatregnumber")) or "").replace(" ", "").upper() or None if not person else None,
        address=line or None,
        language=_language(row.get("language")),
        emails=tuple(e for e in (_clean(row.get("email")),) if e),
    )


def contact(row: dict[str, Any]) -> Record:
    """A contact of a customer; an inactive one is removed (nobody to write to)."""
    if row.get("isinactive") == "T":
        return DeletionRecord(Entity.CONTACT, str(row["id"]))
    return ContactRecord(
        external_id=str(row["id"]),
        account_external_id=str(row["company"]),
        email=_clean(row.get("email")),
        name=_clean(f"{row.get('firstname') or ''} {row.get('lastname') or ''}"),
        language=_language(row.get("language")),
        phone=_clean(row.get("phone")),
        role=_clean(row.get("title")),
    )


def document(row: dict[str, Any], kind: Entity) -> Record:
    """A ``CustInvc`` or ``CustCred`` row; a voided one is removed, never debt."""
    external_id = str(row["id"])
    if row.get("voided") == "T":
        return DeletionRecord(kind, external_id)
    code = _clean(row.get("currency")) or "EUR"
    total = abs(money(row.get("foreigntotal"), "foreigntotal", code) or Decimal(0))
    unpaid = money(row.get("foreignamountunpaid"), "foreignamountunpaid", code)
    status = {"A": "open", "B": "paid" if kind is Entity.INVOICE else "fully_applied"}.get(
        str(row.get("status"))
    )
    return DocumentRecord(
        external_id=external_id,
        account_external_id=str(row["entity"]),
        kind=kind,
        number=_clean(row.get("tranid")) or f"NS-{external_id}",
        currency=code,
        total_incl_tax=total,
        issue_date=day(row.get("trandate")),
        due_date=day(row.get("duedate")),
        remaining_amount=None if unpaid is None else min(abs(unpaid), total),
        provider_status=status,
    )


def application(row: dict[str, Any]) -> Record:
    """One ``nexttransactionlinelink`` row: a payment's or a credit memo's share of an invoice."""
    invoice_id, doc_id = str(row["invoice"]), str(row["doc"])
    code = _clean(row.get("currency")) or "EUR"
    amount = abs(money(row.get("amount"), "amount", code) or Decimal(0))
    if row.get("type") == "CustCred":
        return CreditApplicationRecord(
            f"{doc_id}:{invoice_id}", doc_id, invoice_id, amount, day(row.get("trandate"))
        )
    return PaymentRecord(
        external_id=f"{doc_id}:{invoice_id}",
        account_external_id=str(row["entity"]) if row.get("entity") else None,
        amount=amount,
        currency=code,
        paid_on=day(row.get("trandate")),
        invoice_external_id=invoice_id,
        label=_clean(row.get("tranid")),
    )


def unapplied(row: dict[str, Any], *, changed: bool) -> list[Record]:
    """What a customer payment has not applied to any invoice (or that rest's removal)."""
    code = _clean(row.get("currency")) or "EUR"
    rest = abs(money(row.get("foreignpaymentamountunused"), "foreignpaymentamountunused", code) or Decimal(0))
    external_id = f"{row['id']}:unapplied"
    if rest > 0:
        return [
            PaymentRecord(
                external_id=external_id,
                account_external_id=str(row["entity"]),
                amount=rest,
                currency=code,
                paid_on=day(row.get("trandate")),
                label=_clean(row.get("tranid")),
            )
        ]
    return [DeletionRecord(Entity.PAYMENT, external_id)] if changed else []


def minus_overlap(stamp: str, seconds: int) -> str:
    """``stamp`` (the account's wall clock, kept naive on purpose) minus ``seconds``."""
    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - the account's own time zone
    return (moment - timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")

"""Export every entity as flat rows (JSON or CSV), with CSV formula injection neutralised."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from billabex_core.errors import ValidationError
from billabex_core.models import (
    Account,
    Communication,
    Contact,
    Document,
    DocumentKind,
    Payment,
    Task,
)
from billabex_core.money import amount_places

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _value(value: Any, places: int = 2) -> Any:
    """A cell as JSON gives it: amounts as plain strings with the currency's decimals."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    if isinstance(value, list):
        return [_value(v, places) for v in value]
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal(1).scaleb(-places)))
    return str(value)


def _row(row: dict) -> dict:
    places = amount_places(row.get("currency"))
    return {k: _value(v, places) for k, v in row.items()}


def _accounts(session: Session) -> Iterator[dict]:
    for a in session.exec(select(Account).order_by(col(Account.id))):
        yield {
            "id": a.id,
            "name": a.name,
            "source": a.source,
            "external_id": a.external_id,
            "vat": a.vat,
            "siren": a.siren,
            "address": a.address,
            "country": a.country,
            "currency": a.currency,
            "language": a.language,
            "outstanding_balance": a.outstanding_balance,
            "overdue_count": a.overdue_count,
            "contact_count": a.contact_count,
            "paused": a.paused,
            "paused_reason": a.paused_reason,
        }


def _contacts(session: Session) -> Iterator[dict]:
    rows = session.exec(select(Contact, Account.name).join(Account).order_by(col(Contact.id)))
    for c, account_name in rows:
        yield {
            "id": c.id,
            "account_id": c.account_id,
            "account_name": account_name,
            "name": c.name,
            "email": c.email,
            "language": c.language,
            "role": c.role,
            "phone": c.phone,
            "usage": c.usage,
            "is_primary": c.is_primary,
            "is_valid": c.is_valid,
            "notes": c.notes,
            "external_id": c.external_id,
        }


def _documents(kind: DocumentKind) -> Callable[[Session], Iterator[dict]]:
    def rows(session: Session) -> Iterator[dict]:
        query = (
            select(Document, Account.name, Account.external_id)
            .join(Account)
            .where(Document.kind == kind)
            .order_by(col(Document.id))
        )
        for d, account_name, account_external_id in session.exec(query):
            yield {
                "id": d.id,
                "kind": d.kind,
                "number": d.number,
                "account_id": d.account_id,
                "account_name": account_name,
                "account_external_id": account_external_id,
                "source": d.source,
                "external_id": d.external_id,
                "issue_date": d.issue_date,
                "due_date": d.due_date,
                "currency": d.currency,
                "total_excl_tax": d.total_excl_tax,
                "tax_amount": d.tax_amount,
                "total_incl_tax": d.total_incl_tax,
                "paid_amount": d.paid_amount,
                "credited_amount": d.credited_amount,
                "remaining_amount": d.remaining_amount,
                "invoice_status": d.invoice_status,
                "payment_status": d.payment_status,
                "credit_note_status": d.credit_status,
                "credited_invoice_number": d.credited_invoice_number,
            }

    return rows


def _payments(session: Session) -> Iterator[dict]:
    reversal = aliased(Payment)
    query = (
        select(Payment, Account.name, Document.number, reversal.id)
        .join(Account, col(Payment.account_id) == col(Account.id))
        .join(Document, col(Payment.document_id) == col(Document.id), isouter=True)
        .join(reversal, col(reversal.reverses_id) == col(Payment.id), isouter=True)
        .order_by(col(Payment.id))
    )
    for p, account_name, number, reversed_by in session.exec(query):
        yield {
            "id": p.id,
            "account_id": p.account_id,
            "account_name": account_name,
            "document_id": p.document_id,
            "invoice_number": number,
            "amount": p.amount,
            "currency": p.currency,
            "date": p.paid_on,
            "paid_on": p.paid_on,
            "note": p.note,
            "source": p.source,
            "external_id": p.external_id,
            "created_by": p.created_by,
            "created_at": p.created_at,
            "reverses": p.reverses_id,
            "reversed_by": reversed_by,
        }


def _tasks(session: Session) -> Iterator[dict]:
    query = select(Task, Account.name).join(Account, isouter=True).order_by(col(Task.id))
    for t, account_name in session.exec(query):
        yield {
            "id": t.id,
            "kind": t.kind,
            "status": t.status,
            "account_id": t.account_id,
            "account_name": account_name,
            "subject": t.subject,
            "assignees": ", ".join(t.assignees),
            "created_at": t.created_at,
            "closed_at": t.closed_at,
        }


def _communications(session: Session) -> Iterator[dict]:
    query = select(Communication, Account.name).join(Account).order_by(col(Communication.id))
    rows = session.exec(query).all()
    ids = sorted({i for c, _ in rows for i in c.invoice_ids})
    numbers: dict[int | None, str] = {}
    for batch in (ids[n : n + 500] for n in range(0, len(ids), 500)):
        numbers.update(
            session.exec(select(Document.id, Document.number).where(col(Document.id).in_(batch))).all()
        )
    for c, account_name in rows:
        yield {
            "id": c.id,
            "account_id": c.account_id,
            "account_name": account_name,
            "scheduled_for": c.scheduled_for,
            "status": c.status,
            "tone": c.tone,
            "language": c.language,
            "recipients": ", ".join(c.recipients),
            "cc": ", ".join(c.cc),
            "subject": c.subject,
            "body": c.body,
            "invoice_numbers": [numbers[i] for i in c.invoice_ids if i in numbers],
            "sent_at": c.sent_at,
            "channel": c.channel,
            "error": c.error,
            # people steering it (issue #13): who approved it, who skipped it and why, why it is held
            "approved_by": c.approved_by,
            "approved_at": c.approved_at,
            "skipped_by": c.skipped_by,
            "skip_reason": c.skip_reason,
            "held": c.held,
        }


EXPORTERS: dict[str, Callable[[Session], Iterator[dict]]] = {
    "accounts": _accounts,
    "contacts": _contacts,
    "invoices": _documents(DocumentKind.INVOICE),
    "credit-notes": _documents(DocumentKind.CREDIT_NOTE),
    "payments": _payments,
    "tasks": _tasks,
    "communications": _communications,
}


def export_rows(*, session: Session, entity: str) -> list[dict]:
    if entity not in EXPORTERS:
        raise ValidationError(
            f"unknown entity {entity!r}: one of {', '.join(EXPORTERS)}",
            field="entity",
            code="export.unknown",
            params={"value": entity, "choices": ", ".join(EXPORTERS)},
        )
    return [_row(row) for row in EXPORTERS[entity](session)]


def neutralise(cell: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Plain numbers ("-12.50", a negative amount) are left as they are: they are not formulas.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: neutralise(", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in row.items()}
            )
    return buffer.getvalue()


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)

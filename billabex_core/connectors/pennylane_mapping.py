"""Pennylane v2 objects → normalised records (connectors.md §1.9). Pure functions, no I/O.

Pennylane quirks handled here: amounts are strings; credit notes are customer invoices with
negative amounts (records carry positive amounts and ``kind=CREDIT_NOTE``); customers are a
``oneOf`` company / individual; contacts have no language (the customer's ``billing_language``
applies); ``remaining_amount_with_tax`` of a non-EUR invoice is reported in EUR, so it is
converted back with ``exchange_rate``; payments have no date, ``created_at`` stands in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from billabex_core.connectors.base import MalformedResponseError
from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
    Record,
)

PROVIDER = "Pennylane"
CENT = Decimal("0.01")
SETTLED_PAYMENT_STATUSES = frozenset({"confirmed", "paid_out", "found"})
OPEN_STATUSES = frozenset({"upcoming", "late", "partially_paid", "partially_cancelled", "incomplete"})


def malformed(detail: str) -> MalformedResponseError:
    return MalformedResponseError(PROVIDER, detail)


def money(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise malformed(f"{field} is not an amount") from None


def opt_money(value: Any, field: str) -> Decimal | None:
    return None if value is None or value == "" else money(value, field)


def timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise malformed(f"bad timestamp {str(value)[:40]!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise malformed(f"bad date {str(value)[:40]!r}") from None


def item_id(item: Any) -> int:
    try:
        return int(item["id"])
    except (TypeError, KeyError, ValueError):
        raise malformed("an item has no id") from None


def ref_id(value: Any) -> str | None:
    """``{"id": 42, "url": ...}`` → ``"42"``."""
    if isinstance(value, dict) and value.get("id") is not None:
        return str(value["id"])
    return None


def language(value: Any) -> str | None:
    """``fr_FR`` → ``fr``."""
    return str(value).split("_")[0].lower() if value else None


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def map_account(item: dict[str, Any]) -> AccountRecord:
    try:
        is_company = item.get("customer_type", "company") != "individual"
        name = _clean(item.get("name"))
        if not name and not is_company:
            name = _clean(f"{item.get('first_name') or ''} {item.get('last_name') or ''}")
        address = item.get("billing_address") or {}
        country = (_clean(address.get("country_alpha2")) or "").upper() or None
        city = _clean(f"{address.get('postal_code') or ''} {address.get('city') or ''}")
        line = ", ".join(p for p in (_clean(address.get("address")), city) if p) or None
        vat = (item.get("vat_number") or "").replace(" ", "").upper() or None
        reg_no = (item.get("reg_no") or "").replace(" ", "")
        return AccountRecord(
            external_id=str(item_id(item)),
            name=name or f"Pennylane customer {item['id']}",
            updated_at=timestamp(item.get("updated_at")),
            is_company=is_company,
            country=country,
            vat=vat if is_company else None,
            siren=reg_no if is_company and len(reg_no) == 9 and reg_no.isdigit() else None,
            address=line,
            language=language(item.get("billing_language")),
            emails=tuple(e.strip() for e in item.get("emails") or () if e and e.strip()),
        )
    except (AttributeError, TypeError) as exc:
        raise malformed(f"unexpected customer shape ({exc})") from None


def map_contact(item: dict[str, Any], *, customer_id: str, lang: str | None, primary: bool) -> ContactRecord:
    name = _clean(f"{item.get('first_name') or ''} {item.get('last_name') or ''}")
    return ContactRecord(
        external_id=str(item_id(item)),
        account_external_id=customer_id,
        email=_clean(item.get("email")),
        name=name,
        language=lang,
        phone=_clean(item.get("telephone_number")) or _clean(item.get("mobile_number")),
        role=_clean(item.get("role")),
        is_primary=primary,
        updated_at=timestamp(item.get("updated_at")),
    )


def is_credit_note(item: dict[str, Any]) -> bool:
    if item.get("status") == "credit_note" or item.get("credited_invoice"):
        return True
    return money(item.get("currency_amount", "0"), "currency_amount") < 0


def customer_of(item: dict[str, Any]) -> str | None:
    return ref_id(item.get("customer"))


def _remaining(item: dict[str, Any], total: Decimal) -> Decimal | None:
    remaining = opt_money(item.get("remaining_amount_with_tax"), "remaining_amount_with_tax")
    if remaining is None:
        return None
    remaining = abs(remaining)
    if item.get("currency", "EUR") != "EUR":
        # Reported in EUR (connectors.md §1.9): back to the invoice currency.
        amount_eur = abs(opt_money(item.get("amount"), "amount") or Decimal(0))
        rate = Decimal(str(item.get("exchange_rate") or "1"))
        if remaining == amount_eur:
            remaining = total
        elif rate and rate != 1:
            remaining = (remaining / rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if item.get("status") == "paid":
        return Decimal("0.00")
    return min(remaining, total)


def map_document(item: dict[str, Any]) -> DocumentRecord | None:
    """A customer invoice or credit note; ``None`` for one without a customer."""
    customer = customer_of(item)
    if customer is None:
        return None
    try:
        total = abs(money(item["currency_amount"], "currency_amount"))
        return DocumentRecord(
            external_id=str(item_id(item)),
            account_external_id=customer,
            kind=Entity.CREDIT_NOTE if is_credit_note(item) else Entity.INVOICE,
            number=_clean(item.get("invoice_number")) or f"PL-{item['id']}",
            currency=item.get("currency") or "EUR",
            total_incl_tax=total,
            total_excl_tax=_abs(
                opt_money(item.get("currency_amount_before_tax"), "currency_amount_before_tax")
            ),
            tax_amount=_abs(opt_money(item.get("currency_tax"), "currency_tax")),
            issue_date=day(item.get("date")),
            due_date=day(item.get("deadline")),
            remaining_amount=_remaining(item, total),
            credited_invoice_external_id=ref_id(item.get("credited_invoice")),
            provider_status=item.get("status"),
            is_draft=bool(item.get("draft")),
            is_cancelled=item.get("status") == "cancelled",
            updated_at=timestamp(item.get("updated_at")),
        )
    except KeyError as exc:
        raise malformed(f"customer invoice {item.get('id')} has no {exc.args[0]}") from None


def _abs(value: Decimal | None) -> Decimal | None:
    return None if value is None else abs(value)


def needs_payments(item: dict[str, Any], *, changed: bool) -> bool:
    """Whether to fetch this invoice's payments (one request each).

    A full scan fetches them for partially settled open invoices only (the remaining amount
    is the truth for the rest); an incremental sync also for every changed, (partly) paid one.
    """
    if item.get("draft") or is_credit_note(item):
        return False
    status = item.get("status")
    total = abs(money(item.get("currency_amount", "0"), "currency_amount"))
    remaining = opt_money(item.get("remaining_amount_with_tax"), "remaining_amount_with_tax")
    partly_paid = status == "partially_paid" or (
        status in OPEN_STATUSES and remaining is not None and 0 < abs(remaining) < total
    )
    return partly_paid or (changed and status in ("paid", "partially_paid"))


def map_payment(item: dict[str, Any], *, invoice: dict[str, Any]) -> Record:
    """A settled payment → ``PaymentRecord``; any other status → a deletion of that payment."""
    external_id = f"{invoice['id']}:{item_id(item)}"
    if item.get("status") not in SETTLED_PAYMENT_STATUSES:
        return DeletionRecord(Entity.PAYMENT, external_id)
    created = timestamp(item.get("created_at"))
    return PaymentRecord(
        external_id=external_id,
        account_external_id=customer_of(invoice),
        amount=abs(money(item.get("currency_amount"), "currency_amount")),
        currency=item.get("currency") or invoice.get("currency") or "EUR",
        paid_on=created.date() if created else None,
        invoice_external_id=str(invoice["id"]),
        label=_clean(item.get("label")),
        updated_at=timestamp(item.get("updated_at")),
    )

"""Pennylane v2 objects → normalised records (connectors.md §1.9). Pure functions, no I/O.

Pennylane quirks handled here: amounts are strings; credit notes are customer invoices with
negative amounts (records carry positive amounts and ``kind=CREDIT_NOTE``); customers are a
``oneOf`` company / individual; contacts have no language (the customer's ``billing_language``
applies); ``remaining_amount_with_tax`` of a non-EUR invoice is reported in EUR, so it is
converted back with ``exchange_rate``; payments have no date, ``created_at`` stands in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, Decimal, InvalidOperation
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
    billing_contact_id,
)
from billabex_core.domain.amounts import amount_places, minor_units, to_money

PROVIDER = "Pennylane"
CONVERSION_SLACK = Decimal("0.02")  # EUR: what converting an amount to EUR and back may lose
SETTLED_PAYMENT_STATUSES = frozenset({"confirmed", "paid_out", "found"})
OPEN_STATUSES = frozenset({"upcoming", "late", "partially_paid", "partially_cancelled", "incomplete"})


def malformed(detail: str) -> MalformedResponseError:
    return MalformedResponseError(PROVIDER, detail)


def money(value: Any, field: str, currency: str | None = "EUR") -> Decimal:
    """An amount string in ``currency``'s places (EUR 2, KWD 3; JPY keeps the cent like every
    stored amount: ``domain/amounts.py``), half up."""
    try:
        return to_money(Decimal(str(value)), amount_places(currency))
    except (InvalidOperation, ValueError):
        raise malformed(f"{field} is not an amount") from None


def opt_money(value: Any, field: str, currency: str | None = "EUR") -> Decimal | None:
    return None if value is None or value == "" else money(value, field, currency)


def currency_of(item: dict[str, Any]) -> str:
    return str(item.get("currency") or "EUR")


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


def billing_contacts(
    customer: dict[str, Any], persons: list[ContactRecord], *, lang: str | None
) -> list[Record]:
    """The customer's billing e-mails (``emails[]``) that no contact person has, as contacts:
    named after the part before the "@" (the engine's default), in ``billing_language``."""
    customer_id = str(item_id(customer))
    held = {(p.email or "").strip().casefold() for p in persons}
    out: list[Record] = []
    for email in dict.fromkeys(e.strip() for e in customer.get("emails") or () if e and e.strip()):
        if email.casefold() not in held:
            held.add(email.casefold())
            out.append(
                ContactRecord(
                    external_id=billing_contact_id(customer_id, email),
                    account_external_id=customer_id,
                    email=email,
                    language=lang,
                    role="billing",
                    updated_at=timestamp(customer.get("updated_at")),
                )
            )
    return out


def is_credit_note(item: dict[str, Any]) -> bool:
    if item.get("status") == "credit_note" or item.get("credited_invoice"):
        return True
    return money(item.get("currency_amount", "0"), "currency_amount", currency_of(item)) < 0


def customer_of(item: dict[str, Any]) -> str | None:
    return ref_id(item.get("customer"))


def remaining(item: dict[str, Any], total: Decimal) -> tuple[Decimal | None, bool]:
    """The remaining amount in the document's currency, and whether it had to be converted.

    ``remaining_amount_with_tax`` is reported in EUR for non-EUR documents (connectors.md §1.9,
    §1.10), credit notes included: it is converted back with the document's own rate, the ratio
    of ``currency_amount`` to ``amount`` (its EUR total, ``exchange_rate`` when that is zero), so
    a document with nothing settled gets exactly its total back. A GBP total is never compared
    with an EUR remaining amount. A ``paid`` invoice has nothing left, whatever the rounding.
    """
    value = opt_money(item.get("remaining_amount_with_tax"), "remaining_amount_with_tax")  # EUR
    if value is None:
        return None, False
    value, converted = abs(value), False
    currency = currency_of(item)
    if currency != "EUR":
        amount_eur = abs(opt_money(item.get("amount"), "amount") or Decimal(0))
        ratio = total / amount_eur if amount_eur else Decimal(1) / _rate(item)
        # The document's own unit (JPY: the yen, KWD: the fils): Pennylane's rounding to EUR
        # cents, scaled back, can miss by that much times the rate.
        unit = Decimal(1).scaleb(-minor_units(currency))
        value, converted = to_money(value * ratio, minor_units(currency)), True
        slack = max(2 * unit, (CONVERSION_SLACK * ratio).quantize(unit, rounding=ROUND_CEILING))
        # Two roundings (Pennylane's to EUR, ours back) can miss by a few units: a document
        # with nothing settled (or all of it) is not left "partly" settled by a unit.
        if abs(total - value) <= slack:
            value = total
        elif value <= slack:
            value = Decimal(0)
        value = to_money(value, amount_places(currency))
    if item.get("status") == "paid":
        return Decimal("0.00"), converted
    return min(value, total), converted


def _rate(item: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(item.get("exchange_rate") or "1")) or Decimal(1)
    except InvalidOperation:
        raise malformed("exchange_rate is not a number") from None


def map_document(item: dict[str, Any]) -> DocumentRecord | None:
    """A customer invoice or credit note; ``None`` for one without a customer."""
    customer = customer_of(item)
    if customer is None:
        return None
    try:
        currency = currency_of(item)
        total = abs(money(item["currency_amount"], "currency_amount", currency))
        left, converted = remaining(item, total)
        return DocumentRecord(
            external_id=str(item_id(item)),
            account_external_id=customer,
            kind=Entity.CREDIT_NOTE if is_credit_note(item) else Entity.INVOICE,
            number=_clean(item.get("invoice_number")) or f"PL-{item['id']}",
            currency=currency,
            total_incl_tax=total,
            total_excl_tax=_abs(
                opt_money(item.get("currency_amount_before_tax"), "currency_amount_before_tax", currency)
            ),
            tax_amount=_abs(opt_money(item.get("currency_tax"), "currency_tax", currency)),
            issue_date=day(item.get("date")),
            due_date=day(item.get("deadline")),
            remaining_amount=left,
            remaining_converted=converted,
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


def needs_payments(item: dict[str, Any], *, changed: bool, paid: bool = True) -> bool:
    """Whether to fetch this invoice's payment rows (one request each): when Pennylane says part
    of it is settled otherwise than by a credit note, so the payments explain it.

    Partly paid open invoices always; fully paid ones too unless ``paid`` is off (a full scan of
    a large company can skip them: their settled part is then shown as settled in Pennylane), and
    always when the invoice changed (an incremental sync). The remaining amount is compared with
    the total in the invoice's currency (converted back from EUR for a non-EUR invoice).
    """
    if item.get("draft") or is_credit_note(item):
        return False
    status = item.get("status")
    total = abs(money(item.get("currency_amount", "0"), "currency_amount", currency_of(item)))
    left, _ = remaining(item, total)
    partly_paid = status == "partially_paid" or (
        status in OPEN_STATUSES and status != "partially_cancelled" and left is not None and 0 < left < total
    )
    return partly_paid or (status == "paid" and (paid or changed))


def nothing_settled(item: dict[str, Any]) -> bool:
    """An invoice (not a draft, not a credit note) whose whole total is still due: no payment can
    be left on it."""
    if item.get("draft") or is_credit_note(item) or item.get("status") == "paid":
        return False
    total = abs(money(item.get("currency_amount", "0"), "currency_amount", currency_of(item)))
    left, _ = remaining(item, total)
    return left is not None and left == total


def map_payment(item: dict[str, Any], *, invoice: dict[str, Any]) -> Record:
    """A settled payment → ``PaymentRecord``; any other status → a deletion of that payment."""
    external_id = f"{invoice['id']}:{item_id(item)}"
    if item.get("status") not in SETTLED_PAYMENT_STATUSES:
        return DeletionRecord(Entity.PAYMENT, external_id)
    created = timestamp(item.get("created_at"))
    currency = str(item.get("currency") or invoice.get("currency") or "EUR")
    return PaymentRecord(
        external_id=external_id,
        account_external_id=customer_of(invoice),
        amount=abs(money(item.get("currency_amount"), "currency_amount", currency)),
        currency=currency,
        paid_on=created.date() if created else None,
        invoice_external_id=str(invoice["id"]),
        label=_clean(item.get("label")),
        updated_at=timestamp(item.get("updated_at")),
    )

"""Zoho Books v3 objects → normalised records (connectors.md §2.9). Pure functions, no I/O.

Quirks handled here: amounts are JSON numbers (or numeric strings, or ``""``: parsed to
``Decimal``, ``""`` is none); timestamps carry an offset without a colon (``+0100``); countries
are printed names ("U.S.A", "U.K") → ISO codes; ``language_code`` may be ``en_gb``/``pt_br``;
contact persons have no language (the contact's applies). Draft and void documents are never
debt: they become ``DeletionRecord``s (nothing is stored, and a document voided after a sync is
removed). A payment is one record per invoice it pays (``<payment id>:<invoice id>``, the amount
applied) plus ``<payment id>:unapplied`` for what no invoice took yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
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

PROVIDER = "Zoho Books"
NOT_DEBT = frozenset({"draft", "void"})
COUNTRIES = {
    "france": "FR", "belgium": "BE", "belgique": "BE", "germany": "DE", "deutschland": "DE",
    "u.k": "GB", "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB",
    "u.s.a": "US", "usa": "US", "united states": "US", "united states of america": "US",
    "spain": "ES", "españa": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL",
    "the netherlands": "NL", "switzerland": "CH", "suisse": "CH", "luxembourg": "LU",
    "canada": "CA", "ireland": "IE", "portugal": "PT", "austria": "AT", "india": "IN",
    "australia": "AU", "japan": "JP", "monaco": "MC",
}  # fmt: skip


def malformed(detail: str) -> MalformedResponseError:
    return MalformedResponseError(PROVIDER, detail)


def money(value: Any, name: str, currency: str | None = None) -> Decimal | None:
    """A JSON number in ``currency``'s places (EUR 2, KWD 3, JPY 2 like every stored amount:
    ``domain/amounts.py``), half up; ``""`` is none."""
    if value is None or value == "":
        return None
    try:
        return to_money(Decimal(str(value)), amount_places(currency))
    except (InvalidOperation, ValueError):
        raise malformed(f"{name} is not an amount") from None


def required_money(value: Any, name: str, currency: str | None = None) -> Decimal:
    amount = money(value, name, currency)
    if amount is None:
        raise malformed(f"{name} is missing")
    return amount


def timestamp(value: Any) -> datetime | None:
    """``2026-01-18T02:17:40+0100`` (or ISO 8601) → aware UTC."""
    if not value:
        return None
    text = str(value)
    for pattern in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(text, pattern).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise malformed(f"bad timestamp {text[:40]!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def zoho_time(moment: datetime) -> str:
    """The ``last_modified_time`` filter's format: ``2026-01-18T01:17:40+0000``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise malformed(f"bad date {str(value)[:40]!r}") from None


def ident(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if value in (None, ""):
        raise malformed(f"an item has no {key}")
    return str(value)


def _clean(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def language(value: Any) -> str | None:
    """``fr`` / ``en_gb`` / ``pt_br`` → ``fr`` / ``en`` / ``pt``."""
    return str(value).split("_")[0].lower() or None if value else None


def country(address: dict[str, Any], item: dict[str, Any]) -> str | None:
    code = (_clean(item.get("country_code")) or "").upper()
    if len(code) == 2 and code.isalpha():
        return code
    name = (_clean(address.get("country")) or "").lower()
    if len(name) == 2 and name.isalpha():
        return name.upper()
    return COUNTRIES.get(name.rstrip("."))


def map_account(contact: dict[str, Any]) -> AccountRecord:
    """A customer (``GET /contacts/{id}``'s ``contact``, or a list row when that is all there is)."""
    address = contact.get("billing_address") or {}
    if not isinstance(address, dict):
        raise malformed("billing_address is not an object")
    city = _clean(f"{address.get('zip') or ''} {address.get('city') or ''}")
    line = ", ".join(p for p in (_clean(address.get("address")), _clean(address.get("street2")), city) if p)
    is_company = contact.get("customer_sub_type") != "individual"
    vat = (contact.get("vat_reg_no") or contact.get("tax_reg_no") or "").replace(" ", "").upper()
    customer_id = ident(contact, "contact_id")
    return AccountRecord(
        external_id=customer_id,
        name=_clean(contact.get("contact_name"))
        or _clean(contact.get("company_name"))
        or f"Zoho customer {customer_id}",
        updated_at=timestamp(contact.get("last_modified_time")),
        is_company=is_company,
        country=country(address, contact),
        currency=_clean(contact.get("currency_code")),
        vat=vat if is_company and vat else None,
        address=line or None,
        language=language(contact.get("language_code")),
    )


def map_persons(contact: dict[str, Any]) -> list[Record]:
    """The contact persons of a customer (each with an e-mail or not: the engine decides)."""
    customer_id = ident(contact, "contact_id")
    lang = language(contact.get("language_code"))
    updated = timestamp(contact.get("last_modified_time"))
    out: list[Record] = []
    for person in contact.get("contact_persons") or ():
        name = _clean(f"{person.get('first_name') or ''} {person.get('last_name') or ''}")
        out.append(
            ContactRecord(
                external_id=ident(person, "contact_person_id"),
                account_external_id=customer_id,
                email=_clean(person.get("email")),
                name=name,
                language=lang,
                phone=_clean(person.get("phone")) or _clean(person.get("mobile")),
                role=_clean(person.get("designation")),
                is_primary=bool(person.get("is_primary_contact")),
                updated_at=updated,
            )
        )
    return out


def map_document(item: dict[str, Any], kind: Entity) -> Record:
    """A list row of ``/invoices`` or ``/creditnotes``: the document, or its deletion when it is
    a draft or void (never debt)."""
    key, number_key = (
        ("invoice_id", "invoice_number") if kind is Entity.INVOICE else ("creditnote_id", "creditnote_number")
    )
    external_id = ident(item, key)
    status = str(item.get("status") or "").lower()
    if status in NOT_DEBT:
        return DeletionRecord(kind, external_id)
    code = currency_code(item)
    total = abs(required_money(item.get("total"), "total", code))
    balance = money(item.get("balance"), "balance", code)
    return DocumentRecord(
        external_id=external_id,
        account_external_id=ident(item, "customer_id"),
        kind=kind,
        number=_clean(item.get(number_key)) or f"ZB-{external_id}",
        currency=code,
        total_incl_tax=total,
        total_excl_tax=money(item.get("sub_total"), "sub_total", code),
        tax_amount=money(item.get("tax_total"), "tax_total", code),
        issue_date=day(item.get("date")),
        due_date=day(item.get("due_date")),
        remaining_amount=None if balance is None else max(Decimal("0.00"), min(abs(balance), total)),
        provider_status=status or None,
        updated_at=timestamp(item.get("last_modified_time")),
    )


def nothing_settled(row: dict[str, Any]) -> bool:
    """An invoice list row that owes its whole total (neither draft nor void): nothing paid it,
    nothing credited it."""
    if str(row.get("status") or "").lower() in NOT_DEBT:
        return False
    code = currency_code(row)
    total, balance = money(row.get("total"), "total", code), money(row.get("balance"), "balance", code)
    return total is not None and balance is not None and abs(balance) >= abs(total) > 0


def currency_code(item: dict[str, Any]) -> str:
    return _clean(item.get("currency_code")) or "EUR"


def map_applications(note_id: str, rows: list[dict[str, Any]], code: str) -> list[Record]:
    """``invoices_credited`` of one credit note (in its currency ``code``) → credit applications."""
    return [
        CreditApplicationRecord(
            external_id=ident(row, "creditnote_invoice_id"),
            credit_note_external_id=note_id,
            invoice_external_id=ident(row, "invoice_id"),
            amount=abs(required_money(row.get("credited_amount"), "credited_amount", code)),
            applied_on=day(row.get("date")),
        )
        for row in rows
        if money(row.get("credited_amount"), "credited_amount", code)
    ]


def map_payment(
    payment: dict[str, Any], allocations: list[tuple[str, Decimal]], *, changed: bool
) -> list[Record]:
    """One payment → a record per invoice paid, and its unapplied rest (or that rest's removal)."""
    payment_id = ident(payment, "payment_id")
    customer = _clean(payment.get("customer_id"))
    currency = currency_code(payment)
    paid_on = day(payment.get("date"))
    label = " ".join(
        p for p in (_clean(payment.get("payment_mode")), _clean(payment.get("reference_number"))) if p
    )
    updated = timestamp(payment.get("last_modified_time"))
    out: list[Record] = [
        PaymentRecord(
            external_id=f"{payment_id}:{invoice_id}",
            account_external_id=customer,
            amount=value,
            currency=currency,
            paid_on=paid_on,
            invoice_external_id=invoice_id,
            label=label or None,
            updated_at=updated,
        )
        for invoice_id, value in allocations
        if value > 0
    ]
    total = abs(required_money(payment.get("amount"), "amount", currency))
    rest = total - sum((value for _, value in allocations), Decimal("0.00"))
    if rest > 0:
        out.append(
            PaymentRecord(
                external_id=f"{payment_id}:unapplied",
                account_external_id=customer,
                amount=rest,
                currency=currency,
                paid_on=paid_on,
                label=label or None,
                updated_at=updated,
            )
        )
    elif changed:
        out.append(DeletionRecord(Entity.PAYMENT, f"{payment_id}:unapplied"))
    return out


def allocations_from_detail(detail: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """``GET /customerpayments/{id}``'s ``invoices[]`` → (invoice id, amount applied)."""
    out = []
    for row in detail.get("invoices") or ():
        value = money(row.get("amount_applied"), "amount_applied", currency_code(detail))
        if value:
            out.append((ident(row, "invoice_id"), abs(value)))
    return out

"""Normalised records → column values of the domain tables. Pure functions, no I/O.

A record that cannot be stored raises ``RecordError`` (one line, no secret): the engine counts
it as failed and goes on with the rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from email_validator import EmailNotValidError, validate_email

from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    CreditApplicationRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
)
from billabex_core.db.types import to_money, utcnow
from billabex_core.domain.names import default_name, normalise_name, suggested_language
from billabex_core.errors import ValidationError
from billabex_core.messages import Template
from billabex_core.models import LANGUAGES, DocumentKind, Source
from billabex_core.money import check_currency, normalise_siren, normalise_vat

SYNC_ACTOR = "sync"
# Why a record cannot be stored, in the run's history (English, the CLI's); ``messages.read``
# gives the screens their code.
NO_EMAIL = Template("sync.record.no_email", "contact {ext} has no e-mail")
BAD_EMAIL = Template("sync.record.bad_email", "contact {ext} has an invalid e-mail ({value})")
NO_NUMBER = Template("sync.record.no_number", "document {ext} has no number")
NEGATIVE = Template("sync.record.negative", "document {number} has a negative total")
PAYMENT_AMOUNT = Template("sync.record.payment_amount", "payment {ext} has no positive amount")
APPLICATION_AMOUNT = Template(
    "sync.record.application_amount", "credit application {ext} has no positive amount"
)
UNKNOWN_CUSTOMER = Template("sync.record.unknown_customer", "contact {ext}: unknown customer {customer}")
ORPHAN_PAYMENT = Template("sync.record.orphan_payment", "payment {ext}: unknown customer and invoice")
ORPHAN_APPLICATION = Template(
    "sync.record.orphan_application", "credit application {ext}: unknown invoice or credit note"
)
_CLASH = (
    "%s {number} ({provider} id {ext}) clashes with a document of the same number already on this account"
)
CLASH = {
    DocumentKind.INVOICE: Template("sync.record.clash_invoice", _CLASH % "invoice"),
    DocumentKind.CREDIT_NOTE: Template("sync.record.clash_credit_note", _CLASH % "credit note"),
}


class RecordError(Exception):
    """A record that cannot be stored; ``str()`` says why in one line."""


@dataclass(frozen=True, slots=True)
class SyncContext:
    """What every mapping needs to know about the integration and the organisation."""

    integration_id: int
    integration_name: str
    provider: Source
    default_currency: str
    default_language: str
    payment_terms_days: int
    today: date
    excluded: frozenset[str] = frozenset()
    # The provider gives customers no currency: accounts take the currency of their documents
    # (``Connector.ACCOUNT_CURRENCY_FROM_DOCUMENTS``, sync/currencies.py).
    derive_account_currency: bool = False
    # The (entity, parent) lists the connector yields complete (``Connector.COMPLETE_SETS``).
    complete_sets: frozenset[tuple[Entity, Entity | None]] = frozenset()
    # Account ids by external id, learnt during this run (the sync never deletes an account, and
    # a page that fails ends the run, so an id seen in a rolled-back page is never used again).
    account_ids: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def provider_label(self) -> str:
        return self.provider.value.replace("_", " ").title()

    def keys(self, external_id: str) -> dict[str, Any]:
        return {"source": self.provider, "integration_id": self.integration_id, "external_id": external_id}


def _text(value: str | None, limit: int) -> str | None:
    text = " ".join((value or "").split())
    return text[:limit] or None


def _optional(clean: Any, value: Any) -> Any:
    """An optional identifier the provider got wrong is dropped, not fatal for the customer."""
    try:
        return clean(value)
    except ValidationError:
        return None


def _language(value: str | None) -> str | None:
    code = (value or "").strip().lower()[:2]
    return code if code in LANGUAGES else None


def _country(value: str | None) -> str | None:
    code = (value or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def _currency(value: str | None, fallback: str) -> str:
    try:
        return check_currency(value or fallback)
    except ValidationError as exc:
        raise RecordError(str(exc)) from None


def account_row(record: AccountRecord, ctx: SyncContext) -> dict[str, Any]:
    name = _text(record.name, 200) or f"{ctx.provider_label} customer {record.external_id}"
    siren = _optional(normalise_siren, record.siren)
    return {
        "name": name,
        "normalized_name": normalise_name(name),
        "vat": _optional(normalise_vat, record.vat),
        "siren": siren,
        "country": _country(record.country),
        "address": _text(record.address, 500),
        "language": _language(record.language),
        "currency": _currency(record.currency, ctx.default_currency),
    }


ACCOUNT_FIELDS = ("name", "normalized_name", "vat", "siren", "country", "address", "language", "currency")


def stub_account_row(external_id: str, ctx: SyncContext) -> dict[str, Any]:
    """A document names a customer the sync has not seen yet: a placeholder the next account
    sync fills in (so the document is not lost)."""
    name = f"{ctx.provider_label} customer {external_id}"
    return {
        "name": name,
        "normalized_name": normalise_name(name),
        "vat": None,
        "siren": None,
        "country": None,
        "address": None,
        "language": None,
        "currency": ctx.default_currency,
    }


def contact_row(
    record: ContactRecord, ctx: SyncContext, *, account_language: str | None, account_country: str | None
) -> dict[str, Any]:
    raw = (record.email or "").strip()
    if not raw:
        raise RecordError(NO_EMAIL.format(ext=record.external_id))
    try:
        email = validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        raise RecordError(BAD_EMAIL.format(ext=record.external_id, value=raw[:60])) from None
    language = (
        _language(record.language)
        or account_language
        or suggested_language(account_country, ctx.default_language)
    )
    return {
        "name": _text(record.name, 200) or default_name(email),
        "email": email[:254],
        "language": language,
        "role": _text(record.role, 100),
        "phone": _text(record.phone, 50),
        "is_primary": bool(record.is_primary),
    }


CONTACT_FIELDS = ("account_id", "name", "email", "language", "role", "phone", "is_primary")


def _stamp(moment: datetime | None) -> datetime:
    return moment if moment is not None and moment.tzinfo is not None else utcnow()


def document_row(record: DocumentRecord, ctx: SyncContext) -> dict[str, Any]:
    """Everything but ``account_id`` and ``credited_invoice_id`` (resolved by the engine)."""
    number = _text(record.number, 100)
    if not number:
        raise RecordError(NO_NUMBER.format(ext=record.external_id))
    total = to_money(record.total_incl_tax)
    if total < 0:
        raise RecordError(NEGATIVE.format(number=number))
    due = record.due_date
    if due is None and record.issue_date is not None:
        due = record.issue_date + timedelta(days=ctx.payment_terms_days)
    remaining = None if record.remaining_amount is None else to_money(record.remaining_amount)
    return {
        "kind": DocumentKind.CREDIT_NOTE if record.kind is Entity.CREDIT_NOTE else DocumentKind.INVOICE,
        "number": number,
        "currency": _currency(record.currency, ctx.default_currency),
        "total_incl_tax": total,
        "total_excl_tax": None if record.total_excl_tax is None else to_money(record.total_excl_tax),
        "tax_amount": None if record.tax_amount is None else to_money(record.tax_amount),
        "issue_date": record.issue_date,
        "due_date": due,
        "provider_remaining": remaining,
        "provider_remaining_converted": remaining is not None and record.remaining_converted,
        "provider_status": _text(record.provider_status, 40),
        "validated_at": _stamp(record.updated_at),
        "validated_by": SYNC_ACTOR,
    }


DOCUMENT_FIELDS = (
    "account_id",
    "kind",
    "number",
    "currency",
    "total_incl_tax",
    "total_excl_tax",
    "tax_amount",
    "issue_date",
    "due_date",
    "provider_remaining",
    "provider_remaining_converted",
    "provider_status",
    "credited_invoice_id",
    "credited_invoice_number",
)


def payment_row(record: PaymentRecord, ctx: SyncContext) -> dict[str, Any]:
    """Everything but ``account_id`` and ``document_id``."""
    amount = to_money(record.amount)
    if amount <= 0:
        raise RecordError(PAYMENT_AMOUNT.format(ext=record.external_id))
    return {
        "amount": amount,
        "currency": _currency(record.currency, ctx.default_currency),
        "paid_on": record.paid_on or ctx.today,
        "note": _text(record.label, 500),
        "created_by": SYNC_ACTOR,
    }


PAYMENT_FIELDS = ("account_id", "document_id", "amount", "currency", "paid_on", "note")


def application_row(record: CreditApplicationRecord, ctx: SyncContext) -> dict[str, Any]:
    amount = to_money(record.amount)
    if amount <= 0:
        raise RecordError(APPLICATION_AMOUNT.format(ext=record.external_id))
    return {"amount": amount, "applied_on": record.applied_on or ctx.today}


APPLICATION_FIELDS = ("credit_note_id", "invoice_id", "amount", "applied_on")


def implied_application_amount(
    *, credit_total: Decimal, credit_remaining: Decimal | None, invoice_total: Decimal
) -> Decimal:
    """What a credit note that names its invoice has given to it, per the provider: the part
    of the credit note no longer available (all of it when the provider reports no remaining),
    never more than the invoice total."""
    used = credit_total if credit_remaining is None else credit_total - max(credit_remaining, Decimal(0))
    return to_money(max(Decimal(0), min(used, invoice_total)))

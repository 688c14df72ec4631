"""Normalised records: what every connector yields and the sync engine consumes.

Connectors speak their provider's language and turn it into these records; only the sync
engine maps records to the domain and writes. Money is ``Decimal`` (positive amounts; a credit
note's totals are positive too), dates are ``date``, ``updated_at`` is an aware UTC datetime.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class Entity(enum.StrEnum):
    """Entities synced, in the order the engine processes them (parents first)."""

    ACCOUNT = "account"
    CONTACT = "contact"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    CREDIT_APPLICATION = "credit_application"


@dataclass(frozen=True, slots=True)
class AccountRecord:
    external_id: str
    name: str
    updated_at: datetime | None = None
    is_company: bool = True
    country: str | None = None  # ISO 3166-1 alpha-2
    currency: str | None = None  # ISO 4217
    vat: str | None = None
    siren: str | None = None
    address: str | None = None  # one line, parts joined with ", "
    language: str | None = None  # fr, en, de, es, it, nl
    emails: tuple[str, ...] = ()  # billing e-mails printed on the customer itself


BILLING_CONTACT_PREFIX = "billing:"


def billing_contact_id(customer_id: str, email: str) -> str:
    """The external id of the contact a customer's billing e-mail becomes (``billing:`` ids are
    replaced as a whole with each customer's contacts, docs/sync.md)."""
    digest = hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:16]
    return f"{BILLING_CONTACT_PREFIX}{customer_id}:{digest}"


@dataclass(frozen=True, slots=True)
class ContactRecord:
    external_id: str
    account_external_id: str
    email: str | None
    name: str | None = None
    language: str | None = None
    phone: str | None = None
    role: str | None = None
    is_primary: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """An invoice or a credit note (``kind`` is ``Entity.INVOICE`` or ``Entity.CREDIT_NOTE``)."""

    external_id: str
    account_external_id: str
    kind: Entity
    number: str
    currency: str
    total_incl_tax: Decimal
    total_excl_tax: Decimal | None = None
    tax_amount: Decimal | None = None
    issue_date: date | None = None
    due_date: date | None = None
    remaining_amount: Decimal | None = None  # the provider's truth (domain.md §4), document currency
    # The provider reported the remaining amount in another currency (Pennylane: EUR for non-EUR
    # documents) and the connector converted it back with the document's exchange rate.
    remaining_converted: bool = False
    credited_invoice_external_id: str | None = None
    provider_status: str | None = None
    is_draft: bool = False
    is_cancelled: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    external_id: str
    account_external_id: str | None
    amount: Decimal
    currency: str
    paid_on: date | None
    invoice_external_id: str | None = None  # None: unallocated customer payment
    label: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreditApplicationRecord:
    external_id: str
    credit_note_external_id: str
    invoice_external_id: str
    amount: Decimal
    applied_on: date | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeletionRecord:
    entity: Entity
    external_id: str


@dataclass(frozen=True, slots=True)
class ChildrenRecord:
    """The complete list, at the provider now, of one parent's ``entity`` rows: whatever the
    integration stored for that parent and is not listed here is gone at the provider (docs/sync.md,
    "Complete sets"). A connector yields it only for the (entity, parent) pairs it declares in
    ``Connector.COMPLETE_SETS``, and only when it has just read the whole list.

    ``parent`` says which rows belong to the parent:

    - ``(CONTACT, ACCOUNT)``: the customer's contacts; ``(PAYMENT, INVOICE)``,
      ``(CREDIT_APPLICATION, INVOICE)``, ``(CREDIT_APPLICATION, CREDIT_NOTE)``: the payment rows
      or applications of that document;
    - ``(PAYMENT, PAYMENT)``: the rows of one provider payment split per invoice, whose external
      ids start with ``<parent_external_id>:``;
    - ``parent=None`` (a reconciliation): every id of ``entity`` the provider has now
      (``ACCOUNT``, ``INVOICE``, ``CREDIT_NOTE``; for ``PAYMENT`` the provider payments' ids, rows
      ``<id>`` or ``<id>:<part>``).
    """

    entity: Entity
    parent: Entity | None
    parent_external_id: str | None
    external_ids: frozenset[str] = frozenset()


Record = (
    AccountRecord
    | ContactRecord
    | DocumentRecord
    | PaymentRecord
    | CreditApplicationRecord
    | DeletionRecord
    | ChildrenRecord
)
ChildSet = tuple[Entity, Entity | None]  # (entity, parent) of a ``ChildrenRecord``


@dataclass(slots=True)
class RecordPage:
    """One page of records and the cursor to resume *after* it.

    The engine commits the records, then stores ``cursor``; on the next run it passes that
    cursor back, so an interrupted sync resumes with the page after the last committed one.
    ``cursor`` is opaque to the engine (a JSON string the connector understands).
    """

    records: list[Record] = field(default_factory=list)
    cursor: str | None = None
    requests: int = 0  # HTTP requests spent on this page (for SyncRun counts and benchmarks)

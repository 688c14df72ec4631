"""The tables of the whole domain (SQLModel on SQLAlchemy 2).

Money is ``Money`` (NUMERIC(14,2), Decimal) next to an ISO 4217 currency; timestamps are
``UTCDateTime``; enums are stored as strings. Rows that people edit concurrently carry a
``version`` column (optimistic locking: a stale write raises instead of overwriting).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from billabex_core.db.redacted import RedactedJSONDict, RedactedJSONList, RedactedText
from billabex_core.db.types import JSONDict, JSONList, Money, UTCDateTime, str_enum, utcnow
from billabex_core.domain.contacts import UNREACHABLE_USAGES
from billabex_core.domain.enums import (
    CommunicationStatus,
    ContactUsage,
    CreditNoteStatus,
    DocumentKind,
    DraftStatus,
    InvoiceStatus,
    PaymentStatus,
    Source,
    SyncStatus,
    TaskKind,
    TaskStatus,
    Tone,
)
from billabex_core.domain.statuses import ZERO


def _versioned(cls: Any) -> dict[str, Any]:
    """Optimistic locking: a write based on a stale row raises instead of overwriting."""
    return {"version_id_col": cls.__table__.c.version}


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _money(default: Decimal | None = ZERO, *, nullable: bool = False) -> Any:
    if default is None:
        return Field(default=None, sa_type=Money, nullable=True)
    return Field(default=default, sa_type=Money, nullable=nullable)


def _enum(enum_cls: type, default: Any) -> Any:
    return Field(default=default, sa_type=str_enum(enum_cls), nullable=False)


class Organisation(SQLModel, table=True):
    """The one organisation using the tool (row id 1): "us", the seller on every invoice."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=200)
    country: str = Field(default="FR", max_length=2)
    default_currency: str = Field(default="EUR", max_length=3)
    default_language: str = Field(default="fr", max_length=5)
    payment_terms_days: int = 30
    pre_due_business_days: int = 3
    vat: str | None = Field(default=None, max_length=20)
    siren: str | None = Field(default=None, max_length=9)
    sender_email: str | None = Field(default=None, max_length=254)
    iban: str | None = Field(default=None, max_length=34)  # payment details printed on reminders
    bic: str | None = Field(default=None, max_length=11)
    reminders_mode: str = Field(default="automatic", max_length=16)  # services.org.REMINDER_MODES
    payment_reference: str | None = Field(default=None, max_length=140)  # "{invoice}": the numbers
    freshness_hours: int = 24  # synced data older than this hold their accounts' reminders
    idle_timeout_hours: int = 8  # a login idle this long is logged out (services.auth)
    updated_at: datetime = _created()


class User(SQLModel, table=True):
    """A login. Role: ``is_admin`` (admin) or not (member). ``session_version`` is in every
    session token; raising it (logout, password change, deactivation) revokes them all."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    is_admin: bool = False
    is_active: bool = True
    session_version: int = 1
    language: str | None = Field(default=None, max_length=5)  # interface language; None: the org's
    created_at: datetime = _created()


class Integration(SQLModel, table=True):
    # One integration per billing company: a second would double every document and reminder.
    __table_args__ = (sa.Index("uq_integration_company", "provider", "provider_company_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    provider: Source = _enum(Source, Source.PENNYLANE)
    config_encrypted: str = Field(sa_type=sa.Text)
    # The provider's id of the company (Pennylane's company id from /me, learnt at the first
    # connection; Zoho's organization_id; NetSuite's account id): services/integrations.py.
    provider_company_id: str | None = Field(default=None, max_length=64)
    enabled: bool = True
    schedule_minutes: int = 60
    excluded_customer_ids: list = Field(default_factory=list, sa_type=JSONList)
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=RedactedText)  # secrets redacted (db/redacted.py)
    lock_token: str | None = Field(default=None, max_length=64)
    lock_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()
    updated_at: datetime = _created()

    def sync_running(self, now: datetime | None = None) -> bool:
        """Whether a sync holds this integration's lease: a token that has not expired yet."""
        expires = self.lock_expires_at
        return bool(self.lock_token and expires and expires > (now or utcnow()))


class Account(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("integration_id", "external_id", name="uq_account_external"),)
    __mapper_args__ = declared_attr.directive(_versioned)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    normalized_name: str = Field(max_length=200, index=True)
    source: Source = _enum(Source, Source.MANUAL)
    integration_id: int | None = Field(default=None, foreign_key="integration.id", index=True)
    external_id: str | None = Field(default=None, max_length=64)
    vat: str | None = Field(default=None, max_length=20, index=True)
    siren: str | None = Field(default=None, max_length=9, index=True)
    address: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, max_length=2)
    currency: str = Field(default="EUR", max_length=3)
    language: str | None = Field(default=None, max_length=5)
    paused: bool = False
    paused_reason: str | None = Field(default=None, max_length=500)
    # Cached results of the status computation (recomputed, never typed in).
    outstanding_balance: Decimal = _money()
    overdue_count: int = 0
    contact_count: int = 0
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, nullable=False)


class Contact(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("integration_id", "external_id", name="uq_contact_external"),)
    __mapper_args__ = declared_attr.directive(_versioned)  # two people editing it: one wins (issue #18)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    language: str = Field(max_length=5)
    role: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=1000)
    usage: ContactUsage = _enum(ContactUsage, ContactUsage.NORMAL)
    is_primary: bool = False
    is_valid: bool = True
    invalid_reason: str | None = Field(default=None, max_length=500)
    integration_id: int | None = Field(default=None, foreign_key="integration.id")
    external_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class Referent(SQLModel, table=True):
    """A team member responsible for an account: gets the agent's notifications for it."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    language: str = Field(default="en", max_length=5)
    is_primary: bool = False
    created_at: datetime = _created()


class Document(SQLModel, table=True):
    """A validated (or synced) invoice or credit note. Extracted fields never change once validated."""

    __table_args__ = (
        sa.UniqueConstraint("account_id", "kind", "number", name="uq_document_identity"),
        sa.UniqueConstraint("integration_id", "kind", "external_id", name="uq_document_external"),
        sa.Index("ix_document_account_kind_due", "account_id", "kind", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: DocumentKind = _enum(DocumentKind, DocumentKind.INVOICE)
    number: str = Field(max_length=100)
    source: Source = _enum(Source, Source.MANUAL)
    integration_id: int | None = Field(default=None, foreign_key="integration.id")
    external_id: str | None = Field(default=None, max_length=64)
    file_sha256: str | None = Field(default=None, max_length=64, index=True)
    file_name: str | None = Field(default=None, max_length=300)
    issue_date: date | None = None
    due_date: date | None = Field(default=None, index=True)
    currency: str = Field(max_length=3)
    total_excl_tax: Decimal | None = _money(None)
    tax_amount: Decimal | None = _money(None)
    total_incl_tax: Decimal = _money()
    credited_invoice_number: str | None = Field(default=None, max_length=100)
    credited_invoice_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    provider_remaining: Decimal | None = _money(None)
    # The provider reported its remaining amount in another currency (Pennylane: EUR for a non-EUR
    # document) and the sync converted it back with the document's exchange rate: approximate.
    provider_remaining_converted: bool = False
    provider_status: str | None = Field(default=None, max_length=40)
    validated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    validated_by: str | None = Field(default=None, max_length=64)
    # Computed (domain.md §3): recomputed on every import, sync, payment, credit and each day.
    paid_amount: Decimal = _money()
    credited_amount: Decimal = _money()
    remaining_amount: Decimal = _money()
    invoice_status: InvoiceStatus | None = Field(default=None, sa_type=str_enum(InvoiceStatus), index=True)
    payment_status: PaymentStatus | None = Field(default=None, sa_type=str_enum(PaymentStatus))
    credit_status: CreditNoteStatus | None = Field(default=None, sa_type=str_enum(CreditNoteStatus))
    created_at: datetime = _created()
    updated_at: datetime = _created()


class ImportDraft(SQLModel, table=True):
    """An uploaded PDF waiting for review: the extraction and the user's corrections."""

    __mapper_args__ = declared_attr.directive(_versioned)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    file_name: str = Field(max_length=300)
    file_size: int = 0
    status: DraftStatus = _enum(DraftStatus, DraftStatus.PENDING)
    kind: DocumentKind = _enum(DocumentKind, DocumentKind.INVOICE)
    extraction_source: str | None = Field(default=None, max_length=20)
    extraction: dict = Field(default_factory=dict, sa_type=JSONDict)
    values: dict = Field(default_factory=dict, sa_type=JSONDict)
    warnings: list = Field(default_factory=list, sa_type=JSONList)
    account_id: int | None = Field(default=None, foreign_key="account.id")
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, nullable=False)


class Payment(SQLModel, table=True):
    """Money received on an invoice. A payment typed by hand is never edited nor deleted: it is
    cancelled by a reversing entry (the opposite amount, ``reverses_id`` pointing to it; unique,
    so a payment is reversed at most once)."""

    __table_args__ = (
        sa.UniqueConstraint("integration_id", "external_id", name="uq_payment_external"),
        sa.UniqueConstraint("reverses_id", name="uq_payment_reverses"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    amount: Decimal = _money()
    currency: str = Field(max_length=3)
    paid_on: date
    note: str | None = Field(default=None, max_length=500)
    source: Source = _enum(Source, Source.MANUAL)
    integration_id: int | None = Field(default=None, foreign_key="integration.id")
    external_id: str | None = Field(default=None, max_length=64)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()
    reverses_id: int | None = Field(default=None, foreign_key="payment.id")


class CreditApplication(SQLModel, table=True):
    """A credit note applied to an invoice: explains why an invoice's remaining amount is what it is."""

    __table_args__ = (
        sa.UniqueConstraint("integration_id", "external_id", name="uq_credit_application_external"),
    )

    id: int | None = Field(default=None, primary_key=True)
    credit_note_id: int = Field(foreign_key="document.id", index=True)
    invoice_id: int = Field(foreign_key="document.id", index=True)
    amount: Decimal = _money()
    applied_on: date
    source: Source = _enum(Source, Source.MANUAL)
    integration_id: int | None = Field(default=None, foreign_key="integration.id")
    external_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = _created()


class Task(SQLModel, table=True):
    __mapper_args__ = declared_attr.directive(_versioned)

    id: int | None = Field(default=None, primary_key=True)
    kind: TaskKind = _enum(TaskKind, TaskKind.MISSING_CONTACT)
    status: TaskStatus = Field(
        default=TaskStatus.ACTION_REQUIRED, sa_type=str_enum(TaskStatus), nullable=False, index=True
    )
    subject: str = Field(max_length=300)
    message: str = Field(default="", sa_type=sa.Text)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    assignees: list = Field(default_factory=list, sa_type=JSONList)  # usernames; empty = everybody
    created_by: str = Field(default="agent", max_length=64)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = Field(default=1, nullable=False)


class TaskMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    author: str = Field(max_length=64)
    body: str = Field(sa_type=sa.Text)
    created_at: datetime = _created()


class Communication(SQLModel, table=True):
    """A planned or sent follow-up. ``step_key`` is the idempotency key: sent exactly once."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    step_key: str = Field(max_length=200, unique=True)
    scheduled_for: date
    status: CommunicationStatus = _enum(CommunicationStatus, CommunicationStatus.SCHEDULED)
    tone: Tone = _enum(Tone, Tone.COURTEOUS)
    language: str = Field(max_length=5)
    recipients: list = Field(default_factory=list, sa_type=JSONList)
    cc: list = Field(default_factory=list, sa_type=JSONList)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    invoice_ids: list = Field(default_factory=list, sa_type=JSONList)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_on: date | None = None  # the business day it was sent as (``agent run --today``)
    channel: str | None = Field(default=None, max_length=16)  # smtp | outbox (dry run)
    error: str | None = Field(default=None, sa_type=RedactedText)
    # Refused by every recipient (hard bounces): failed, and not a step of the plan (domain.md §6b).
    undelivered: bool = Field(default=False, nullable=False)
    # People steer it (domain.md §6b): approval, an edit the plan keeps (fields, by, at, invoice
    # ids it was written for), a skip with its reason, and why it is held (stale synced data).
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    edits: dict | None = Field(default=None, sa_type=JSONDict, nullable=True)  # NULL (read as {}): none
    skipped_by: str | None = Field(default=None, max_length=64)
    skip_reason: str | None = Field(default=None, sa_type=sa.Text)
    held: str | None = Field(default=None, sa_type=sa.Text)
    # Who took it for delivery (host:pid:run) and when: only a claim older than the timeout is stale.
    claimed_by: str | None = Field(default=None, max_length=200)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class SyncRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id", index=True)
    full: bool = False
    status: SyncStatus = _enum(SyncStatus, SyncStatus.RUNNING)
    started_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    counts: dict = Field(default_factory=dict, sa_type=JSONDict)
    errors: list = Field(default_factory=list, sa_type=RedactedJSONList)
    requests: int = 0


class SyncCursor(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("integration_id", "entity", name="uq_sync_cursor"),)

    id: int | None = Field(default=None, primary_key=True)
    integration_id: int = Field(foreign_key="integration.id")
    entity: str = Field(max_length=32)
    cursor: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Append-only log: who (a user, "agent" or "sync") changed what."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=32)
    entity_id: int | None = Field(default=None, index=True)
    account_id: int | None = Field(default=None, index=True)
    details: dict = Field(default_factory=dict, sa_type=RedactedJSONDict)


def reachable_contact(contact: Any = Contact) -> sa.ColumnElement[bool]:
    """SQL form of ``domain.contacts.can_be_reminded``, on the ORM class or a Core table's columns."""
    columns = getattr(contact, "c", contact)
    return sa.and_(columns.is_valid.is_(True), columns.usage.not_in(list(UNREACHABLE_USAGES)))

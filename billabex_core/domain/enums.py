"""Enumerations of the domain (domain.md), stored as their string values."""

from __future__ import annotations

import enum


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class Source(enum.StrEnum):
    """Where a record comes from: typed in / uploaded, or a billing tool."""

    MANUAL = "manual"
    PENNYLANE = "pennylane"
    ZOHO_BOOKS = "zoho_books"
    NETSUITE = "netsuite"


class InvoiceStatus(enum.StrEnum):
    ISSUED = "issued"
    OVERDUE = "overdue"
    PAID = "paid"


class PaymentStatus(enum.StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERPAID = "overpaid"


class CreditNoteStatus(enum.StrEnum):
    OPEN = "open"
    PARTIALLY_APPLIED = "partially_applied"
    SETTLED = "settled"


class DraftStatus(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    DISCARDED = "discarded"


class ContactUsage(enum.StrEnum):
    """How reminders use a contact (domain.md §6: primary first, copy-only in CC)."""

    NORMAL = "normal"
    COPY_ONLY = "copy_only"
    DO_NOT_CONTACT = "do_not_contact"


class TaskKind(enum.StrEnum):
    MISSING_CONTACT = "missing_contact"
    INVALID_CONTACT = "invalid_contact"
    ANOMALY = "anomaly"
    DISPUTE = "dispute"
    ESCALATION = "escalation"


class TaskStatus(enum.StrEnum):
    ACTION_REQUIRED = "action_required"
    AWAITING_RESPONSE = "awaiting_response"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (TaskStatus.CLOSED, TaskStatus.CANCELLED)


# Statuses of a task still waiting for someone (domain.md §5).
OPEN_TASK_STATUSES: tuple[TaskStatus, ...] = tuple(status for status in TaskStatus if status.is_open)


class CommunicationStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    AWAITING_APPROVAL = "awaiting_approval"  # approval mode (domain.md §6b): waits for a person
    SENDING = "sending"  # claimed by a delivery; never sent again, even after a crash
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Tone(enum.StrEnum):
    COURTEOUS = "courteous"
    PROFESSIONAL = "professional"
    FIRM = "firm"


class SyncStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIAL = "partial"


LANGUAGES: tuple[str, ...] = ("fr", "en", "de", "es", "it", "nl")

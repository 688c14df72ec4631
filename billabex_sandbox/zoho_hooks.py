"""The Zoho Books sandbox's test hooks: the organisation's changes a test makes (payments, new and
voided invoices, renamed customers, new e-mails, deletions) and what it inspects. Every change
moves the records' ``last_modified_time`` as Zoho does.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from billabex_sandbox.zoho_data import INVOICE_BASE, Invoice, ZohoData, unit


class ZohoHooks:
    """Mixed into ``ZohoSandbox`` (which owns ``data``, ``_lock`` and ``_last_tick``)."""

    data: ZohoData
    _lock: threading.RLock
    _last_tick: datetime

    def customer_ids(self) -> list[int]:
        return [c.id for c in self.data.contacts.values() if c.contact_type == "customer"]

    def vendor_ids(self) -> list[int]:
        return [c.id for c in self.data.contacts.values() if c.contact_type == "vendor"]

    def invoice_ids(self, *, open_debt: bool = True) -> list[int]:
        """Invoices that are receivables (neither draft nor void) unless ``open_debt=False``."""
        return [i.id for i in self.data.invoices.values() if not open_debt or i.state == "sent"]

    def credit_note_ids(self) -> list[int]:
        return [n.id for n in self.data.credit_notes.values() if n.state == "open"]

    def add_payment(self, invoice_id: int, amount: Decimal | str | None = None) -> int:
        """A payment of ``amount`` (default: the whole balance) applied to the invoice."""
        with self._lock:
            invoice = self.data.invoices[invoice_id]
            value = self.data.balance(invoice)
            if amount is not None:
                value = Decimal(str(amount)).quantize(unit(invoice.currency))
            moment = self._tick()
            payment = self.data.new_payment(
                random.Random(invoice_id), invoice.customer_id, moment.date(), value, invoice.currency
            )
            payment.created = payment.modified = moment
            self.data.allocate(payment, invoice, value)
            invoice.modified = moment
            return payment.id

    def add_invoice(self, customer_id: int, total: Decimal | str = "1200.00") -> int:
        """An invoice in the customer's currency (its own decimals: JPY none, KWD three)."""
        with self._lock:
            moment = self._tick()
            contact = self.data.contacts[customer_id]
            invoice_id = max(self.data.invoices, default=INVOICE_BASE) + 1
            step = unit(contact.currency)
            value = Decimal(str(total)).quantize(step)
            invoice = Invoice(
                id=invoice_id,
                number=f"INV-{len(self.data.invoices) + 1:06d}",
                customer_id=customer_id,
                day=moment.date(),
                due=moment.date() + timedelta(days=30),
                currency=contact.currency,
                sub_total=(value / Decimal("1.2")).quantize(step),
                tax=value - (value / Decimal("1.2")).quantize(step),
                state="sent",
                created=moment,
                modified=moment,
            )
            self.data.invoices[invoice_id] = invoice
            self.data.by_customer.setdefault(customer_id, []).append(invoice_id)
            return invoice_id

    def void_invoice(self, invoice_id: int) -> None:
        with self._lock:
            invoice = self.data.invoices[invoice_id]
            if self.data.paid(invoice) or self.data.credited(invoice):
                raise ValueError("Zoho voids only invoices without payments or credits")
            invoice.state, invoice.modified = "void", self._tick()

    def update_customer(self, customer_id: int, **fields: Any) -> None:
        """Change contact fields (``name``, ``city``, ...); the contact's last_modified_time moves."""
        with self._lock:
            contact = self.data.contacts[customer_id]
            for key, value in fields.items():
                setattr(contact, key, value)
            contact.modified = self._tick()

    def set_contact_email(self, customer_id: int, email: str, person: int = 0) -> int:
        """A contact person's new e-mail (Zoho moves the contact's last_modified_time)."""
        with self._lock:
            contact = self.data.contacts[customer_id]
            contact.persons[person].email = email
            contact.modified = self._tick()
            return contact.persons[person].id

    def delete_customer(self, customer_id: int) -> None:
        """Gone from every list (Zoho deletes only contacts without transactions; the sandbox
        hides the transactions too). Zoho has no deletion feed."""
        with self._lock:
            self.data.contacts.pop(customer_id)
            for table in (self.data.invoices, self.data.credit_notes, self.data.payments):
                for key in [k for k, v in table.items() if v.customer_id == customer_id]:
                    table.pop(key)

    def _tick(self) -> datetime:
        moment = max(datetime.now(UTC), self._last_tick + timedelta(microseconds=1))
        self._last_tick = moment
        return moment

    def delete_contact_person(self, customer_id: int, person_id: int) -> None:
        """A contact person removed from its customer (the customer's last_modified_time moves)."""
        with self._lock:
            contact = self.data.contacts[customer_id]
            contact.persons = [p for p in contact.persons if p.id != person_id]
            contact.modified = self._tick()

    def delete_payment(self, payment_id: int) -> None:
        """A customer payment deleted: gone from the list (no deletion feed), the invoices it paid
        owe it again and their last_modified_time moves."""
        with self._lock:
            payment = self.data.payments.pop(payment_id)
            moment = self._tick()
            for allocation in payment.allocations:
                paid = self.data.paid_to.get(allocation.invoice_id, [])
                self.data.paid_to[allocation.invoice_id] = [(p, a) for p, a in paid if p != payment_id]
                self.data.invoices[allocation.invoice_id].modified = moment

    def delete_credit_application(self, note_id: int, invoice_id: int) -> None:
        """A credit note's application to an invoice removed: the credit is available again; the
        credit note and the invoice change."""
        with self._lock:
            moment = self._tick()
            self.data.applications[note_id] = [
                a for a in self.data.applications.get(note_id, []) if a.invoice_id != invoice_id
            ]
            credited = self.data.credited_to.get(invoice_id, [])
            self.data.credited_to[invoice_id] = [(n, a) for n, a in credited if n != note_id]
            self.data.credit_notes[note_id].modified = moment
            self.data.invoices[invoice_id].modified = moment

    def delete_document(self, document_id: int) -> None:
        """An invoice or a credit note deleted (without payments or applications, as Zoho asks):
        gone from its list, with no trace (no deletion feed)."""
        with self._lock:
            if document_id in self.data.invoices:
                if self.data.paid_to.get(document_id) or self.data.credited_to.get(document_id):
                    raise ValueError("Zoho deletes only invoices without payments or credits")
                invoice = self.data.invoices.pop(document_id)
                self.data.by_customer[invoice.customer_id].remove(document_id)
            else:
                if self.data.applications.get(document_id):
                    raise ValueError("Zoho deletes only credit notes applied to nothing")
                self.data.credit_notes.pop(document_id)
            self._tick()

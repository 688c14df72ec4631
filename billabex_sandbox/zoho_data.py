"""The data of the Zoho Books sandbox: contacts (customers and vendors) with contact persons,
invoices, credit notes and their applications, customer payments and their allocations.

Generated deterministically from a seed (and today's date), kept as plain objects; every figure
Zoho derives (``balance``, ``status``, ``unused_amount``) is computed from the allocations, so
``balance = total - payments applied - credits applied`` always holds (no write-offs here).
``zoho_api`` renders the objects as Zoho Books v3 JSON.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

CONTACT_BASE = 460_000_000_001_000
INVOICE_BASE = 460_000_000_100_000
CREDIT_BASE = 460_000_000_500_000
PAYMENT_BASE = 460_000_000_700_000
PERSON_BASE = 460_000_000_900_000
CENT = Decimal("0.01")
# Decimals of the currencies whose amounts are not in cents (tests bill customers in them).
PLACES = {"JPY": 0, "KWD": 3, "BHD": 3, "TND": 3}


def unit(currency: str) -> Decimal:
    """The smallest amount of ``currency`` (0.01, JPY 1, KWD 0.001)."""
    return Decimal(1).scaleb(-PLACES.get(currency, 2))


# country code, country name as Zoho prints it, currency, language, VAT rate
COUNTRIES = (
    ("FR", "France", "EUR", "fr", 20),
    ("BE", "Belgium", "EUR", "fr", 21),
    ("DE", "Germany", "EUR", "de", 19),
    ("GB", "U.K", "GBP", "en", 20),
    ("US", "U.S.A", "USD", "en", 0),
    ("ES", "Spain", "EUR", "es", 21),
)
FIRST = ("Camille", "Louis", "Emma", "Hugo", "Chloé", "Jules", "Léa", "Paul", "Anna", "Tom")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Smith", "Meyer")
COMPANY = ("Atelier", "Boulangerie", "Conseil", "Transports", "Garage", "Studio", "Cabinet", "Maison")
CITY = ("Paris", "Lyon", "Bruxelles", "Berlin", "London", "Boston", "Madrid", "Lille")


@dataclass(slots=True)
class Person:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    is_primary: bool = False


@dataclass(slots=True)
class Contact:
    id: int
    name: str
    contact_type: str  # customer | vendor
    sub_type: str  # business | individual
    country: int  # index in COUNTRIES
    street: str
    city: str
    zip: str
    vat_reg_no: str
    currency: str
    language: str
    persons: list[Person]
    created: datetime
    modified: datetime


@dataclass(slots=True)
class Invoice:
    id: int
    number: str
    customer_id: int
    day: date
    due: date
    currency: str
    sub_total: Decimal
    tax: Decimal
    state: str  # draft | sent | void
    created: datetime
    modified: datetime
    viewed: bool = False

    @property
    def total(self) -> Decimal:
        return self.sub_total + self.tax


@dataclass(slots=True)
class CreditNote:
    id: int
    number: str
    customer_id: int
    day: date
    currency: str
    sub_total: Decimal
    tax: Decimal
    state: str  # draft | open | void
    created: datetime
    modified: datetime

    @property
    def total(self) -> Decimal:
        return self.sub_total + self.tax


@dataclass(slots=True)
class Allocation:
    id: int  # invoice_payment_id / creditnote_invoice_id
    invoice_id: int
    amount: Decimal
    day: date


@dataclass(slots=True)
class Payment:
    id: int
    number: str
    customer_id: int
    day: date
    amount: Decimal
    currency: str
    mode: str
    reference: str
    created: datetime
    modified: datetime
    allocations: list[Allocation] = field(default_factory=list)


class ZohoData:
    """Every object by id, and the figures Zoho derives from them."""

    def __init__(self, *, seed: int, customers: int, invoices: int, today: date, now: datetime) -> None:
        self.seed, self.today = seed, today
        self.ceiling = min(datetime.combine(today, time(0), UTC), now)
        self.contacts: dict[int, Contact] = {}
        self.invoices: dict[int, Invoice] = {}
        self.credit_notes: dict[int, CreditNote] = {}
        self.applications: dict[int, list[Allocation]] = {}  # credit note id → applications
        self.payments: dict[int, Payment] = {}
        self.paid_to: dict[int, list[tuple[int, Allocation]]] = {}  # invoice → (payment id, allocation)
        self.credited_to: dict[int, list[tuple[int, Allocation]]] = {}  # invoice → (credit note id, ...)
        self._ids = {"person": PERSON_BASE, "alloc": 1}
        self.by_customer: dict[int, list[int]] = {}
        rng = random.Random(seed)
        for index in range(max(1, customers)):
            self._contact(rng, index, "customer")
        for index in range(max(1, customers // 10)):
            self._contact(rng, customers + index, "vendor")
        customer_ids = [c.id for c in self.contacts.values() if c.contact_type == "customer"]
        start = today.toordinal() - 540
        for index in range(invoices):
            owner = customer_ids[int(len(customer_ids) * rng.random() ** 1.5)]
            day = date.fromordinal(min(today.toordinal(), start + index * 540 // max(1, invoices)))
            roll = rng.random()
            state = "draft" if roll > 0.98 else "void" if roll > 0.96 else "sent"
            self._invoice(rng, owner, day, state)

    # -- generation ---------------------------------------------------------------------------

    def moment(self, rng: random.Random, day: date) -> datetime:
        at = datetime.combine(day, time(8), UTC) + timedelta(seconds=rng.randrange(36_000))
        return min(at, self.ceiling)

    def next_id(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def _contact(self, rng: random.Random, index: int, kind: str) -> None:
        country = rng.randrange(len(COUNTRIES))
        code, _, currency, language, _ = COUNTRIES[country]
        individual = kind == "customer" and rng.random() < 0.2
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}" if individual else f"{rng.choice(COMPANY)} {last} {index + 1}"
        domain = f"{last.lower()}{index + 1}.example"
        persons = []
        for n in range(0 if rng.random() < 0.12 else rng.randint(1, 3)):
            p_first, p_last = rng.choice(FIRST), rng.choice(LAST)
            email = "" if rng.random() < 0.05 else f"{p_first.lower()}.{p_last.lower()}{n}@{domain}"
            phone = f"+33 1 {rng.randrange(10**8):08d}"
            persons.append(Person(self.next_id("person"), p_first, p_last, email, phone, n == 0))
        created = self.moment(rng, self.today - timedelta(days=600 + rng.randrange(60)))
        vat = f"{code}{rng.randrange(10**9):09d}" if not individual and code in ("FR", "DE", "GB") else ""
        self.contacts[CONTACT_BASE + index] = Contact(
            id=CONTACT_BASE + index,
            name=name,
            contact_type=kind,
            sub_type="individual" if individual else "business",
            country=country,
            street=f"{rng.randint(1, 120)} rue {rng.choice(LAST)}",
            city=rng.choice(CITY),
            zip=f"{rng.randrange(10_000, 99_999)}",
            vat_reg_no=vat,
            currency=currency if rng.random() < 0.7 else "EUR",
            language=language,
            persons=persons,
            created=created,
            modified=created,
        )

    def _open_invoices(self, customer_id: int) -> list[Invoice]:
        """The customer's recent invoices still open (the last few only: generation stays linear)."""
        recent = self.by_customer.get(customer_id, [])[-6:]
        return [i for i in (self.invoices[r] for r in recent) if i.state == "sent" and self.balance(i) > 0]

    def _invoice(self, rng: random.Random, owner: int, day: date, state: str) -> None:
        contact = self.contacts[owner]
        sub_total = (Decimal(int(rng.lognormvariate(11.0, 0.9))) / 100).quantize(CENT)
        sub_total = max(Decimal("50.00"), min(sub_total, Decimal("40000.00")))
        rate = COUNTRIES[contact.country][4]
        invoice_id = INVOICE_BASE + len(self.invoices) + len(self.credit_notes)
        created = self.moment(rng, day)
        invoice = Invoice(
            id=invoice_id,
            number=f"INV-{len(self.invoices) + 1:06d}",
            customer_id=owner,
            day=day,
            due=day + timedelta(days=rng.choice((15, 30, 30, 45))),
            currency=contact.currency,
            sub_total=sub_total,
            tax=(sub_total * rate / 100).quantize(CENT),
            state=state,
            created=created,
            modified=created,
            viewed=rng.random() < 0.3,
        )
        self.invoices[invoice_id] = invoice
        self.by_customer.setdefault(owner, []).append(invoice_id)
        if state == "sent" and rng.random() < 0.08:  # a credit note for it (applied or not)
            self._credit_note(rng, owner, day)
        if state == "sent":
            self._settle(rng, invoice)

    def _settle(self, rng: random.Random, invoice: Invoice) -> None:
        """Payments by age: most old invoices paid, some partly, a few with two invoices at once."""
        overdue = (self.today - invoice.due).days
        paid_share, part_share = (0.1, 0.1) if overdue < 0 else (0.5, 0.15) if overdue < 60 else (0.9, 0.05)
        roll = rng.random()
        if roll >= paid_share + part_share:
            return
        due = self.balance(invoice)
        amount = due if roll < paid_share else (due * rng.randint(20, 70) / 100).quantize(CENT)
        day = min(self.today, invoice.day + timedelta(days=rng.randint(3, 50)))
        extra = Decimal("0.00")
        if rng.random() < 0.05:
            extra = Decimal(rng.randint(1, 50))  # overpayment: unused amount on the payment
        payment = self.new_payment(rng, invoice.customer_id, day, amount + extra, invoice.currency)
        self.allocate(payment, invoice, amount)
        others = [i for i in self._open_invoices(invoice.customer_id) if i.id != invoice.id]
        if others and rng.random() < 0.1:  # one transfer for two invoices
            other = others[0]
            share = self.balance(other)
            payment.amount += share
            self.allocate(payment, other, share)

    def new_payment(
        self, rng: random.Random, customer_id: int, day: date, amount: Decimal, currency: str
    ) -> Payment:
        payment_id = PAYMENT_BASE + len(self.payments)
        created = self.moment(rng, day)
        payment = Payment(
            id=payment_id,
            number=f"{len(self.payments) + 1}",
            customer_id=customer_id,
            day=day,
            amount=amount,
            currency=currency,
            mode=rng.choice(("banktransfer", "banktransfer", "check", "creditcard")),
            reference=f"VIR-{rng.randrange(10**6):06d}",
            created=created,
            modified=created,
        )
        self.payments[payment_id] = payment
        return payment

    def allocate(self, payment: Payment, invoice: Invoice, amount: Decimal) -> None:
        allocation = Allocation(self.next_id("alloc"), invoice.id, amount, payment.day)
        payment.allocations.append(allocation)
        self.paid_to.setdefault(invoice.id, []).append((payment.id, allocation))

    def apply_credit(self, note: CreditNote, invoice: Invoice, amount: Decimal, day: date) -> None:
        allocation = Allocation(self.next_id("alloc"), invoice.id, amount, day)
        self.applications.setdefault(note.id, []).append(allocation)
        self.credited_to.setdefault(invoice.id, []).append((note.id, allocation))

    def _credit_note(self, rng: random.Random, owner: int, day: date) -> None:
        target = rng.choice(self._open_invoices(owner))
        share = Decimal(100 if rng.random() < 0.3 else rng.randint(10, 60)) / 100
        credit_id = INVOICE_BASE + len(self.invoices) + len(self.credit_notes)
        created = self.moment(rng, day)
        note = CreditNote(
            id=credit_id + CREDIT_BASE - INVOICE_BASE,
            number=f"CN-{len(self.credit_notes) + 1:05d}",
            customer_id=owner,
            day=day,
            currency=target.currency,
            sub_total=(target.sub_total * share).quantize(CENT),
            tax=(target.tax * share).quantize(CENT),
            state="draft" if rng.random() < 0.05 else "open",
            created=created,
            modified=created,
        )
        self.credit_notes[note.id] = note
        if note.state == "open" and rng.random() < 0.75:  # the rest stays available credit
            self.apply_credit(note, target, min(note.total, self.balance(target)), day)

    # -- derived figures ------------------------------------------------------------------------

    def paid(self, invoice: Invoice) -> Decimal:
        return sum((a.amount for _, a in self.paid_to.get(invoice.id, ())), Decimal("0.00"))

    def credited(self, invoice: Invoice) -> Decimal:
        return sum((a.amount for _, a in self.credited_to.get(invoice.id, ())), Decimal("0.00"))

    def balance(self, invoice: Invoice) -> Decimal:
        if invoice.state == "void":
            return Decimal("0.00")
        return invoice.total - self.paid(invoice) - self.credited(invoice)

    def status(self, invoice: Invoice) -> str:
        if invoice.state in ("draft", "void"):
            return invoice.state
        balance = self.balance(invoice)
        if balance <= 0:
            return "paid"
        if balance < invoice.total:
            return "partially_paid"
        if invoice.due < self.today:
            return "overdue"
        return "viewed" if invoice.viewed else "sent"

    def credit_balance(self, note: CreditNote) -> Decimal:
        if note.state == "void":
            return Decimal("0.00")
        return note.total - sum((a.amount for a in self.applications.get(note.id, ())), Decimal("0.00"))

    def credit_status(self, note: CreditNote) -> str:
        if note.state in ("draft", "void"):
            return note.state
        return "closed" if self.credit_balance(note) <= 0 else "open"

    def unused(self, payment: Payment) -> Decimal:
        return payment.amount - sum((a.amount for a in payment.allocations), Decimal("0.00"))

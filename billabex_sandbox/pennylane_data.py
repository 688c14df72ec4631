"""Deterministic, lazily generated Pennylane data for the sandbox.

Only compact per-invoice columns live in memory (customer, kind, day: a few bytes each);
every figure is derived on demand from a generator seeded by ``(seed, index)``, so 100,000
invoices start in well under a second and cost a few megabytes. Mutations (new payments,
touched or deleted records, new invoices) are kept as small overlays. ``pennylane_customers``
and ``pennylane_invoices`` render the records as Pennylane v2 JSON.
"""

from __future__ import annotations

import random
from array import array
from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from billabex_sandbox.pennylane_fakes import VAT_RATE, country_row, pick_country, places

CUSTOMER_BASE = 1_000
INVOICE_BASE = 100_000
INVOICE, CREDIT_NOTE, DRAFT = 0, 1, 2
SPAN_DAYS = 730
PAYMENT_TERM_DAYS = 30
SETTLED = ("paid_out", "confirmed", "found")
OTHER_CURRENCIES = (
    "EUR",
    "GBP",
    "USD",
    "KWD",
    "JPY",
)  # a mixed customer's others: KWD three decimals, JPY none


@dataclass(frozen=True, slots=True)
class Profile:
    """The shape of a generated data set (the defaults: the demo's and the benchmark's)."""

    credit_note_share: float = 0.06  # of the documents, on customers with a recent invoice
    linked_credit_share: float = 0.7  # credit notes that name the invoice they credit
    bank_matched_share: float = 0.3  # settlements reconciled from the bank: no payment rows
    mixed_share: float = 0.0  # customers billed in more than one currency


@dataclass(slots=True)
class Payment:
    id: int
    amount: int  # units of the invoice currency (cents; JPY yen, KWD fils)
    created_at: datetime
    status: str
    label: str
    matched: bool = False  # settled by a bank transaction matched in Pennylane: no payment row


class PennylaneData:
    """The data set: customers and invoices by index, their amounts, payments and overlays."""

    def __init__(
        self,
        *,
        seed: int,
        customers: int,
        invoices: int,
        today: date,
        now: datetime,
        profile: Profile | None = None,
    ) -> None:
        self.seed, self.today, self.now = seed, today, now
        # Generated timestamps never pass the start of ``today``: the data is the same for the same
        # seed and day, whatever the time the sandbox starts (``now`` only dates later mutations).
        self.ceiling = min(datetime.combine(today, time(0), UTC), now)
        self.customer_count = max(1, customers)
        self.inv_customer = array("i")
        self.inv_kind = bytearray()
        self.inv_day = array("i")  # date as an ordinal
        self.credit_target: dict[int, int] = {}  # credit note index → invoice index
        self.credits_of: dict[int, list[int]] = {}  # invoice index → credit note indices
        self.extra_payments: dict[int, list[Payment]] = {}
        self.touched: dict[int, datetime] = {}  # invoice index → updated_at
        self.customer_overrides: dict[int, dict[str, Any]] = {}
        self.contact_overrides: dict[int, dict[str, Any]] = {}  # contact id → fields
        self.deleted_invoices: set[int] = set()
        self.deleted_customers: set[int] = set()
        self.amount_overrides: dict[int, tuple[str, int, int]] = {}  # index → (currency, base, tax)
        self.deleted_payments: set[int] = set()
        self.profile = profile or Profile()
        self._next_payment = 9_000_000
        self._build(invoices)

    # -- index ------------------------------------------------------------------------------

    def _build(self, count: int) -> None:
        rng = random.Random(self.seed)
        start = self.today.toordinal() - SPAN_DAYS
        recent: dict[int, deque[int]] = {}
        for index in range(count):
            customer = int(self.customer_count * rng.random() ** 1.6)
            roll = rng.random()
            credit = roll < self.profile.credit_note_share and recent.get(customer)
            kind = CREDIT_NOTE if credit else DRAFT if roll > 0.985 else INVOICE
            self.inv_customer.append(customer)
            self.inv_kind.append(kind)
            self.inv_day.append(
                min(self.today.toordinal(), start + (index * SPAN_DAYS) // max(1, count) + rng.randint(0, 3))
            )
            if kind == CREDIT_NOTE and rng.random() < self.profile.linked_credit_share:
                target = rng.choice(recent[customer])
                if target not in self.credits_of:
                    self.credit_target[index] = target
                    self.credits_of[target] = [index]
            elif kind == INVOICE:
                recent.setdefault(customer, deque(maxlen=4)).append(index)

    def add_invoice(
        self, customer: int, *, kind: int = INVOICE, currency: str | None = None, total: Decimal | None = None
    ) -> int:
        """A new document; ``currency`` and ``total`` (tax included, 20 %) fix its amounts."""
        if currency is not None or total is not None:
            code = currency or self.currency_of(customer)
            units = int(Decimal(str(total or "1200")).scaleb(places(code)))
            base = units * 5 // 6
            self.amount_overrides[len(self.inv_kind)] = (code, base, units - base)
        self.inv_customer.append(customer)
        self.inv_kind.append(kind)
        self.inv_day.append(self.today.toordinal())
        return len(self.inv_kind) - 1

    @property
    def invoice_count(self) -> int:
        return len(self.inv_kind)

    def invoice_index(self, invoice_id: int) -> int | None:
        index = invoice_id - INVOICE_BASE
        ok = 0 <= index < self.invoice_count and index not in self.deleted_invoices
        return index if ok else None

    def customer_index(self, customer_id: int) -> int | None:
        index = customer_id - CUSTOMER_BASE
        ok = 0 <= index < self.customer_count and index not in self.deleted_customers
        return index if ok else None

    # -- generators -------------------------------------------------------------------------

    def moment(self, rng: random.Random, day: int) -> datetime:
        """A time during the working hours of ``day``, never after the start of ``today``."""
        moment = datetime.combine(date.fromordinal(day), time(8), UTC) + timedelta(
            seconds=rng.randrange(36_000), microseconds=rng.randrange(10**6)
        )
        return min(moment, self.ceiling)

    def customer_rng(self, customer: int) -> random.Random:
        """The customer's own generator; its first draw is the customer's country."""
        return random.Random(self.seed * 7_919 + customer)

    def country_of(self, customer: int) -> str:
        return pick_country(self.customer_rng(customer))

    def currency_of(self, customer: int) -> str:
        currency = country_row(self.country_of(customer))[3]
        return currency if random.Random(self.seed + customer).random() < 0.7 else "EUR"

    def invoice_currency(self, index: int) -> str:
        """The customer's currency; a customer billed in several currencies (``mixed_share`` of
        them) gets a third of its invoices in another one."""
        customer = self.inv_customer[index]
        own = self.currency_of(customer)
        if random.Random(self.seed * 6_700_417 + customer).random() >= self.profile.mixed_share:
            return own
        rng = random.Random(self.seed * 2_147_483_647 + index)
        return rng.choice([c for c in OTHER_CURRENCIES if c != own]) if rng.random() < 1 / 3 else own

    # -- invoice figures --------------------------------------------------------------------

    def amounts(self, index: int) -> tuple[str, int, int, random.Random]:
        """(currency, total excl. tax, tax) in units of the currency, and the invoice's own generator."""
        rng = random.Random(self.seed * 1_000_003 + index)
        if index in self.amount_overrides:
            return (*self.amount_overrides[index], rng)
        customer = self.inv_customer[index]
        target = self.credit_target.get(index)
        if target is not None:
            currency, base, tax, _ = self.amounts(target)
            share = 100 if rng.random() < 0.4 else rng.randint(10, 60)
            return currency, base * share // 100, tax * share // 100, rng
        country_rate = VAT_RATE[self.country_of(customer)]
        base = int(rng.lognormvariate(11.3, 1.0))  # median ~ 800.00
        base = max(5_000, min(base, 5_000_000))
        return self.invoice_currency(index), base, base * country_rate // 100, rng

    def payments(self, index: int) -> list[Payment]:
        """The generated payments of an invoice (by its age), then those added by mutations."""
        if self.inv_kind[index] != INVOICE:
            return []
        _, base, tax, _ = self.amounts(index)
        rng = random.Random(self.seed * 15_485_863 + index)
        due = base + tax - self.credited(index)
        issue = self.inv_day[index]
        overdue = self.today.toordinal() - (issue + PAYMENT_TERM_DAYS)
        roll = rng.random()
        paid_share, part_share = (
            (0.05, 0.1) if overdue < 0 else (0.45, 0.15) if overdue <= 60 else (0.9, 0.04)
        )
        pid = INVOICE_BASE * 100 + index * 10
        when = self.moment(rng, min(self.today.toordinal(), issue + rng.randint(3, 50)))
        out: list[Payment] = []
        if rng.random() < 0.02:
            out.append(Payment(pid + 9, due, when - timedelta(days=2), "failed", "Prélèvement rejeté"))
        if due > 0 and roll < paid_share:
            out.extend(_settlement(rng, pid, due, when))
        elif due > 0 and roll < paid_share + part_share:
            out.append(
                Payment(pid, due * rng.randint(20, 70) // 100, when, rng.choice(SETTLED), "Paiement partiel")
            )
        if random.Random(self.seed * 32_452_843 + index).random() < self.profile.bank_matched_share:
            # Reconciled with a bank transaction in Pennylane: the invoice is (partly) paid, with no
            # payment row (GET .../payments is empty; .../matched_transactions lists the transfer).
            out = [replace(p, matched=True) if p.status in SETTLED else p for p in out]
        return [p for p in out + self.extra_payments.get(index, []) if p.id not in self.deleted_payments]

    def credited(self, index: int) -> int:
        total = 0
        for credit in self.credits_of.get(index, ()):
            if credit not in self.deleted_invoices:
                _, base, tax, _ = self.amounts(credit)
                total += base + tax
        return total

    def remaining(self, index: int, payments: list[Payment] | None = None) -> int:
        _, base, tax, _ = self.amounts(index)
        payments = self.payments(index) if payments is None else payments
        settled = sum(p.amount for p in payments if p.status in SETTLED)
        return max(0, base + tax - self.credited(index) - settled)

    def new_payment_id(self) -> int:
        self._next_payment += 1
        return self._next_payment


def _settlement(rng: random.Random, pid: int, due: int, when: datetime) -> list[Payment]:
    """A fully paid invoice: one transfer, or (one time in five) a deposit and the balance."""
    if rng.random() < 0.2:
        half = due // 2
        return [
            Payment(pid, half, when - timedelta(days=5), rng.choice(SETTLED), "Virement acompte"),
            Payment(pid + 1, due - half, when, rng.choice(SETTLED), "Virement solde"),
        ]
    return [Payment(pid, due, when, rng.choice(SETTLED), "Virement reçu")]


def invoice_number(kind: int, day: int, index: int) -> str:
    """``F-<year>-<n>`` for an invoice, ``AV-...`` for a credit note, empty for a draft."""
    if kind == DRAFT:
        return ""
    return f"{'AV' if kind == CREDIT_NOTE else 'F'}-{date.fromordinal(day).year}-{index + 1:06d}"


def invoice_reference(seed: int, index: int) -> str:
    return f"PL-{seed:04x}-{INVOICE_BASE + index}"


def _money(value: int, currency: str = "EUR") -> Decimal:
    return Decimal(value).scaleb(-places(currency))


def ledger_row(data: PennylaneData, index: int) -> dict[str, Any]:
    """The truth behind the JSON of one document, in its own currency (for tests): ``id``,
    ``customer_id``, ``credit_note``, ``currency``, ``total``, ``open`` (an invoice's remaining
    amount, a credit note's unapplied credit), ``credited`` (credit notes applied to an invoice),
    ``paid`` (settled payments and bank matches), ``rows`` (the part of ``paid`` that
    ``/payments`` lists) and ``credited_invoice`` (or None)."""
    currency, base, tax, _ = data.amounts(index)
    settled = [p for p in data.payments(index) if p.status in SETTLED]
    target = data.credit_target.get(index)
    note = data.inv_kind[index] == CREDIT_NOTE
    return {
        "id": INVOICE_BASE + index,
        "customer_id": CUSTOMER_BASE + data.inv_customer[index],
        "credit_note": note,
        "currency": currency,
        "total": _money(base + tax, currency),
        "open": _money(
            (0 if target is not None else base + tax) if note else data.remaining(index), currency
        ),
        "credited": _money(0 if note else data.credited(index), currency),
        "paid": _money(sum(p.amount for p in settled), currency),
        "rows": _money(sum(p.amount for p in settled if not p.matched), currency),
        "credited_invoice": None if target is None else INVOICE_BASE + target,
    }

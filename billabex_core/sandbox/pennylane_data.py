"""Deterministic, lazily generated Pennylane data for the sandbox.

Only compact per-invoice columns live in memory (customer, kind, day: a few bytes each);
every object is rendered on demand from a generator seeded by ``(seed, index)``, so 100,000
invoices start in well under a second and cost a few megabytes. Mutations (new payments,
touched or deleted records, new invoices) are kept as small overlays.
"""

from __future__ import annotations

import random
import re
import unicodedata
from array import array
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

CUSTOMER_BASE = 1_000
INVOICE_BASE = 100_000
INVOICE, CREDIT_NOTE, DRAFT = 0, 1, 2
SPAN_DAYS = 730

_COUNTRIES = (  # code, weight, language, currency (mostly), legal forms
    ("FR", 55, "fr_FR", "EUR", ("SAS", "SARL", "SA", "EURL")),
    ("DE", 12, "de_DE", "EUR", ("GmbH", "AG", "KG")),
    ("GB", 10, "en_GB", "GBP", ("Ltd", "PLC", "LLP")),
    ("BE", 6, "fr_FR", "EUR", ("SRL", "SA", "BV")),
    ("ES", 5, "en_GB", "EUR", ("SL", "SA")),
    ("IT", 5, "en_GB", "EUR", ("Srl", "SpA")),
    ("NL", 4, "en_GB", "EUR", ("BV", "NV")),
    ("US", 3, "en_GB", "USD", ("Inc.", "LLC")),
)
_COUNTRY_CODES = [c[0] for c in _COUNTRIES]
_COUNTRY_WEIGHTS = [c[1] for c in _COUNTRIES]
_FIRST = {
    "FR": (
        "Camille",
        "Julien",
        "Sophie",
        "Nicolas",
        "Claire",
        "Thomas",
        "Élodie",
        "François",
        "Inès",
        "Hugo",
    ),
    "DE": ("Jonas", "Lena", "Lukas", "Anna", "Felix", "Marie", "Jürgen", "Katrin"),
    "GB": ("Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie"),
}
_LAST = {
    "FR": (
        "Martin",
        "Bernard",
        "Dubois",
        "Lefèvre",
        "Moreau",
        "Laurent",
        "Girard",
        "Roux",
        "Fontaine",
        "Chevalier",
    ),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer"),
    "GB": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thompson"),
}
_TRADES = {
    "FR": ("Boulangerie", "Transports", "Menuiserie", "Conseil", "Imprimerie", "Bâtiment", "Informatique"),
    "DE": ("Maschinenbau", "Logistik", "Elektrotechnik", "Bau", "Software", "Druckerei"),
    "GB": ("Engineering", "Logistics", "Consulting", "Builders", "Software", "Print"),
}
_CITIES = {
    "FR": (
        ("75011", "Paris"),
        ("69002", "Lyon"),
        ("13001", "Marseille"),
        ("33000", "Bordeaux"),
        ("59000", "Lille"),
    ),
    "DE": (("10115", "Berlin"), ("80331", "München"), ("20095", "Hamburg"), ("50667", "Köln")),
    "GB": (("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("B1 1AA", "Birmingham"), ("LS1 4AP", "Leeds")),
    "BE": (("1000", "Bruxelles"), ("4000", "Liège"), ("2000", "Antwerpen")),
    "ES": (("28001", "Madrid"), ("08001", "Barcelona")),
    "IT": (("20121", "Milano"), ("00184", "Roma")),
    "NL": (("1012 AB", "Amsterdam"), ("3011 AA", "Rotterdam")),
    "US": (("10001", "New York, NY"), ("94105", "San Francisco, CA")),
}
_STREETS = {
    "FR": ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "rue des Lilas"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"),
    "BE": ("rue Royale", "Meir", "avenue Louise"),
}
_EMAIL_WORD = {"FR": "compta", "BE": "compta", "DE": "buchhaltung"}
_TLD = {"GB": "co.uk", "US": "com"}
_RATES = {"EUR": Decimal(1), "GBP": Decimal("1.17"), "USD": Decimal("0.92"), "CHF": Decimal("1.05")}
_VAT_RATE = {"FR": 20, "DE": 19, "GB": 20, "BE": 21, "ES": 21, "IT": 22, "NL": 21, "US": 0}
_TERMS = (("30_days", 30), ("45_days", 45), ("15_days", 15), ("upon_receipt", 0), ("60_days", 60))
_SETTLED = ("paid_out", "confirmed", "found")


def luhn_digit(digits: str) -> int:
    total = 0
    for pos, char in enumerate(reversed(digits)):
        value = int(char) * (2 if pos % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def fake_vat(country: str, rng: random.Random) -> tuple[str | None, str]:
    """(VAT number with a valid checksum where the scheme is known, registration number)."""
    if country == "FR":
        body = f"{rng.randrange(10**7, 10**8)}"
        siren = body + str(luhn_digit(body))
        return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}", siren
    if country == "DE":
        digits, product = f"{rng.randrange(10**7, 10**8)}", 10
        for char in digits:
            rest = (int(char) + product) % 10 or 10
            product = (2 * rest) % 11
        return f"DE{digits}{(11 - product) % 10}", f"HRB {rng.randrange(10000, 99999)}"
    if country == "GB":
        digits = f"{rng.randrange(10**6, 10**7)}"
        total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
        return f"GB{digits}{(97 - total % 97) % 97:02d}", f"{rng.randrange(10**7, 10**8)}"
    if country == "BE":
        body = rng.randrange(2 * 10**7, 10**8)
        return f"BE0{body}{97 - body % 97:02d}", f"0{body}{97 - body % 97:02d}"
    if country == "IT":
        body = f"{rng.randrange(10**9, 10**10)}"
        return f"IT{body}{luhn_digit(body)}", f"MI-{rng.randrange(100000, 999999)}"
    if country == "NL":
        while True:
            body = f"{rng.randrange(10**7, 10**8)}"
            check = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
            if check < 10:
                return f"NL{body}{check}B01", f"{rng.randrange(10**7, 10**8)}"
    if country == "ES":
        return f"ESB{rng.randrange(10**7, 10**8)}", f"B{rng.randrange(10**7, 10**8)}"
    return None, f"{rng.randrange(10**8, 10**9)}"


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:30] or "client"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


@dataclass(slots=True)
class Payment:
    id: int
    amount: int  # cents, in the invoice currency
    created_at: datetime
    status: str
    label: str


class PennylaneData:
    """The data set: customers and invoices by index, rendered as Pennylane v2 JSON."""

    def __init__(self, *, seed: int, customers: int, invoices: int, today: date, now: datetime) -> None:
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
        self.deleted_invoices: set[int] = set()
        self.deleted_customers: set[int] = set()
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
            kind = CREDIT_NOTE if roll < 0.06 and recent.get(customer) else DRAFT if roll > 0.985 else INVOICE
            self.inv_customer.append(customer)
            self.inv_kind.append(kind)
            self.inv_day.append(
                min(self.today.toordinal(), start + (index * SPAN_DAYS) // max(1, count) + rng.randint(0, 3))
            )
            if kind == CREDIT_NOTE and rng.random() < 0.7:
                target = rng.choice(recent[customer])
                if target not in self.credits_of:
                    self.credit_target[index] = target
                    self.credits_of[target] = [index]
            elif kind == INVOICE:
                recent.setdefault(customer, deque(maxlen=4)).append(index)

    def add_invoice(self, customer: int, *, kind: int = INVOICE) -> int:
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

    # -- customers --------------------------------------------------------------------------

    def _moment(self, rng: random.Random, day: int) -> datetime:
        moment = datetime.combine(date.fromordinal(day), time(8), UTC) + timedelta(
            seconds=rng.randrange(36_000), microseconds=rng.randrange(10**6)
        )
        return min(moment, self.ceiling)

    def customer(self, index: int, base_url: str) -> dict[str, Any]:
        rng = random.Random(self.seed * 7_919 + index)
        country = rng.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]
        _, _, lang, _, forms = _COUNTRIES[_COUNTRY_CODES.index(country)]
        names = country if country in _FIRST else ("FR" if country == "BE" else "GB")
        first, last = rng.choice(_FIRST[names]), rng.choice(_LAST[names])
        individual = rng.random() < 0.2
        name = f"{first} {last}" if individual else f"{last} {rng.choice(_TRADES[names])} {rng.choice(forms)}"
        vat, reg_no = fake_vat(country, rng)
        postal, city = rng.choice(_CITIES[country])
        street = rng.choice(_STREETS.get(country, ("High Street", "Main Street", "Station Road")))
        domain = f"{slug(last if individual else name)}.{_TLD.get(country, country.lower())}"
        email = (
            f"{slug(first)}.{slug(last)}@example.org"
            if individual
            else f"{_EMAIL_WORD.get(country, 'accounts')}@{domain}"
        )
        created = self._moment(rng, self.today.toordinal() - SPAN_DAYS - 60 + index % 60)
        terms = rng.choice(_TERMS)[0]
        customer_id = CUSTOMER_BASE + index
        address = {
            "address": f"{rng.randint(1, 180)} {street}",
            "postal_code": postal,
            "city": city,
            "country_alpha2": country,
        }
        item: dict[str, Any] = {
            "id": customer_id,
            "name": name,
            "billing_iban": None,
            "payment_conditions": terms,
            "recipient": f"{first} {last}",
            "phone": f"+33{rng.randrange(600000000, 799999999)}" if country == "FR" else "",
            "reference": f"CLI-{customer_id}",
            "notes": None,
            "ledger_account": {"id": 40_000 + index},
            "emails": [] if rng.random() < 0.1 else [email],
            "billing_address": address,
            "delivery_address": dict(address),
            "created_at": iso(created),
            "updated_at": iso(min(created + timedelta(days=rng.randint(0, 400)), self.ceiling)),
            "customer_type": "individual" if individual else "company",
            "external_reference": f"{self.seed:04x}-{customer_id:08x}",
            "billing_language": lang,
            "mandates": {"url": f"{base_url}/gocardless_mandates?customer_id={customer_id}"},
            "pro_account_mandates": {"url": f"{base_url}/pro_account/mandates?customer_id={customer_id}"},
            "contacts": {"url": f"{base_url}/customers/{customer_id}/contacts"},
        }
        if individual:
            item.update(first_name=first, last_name=last)
        else:
            item.update(vat_number=vat or "", reg_no=reg_no)
        item.update(self.customer_overrides.get(index, {}))
        return item

    def currency_of(self, customer: int) -> str:
        rng = random.Random(self.seed * 7_919 + customer)
        country = rng.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]
        currency = _COUNTRIES[_COUNTRY_CODES.index(country)][3]
        return currency if random.Random(self.seed + customer).random() < 0.7 else "EUR"

    def contacts(self, customer_index: int, base_url: str) -> list[dict[str, Any]]:
        item = self.customer(customer_index, base_url)
        rng = random.Random(self.seed * 104_729 + customer_index)
        none_share = 0.6 if item["customer_type"] == "individual" else 0.15
        count = 0 if rng.random() < none_share else rng.choice((1, 1, 2, 3))
        country = item["billing_address"]["country_alpha2"]
        names = country if country in _FIRST else ("FR" if country == "BE" else "GB")
        domain = item["emails"][0].split("@")[1] if item["emails"] else "example.org"
        out = []
        for n in range(count):
            first, last = rng.choice(_FIRST[names]), rng.choice(_LAST[names])
            out.append(
                {
                    "id": item["id"] * 10 + n,
                    "first_name": first,
                    "last_name": last,
                    "role": rng.choice(("accountant", "CFO", "office manager", "owner", "")),
                    "email": f"{slug(first)}.{slug(last)}@{domain}" if rng.random() > 0.05 else "",
                    "telephone_number": f"+33 1 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                    "mobile_number": "",
                    "created_at": item["created_at"],
                    "updated_at": item["updated_at"],
                }
            )
        return out

    # -- invoices ---------------------------------------------------------------------------

    def _amounts(self, index: int) -> tuple[str, int, int, random.Random]:
        """(currency, total excl. tax, tax) in cents, and the invoice's own generator."""
        rng = random.Random(self.seed * 1_000_003 + index)
        customer = self.inv_customer[index]
        target = self.credit_target.get(index)
        if target is not None:
            currency, base, tax, _ = self._amounts(target)
            share = 100 if rng.random() < 0.4 else rng.randint(10, 60)
            return currency, base * share // 100, tax * share // 100, rng
        country_rate = _VAT_RATE[
            random.Random(self.seed * 7_919 + customer).choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]
        ]
        base = int(rng.lognormvariate(11.3, 1.0))  # median ~ 800.00
        base = max(5_000, min(base, 5_000_000))
        return self.currency_of(customer), base, base * country_rate // 100, rng

    def payments(self, index: int) -> list[Payment]:
        kind = self.inv_kind[index]
        if kind != INVOICE:
            return []
        _, base, tax, _ = self._amounts(index)
        rng = random.Random(self.seed * 15_485_863 + index)
        due = base + tax - self.credited(index)
        issue = self.inv_day[index]
        deadline = issue + 30
        overdue = self.today.toordinal() - deadline
        roll = rng.random()
        paid_share, part_share = (
            (0.05, 0.1) if overdue < 0 else (0.45, 0.15) if overdue <= 60 else (0.9, 0.04)
        )
        out: list[Payment] = []
        pid = INVOICE_BASE * 100 + index * 10
        when = self._moment(rng, min(self.today.toordinal(), issue + rng.randint(3, 50)))
        if rng.random() < 0.02:
            out.append(Payment(pid + 9, due, when - timedelta(days=2), "failed", "Prélèvement rejeté"))
        if due > 0 and roll < paid_share:
            if rng.random() < 0.2:
                half = due // 2
                out.append(
                    Payment(pid, half, when - timedelta(days=5), rng.choice(_SETTLED), "Virement acompte")
                )
                out.append(Payment(pid + 1, due - half, when, rng.choice(_SETTLED), "Virement solde"))
            else:
                out.append(Payment(pid, due, when, rng.choice(_SETTLED), "Virement reçu"))
        elif due > 0 and roll < paid_share + part_share:
            out.append(
                Payment(pid, due * rng.randint(20, 70) // 100, when, rng.choice(_SETTLED), "Paiement partiel")
            )
        return out + self.extra_payments.get(index, [])

    def credited(self, index: int) -> int:
        total = 0
        for credit in self.credits_of.get(index, ()):
            if credit not in self.deleted_invoices:
                _, base, tax, _ = self._amounts(credit)
                total += base + tax
        return total

    def remaining(self, index: int, payments: list[Payment] | None = None) -> int:
        _, base, tax, _ = self._amounts(index)
        payments = self.payments(index) if payments is None else payments
        settled = sum(p.amount for p in payments if p.status in _SETTLED)
        return max(0, base + tax - self.credited(index) - settled)

    def new_payment_id(self) -> int:
        self._next_payment += 1
        return self._next_payment

    def invoice(self, index: int, base_url: str) -> dict[str, Any]:
        kind = self.inv_kind[index]
        currency, base, tax, rng = self._amounts(index)
        sign = -1 if kind == CREDIT_NOTE else 1
        rate = _RATES.get(currency, Decimal(1))
        issue = date.fromordinal(self.inv_day[index])
        deadline = issue + timedelta(days=30)
        invoice_id = INVOICE_BASE + index
        customer_id = CUSTOMER_BASE + self.inv_customer[index]
        total, credited = base + tax, self.credited(index)
        payments = self.payments(index)
        settled = [p for p in payments if p.status in _SETTLED]
        remaining = max(0, total - credited - sum(p.amount for p in settled))
        target = self.credit_target.get(index)
        if kind == DRAFT:
            status = "draft"
        elif kind == CREDIT_NOTE:
            status = "credit_note"
        elif remaining == 0 and credited >= total:
            status = "cancelled"
        elif remaining == 0:
            status = "paid"
        elif settled:
            status = "partially_paid"
        elif credited:
            status = "partially_cancelled"
        else:
            status = "late" if deadline < self.today else "upcoming"
        if kind == CREDIT_NOTE:
            remaining_value = "0.0" if target is not None else cents(-total)
            remaining_excl = "0.0" if target is not None else cents(-base)
        else:
            # Reported in EUR for non-EUR invoices (connectors.md §1.9, observed quirk).
            remaining_value = cents(int(Decimal(remaining) * rate))
            remaining_excl = cents(int(Decimal(remaining * base // max(total, 1)) * rate))
        created = self._moment(rng, self.inv_day[index])
        updated = self.touched.get(index) or max([created, *(p.created_at for p in settled)])
        number = (
            "" if kind == DRAFT else f"{'AV' if kind == CREDIT_NOTE else 'F'}-{issue.year}-{index + 1:06d}"
        )
        link = f"{base_url}/customer_invoices/{invoice_id}"
        return {
            "id": invoice_id,
            "label": f"Facture {number}" if number else None,
            "invoice_number": number,
            "currency": currency,
            "amount": cents(int(sign * Decimal(total) * rate)),
            "currency_amount": cents(sign * total),
            "currency_amount_before_tax": cents(sign * base),
            "exchange_rate": str(rate if rate != 1 else "1.0"),
            "date": issue.isoformat(),
            "deadline": deadline.isoformat(),
            "currency_tax": cents(sign * tax),
            "tax": cents(int(sign * Decimal(tax) * rate)),
            "language": "fr_FR",
            "paid": status == "paid",
            "status": status,
            "discount": {"type": "absolute", "value": "0"},
            "ledger_entry": {"id": 7_000_000 + index},
            "public_file_url": None,
            "filename": f"{number or 'draft'}.pdf",
            "remaining_amount_with_tax": remaining_value,
            "remaining_amount_without_tax": remaining_excl,
            "draft": kind == DRAFT,
            "special_mention": None,
            "customer": {"id": customer_id, "url": f"{base_url}/customers/{customer_id}"},
            "invoice_line_sections": {"url": f"{link}/invoice_line_sections"},
            "invoice_lines": {"url": f"{link}/invoice_lines"},
            "custom_header_fields": {"url": f"{link}/custom_header_fields"},
            "categories": {"url": f"{link}/categories"},
            "pdf_invoice_free_text": "",
            "pdf_invoice_subject": "",
            "pdf_description": None,
            "billing_subscription": None,
            "credited_invoice": (
                {"id": INVOICE_BASE + target, "url": f"{base_url}/customer_invoices/{INVOICE_BASE + target}"}
                if target is not None
                else None
            ),
            "customer_invoice_template": None,
            "transaction_reference": None,
            "payments": {"url": f"{link}/payments"},
            "matched_transactions": {"url": f"{link}/matched_transactions"},
            "appendices": {"url": f"{link}/appendices"},
            "quote": None,
            "external_reference": f"PL-{self.seed:04x}-{invoice_id}",
            "e_invoicing": None,
            "archived_at": None,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }

    def payment_items(self, index: int) -> list[dict[str, Any]]:
        currency = self._amounts(index)[0]
        return [
            {
                "id": p.id,
                "label": p.label,
                "currency": currency,
                "currency_amount": cents(p.amount),
                "status": p.status,
                "created_at": iso(p.created_at),
                "updated_at": iso(p.created_at),
            }
            for p in self.payments(index)
        ]

"""The data of the NetSuite sandbox, in an SQLite database shaped like the SuiteQL tables it
emulates (``customer``, ``contact``, ``currency``, ``customeraddressbookentityaddress``,
``transaction`` with ``CustInvc``/``CustCred``/``CustPymt``, ``nexttransactionlinelink``,
``deletedrecord``, ``dual``), so that ``netsuite_sql`` runs the client's SuiteQL on it for real.

Timestamps are in the account's time zone (``ACCOUNT_TZ``, not UTC: as in NetSuite), stored as
``YYYY-MM-DD HH:MM:SS`` text in columns typed ``NS_TIMESTAMP`` (``NS_DATE`` for dates, ``NS_AMOUNT``
for money): the SQL engine turns a column read raw into the user's format (``3/2/2026``) the way
NetSuite does unless the query wraps it in ``TO_CHAR``. Credit memos carry negative totals.
Applying a payment or a credit memo changes the invoice's amounts but **not** its
``lastmodifieddate`` (connectors.md §5, NetSuite question 3: the connector must not rely on it).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

ACCOUNT_TZ = timezone(timedelta(hours=-8))  # the account's preference (Pacific time, winter)
CUSTOMER_BASE, CONTACT_BASE, TRANSACTION_BASE = 1000, 5000, 100_000
CURRENCIES = (
    (1, "Euro", "EUR"),
    (2, "British pound", "GBP"),
    (3, "US Dollar", "USD"),
    (4, "Kuwaiti dinar", "KWD"),  # three decimals; generated customers never use 4 and 5:
    (5, "Yen", "JPY"),  # tests move a customer to them (update_customer(currency=...))
)
COUNTRIES = (
    ("FR", 1, "fr_FR"),
    ("BE", 1, "fr_FR"),
    ("DE", 1, "de_DE"),
    ("GB", 2, "en_GB"),
    ("US", 3, "en_US"),
)
NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Smith", "Meyer", "Garcia")
FIRST = ("Camille", "Louis", "Emma", "Hugo", "Léa", "Paul", "Anna", "Tom")
SCHEMA = """
CREATE TABLE currency (id INTEGER PRIMARY KEY, name TEXT, symbol TEXT, isbasecurrency TEXT);
CREATE TABLE customeraddressbookentityaddress (nkey INTEGER PRIMARY KEY, addr1 TEXT, addr2 TEXT,
  city TEXT, zip TEXT, country TEXT);
CREATE TABLE customer (id INTEGER PRIMARY KEY, entityid TEXT, companyname TEXT, isperson TEXT,
  firstname TEXT, lastname TEXT, email TEXT, phone TEXT, currency INTEGER, language TEXT,
  vatregnumber TEXT, terms INTEGER, defaultbillingaddress INTEGER, externalid TEXT, isinactive TEXT,
  datecreated NS_TIMESTAMP, lastmodifieddate NS_TIMESTAMP);
CREATE TABLE contact (id INTEGER PRIMARY KEY, entityid TEXT, firstname TEXT, lastname TEXT,
  email TEXT, phone TEXT, title TEXT, company INTEGER, isinactive TEXT, lastmodifieddate NS_TIMESTAMP);
CREATE TABLE "transaction" (id INTEGER PRIMARY KEY, tranid TEXT, type TEXT, status TEXT,
  entity INTEGER, currency INTEGER, exchangerate NS_AMOUNT, foreigntotal NS_AMOUNT,
  foreignamountpaid NS_AMOUNT, foreignamountunpaid NS_AMOUNT, foreignpaymentamountunused NS_AMOUNT,
  trandate NS_DATE, duedate NS_DATE, voided TEXT, posting TEXT, memo TEXT, externalid TEXT,
  createddate NS_TIMESTAMP, lastmodifieddate NS_TIMESTAMP);
CREATE TABLE nexttransactionlinelink (previousdoc INTEGER, previousline INTEGER, previoustype TEXT,
  nextdoc INTEGER, nextline INTEGER, nexttype TEXT, linktype TEXT, foreignamount NS_AMOUNT,
  lastmodifieddate NS_TIMESTAMP);
CREATE TABLE deletedrecord (recordid INTEGER, recordtypeid TEXT, type TEXT, name TEXT,
  deleteddate NS_TIMESTAMP);
CREATE TABLE dual (dummy TEXT);
INSERT INTO dual VALUES ('X');
CREATE INDEX transaction_modified ON "transaction" (lastmodifieddate, id);
CREATE INDEX link_previous ON nexttransactionlinelink (previousdoc);
CREATE INDEX link_next ON nexttransactionlinelink (nextdoc);
"""


def account_time(moment: datetime) -> str:
    return moment.astimezone(ACCOUNT_TZ).strftime("%Y-%m-%d %H:%M:%S")


def cents(value: Decimal) -> float:
    """An amount as the table holds it: to the thousandth (KWD has three decimals)."""
    return float(value.quantize(Decimal("0.001")))


class NetSuiteData:
    """Builds the tables; the mutation helpers keep their derived amounts consistent."""

    def __init__(self, *, seed: int, customers: int, invoices: int, today: date, now: datetime) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False, detect_types=sqlite3.PARSE_DECLTYPES)
        self.db.executescript(SCHEMA)
        self.today, self.now = today, now
        self.ceiling = min(datetime.combine(today, datetime.min.time(), UTC), now)
        self._next_id = TRANSACTION_BASE
        rng = random.Random(seed)
        self.db.executemany(
            "INSERT INTO currency VALUES (?, ?, ?, ?)", [(*c, "T" if c[0] == 1 else "F") for c in CURRENCIES]
        )
        for index in range(max(1, customers)):
            self._customer(rng, index)
        start = today.toordinal() - 540
        ids = list(range(CUSTOMER_BASE, CUSTOMER_BASE + max(1, customers)))
        for index in range(invoices):
            owner = ids[int(len(ids) * rng.random() ** 1.5)]
            day = date.fromordinal(min(today.toordinal(), start + index * 540 // max(1, invoices)))
            self._invoice(rng, owner, day, index)
        self.db.commit()

    def moment(self, rng: random.Random, day: date) -> str:
        at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
            hours=8, seconds=rng.randrange(36_000)
        )
        return account_time(min(at, self.ceiling))

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _customer(self, rng: random.Random, index: int) -> None:
        country, currency, language = rng.choice(COUNTRIES)
        person = rng.random() < 0.2
        first, last = rng.choice(FIRST), rng.choice(NAMES)
        customer_id = CUSTOMER_BASE + index
        stamp = self.moment(rng, self.today - timedelta(days=600))
        self.db.execute(
            "INSERT INTO customeraddressbookentityaddress VALUES (?, ?, '', ?, ?, ?)",
            (
                customer_id,
                f"{rng.randint(1, 99)} avenue {last}",
                rng.choice(("Paris", "Lyon", "Berlin", "Leeds")),
                f"{rng.randrange(10000, 99999)}",
                country,
            ),
        )
        vat = f"{country}{rng.randrange(10**9):09d}" if not person and country in ("FR", "DE", "GB") else None
        self.db.execute(
            "INSERT INTO customer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, ?, NULL, 'F', ?, ?)",
            (
                customer_id, f"CUS{index + 1:05d}", None if person else f"{last} & Co {index + 1}",
                "T" if person else "F", first if person else None, last if person else None,
                f"billing@{last.lower()}{index + 1}.example", "+33 1 00 00 00 00",
                currency if rng.random() < 0.8 else 1, language, vat, customer_id, stamp, stamp,
            ),
        )  # fmt: skip
        for n in range(0 if rng.random() < 0.15 else rng.randint(1, 2)):
            c_first, c_last = rng.choice(FIRST), rng.choice(NAMES)
            email = (
                None
                if rng.random() < 0.05
                else f"{c_first.lower()}.{c_last.lower()}{n}@{last.lower()}{index + 1}.example"
            )
            self.db.execute(
                "INSERT INTO contact VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'F', ?)",
                (CONTACT_BASE + index * 10 + n, f"{c_first} {c_last}", c_first, c_last, email, None, "Comptable" if n == 0 else None, customer_id, stamp),
            )  # fmt: skip

    def _invoice(self, rng: random.Random, owner: int, day: date, index: int) -> None:
        (currency,) = self.db.execute("SELECT currency FROM customer WHERE id = ?", (owner,)).fetchone()
        total = max(
            Decimal("60.00"), (Decimal(int(rng.lognormvariate(11.0, 0.9))) / 100).quantize(Decimal("0.01"))
        )
        invoice_id, stamp = self.new_id(), self.moment(rng, day)
        voided = rng.random() < 0.02
        due = day + timedelta(days=30)
        self.db.execute(
            "INSERT INTO \"transaction\" VALUES (?, ?, 'CustInvc', ?, ?, ?, 1, ?, 0, ?, NULL, ?, ?, ?, 'T', NULL, NULL, ?, ?)",
            (invoice_id, f"INV{index + 1:06d}", "V" if voided else "A", owner, currency, cents(total), 0 if voided else cents(total), day.isoformat(), due.isoformat(), "T" if voided else "F", stamp, stamp),
        )  # fmt: skip
        if voided:
            return
        overdue = (self.today - due).days
        roll = rng.random()
        paid_share, part_share = (0.1, 0.1) if overdue < 0 else (0.5, 0.15) if overdue < 60 else (0.9, 0.05)
        when = min(self.today, day + timedelta(days=rng.randint(3, 50)))
        if roll < 0.05:
            self.credit(invoice_id, (total * rng.randint(10, 100) / 100).quantize(Decimal("0.01")), when, rng)
        elif roll < paid_share:
            self.pay(
                [(invoice_id, total)],
                when,
                rng,
                extra=Decimal(rng.randint(1, 40)) if rng.random() < 0.05 else Decimal(0),
            )
        elif roll < paid_share + part_share:
            self.pay([(invoice_id, (total * rng.randint(20, 70) / 100).quantize(Decimal("0.01")))], when, rng)

    # -- settlement ---------------------------------------------------------------------------

    def unpaid(self, invoice_id: int) -> Decimal:
        (value,) = self.db.execute(
            'SELECT foreignamountunpaid FROM "transaction" WHERE id = ?', (invoice_id,)
        ).fetchone()
        return Decimal(str(value)).quantize(Decimal("0.001"))

    def _apply(self, invoice_id: int, next_id: int, next_type: str, amount: Decimal, stamp: str) -> None:
        self.db.execute(
            "INSERT INTO nexttransactionlinelink VALUES (?, 0, 'CustInvc', ?, 1, ?, ?, ?, ?)",
            (invoice_id, next_id, next_type, "Payment" if next_type == "CustPymt" else "Credit Memo", cents(amount), stamp),
        )  # fmt: skip
        self.db.execute(
            'UPDATE "transaction" SET foreignamountpaid = round(foreignamountpaid + ?, 3),'
            " foreignamountunpaid = round(foreignamountunpaid - ?, 3),"
            " status = CASE WHEN round(foreignamountunpaid - ?, 3) <= 0 THEN 'B' ELSE 'A' END WHERE id = ?",
            (cents(amount), cents(amount), cents(amount), invoice_id),
        )  # the invoice's lastmodifieddate does not move (see the module docstring)

    def unapply(self, doc_id: int, invoice_id: int, stamp: str) -> None:
        """Undo the application of payment or credit memo ``doc_id`` to an invoice."""
        link = "FROM nexttransactionlinelink WHERE nextdoc = ? AND previousdoc = ?"
        for (amount,) in self.db.execute(f"SELECT foreignamount {link}", (doc_id, invoice_id)).fetchall():
            self.db.execute(
                'UPDATE "transaction" SET foreignamountpaid = round(foreignamountpaid - ?, 3),'
                " foreignamountunpaid = round(foreignamountunpaid + ?, 3), status = 'A' WHERE id = ?",
                (amount, amount, invoice_id),
            )
            unused = (
                "foreignpaymentamountunused" if self._type(doc_id) == "CustPymt" else "foreignamountunpaid"
            )
            sign = 1 if unused == "foreignpaymentamountunused" else -1  # a credit memo's figures are negative
            self.db.execute(
                f'UPDATE "transaction" SET {unused} = round({unused} + ?, 3),'
                " status = CASE WHEN type = 'CustCred' THEN 'A' ELSE status END, lastmodifieddate = ? WHERE id = ?",
                (sign * amount, stamp, doc_id),
            )
        self.db.execute(f"DELETE {link}", (doc_id, invoice_id))

    def _type(self, transaction_id: int) -> str:
        row = self.db.execute('SELECT type FROM "transaction" WHERE id = ?', (transaction_id,)).fetchone()
        return str(row[0]) if row else ""

    def pay(
        self,
        parts: list[tuple[int, Decimal]],
        day: date,
        rng: random.Random,
        *,
        extra: Decimal = Decimal(0),
        stamp: str | None = None,
    ) -> int:
        first = parts[0][0]
        entity, currency = self.db.execute(
            'SELECT entity, currency FROM "transaction" WHERE id = ?', (first,)
        ).fetchone()
        payment_id, stamp = self.new_id(), stamp or self.moment(rng, day)
        total = sum((a for _, a in parts), Decimal(0)) + extra
        self.db.execute(
            "INSERT INTO \"transaction\" VALUES (?, ?, 'CustPymt', 'C', ?, ?, 1, ?, NULL, NULL, ?, ?, NULL, 'F', 'T', ?, NULL, ?, ?)",
            (payment_id, f"PYMT{payment_id}", entity, currency, cents(total), cents(extra), day.isoformat(), "Virement", stamp, stamp),
        )  # fmt: skip
        for invoice_id, amount in parts:
            self._apply(invoice_id, payment_id, "CustPymt", amount, stamp)
        return payment_id

    def credit(
        self,
        invoice_id: int,
        amount: Decimal,
        day: date,
        rng: random.Random,
        *,
        applied: bool = True,
        stamp: str | None = None,
    ) -> int:
        entity, currency = self.db.execute(
            'SELECT entity, currency FROM "transaction" WHERE id = ?', (invoice_id,)
        ).fetchone()
        credit_id, stamp = self.new_id(), stamp or self.moment(rng, day)
        applied_amount = min(amount, self.unpaid(invoice_id)) if applied else Decimal(0)
        left = amount - applied_amount
        self.db.execute(
            "INSERT INTO \"transaction\" VALUES (?, ?, 'CustCred', ?, ?, ?, 1, ?, NULL, ?, NULL, ?, NULL, 'F', 'T', NULL, NULL, ?, ?)",
            (credit_id, f"CM{credit_id}", "B" if left <= 0 else "A", entity, currency, -cents(amount), -cents(left), day.isoformat(), stamp, stamp),
        )  # fmt: skip
        if applied_amount > 0:
            self._apply(invoice_id, credit_id, "CustCred", applied_amount, stamp)
        return credit_id

"""Synthetic invoices with known truth (fpdf2), seeded and reproducible.

    from synthetic import generate
    for doc in generate(count=2000, seed=14):
        doc.pdf, doc.truth, doc.layout  # bytes, an ``invoice-truth/1`` dict, a short layout key

What varies is what real invoices vary: the language of the labels (fr, en, de, es, it, nl);
where a label stands (left of its value, above it, as a table header); date formats
(15/03/2026, 15.03.2026, March 15, 2026, 15 mars 2026, ISO); amount formats (1 234,56,
1.234,56, 1,234.56, 1'234.56, currency before or after, symbol or code); other numbers near
the title (order, customer, delivery, contract and line numbers); the parties in two columns,
stacked, or as a letter with a window address; the due date as a date, as payment terms
("30 jours fin de mois", "Zahlbar innerhalb 14 Tagen", "Net 45") or absent; credit notes,
prepayments, two VAT rates, invoices without VAT and the legal mention saying why ("TVA non
applicable, art. 293 B du CGI"), buyer VAT numbers, "paid" stamps.

The truth follows ``../shared/corpus/README.md`` (``pdf_check`` true for what is printed), so
``bench/extraction.py`` scores these documents like the corpus. Each document draws its choices
from ``random.Random(seed * 100_003 + index)``: the same seed gives the same documents.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from synthetic_parties import buyer_lines, letter_body, party_variations, seller_top
from synthetic_words import (
    CURRENCIES,
    EXEMPTIONS,
    LANGS,
    LEGAL_FORMS,
    LINKED_INVOICE,
    MONTHS,
    NAME_PARTS,
    NUMBER_WORDS,
    PEOPLE,
    PLACES,
    QUOTE,
    TAX_RATES,
    TERMS,
    UNLISTED_TITLES,
    WORDS,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CENT = Decimal("0.01")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


@dataclass
class Party:
    name: str
    street: str
    postcode: str
    city: str
    country: str  # ISO code
    country_name: str
    vat: str | None = None
    siren: str | None = None

    def lines(self, *, country: bool) -> list[str]:
        place = f"{self.city} {self.postcode}" if self.country == "GB" else f"{self.postcode} {self.city}"
        return [self.name, self.street, place] + ([self.country_name] if country else [])


@dataclass
class Spec:
    """Every choice of one document; ``truth()`` and ``render()`` read it."""

    lang: str
    kind: str
    number: str
    issue: date
    due: date | None
    due_how: str  # label | terms | none
    terms: str | None
    currency: str
    lines: list[tuple[str, int, Decimal]]  # description, quantity, unit price
    rates: list[str]  # printed rates, e.g. "20" or "5,5"
    seller: Party
    buyer: Party
    prepaid: Decimal
    credited: str | None
    date_style: str
    amount_style: str
    currency_style: str
    layout: dict[str, str] = field(default_factory=dict)
    distractors: list[tuple[str, str]] = field(default_factory=list)
    lead: list[tuple[str, str]] = field(default_factory=list)  # meta items printed first
    words: dict[str, str] = field(default_factory=dict)  # the label variant drawn for each role

    # --- amounts -------------------------------------------------------------------------
    def excl_by_rate(self) -> list[tuple[str, Decimal]]:
        out: dict[str, Decimal] = {}
        for i, (_, qty, unit) in enumerate(self.lines):
            rate = self.rates[i % len(self.rates)]
            out[rate] = out.get(rate, Decimal(0)) + qty * unit
        return list(out.items())

    def taxes(self) -> list[tuple[str, Decimal]]:
        return [
            (rate, (base * Decimal(rate.replace(",", ".")) / 100).quantize(CENT, ROUND_HALF_UP))
            for rate, base in self.excl_by_rate()
        ]

    @property
    def excl(self) -> Decimal:
        return sum((b for _, b in self.excl_by_rate()), Decimal(0)).quantize(CENT)

    @property
    def tax(self) -> Decimal:
        return sum((t for _, t in self.taxes()), Decimal(0)).quantize(CENT)

    @property
    def incl(self) -> Decimal:
        return self.excl + self.tax

    def truth(self) -> dict:
        printed = {
            "invoice_number": True,
            "issue_date": True,
            "due_date": self.due is not None,
            "currency": True,
            "total_excl_tax": True,
            "tax_amount": True,
            "total_incl_tax": True,
            "amount_due": True,
            "seller_name": True,
            "seller_vat": self.seller.vat is not None,
            "buyer_name": True,
            "buyer_vat": self.buyer.vat is not None,
            "buyer_address": True,
            "referenced_invoice_number": self.credited is not None,
        }
        return {
            "schema": "invoice-truth/1",
            "language": self.lang,
            "doc_type": self.kind,
            "invoice_number": self.number,
            "issue_date": self.issue.isoformat(),
            "due_date": self.due.isoformat() if self.due else None,
            "currency": self.currency,
            "total_excl_tax": str(self.excl),
            "tax_amount": str(self.tax),
            "total_incl_tax": str(self.incl),
            "amount_due": str(self.incl - self.prepaid),
            "seller_name": self.seller.name,
            "seller_vat": self.seller.vat,
            "buyer_name": self.buyer.name,
            "buyer_vat": self.buyer.vat,
            "buyer_address": {"postcode": self.buyer.postcode, "city": self.buyer.city},
            "buyer_address_text": f"{self.buyer.street}, {self.buyer.postcode} {self.buyer.city}",
            "referenced_invoice_number": self.credited,
            "pdf_check": printed,
            "layout": self.layout,
        }

    # --- formats ---------------------------------------------------------------------------
    def fmt_date(self, d: date) -> str:
        style = self.date_style
        if style == "slash":
            return d.strftime("%d/%m/%Y")
        if style == "dot":
            return d.strftime("%d.%m.%Y")
        if style == "dash":
            return d.strftime("%d-%m-%Y")
        if style == "iso":
            return d.isoformat()
        month = MONTHS[self.lang][d.month - 1]
        if style == "d_mon_yy":  # "28 Jan 26"
            return f"{d.day} {month[:3]} {d.year % 100:02d}"
        if self.lang == "en":
            return f"{month} {d.day}, {d.year}" if style == "written" else f"{d.day} {month} {d.year}"
        if self.lang == "de":
            return f"{d.day}. {month} {d.year}"
        if self.lang == "es":
            return f"{d.day} de {month} de {d.year}"
        return f"{d.day} {month} {d.year}"

    def fmt_amount(self, value: Decimal, *, currency: bool = True, negative: bool = False) -> str:
        whole, cents = f"{abs(value):.2f}".split(".")
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        thousands, dec = {
            "space_comma": ("\u202f", ","),
            "nbsp_comma": (" ", ","),
            "dot_comma": (".", ","),
            "comma_dot": (",", "."),
            "apos_dot": ("'", "."),
            "plain_comma": ("", ","),
        }[self.amount_style]
        text = thousands.join(groups) + dec + cents
        if negative:
            text = "-" + text
        if not currency or self.currency_style == "none":
            return text
        symbol = SYMBOLS[self.currency] if self.currency_style.startswith("symbol") else self.currency
        return f"{symbol}{text}" if self.currency_style == "symbol_before" else f"{text} {symbol}"


# --- drawing the page -------------------------------------------------------------------------
class Page:
    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.pdf.add_font("Sans", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.pdf.add_font("Sans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.pdf.add_page()

    def put(
        self, x: float, y: float, text: str, size: float = 9, bold: bool = False, right: bool = False
    ) -> float:
        """Write ``text`` with its baseline at ``y`` (left edge at x, or right edge when ``right``)."""
        if self.unicode:
            self.pdf.set_font("Sans", "B" if bold else "", size)
        else:
            self.pdf.set_font("Helvetica", "B" if bold else "", size)
            text = (
                text.replace("€", "EUR").replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")
            )
        width = self.pdf.get_string_width(text)
        self.pdf.text(x - width if right else x, y, text)
        return width

    def label_width(self, text: str) -> float:
        self.pdf.set_font("Sans" if self.unicode else "Helvetica", "B", 9)
        return self.pdf.get_string_width(
            text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")
        )

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render(spec: Spec, rnd: random.Random) -> bytes:
    page = Page()
    w = spec.words
    style = spec.layout
    y = _header(page, spec, rnd)
    y = _meta(page, spec, rnd, y)
    y = _parties(page, spec, rnd, y)
    y = _items(page, spec, rnd, y + 24)
    y = _totals(page, spec, rnd, y + 16)
    exemption = style.get("exemption")
    if exemption and style["exempt_where"] == "below_totals":
        page.put(40, y + 8, exemption, 8)
        y += 16
    foot = max(y + 30, 690)
    if exemption and style["exempt_where"] == "footer":
        page.put(40, foot, exemption, 8)
        foot += 14
    if spec.due_how == "terms" and spec.terms:
        page.put(40, foot, spec.terms, 9)
        foot += 14
    if style["paid"] == "yes":
        stamp = rnd.choice(WORDS[spec.lang]["paid"]).format(date=spec.fmt_date(spec.issue))
        page.put(rnd.choice([60, 300]), foot + 6, stamp, 16, bold=True)
        foot += 26
    page.put(40, foot + 10, rnd.choice(WORDS[spec.lang]["thanks"]), 8)
    iban = "".join(rnd.choice("0123456789") for _ in range(20))
    page.put(
        40, 790, f"{w['bank']} {spec.seller.country}76 {iban[:4]} {iban[4:8]} {iban[8:12]} {iban[12:16]}", 7
    )
    legal = [spec.seller.name]
    if spec.seller.siren:
        legal.append(f"SIREN {spec.seller.siren[:3]} {spec.seller.siren[3:6]} {spec.seller.siren[6:]}")
    page.put(40, 802, " - ".join(legal), 7)
    page.put(555, 815, w["page"].format(n=1, m=1), 7, right=True)
    return page.output()


def _party_block(
    page: Page, spec: Spec, party: Party, x: float, y: float, *, buyer: bool, rnd: random.Random
) -> float:
    lines = party.lines(country=party.country != spec.seller.country or rnd.random() < 0.3)
    lines = buyer_lines(spec, lines) if buyer else lines
    if buyer and spec.layout["attn"] == "before":
        page.put(x, y, WORDS[spec.lang]["attn"][0].format(person=rnd.choice(PEOPLE)), 9)
        y += 12
    page.put(x, y, lines[0], 10, bold=True)
    y += 12.5
    if buyer and spec.layout["attn"] == "after":
        page.put(x, y, rnd.choice(WORDS[spec.lang]["attn"]).format(person=rnd.choice(PEOPLE)), 9)
        y += 12
    for line in lines[1:]:
        page.put(x, y, line, 9)
        y += 12
    if party.vat and ((buyer and spec.layout["buyer_vat"] == "block") or not buyer):
        label = spec.words["vat"]  # inside a party's block, the plain VAT label
        page.put(x, y, f"{label} : {party.vat}" if spec.lang == "fr" else f"{label}: {party.vat}", 8)
        y += 11
    return y


def _header(page: Page, spec: Spec, rnd: random.Random) -> float:
    s, w = spec.seller, spec.words
    title = w["credit_title"] if spec.kind == "credit_note" else w["title"]
    if spec.layout["title_number"] == "yes":
        title = f"{title} {spec.number}" if rnd.random() < 0.5 else f"{title} N° {spec.number}"
    if spec.layout.get("title_block", "no") != "no":
        return _title_block(page, spec, rnd)
    head = spec.layout["header"]
    if head == "letter":  # letterhead on the right, window address on the left
        seller_top(page, spec, 340)
        y = _party_block(page, spec, s, 340, 50, buyer=False, rnd=rnd)
        page.put(
            340,
            y,
            f"{w['phone']} +{rnd.randint(30, 49)} {rnd.randint(100, 999)} {rnd.randint(100000, 999999)}",
            8,
        )
        ret = f"{s.name} · {s.street} · {s.postcode} {s.city}"
        if spec.layout.get("return_line", "yes") == "yes":
            page.put(50, 150, ret, 6.5)
        yb = _party_block(page, spec, spec.buyer, 50, 166, buyer=True, rnd=rnd)
        page.put(40, max(yb, y) + 34, title, 18, bold=True)
        return letter_body(page, spec, max(yb, y) + 52)
    if head == "two_columns":  # name as a logo, title on the right, then From / Bill to side by side
        page.put(40, 60, s.name, 16, bold=True)
        page.put(555, 60, title, 18, bold=True, right=True)
        return 100
    left = head == "seller_left"
    seller_top(page, spec, 40 if left else 340)
    y = _party_block(page, spec, s, 40 if left else 340, 50, buyer=False, rnd=rnd)
    page.put(
        40 if left else 340,
        y,
        f"{w['phone']} 0{rnd.randint(1, 9)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}",
        8,
    )
    page.put(
        555 if left else 40,
        62,
        title,
        14 if spec.layout["title_number"] == "yes" else 20,
        bold=True,
        right=left,
    )
    return y + 24


def _title_block(page: Page, spec: Spec, rnd: random.Random) -> float:
    """The seller's block on the left, on the right a big title with the number in its size and
    no label: under it (an invoice, the title maybe in a language the extraction's vocabularies
    lack) or beside it after a number word and a colon (a credit note: "AVOIR N° : AV-12")."""
    s, w = spec.seller, spec.words
    y = _party_block(page, spec, s, 40, 50, buyer=False, rnd=rnd)
    if spec.layout["title_block"] == "beside":
        label = f"{w['credit_title']} {NUMBER_WORDS[spec.lang]} :"
        width = page.put(300, 62, label, 14, bold=True)
        page.put(300 + width + 10, 62, spec.number, 14, bold=True)
    else:
        title = spec.layout.get("title_word") or w["title"]
        page.put(555, 62, title, 20, bold=True, right=True)
        page.put(555, 88, spec.number, 20, bold=True, right=True)
    return max(y, 100) + 24


def _meta_items(spec: Spec) -> list[tuple[str, str]]:
    w = spec.words
    items: list[tuple[str, str]] = list(spec.lead)
    if spec.layout["title_number"] != "yes" and spec.layout.get("title_block", "no") == "no":
        items.append((w["number"], spec.number))
    items.append((w["issue"], spec.fmt_date(spec.issue)))
    if spec.due_how == "label" and spec.due:
        items.append((w["due"], spec.fmt_date(spec.due)))
    items += spec.distractors
    if spec.buyer.vat and spec.layout["buyer_vat"] == "meta":
        items.append((w["buyer_vat"], spec.buyer.vat))
    if spec.credited:
        items.append((w["credited"], spec.credited))
    return items


def _meta(page: Page, spec: Spec, rnd: random.Random, y: float) -> float:
    items = _meta_items(spec)
    if spec.layout["meta_order"] == "shuffled":
        rnd.shuffle(items)
    how = spec.layout["meta"]
    colon = spec.layout["colon"]
    if how == "header":  # labels in a header row, values in the row below; four to a row
        for row in range(0, len(items), 4):
            for i, (label, value) in enumerate(items[row : row + 4]):
                page.put(40 + i * 128, y + 10, label, 7.5, bold=True)
                page.put(40 + i * 128, y + 24, value, 9)
            y += 34
        return y + 6
    x = 340 if spec.layout["header"] in ("seller_left", "two_columns") else 40
    gap = max(page.label_width(f"{label}{colon}") for label, _ in items) + 14
    for label, value in items:
        if how == "inline":
            page.put(x, y + 10, f"{label}{colon} {value}", 9)
        else:  # a label column and a value column
            page.put(x, y + 10, f"{label}{colon}".strip(), 9, bold=True)
            page.put(x + gap, y + 10, value, 9)
        y += 13
    return y + 14


def _parties(page: Page, spec: Spec, rnd: random.Random, y: float) -> float:
    head, w = spec.layout["header"], spec.words
    if head == "letter":
        return y
    how = spec.layout["buyer_label"]
    if head == "two_columns":
        page.put(40, y + 10, w["seller"], 8, bold=True)
        ys = _party_block(page, spec, spec.seller, 40, y + 24, buyer=False, rnd=rnd)
        x = 320
        if how == "none":
            how = "above"
    else:
        ys = y
        x = 340 if head == "seller_left" and how == "none" else 40
        if how == "none" and x == 40:
            how = "above"
    if how == "above":
        page.put(x, y + 10, w["buyer"] + (":" if rnd.random() < 0.5 else ""), 8, bold=True)
        yb = _party_block(page, spec, spec.buyer, x, y + 24, buyer=True, rnd=rnd)
    elif how == "same_line":
        label = f"{w['buyer']} : " if spec.lang == "fr" else f"{w['buyer']}: "
        width = page.put(x, y + 10, label, 9, bold=True)
        page.put(x + width + 4, y + 10, spec.buyer.name, 10, bold=True)
        yb = y + 22
        for line in spec.buyer.lines(country=spec.buyer.country != spec.seller.country)[1:]:
            page.put(x + width + 4, yb, line, 9)
            yb += 12
        if spec.buyer.vat and spec.layout["buyer_vat"] == "block":
            page.put(x + width + 4, yb, f"{w['buyer_vat']}: {spec.buyer.vat}", 8)
            yb += 11
    else:
        yb = _party_block(page, spec, spec.buyer, x, y + 10, buyer=True, rnd=rnd)
    return max(ys, yb)


def _items(page: Page, spec: Spec, rnd: random.Random, y: float) -> float:
    w = WORDS[spec.lang]
    pos_label = rnd.choice(w["pos"])
    desc, qty, unit, amount = w["items"]
    cols = (40, 80, 360, 440, 555)
    page.put(cols[0], y, pos_label, 8, bold=True)
    if spec.layout.get("line_dates") != "yes":
        page.put(cols[1], y, desc, 8, bold=True)
    page.put(cols[2], y, qty, 8, bold=True)
    page.put(cols[3], y, unit, 8, bold=True)
    if spec.currency_style == "none":  # the currency is then named once, in the header
        amount = f"{amount} ({spec.currency})"
    page.put(cols[4], y, amount, 8, bold=True, right=True)
    dated = spec.layout.get("line_dates") == "yes"  # a date column: the day each line was served
    if dated:
        page.put(cols[1], y, WORDS[spec.lang]["issue"][0], 8, bold=True)
        page.put(cols[1] + 80, y, desc, 8, bold=True)
    step = rnd.choice([1, 10])
    for i, (text, q, price) in enumerate(spec.lines, start=1):
        y += 14
        page.put(cols[0], y, str(i * step), 9)
        if dated:
            page.put(cols[1], y, spec.fmt_date(spec.issue - timedelta(days=3 * (len(spec.lines) - i) + 2)), 9)
        page.put(cols[1] + (80 if dated else 0), y, text, 9)
        page.put(cols[2], y, str(q), 9)
        page.put(cols[3], y, spec.fmt_amount(price, currency=False), 9)
        page.put(cols[4], y, spec.fmt_amount(q * price, currency=False), 9, right=True)
    return y


def _totals(page: Page, spec: Spec, rnd: random.Random, y: float) -> float:
    w, neg = spec.words, spec.kind == "credit_note" and spec.layout["negative"] == "yes"
    rows = [(w["excl"], spec.excl)]
    for rate, tax in spec.taxes():
        if spec.layout.get("exempt_tax_row") != "absent":
            rows.append((w["tax"].format(rate=rate), tax))
    rows.append((w["incl"], spec.incl))
    if spec.prepaid:
        rows += [(w["prepaid"], spec.prepaid), (w["due_amount"], spec.incl - spec.prepaid)]
    elif spec.layout["due_row"] == "yes":
        rows.append((w["due_amount"], spec.incl))
    if spec.layout["totals"] == "header" and len(rows) <= 5:
        width = 515 / len(rows)
        for i, (label, value) in enumerate(rows):
            page.put(40 + i * width, y, label, 7.5, bold=True)
            page.put(40 + i * width, y + 14, spec.fmt_amount(value, negative=neg), 9)
        return y + 20
    for label, value in rows:
        bold = label in (w["incl"], w["due_amount"])
        shown = spec.fmt_amount(value, negative=neg and label != w["prepaid"])
        width = page.put(555, y, shown, 9, bold=bold, right=True)
        # a long label starts further left rather than running into its value, as on a real page
        page.put(min(340, 555 - width - page.label_width(label) - 12), y, label, 9, bold=bold)
        y += 14
    return y


# --- drawing the choices ----------------------------------------------------------------------
def _vat(rnd: random.Random, country: str) -> str:
    from stdnum.eu import vat as eu_vat
    from stdnum.gb import vat as gb_vat

    for _ in range(2000):
        if country == "FR":
            siren = _siren(rnd)
            key = (12 + 3 * (int(siren) % 97)) % 97
            return f"FR{key:02d}{siren}"
        if country == "GB":
            body = f"{rnd.randint(100000000, 999999999)}"
            candidate = "GB" + body
        elif country == "NL":
            candidate = f"NL{rnd.randint(100000000, 999999999)}B{rnd.randint(1, 99):02d}"
        elif country == "ES":
            candidate = f"ES{rnd.choice('ABG')}{rnd.randint(10000000, 99999999)}"
        else:
            digits = {"DE": 9, "IT": 11}[country]
            candidate = country + "".join(rnd.choice("0123456789") for _ in range(digits))
        if eu_vat.is_valid(candidate) or (country == "GB" and gb_vat.is_valid(candidate)):
            return candidate
    raise RuntimeError("no valid VAT number drawn")


def _siren(rnd: random.Random) -> str:
    from stdnum import luhn

    body = "".join(rnd.choice("0123456789") for _ in range(8))
    body = str(rnd.randint(1, 9)) + body[1:]
    return body + luhn.calc_check_digit(body)


def _party(rnd: random.Random, lang: str, *, vat: bool) -> Party:
    streets, postcode_style, cities, country, country_name = PLACES[lang]
    name = f"{rnd.choice(NAME_PARTS)} {rnd.choice(LEGAL_FORMS[lang])}"
    if postcode_style == "uk":
        postcode = f"{rnd.choice(['SW', 'EC', 'M', 'LS', 'BS'])}{rnd.randint(1, 19)} {rnd.randint(1, 9)}{rnd.choice('ABDEFGHJ')}{rnd.choice('LNPQRSTUW')}"
    elif postcode_style == "nl":
        postcode = f"{rnd.randint(1000, 9999)} {rnd.choice('ABCDEGHJKLMN')}{rnd.choice('PRSTVWXZ')}"
    else:
        postcode = f"{rnd.randint(1000, 98999):05d}"
    party = Party(
        name,
        rnd.choice(streets).format(n=rnd.randint(1, 180)),
        postcode,
        rnd.choice(cities),
        country,
        country_name,
    )
    if vat:
        party.vat = _vat(rnd, country)
        if country == "FR":
            party.siren = party.vat[4:]
    return party


def _number(rnd: random.Random, year: int) -> str:
    n = rnd.randint(1, 9999)
    return rnd.choice(
        [
            f"F-{year}-{n:04d}",
            f"{year}/{n:04d}",
            f"INV-{10000 + n}",
            f"RE{year}{n:05d}",
            f"FA{year % 100}-{n:03d}",
            f"{40000 + n}",
            f"{year}-{rnd.randint(1, 12):02d}-{n:04d}",
            f"N{n:06d}",
        ]
    )


def _distractors(rnd: random.Random, spec: Spec) -> list[tuple[str, str]]:
    w = WORDS[spec.lang]
    roles = rnd.sample(["order", "customer", "delivery", "contract"], rnd.choice([0, 1, 2, 2, 3]))
    forms = [
        lambda: f"{rnd.randint(1000, 99999)}",
        lambda: f"C-{rnd.randint(100, 9999):05d}",
        lambda: f"PO-{rnd.randint(1000, 9999)}",
        lambda: f"{spec.issue.year}-{rnd.randint(100, 999)}",
        lambda: f"{rnd.choice('ABKLS')}{rnd.randint(10000, 99999)}",
    ]
    return [(rnd.choice(w[role]), rnd.choice(forms)()) for role in roles]


def _due(rnd: random.Random, spec: Spec) -> None:
    how = rnd.choices(["label", "terms", "none"], [0.5, 0.38, 0.12])[0]
    spec.due_how = how
    if how == "label":
        spec.due = spec.issue + timedelta(days=rnd.choice([14, 15, 30, 45, 60]))
    elif how == "terms":
        template, days, eom = rnd.choice(TERMS[spec.lang])
        n = days if days is not None else rnd.choice([14, 30, 45, 60])
        spec.terms = template.format(n=n)
        due = spec.issue + timedelta(days=n)
        if eom:
            due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
        spec.due = due


ITEMS = [
    "Consulting",
    "Maintenance",
    "Licence",
    "Formation",
    "Support",
    "Hosting",
    "Design",
    "Audit",
    "Transport",
    "Installation",
    "Material",
    "Wartung",
    "Servicio",
    "Assistenza",
    "Onderhoud",
]


def draw(rnd: random.Random) -> Spec:
    lang = rnd.choice(LANGS)
    issue = date(2025, 1, 1) + timedelta(days=rnd.randint(0, 700))
    kind = "credit_note" if rnd.random() < 0.12 else "invoice"
    seller = _party(rnd, lang, vat=rnd.random() < 0.85)
    buyer_lang = lang if rnd.random() < 0.8 else rnd.choice(LANGS)
    buyer = _party(rnd, buyer_lang, vat=rnd.random() < 0.55)
    while buyer.name.split()[0] == seller.name.split()[0]:  # two parties, two names
        buyer = _party(rnd, buyer_lang, vat=buyer.vat is not None)
    currency = CURRENCIES[lang] if rnd.random() < 0.85 else rnd.choice(["EUR", "USD", "CHF", "GBP"])
    rates = TAX_RATES[lang][:1] if rnd.random() < 0.8 else TAX_RATES[lang][:2]
    lines = [
        (rnd.choice(ITEMS), rnd.randint(1, 20), Decimal(rnd.randint(500, 250000)) / 100)
        for _ in range(rnd.randint(1, 5))
    ]
    spec = Spec(
        lang=lang,
        kind=kind,
        number=_number(rnd, issue.year),
        issue=issue,
        due=None,
        due_how="none",
        terms=None,
        currency=currency,
        lines=lines,
        rates=rates,
        seller=seller,
        buyer=buyer,
        prepaid=Decimal(0),
        credited=None,
        date_style=rnd.choice(["slash", "dot", "dash", "written", "written", "iso", "d_month_y"]),
        amount_style=rnd.choice(
            ["space_comma", "nbsp_comma", "dot_comma", "comma_dot", "apos_dot", "plain_comma"]
        ),
        currency_style=rnd.choice(["symbol_after", "symbol_before", "code_after", "code_after", "none"]),
    )
    _due(rnd, spec)
    if kind == "credit_note" and rnd.random() < 0.7:
        spec.credited = _number(rnd, issue.year)
    if kind == "invoice" and rnd.random() < 0.15:
        spec.prepaid = (spec.incl * Decimal(rnd.choice(["0.3", "0.5"]))).quantize(CENT)
    spec.distractors = _distractors(rnd, spec)
    words = WORDS[lang]
    spec.words = {k: rnd.choice(v) for k, v in words.items() if isinstance(v, list)}
    if kind == "credit_note":
        spec.words["number"] = rnd.choice(words["credit_number"])
    spec.layout = {
        "header": rnd.choice(["seller_left", "seller_right", "letter", "two_columns"]),
        "meta": rnd.choice(["inline", "columns", "header"]),
        "meta_order": rnd.choice(["fixed", "shuffled"]),
        "colon": rnd.choice([":", " :", ""]) if lang == "fr" else rnd.choice([":", ""]),
        "title_number": "yes" if rnd.random() < 0.12 else "no",
        "buyer_label": rnd.choice(["above", "same_line", "none"]),
        "buyer_vat": rnd.choice(["block", "meta"]),
        "attn": rnd.choices(["no", "before", "after"], [0.7, 0.15, 0.15])[0],
        "totals": rnd.choice(["rows", "rows", "header"]),
        "due_row": rnd.choice(["yes", "no"]),
        "paid": "yes" if rnd.random() < 0.08 else "no",
        "negative": rnd.choice(["yes", "no"]),
    }
    if spec.layout["colon"] == "" and spec.layout["meta"] == "inline":
        spec.layout["colon"] = ":"
    return spec


def _variations(spec: Spec, rnd: random.Random) -> None:
    """Variations added after the first generator, from a stream of their own (the documents
    keep every earlier choice): a date column in the item table (the days the lines were
    served, before the issue date) and English dates as "28 Jan 26"."""
    spec.layout["line_dates"] = "yes" if rnd.random() < 0.25 else "no"
    if spec.lang == "en" and spec.date_style in ("written", "d_month_y") and rnd.random() < 0.4:
        spec.date_style = "d_mon_yy"
    _number_variations(spec, rnd)


def _exempt_variations(spec: Spec, rnd: random.Random) -> None:
    """An invoice without VAT (about one in eight): the tax rate 0, printed as a zero tax row
    or not at all, and the legal mention that says why (with its article numbers) below the
    totals or in the footer."""
    draw_exempt, mention = rnd.random(), rnd.choice(EXEMPTIONS[spec.lang])
    row, where = rnd.choice(["zero", "absent", "absent"]), rnd.choice(["below_totals", "footer"])
    if draw_exempt >= 0.12:
        return
    spec.rates = ["0"]
    if spec.prepaid:
        spec.prepaid = (spec.incl * Decimal("0.5")).quantize(CENT)
    spec.layout.update(exemption=mention, exempt_tax_row=row, exempt_where=where)


def _number_variations(spec: Spec, rnd: random.Random) -> None:
    """The number among other numbers, and credit notes read from their words: the number in a
    big title block without a label (under an invoice title, maybe in a language the
    vocabularies lack; beside "AVOIR N° :" on a credit note); the number labelled by a bare
    number word ("Nr.") under a quote's number ("Angebot Nr."); the credited invoice named by
    words the vocabularies do not hold as a label ("Facture concernée", "Zugehörige Rechnung")."""
    draw_block, draw_bare, draw_linked = rnd.random(), rnd.random(), rnd.random()
    unlisted = rnd.choice(UNLISTED_TITLES) if rnd.random() < 0.5 else ""
    quote = (rnd.choice(QUOTE[spec.lang]), f"{spec.issue.year % 100}-{rnd.randint(100, 999)}")
    linked = rnd.choice(LINKED_INVOICE[spec.lang])
    spec.layout["title_block"] = "no"
    if (
        spec.layout["title_number"] == "no"
        and spec.layout["header"] in ("seller_left", "seller_right")
        and draw_block < 0.2
    ):
        spec.layout["title_block"] = "beside" if spec.kind == "credit_note" else "under"
        if spec.kind == "invoice" and unlisted:
            spec.layout["title_word"] = unlisted
    elif spec.layout["title_number"] == "no" and draw_bare < 0.15:
        spec.words["number"] = NUMBER_WORDS[spec.lang]
        spec.lead = [quote]
        spec.layout["number_label"] = "bare"
    if spec.credited and draw_linked < 0.5:
        spec.words["credited"] = linked


@dataclass(frozen=True)
class SyntheticDoc:
    name: str
    pdf: bytes
    truth: dict
    layout: str


def generate(count: int, seed: int = 14, start: int = 0) -> Iterator[SyntheticDoc]:
    """``count`` documents, the same for the same seed (index ``start`` onwards)."""
    for index in range(start, start + count):
        rnd = random.Random(seed * 100_003 + index)
        spec = draw(rnd)
        _variations(spec, random.Random(f"{seed}-{index}-variations"))
        party_variations(spec, random.Random(f"{seed}-{index}-parties"))
        _exempt_variations(spec, random.Random(f"{seed}-{index}-exempt"))
        pdf = render(spec, rnd)
        key = f"{spec.lang}/{spec.layout['header']}/{spec.layout['meta']}"
        yield SyntheticDoc(f"synthetic-{seed}-{index:05d}", pdf, spec.truth(), key)

"""Party layouts of the synthetic generator (``bench/synthetic.py``), drawn from a stream of
their own so that every earlier choice of a document stays:

- letters without a return line over the window: the recipient's address block alone, no label;
- a person as the letter's recipient, under a form of address on its own line ("Herrn" over
  "Max Mustermann"; the name is both lines, as the corpus' truths write it);
- a paragraph under a letter's title: a salutation, the period served (two dates) and the site
  served (an address of its own, with a postcode), which is neither party's block;
- a sole trader selling (a person's name, no legal form) under a slogan printed above the
  letterhead, or under a brand in a bigger font when the seller's block holds its VAT id (the
  seller is the block over its identifiers, not the first line of the page).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from synthetic_words import PLACES

if TYPE_CHECKING:
    from synthetic import Page, Spec

FORMS_OF_ADDRESS = {
    "fr": ["Monsieur", "Madame"],
    "en": ["Mr", "Mrs"],
    "de": ["Herrn", "Frau"],
    "es": ["Sr.", "Sra."],
    "it": ["Sig.", "Sig.ra"],
    "nl": ["Dhr.", "Mevr."],
}
RECIPIENTS = ["Max Mustermann", "Erika Berger", "Paul Durand", "Laura Steel", "Marco Rossi", "Sanne de Vries"]
TRADERS = ["Claire Martin", "Jonas Weber", "Lucía Gómez", "Pieter Jansen", "Giulia Bianchi", "Tom Baker"]
BRANDS = ["Lumen Studio", "Blue Fern Design", "Atelier Nord", "Pixel & Paper"]
SLOGANS = {  # a sentence: a word, a full stop, a capital
    "fr": "Artisan depuis 1998 et travail soigné. Devis gratuit sur demande.",
    "en": "Crafted with care since 1998 and made to last. Free quotes on request.",
    "de": "Handwerk seit 1998 mit viel Sorgfalt. Kostenloses Angebot auf Anfrage.",
    "es": "Artesanos desde 1998 con trabajo cuidado. Presupuesto gratuito.",
    "it": "Artigiani dal 1998 con lavoro curato. Preventivo gratuito su richiesta.",
    "nl": "Vakmanschap sinds 1998 met veel zorg. Gratis offerte op aanvraag.",
}
LETTER = {
    "fr": (
        "Madame, Monsieur,",
        "nous vous facturons les prestations réalisées du {a} au {b} sur le site suivant :",
    ),
    "en": (
        "Dear Sir or Madam,",
        "we invoice the services carried out from {a} to {b} at the following site:",
    ),
    "de": (
        "Sehr geehrte Damen und Herren,",
        "wir berechnen Ihnen die Leistungen vom {a} bis zum {b} am folgenden Ort:",
    ),
    "es": (
        "Estimados señores:",
        "les facturamos los servicios realizados del {a} al {b} en el siguiente lugar:",
    ),
    "it": ("Gentili Signori,", "vi fatturiamo i servizi svolti dal {a} al {b} presso la seguente sede:"),
    "nl": (
        "Geachte heer, mevrouw,",
        "wij factureren de werkzaamheden van {a} tot {b} op de volgende locatie:",
    ),
}


@dataclass
class Addressed:
    """A person's name under its form of address, printed on two lines."""

    form: str
    person: str

    @property
    def name(self) -> str:
        return f"{self.form} {self.person}"


def party_variations(spec: Spec, rnd: random.Random) -> None:
    """Draw this module's variations into ``spec.layout`` and the parties' names."""
    letter = spec.layout["header"] == "letter"
    draws = [rnd.random() for _ in range(5)]
    spec.layout["return_line"] = "no" if letter and draws[0] < 0.4 else "yes"
    spec.layout["letter_body"] = "no"
    if letter and draws[1] < 0.5:
        streets, _, cities, _, _ = PLACES[spec.lang]
        end = spec.issue - timedelta(days=rnd.randint(1, 20))
        start = end - timedelta(days=rnd.randint(28, 90))
        site = f"{rnd.choice(streets).format(n=rnd.randint(1, 180))}, {rnd.randint(1000, 98999):05d} {rnd.choice(cities)}"
        spec.layout.update(
            letter_body="yes", period_start=start.isoformat(), period_end=end.isoformat(), site=site
        )
    if letter and draws[2] < 0.3 and spec.layout["attn"] == "no":
        form = rnd.choice(FORMS_OF_ADDRESS[spec.lang])
        spec.layout["buyer_form"] = form
        spec.buyer.name = Addressed(form, rnd.choice(RECIPIENTS)).name
    spec.layout["seller_top"] = "none"
    if spec.layout["header"] in ("seller_left", "seller_right", "letter") and draws[3] < 0.25:
        spec.seller.name = rnd.choice(TRADERS)
        brand = spec.seller.vat is not None and draws[4] < 0.5
        spec.layout["seller_top"] = rnd.choice(BRANDS) if brand else SLOGANS[spec.lang]


def buyer_lines(spec: Spec, lines: list[str]) -> list[str]:
    """The buyer's block lines: the form of address on a line of its own."""
    form = spec.layout.get("buyer_form")
    if not form or not lines or not lines[0].startswith(form + " "):
        return lines
    return [form, lines[0][len(form) + 1 :], *lines[1:]]


def seller_top(page: Page, spec: Spec, x: float) -> None:
    """A slogan (a sentence) or a brand in a bigger font above the letterhead's block."""
    top = spec.layout.get("seller_top", "none")
    if top == "none":
        return
    if top in BRANDS:
        page.put(x, 20, top, 13, bold=True)
    else:
        page.put(x, 36, top, 7)


def letter_body(page: Page, spec: Spec, y: float) -> float:
    """A salutation, the period served and the site served, under a letter's title."""
    if spec.layout.get("letter_body") != "yes":
        return y
    hello, period = LETTER[spec.lang]
    start, end = (date.fromisoformat(spec.layout[k]) for k in ("period_start", "period_end"))
    page.put(40, y, hello, 9)
    page.put(40, y + 13, period.format(a=spec.fmt_date(start), b=spec.fmt_date(end)), 9)
    page.put(40, y + 26, spec.layout["site"], 9)
    return y + 44

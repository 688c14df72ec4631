"""The vocabulary of the sandbox's made-up companies: countries, names, trades, addresses, and
identifiers with valid checksums (VAT numbers, SIREN), plus the JSON formats of dates and amounts.

Everything here is data or a pure function of a ``random.Random`` handed in by the caller, so the
generated records depend only on the seed.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

COUNTRIES = (  # code, weight, language, currency (mostly), legal forms
    ("FR", 55, "fr_FR", "EUR", ("SAS", "SARL", "SA", "EURL")),
    ("DE", 12, "de_DE", "EUR", ("GmbH", "AG", "KG")),
    ("GB", 10, "en_GB", "GBP", ("Ltd", "PLC", "LLP")),
    ("BE", 6, "fr_FR", "EUR", ("SRL", "SA", "BV")),
    ("ES", 5, "en_GB", "EUR", ("SL", "SA")),
    ("IT", 5, "en_GB", "EUR", ("Srl", "SpA")),
    ("NL", 4, "en_GB", "EUR", ("BV", "NV")),
    ("US", 3, "en_GB", "USD", ("Inc.", "LLC")),
)
COUNTRY_CODES = [c[0] for c in COUNTRIES]
COUNTRY_WEIGHTS = [c[1] for c in COUNTRIES]
FIRST_NAMES = {
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
LAST_NAMES = {
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
TRADES = {
    "FR": ("Boulangerie", "Transports", "Menuiserie", "Conseil", "Imprimerie", "Bâtiment", "Informatique"),
    "DE": ("Maschinenbau", "Logistik", "Elektrotechnik", "Bau", "Software", "Druckerei"),
    "GB": ("Engineering", "Logistics", "Consulting", "Builders", "Software", "Print"),
}
CITIES = {
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
STREETS = {
    "FR": ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "rue des Lilas"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"),
    "BE": ("rue Royale", "Meir", "avenue Louise"),
}
EMAIL_WORD = {"FR": "compta", "BE": "compta", "DE": "buchhaltung"}
TLD = {"GB": "co.uk", "US": "com"}
EUR_RATES = {
    "EUR": Decimal(1),
    "GBP": Decimal("1.17"),
    "USD": Decimal("0.92"),
    "CHF": Decimal("1.05"),
    "KWD": Decimal("2.98"),  # KWD and JPY: only invoices a test adds (add_invoice(currency=...))
    "JPY": Decimal("0.0061"),
}
CURRENCY_PLACES = {"JPY": 0, "KWD": 3}
VAT_RATE = {"FR": 20, "DE": 19, "GB": 20, "BE": 21, "ES": 21, "IT": 22, "NL": 21, "US": 0}
TERMS = (("30_days", 30), ("45_days", 45), ("15_days", 15), ("upon_receipt", 0), ("60_days", 60))


def pick_country(rng: random.Random) -> str:
    return rng.choices(COUNTRY_CODES, COUNTRY_WEIGHTS)[0]


def country_row(country: str) -> tuple[str, int, str, str, tuple[str, ...]]:
    """(code, weight, language, usual currency, legal forms) of ``country``."""
    return COUNTRIES[COUNTRY_CODES.index(country)]


def name_pool(country: str) -> str:
    """The country whose first and last names people of ``country`` get."""
    return country if country in FIRST_NAMES else ("FR" if country == "BE" else "GB")


def luhn_digit(digits: str) -> int:
    total = 0
    for pos, char in enumerate(reversed(digits)):
        value = int(char) * (2 if pos % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _vat_fr(rng: random.Random) -> tuple[str | None, str]:
    body = f"{rng.randrange(10**7, 10**8)}"
    siren = body + str(luhn_digit(body))
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}", siren


def _vat_de(rng: random.Random) -> tuple[str | None, str]:
    digits, product = f"{rng.randrange(10**7, 10**8)}", 10
    for char in digits:
        rest = (int(char) + product) % 10 or 10
        product = (2 * rest) % 11
    return f"DE{digits}{(11 - product) % 10}", f"HRB {rng.randrange(10000, 99999)}"


def _vat_gb(rng: random.Random) -> tuple[str | None, str]:
    digits = f"{rng.randrange(10**6, 10**7)}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    return f"GB{digits}{(97 - total % 97) % 97:02d}", f"{rng.randrange(10**7, 10**8)}"


def _vat_be(rng: random.Random) -> tuple[str | None, str]:
    number = rng.randrange(2 * 10**7, 10**8)
    return f"BE0{number}{97 - number % 97:02d}", f"0{number}{97 - number % 97:02d}"


def _vat_it(rng: random.Random) -> tuple[str | None, str]:
    body = f"{rng.randrange(10**9, 10**10)}"
    return f"IT{body}{luhn_digit(body)}", f"MI-{rng.randrange(100000, 999999)}"


def _vat_nl(rng: random.Random) -> tuple[str | None, str]:
    while True:
        body = f"{rng.randrange(10**7, 10**8)}"
        check = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return f"NL{body}{check}B01", f"{rng.randrange(10**7, 10**8)}"


def _vat_es(rng: random.Random) -> tuple[str | None, str]:
    return f"ESB{rng.randrange(10**7, 10**8)}", f"B{rng.randrange(10**7, 10**8)}"


def _no_vat(rng: random.Random) -> tuple[str | None, str]:
    return None, f"{rng.randrange(10**8, 10**9)}"


_VAT_SCHEMES: dict[str, Callable[[random.Random], tuple[str | None, str]]] = {
    "FR": _vat_fr,
    "DE": _vat_de,
    "GB": _vat_gb,
    "BE": _vat_be,
    "IT": _vat_it,
    "NL": _vat_nl,
    "ES": _vat_es,
}


def fake_vat(country: str, rng: random.Random) -> tuple[str | None, str]:
    """(VAT number with a valid checksum where the scheme is known, registration number)."""
    return _VAT_SCHEMES.get(country, _no_vat)(rng)


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:30] or "client"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def places(currency: str) -> int:
    """Decimals of a currency's amounts (EUR, GBP, USD 2; JPY 0; KWD 3): the sandbox keeps every
    amount as an integer count of these units."""
    return CURRENCY_PLACES.get(currency, 2)


def cents(value: int, currency: str = "EUR") -> str:
    """Units of ``currency`` (cents of EUR) as Pennylane's amount string."""
    digits = places(currency)
    sign, whole, part = "-" if value < 0 else "", abs(value) // 10**digits, abs(value) % 10**digits
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}.0"

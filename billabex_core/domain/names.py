"""Names and languages: the matching key of a company name, a contact's default name, and the
language inferred from a country (domain.md §2, §5, §6)."""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "snc",
        "scop",
        "selarl",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "ltd",
        "limited",
        "llc",
        "inc",
        "corp",
        "co",
        "plc",
        "bv",
        "nv",
        "srl",
        "spa",
        "sl",
        "slu",
        "ab",
        "oy",
        "as",
        "aps",
    ]
)


def normalise_name(name: str) -> str:
    """Case-, accent-, punctuation- and legal-form-insensitive key ("ACME S.A.S." → "acme")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # s.a.s → sas
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    kept = [w for w in words if w not in LEGAL_FORMS] or words
    return " ".join(kept)[:200]


def default_name(email: str) -> str:
    """The tip of domain.md §5: with no name, use the part of the e-mail before the @."""
    return email.split("@", 1)[0]


# Language inferred from a country when a contact's own is unknown (domain.md §6).
COUNTRY_LANGUAGES = {
    "FR": "fr",
    "BE": "fr",
    "LU": "fr",
    "MC": "fr",
    "CH": "fr",
    "DE": "de",
    "AT": "de",
    "LI": "de",
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "CO": "es",
    "CL": "es",
    "PE": "es",
    "IT": "it",
    "SM": "it",
    "NL": "nl",
    "SR": "nl",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "CA": "en",
    "AU": "en",
    "NZ": "en",
}


def suggested_language(country: str | None, fallback: str = "en") -> str:
    return COUNTRY_LANGUAGES.get((country or "").upper(), fallback)

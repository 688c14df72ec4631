"""A party of an e-invoice (seller or buyer) in the contract's formats, whatever the syntax:
name, VAT id, SIREN, one-line address and country. ``ubl`` and ``cii`` say where each is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from billabex_core.extraction.normalize import clean_vat, siren_from_vat

SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIREN
SIRET_SCHEME = "0009"
_VAT_SHAPE = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")


@dataclass(frozen=True)
class PartyIds:
    """What the XML gives: (value, scheme) of the tax registrations and of the legal ids."""

    name: str | None
    tax_ids: list[tuple[str, str | None]]  # scheme: "VA"/"VAT" for a VAT id, "FC" a tax number
    legal_ids: list[tuple[str, str | None]]  # scheme: 0002 SIREN, 0009 SIRET…
    address_lines: list[str | None]
    postcode: str | None
    city: str | None
    country: str | None

    def vat(self) -> str | None:
        """The VAT id: one labelled VAT first, else one that has the shape of a VAT id."""
        labelled = [v for v, s in self.tax_ids if (s or "VA").upper() in ("VA", "VAT")]
        for value in labelled:
            if value.strip():
                return clean_vat(value)
        for value, _ in self.tax_ids:
            if _VAT_SHAPE.fullmatch(clean_vat(value)):
                return clean_vat(value)
        return None

    def siren(self) -> str | None:
        """The legal registration id of scheme 0002 (digits); else a SIRET's first nine digits;
        else the SIREN inside a French VAT id."""
        for wanted, size in ((SIREN_SCHEME, 9), (SIRET_SCHEME, 14)):
            for value, scheme in self.legal_ids:
                digits = re.sub(r"\D", "", value)
                if scheme == wanted and len(digits) == size:
                    return digits[:9]
        return siren_from_vat(self.vat())

    def address(self) -> str | None:
        town = " ".join(p for p in (self.postcode, self.city) if p)
        parts = [p for p in [*self.address_lines, town] if p]
        return ", ".join(parts) or None

    def country_code(self) -> str | None:
        return self.country.upper() if self.country else None

"""Warm the extraction's caches once in a process that forks readers (the isolation forkserver).

A reader child forked from a cold process spends most of a small file's time building what every
file needs the same: the vocabularies' patterns, the CLDR's country and month names, the VAT
checksum modules, pdfium's library. ``warm_up`` builds them on a made-up page (no file is read),
so that every child starts with them (copy-on-write) instead of building them again.
"""

from __future__ import annotations

import logging

from billabex_core.extraction.assemble import assemble
from billabex_core.extraction.layout import layout_of_cells

_log = logging.getLogger(__name__)

# A made-up page with the usual fields: title and number, dates, parties, a VAT id, totals.
_PAGE: list[tuple[float, float, str]] = [
    (60, 40, "FACTURE N° F-2026-001"),
    (60, 60, "Date : 15/03/2026 Échéance : 14 avril 2026"),
    (60, 100, "ACME SARL"),
    (60, 112, "12 rue de la Paix"),
    (60, 124, "75002 Paris France"),
    (320, 100, "Facturé à : Client GmbH"),
    (320, 112, "Hauptstraße 5"),
    (320, 124, "10115 Berlin"),
    (320, 136, "TVA : FR40303265045 USt-IdNr.: DE123456789"),
    (60, 300, "Total HT 1 000,00 €"),
    (60, 312, "TVA 20 % 200,00 €"),
    (60, 324, "Total TTC 1 200,00 €"),
    (60, 340, "Payable sous 30 jours fin de mois. Net 45. Zahlbar innerhalb 14 Tagen."),
]


def warm_up() -> None:
    """Extract the made-up page once; never raises (a cold child still works, only slower)."""
    try:
        import pypdfium2  # noqa: F401 - the library every PDF child loads

        assemble(layout_of_cells(_PAGE), source="text", org=None)
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        _log.warning("extraction warm-up failed", exc_info=True)

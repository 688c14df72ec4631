"""Rules for what a billing tool reports only in part (domain.md §3–4, docs/sync.md).

- **Settled in the billing tool**: a synced invoice's remaining amount is the tool's truth, so
  what it says is settled is ``total - remaining``. The payments and credit applications it
  reports explain that part; whatever they leave unexplained (a bank transfer reconciled in the
  tool, payment rows not fetched) is recorded as *settled in <tool>*, so that for every synced
  invoice ``paid + credited = total - remaining`` (the settled figure counts as paid).
- **Converted remaining amounts** (Pennylane reports EUR for a non-EUR document) are exact to a
  cent or two only: when the document's own payments and credits put it within that, they give
  the exact figure, so the identity above holds to the cent.
- **Account currency**: a tool that gives its customers no currency (Pennylane) leaves the
  account's currency to its documents: the currency of most of its invoices; on a tie, that of
  its latest invoice; an account with no invoice goes by its credit notes the same way, and one
  with no document at all keeps the currency it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billabex_core.domain.amounts import minor_units

ZERO = Decimal("0.00")
SETTLED_PREFIX = "settled:"  # external id of the payment line "settled in <tool>" of an invoice
CONVERSION_SLACK = Decimal("0.02")  # what converting an amount to EUR and back may lose


def conversion_slack(currency: str | None) -> Decimal:
    """What a round trip through EUR may lose in ``currency``: 0.02, or two of its units when
    they are larger (JPY: 2 yen, since one EUR cent is more than a yen)."""
    if not currency:
        return CONVERSION_SLACK
    return max(CONVERSION_SLACK, 2 * Decimal(1).scaleb(-minor_units(currency)))


def settled_in_provider(
    *, total: Decimal, provider_remaining: Decimal, paid: Decimal, credited: Decimal
) -> Decimal:
    """The part of a synced invoice the tool says is settled that the payments and credits we
    hold from it (``paid``, ``credited``) do not explain; never negative."""
    return max(ZERO, total - provider_remaining - paid - credited)


def exact_converted_remaining(
    *, total: Decimal, converted: Decimal, explained: Decimal, currency: str | None = None
) -> Decimal:
    """A remaining amount the tool reported in another currency, converted back (approximate to
    a cent or two): when the payments and credits it reported (``explained``, exact, in the
    document's currency) put it within ``conversion_slack``, they give the exact figure."""
    exact = total - explained
    if explained > 0 and exact >= 0 and abs(exact - converted) <= conversion_slack(currency):
        return exact
    return converted


def is_provider_settlement(external_id: str | None) -> bool:
    """Whether a payment is the "settled in <tool>" line of a synced invoice (not a payment row)."""
    return bool(external_id) and str(external_id).startswith(SETTLED_PREFIX)


@dataclass(frozen=True)
class CurrencyUse:
    """How an account's documents of one kind use one currency."""

    count: int
    latest: date | None  # the latest issue date


def _most_used(uses: Mapping[str, CurrencyUse]) -> str | None:
    if not uses:
        return None
    return max(uses, key=lambda c: (uses[c].count, uses[c].latest or date.min, c))


def account_currency(
    *, invoices: Mapping[str, CurrencyUse], credit_notes: Mapping[str, CurrencyUse], current: str
) -> str:
    """The currency of an account whose billing tool gives none (see the module docstring)."""
    return _most_used(invoices) or _most_used(credit_notes) or current

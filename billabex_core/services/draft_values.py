"""A draft's values as the Review form holds them (strings), turned into what validation needs.

- ``clean_values``: only the editable fields (``domain.fields.EDITABLE_FIELDS``), trimmed.
- ``document_input``: the document's fields parsed into a ``DocumentInput`` (dates, amounts,
  the default due date); ``ValidationError`` names the field that does not parse.
- ``buyer_fields``: the customer's fields as ``create_account`` takes them;
  ``exact_account``: the existing account they name exactly (SIREN, VAT, then name), the one
  rule both the Review screen and validation use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from billabex_core.domain.fields import EDITABLE_FIELDS
from billabex_core.errors import ValidationError
from billabex_core.models import DocumentKind
from billabex_core.money import normalise_siren, normalise_vat
from billabex_core.services.accounts import AccountMatch, match_account
from billabex_core.services.documents import DocumentInput

AMOUNT_FIELDS = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due")
PREPAYMENT_LABEL = "Prepayment deducted on the document (amount due < total)"


def clean_values(values: dict[str, Any]) -> dict[str, str | None]:
    """Refuse unknown fields; trim the others (an empty string becomes None)."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}")
    return {k: (str(v).strip() or None) if v is not None else None for k, v in values.items()}


def document_input(values: dict[str, Any], *, default_terms_days: int) -> DocumentInput:
    """Turn the review form's strings into a ``DocumentInput`` (raises ``ValidationError``)."""
    kind = values.get("kind") or DocumentKind.INVOICE.value
    if kind not in (DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value):
        raise ValidationError(f"unknown kind {kind!r}", field="kind")
    issue = _parse_date(values.get("issue_date"), "issue_date")
    if issue is None:
        raise ValidationError("the issue date is required", field="issue_date")
    due = _parse_date(values.get("due_date"), "due_date") or issue + timedelta(days=default_terms_days)
    amounts = {name: _parse_amount(values.get(name), name) for name in AMOUNT_FIELDS}
    total = amounts["total_incl_tax"]
    if total is None:
        raise ValidationError("the total incl. tax is required", field="total_incl_tax")
    return DocumentInput(
        kind=DocumentKind(kind),
        number=values.get("number") or "",
        issue_date=issue,
        due_date=due,
        currency=values.get("currency") or "",
        total_excl_tax=amounts["total_excl_tax"],
        tax_amount=amounts["tax_amount"],
        total_incl_tax=total,
        amount_due=amounts["amount_due"],
        credited_invoice_number=values.get("credited_invoice_number"),
        prepayment_label=PREPAYMENT_LABEL,
    )


def buyer_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The account that the buyer fields describe, as keyword arguments of ``create_account``."""
    return {
        "name": values.get("buyer_name") or "",
        "address": values.get("buyer_address"),
        "country": values.get("buyer_country"),
        "currency": values.get("currency") or "EUR",
        "vat": values.get("buyer_vat"),
        "siren": values.get("buyer_siren"),
    }


def exact_account(*, session: Session, values: dict[str, Any]) -> AccountMatch | None:
    """The account the buyer fields name exactly: SIREN, then VAT number, then name (no fuzzy
    match: that one a person confirms). Identifiers are compared as they are stored
    (normalised); one that does not parse matches nothing, and the account check says why."""
    buyer = buyer_fields(values)
    siren, vat = _normalised(normalise_siren, buyer["siren"]), _normalised(normalise_vat, buyer["vat"])
    if not (buyer["name"] or siren or vat):
        return None
    return match_account(session=session, name=buyer["name"], siren=siren, vat=vat, fuzzy=False)


def _normalised(normalise: Callable[[str | None], str | None], value: str | None) -> str | None:
    try:
        return normalise(value)
    except ValidationError:
        return None


def _parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{name}: not a date (YYYY-MM-DD): {value!r}", field=name) from None


def _parse_amount(value: str | None, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError(f"{name}: not an amount: {value!r}", field=name) from None

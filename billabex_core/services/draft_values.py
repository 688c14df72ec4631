"""A draft's values as the Review form holds them (strings), turned into what validation needs.

- ``clean_values``: only the editable fields (``domain.fields.EDITABLE_FIELDS``), trimmed.
- ``document_input``: the document's fields parsed into a ``DocumentInput`` (dates, amounts,
  the default due date); ``ValidationError`` names the field that does not parse.
- ``buyer_fields``: the customer's fields as ``create_account`` takes them;
  ``exact_account``: the existing account they name exactly (SIREN, VAT, then name), the one
  rule both the Review screen and validation use.
- ``identifier_warnings`` / ``account_fields``: a SIREN or VAT number whose checksum fails is
  kept on the draft as printed, with a warning; it neither matches accounts nor is stored on
  one, and it never blocks validation (domain.md §2).
- ``seller_warning``: the seller on the document is not the organisation (Settings).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from billabex_core.domain.fields import EDITABLE_FIELDS
from billabex_core.domain.names import normalise_name
from billabex_core.errors import ValidationError
from billabex_core.messages import Template
from billabex_core.models import DocumentKind
from billabex_core.money import normalise_siren, normalise_vat, parse_amount
from billabex_core.services.accounts import AccountMatch, match_account
from billabex_core.services.documents import DocumentInput

AMOUNT_FIELDS = ("total_excl_tax", "tax_amount", "total_incl_tax", "amount_due")
PREPAYMENT_LABEL = "Prepayment deducted on the document (amount due < total)"


def clean_values(values: dict[str, Any]) -> dict[str, str | None]:
    """Refuse unknown fields; trim the others (an empty string becomes None)."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"unknown fields: {', '.join(sorted(unknown))}",
            code="fields.unknown",
            params={"fields": sorted(unknown)},
        )
    return {k: (str(v).strip() or None) if v is not None else None for k, v in values.items()}


def document_input(values: dict[str, Any], *, default_terms_days: int) -> DocumentInput:
    """Turn the review form's strings into a ``DocumentInput`` (raises ``ValidationError``)."""
    kind = values.get("kind") or DocumentKind.INVOICE.value
    if kind not in (DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value):
        raise ValidationError(
            f"unknown kind {kind!r}", field="kind", code="kind.unknown", params={"value": kind}
        )
    issue = _parse_date(values.get("issue_date"), "issue_date")
    if issue is None:
        raise ValidationError("the issue date is required", field="issue_date", code="required")
    due = _parse_date(values.get("due_date"), "due_date") or issue + timedelta(days=default_terms_days)
    amounts = {name: _parse_amount(values.get(name), name) for name in AMOUNT_FIELDS}
    total = amounts["total_incl_tax"]
    if total is None:
        raise ValidationError("the total incl. tax is required", field="total_incl_tax", code="required")
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


_CHECKSUM = "%s {value} as printed: its checksum fails, so it is not used to match accounts (nor stored on a new one)."
# field, the warning when its checksum fails (a screen words it: ``messages.read``), its rule
IDENTIFIERS: tuple[tuple[str, Template, Callable[[str | None], str | None]], ...] = (
    ("buyer_siren", Template("review.warn.siren_checksum", _CHECKSUM % "SIREN"), normalise_siren),
    ("buyer_vat", Template("review.warn.vat_checksum", _CHECKSUM % "VAT number"), normalise_vat),
)


def bad_identifiers(values: dict[str, Any]) -> dict[str, str]:
    """field -> value of the buyer identifiers printed with a checksum that fails (a VAT number
    printed without its country code, "NIP: 1234567890", is checked with the buyer's country)."""
    return {
        field: str(values[field])
        for field, _, normalise in IDENTIFIERS
        if values.get(field)
        and _normalised(normalise, _with_country(field, str(values[field]), values)) is None
    }


def _with_country(field: str, value: str, values: dict[str, Any]) -> str:
    country = str(values.get("buyer_country") or "").upper().replace("GR", "EL")
    if field != "buyer_vat" or value.strip()[:2].isalpha() or len(country) != 2:
        return value
    return country + value


def identifier_warnings(values: dict[str, Any]) -> list[str]:
    warnings = {field: warning for field, warning, _ in IDENTIFIERS}
    return [warnings[field].format(value=value) for field, value in bad_identifiers(values).items()]


def account_fields(values: dict[str, Any]) -> dict[str, Any]:
    """``buyer_fields`` without the identifiers whose checksum fails: what an account gets."""
    fields = buyer_fields(values)
    bad = bad_identifiers(values)
    fields["siren"] = None if "buyer_siren" in bad else fields["siren"]
    fields["vat"] = None if "buyer_vat" in bad else fields["vat"]
    return fields


def _same_name(a: str, b: str) -> bool:
    ka, kb = normalise_name(a), normalise_name(b)
    return bool(ka and kb) and (ka == kb or ka in kb or kb in ka)


def seller_warning(
    values: dict[str, Any], *, name: str | None, vat: str | None, siren: str | None
) -> str | None:
    """Why the document may not be one the organisation issued (a supplier's invoice uploaded by
    mistake), or None. Compared: VAT number, else SIREN, else name; and whether we are the buyer."""
    own_vat, own_siren = _normalised(normalise_vat, vat), _normalised(normalise_siren, siren)
    doc_vat = _normalised(normalise_vat, values.get("seller_vat"))
    doc_siren = _normalised(normalise_siren, values.get("seller_siren"))
    doc_name = values.get("seller_name") or ""
    buyer_vat = _normalised(normalise_vat, values.get("buyer_vat"))
    if (own_vat and buyer_vat == own_vat) or (name and _same_name(values.get("buyer_name") or "", name)):
        return "Your organisation is the buyer on this document: it looks like a supplier's invoice, not one you issued."
    if own_vat and doc_vat and doc_vat != own_vat:
        return f"The seller's VAT number on the document ({doc_vat}) is not yours ({own_vat}): is it a supplier's invoice?"
    if own_siren and doc_siren and doc_siren != own_siren:
        return f"The seller's SIREN on the document ({doc_siren}) is not yours ({own_siren}): is it a supplier's invoice?"
    if name and doc_name and not _same_name(doc_name, name) and not (own_vat and doc_vat):
        return f"The seller on the document is “{doc_name}”, not your organisation “{name}”: is it a supplier's invoice?"
    return None


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
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:  # the French way a person types it: 15/03/2026
        return datetime.strptime(text, "%d/%m/%Y").replace(tzinfo=UTC).date()
    except ValueError:
        raise ValidationError(
            f"{name}: not a date (YYYY-MM-DD): {value!r}",
            field=name,
            code="date.invalid",
            params={"value": text},
        ) from None


def _parse_amount(value: str | None, name: str) -> Decimal | None:
    """A plain decimal ("1234.56"), else the amount as a person types it ("1 234,56", the one
    parser of typed amounts)."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except ArithmeticError:
        return parse_amount(str(value), field=name, allow_negative=True)

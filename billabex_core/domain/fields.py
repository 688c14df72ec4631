"""The document field list: one definition for extraction, review, storage and the CLI contract.

``FIELDS`` is the extraction contract (``extract --json``) in its order, each with the label a
person reads on Review and the kind of value it holds. ``FROZEN_FIELDS`` are the stored columns
of a document that never change once it is validated (domain.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ValueKind = Literal["text", "date", "money", "currency", "country"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: ValueKind = "text"
    group: Literal["document", "customer", "seller"] = "document"


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("number", "Number"),
    FieldSpec("issue_date", "Issue date", "date"),
    FieldSpec("due_date", "Due date", "date"),
    FieldSpec("currency", "Currency", "currency"),
    FieldSpec("total_excl_tax", "Total excl. tax", "money"),
    FieldSpec("tax_amount", "Tax", "money"),
    FieldSpec("total_incl_tax", "Total incl. tax", "money"),
    FieldSpec("amount_due", "Amount due (after prepayment)", "money"),
    FieldSpec("seller_name", "Seller name", group="seller"),
    FieldSpec("seller_vat", "Seller VAT number", group="seller"),
    FieldSpec("seller_siren", "Seller SIREN", group="seller"),
    FieldSpec("buyer_name", "Customer name", group="customer"),
    FieldSpec("buyer_address", "Customer address", group="customer"),
    FieldSpec("buyer_country", "Customer country", "country", group="customer"),
    FieldSpec("buyer_vat", "Customer VAT number", group="customer"),
    FieldSpec("buyer_siren", "Customer SIREN", group="customer"),
    FieldSpec("credited_invoice_number", "Credited invoice number"),
)
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
FIELD_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}

# What a person may change on a draft before validating it: the kind and every extracted field.
EDITABLE_FIELDS: tuple[str, ...] = ("kind", *FIELD_NAMES)

# Stored columns of a document that come from the PDF or the billing tool: frozen once validated.
FROZEN_FIELDS: tuple[str, ...] = (
    "account_id",
    "kind",
    "number",
    "issue_date",
    "due_date",
    "currency",
    "total_excl_tax",
    "tax_amount",
    "total_incl_tax",
    "credited_invoice_number",
    "file_sha256",
)

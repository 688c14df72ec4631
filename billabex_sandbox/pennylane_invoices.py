"""Pennylane v2 JSON of the sandbox's invoices, credit notes and payments.

Credit notes are negative customer invoices; amounts are strings; ``remaining_amount_*`` is
reported in EUR for non-EUR invoices (connectors.md §1.9, an observed quirk), and zero on a
credit note applied to an invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billabex_sandbox.pennylane_data import (
    CREDIT_NOTE,
    CUSTOMER_BASE,
    DRAFT,
    INVOICE_BASE,
    PAYMENT_TERM_DAYS,
    SETTLED,
    PennylaneData,
    invoice_number,
    invoice_reference,
)
from billabex_sandbox.pennylane_fakes import EUR_RATES, cents, iso, places


@dataclass(frozen=True, slots=True)
class _Figures:
    """An invoice's amounts in cents of its currency, unsigned, and what settles it."""

    currency: str
    base: int
    tax: int
    credited: int
    settled: int  # paid by settled payments
    paid_by_payment: bool  # at least one settled payment

    @property
    def total(self) -> int:
        return self.base + self.tax

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.credited - self.settled)


def _status(kind: int, figures: _Figures, overdue: bool) -> str:
    if kind == DRAFT:
        return "draft"
    if kind == CREDIT_NOTE:
        return "credit_note"
    if figures.remaining == 0:
        return "cancelled" if figures.credited >= figures.total else "paid"
    if figures.paid_by_payment:
        return "partially_paid"
    if figures.credited:
        return "partially_cancelled"
    return "late" if overdue else "upcoming"


def to_eur(value: int, rate: Decimal, currency: str = "EUR") -> int:
    """Units of the invoice currency (cents, JPY yen, KWD fils) → cents of EUR (``exchange_rate``
    converts to euros)."""
    eur = Decimal(value) * rate * 100 / 10 ** places(currency)
    return int(eur.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _amount_fields(figures: _Figures, sign: int, rate: Decimal) -> dict[str, Any]:
    code = figures.currency
    return {
        "currency": code,
        "amount": cents(sign * to_eur(figures.total, rate, code)),
        "currency_amount": cents(sign * figures.total, code),
        "currency_amount_before_tax": cents(sign * figures.base, code),
        "exchange_rate": str(rate if rate != 1 else "1.0"),
    }


def _remaining_fields(figures: _Figures, kind: int, applied: bool, rate: Decimal) -> dict[str, str]:
    """In EUR whatever the invoice currency (connectors.md §1.9, §1.10), credit notes included: a
    credit note applied to its invoice has nothing left, an unapplied one all of it (negative)."""
    code = figures.currency
    if kind == CREDIT_NOTE:
        with_tax = "0.0" if applied else cents(-to_eur(figures.total, rate, code))
        without_tax = "0.0" if applied else cents(-to_eur(figures.base, rate, code))
    else:
        remaining, base = figures.remaining, figures.base
        with_tax = cents(to_eur(remaining, rate, code))
        without_tax = cents(to_eur(remaining * base // max(figures.total, 1), rate, code))
    return {"remaining_amount_with_tax": with_tax, "remaining_amount_without_tax": without_tax}


def _links(base_url: str, invoice_id: int, customer_id: int, target: int | None) -> dict[str, Any]:
    link = f"{base_url}/customer_invoices/{invoice_id}"
    credited = None
    if target is not None:
        credited = {
            "id": INVOICE_BASE + target,
            "url": f"{base_url}/customer_invoices/{INVOICE_BASE + target}",
        }
    return {
        "customer": {"id": customer_id, "url": f"{base_url}/customers/{customer_id}"},
        "invoice_line_sections": {"url": f"{link}/invoice_line_sections"},
        "invoice_lines": {"url": f"{link}/invoice_lines"},
        "custom_header_fields": {"url": f"{link}/custom_header_fields"},
        "categories": {"url": f"{link}/categories"},
        "pdf_invoice_free_text": "",
        "pdf_invoice_subject": "",
        "pdf_description": None,
        "billing_subscription": None,
        "credited_invoice": credited,
        "customer_invoice_template": None,
        "transaction_reference": None,
        "payments": {"url": f"{link}/payments"},
        "matched_transactions": {"url": f"{link}/matched_transactions"},
        "appendices": {"url": f"{link}/appendices"},
        "quote": None,
    }


def invoice(data: PennylaneData, index: int, base_url: str) -> dict[str, Any]:
    kind, day = data.inv_kind[index], data.inv_day[index]
    currency, base, tax, rng = data.amounts(index)
    settled = [p for p in data.payments(index) if p.status in SETTLED]
    figures = _Figures(
        currency, base, tax, data.credited(index), sum(p.amount for p in settled), bool(settled)
    )
    sign = -1 if kind == CREDIT_NOTE else 1
    rate = EUR_RATES.get(currency, Decimal(1))
    issue = date.fromordinal(day)
    deadline = issue + timedelta(days=PAYMENT_TERM_DAYS)
    status = _status(kind, figures, overdue=deadline < data.today)
    created = data.moment(rng, day)
    updated = data.touched.get(index) or max([created, *(p.created_at for p in settled)])
    number = invoice_number(kind, day, index)
    target = data.credit_target.get(index)
    return {
        "id": INVOICE_BASE + index,
        "label": f"Facture {number}" if number else None,
        "invoice_number": number,
        **_amount_fields(figures, sign, rate),
        "date": issue.isoformat(),
        "deadline": deadline.isoformat(),
        "currency_tax": cents(sign * tax, currency),
        "tax": cents(sign * to_eur(tax, rate, currency)),
        "language": "fr_FR",
        "paid": status == "paid",
        "status": status,
        "discount": {"type": "absolute", "value": "0"},
        "ledger_entry": {"id": 7_000_000 + index},
        "public_file_url": None,
        "filename": f"{number or 'draft'}.pdf",
        **_remaining_fields(figures, kind, target is not None, rate),
        "draft": kind == DRAFT,
        "special_mention": None,
        **_links(base_url, INVOICE_BASE + index, CUSTOMER_BASE + data.inv_customer[index], target),
        "external_reference": invoice_reference(data.seed, index),
        "e_invoicing": None,
        "archived_at": None,
        "created_at": iso(created),
        "updated_at": iso(updated),
    }


def payment_items(data: PennylaneData, index: int) -> list[dict[str, Any]]:
    """``GET /customer_invoices/{id}/payments``: the payment rows (not the bank matches)."""
    currency = data.amounts(index)[0]
    return [
        {
            "id": p.id,
            "label": p.label,
            "currency": currency,
            "currency_amount": cents(p.amount, currency),
            "status": p.status,
            "created_at": iso(p.created_at),
            "updated_at": iso(p.created_at),
        }
        for p in data.payments(index)
        if not p.matched
    ]


def matched_transaction_items(data: PennylaneData, index: int, base_url: str) -> list[dict[str, Any]]:
    """``GET /customer_invoices/{id}/matched_transactions``: the bank transfers reconciled with it."""
    currency = data.amounts(index)[0]
    rate = EUR_RATES.get(currency, Decimal(1))
    customer_id = CUSTOMER_BASE + data.inv_customer[index]
    return [
        {
            "id": p.id,
            "label": f"VIR SEPA {p.label.upper()}",
            "attachment_required": False,
            "date": p.created_at.date().isoformat(),
            "outstanding_balance": None,
            "created_at": iso(p.created_at),
            "updated_at": iso(p.created_at),
            "archived_at": None,
            "currency": currency,
            "currency_amount": cents(p.amount, currency),
            "amount": cents(to_eur(p.amount, rate, currency)),
            "currency_fee": None,
            "fee": None,
            "journal": {"id": 512},
            "bank_account": {"id": 53, "url": f"{base_url}/bank_accounts/53"},
            "pro_account_expense": None,
            "customer": {"id": customer_id, "url": f"{base_url}/customers/{customer_id}"},
            "categories": [],
        }
        for p in data.payments(index)
        if p.matched and p.status in SETTLED
    ]

"""The resources of the Zoho Books sandbox: objects → Zoho Books v3 JSON, list filters, sorting
and ``page``/``per_page`` paging with ``page_context``. Pure functions of (data, query); errors
are ``ApiError`` (Zoho's ``{"code", "message"}`` body with an HTTP status).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from billabex_sandbox.zoho_data import COUNTRIES, Contact, CreditNote, Invoice, Payment, ZohoData

ORG_TZ = timezone(timedelta(hours=1))  # the organisation's time zone (Europe/Paris, winter)
MAX_PER_PAGE = 200
CURRENCY_IDS = {
    "EUR": "460000000000097",
    "GBP": "460000000000099",
    "USD": "460000000000101",
    "KWD": "460000000000103",  # only customers a test moves to them
    "JPY": "460000000000105",
}


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def stamp(moment: datetime) -> str:
    """``2026-01-18T02:17:40+0100``: Zoho's timestamps, offset without a colon."""
    return moment.astimezone(ORG_TZ).strftime("%Y-%m-%dT%H:%M:%S%z")


def amount(value: Decimal) -> float | int:
    """Zoho amounts are JSON numbers."""
    return int(value) if value == value.to_integral_value() else float(value)


def parse_since(raw: str) -> datetime:
    """``last_modified_time``: ``YYYY-MM-DDTHH:MM:SS`` with an offset (``-0800``, ``+0000``)."""
    for text in (raw, raw + "+0100"):  # without an offset: the organisation's time zone
        try:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            continue
    raise ApiError(400, 2, "Invalid value passed for last_modified_time")


# -- rendering -----------------------------------------------------------------------------------


def _primary(contact: Contact) -> dict[str, str]:
    person = next((p for p in contact.persons if p.is_primary), None)
    if person is None:
        return {"first_name": "", "last_name": "", "email": "", "phone": "", "mobile": ""}
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "mobile": "",
    }


def contact_row(data: ZohoData, contact: Contact) -> dict[str, Any]:
    invoices = (data.invoices[i] for i in data.by_customer.get(contact.id, ()))
    receivable = sum((data.balance(i) for i in invoices if i.state != "draft"), Decimal("0.00"))
    return {
        "contact_id": str(contact.id),
        "contact_name": contact.name,
        "company_name": "" if contact.sub_type == "individual" else contact.name,
        "contact_type": contact.contact_type,
        "customer_sub_type": contact.sub_type,
        "status": "active",
        "payment_terms": 30,
        "payment_terms_label": "Net 30",
        "currency_id": CURRENCY_IDS[contact.currency],
        "currency_code": contact.currency,
        "language_code": contact.language,
        "outstanding_receivable_amount": amount(receivable),
        "unused_credits_receivable_amount": 0,
        **_primary(contact),
        "created_time": stamp(contact.created),
        "last_modified_time": stamp(contact.modified),
    }


def person_json(person: Any) -> dict[str, Any]:
    return {
        "contact_person_id": str(person.id),
        "salutation": "",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "mobile": "",
        "is_primary_contact": person.is_primary,
        "designation": "",
        "department": "",
        "skype": "",
        "is_added_in_portal": False,
    }


def contact_detail(data: ZohoData, contact: Contact) -> dict[str, Any]:
    _, country, *_ = COUNTRIES[contact.country]
    address = {
        "attention": "",
        "address": contact.street,
        "street2": "",
        "state_code": "",
        "city": contact.city,
        "state": "",
        "zip": contact.zip,
        "country": country,
        "fax": "",
        "phone": "",
    }
    return {
        **contact_row(data, contact),
        "billing_address": address,
        "shipping_address": dict(address),
        "contact_persons": [person_json(p) for p in contact.persons],
        "vat_reg_no": contact.vat_reg_no,
        "country_code": COUNTRIES[contact.country][0],
        "notes": "",
    }


def invoice_row(data: ZohoData, invoice: Invoice) -> dict[str, Any]:
    contact = data.contacts[invoice.customer_id]
    payments = data.paid_to.get(invoice.id, [])
    return {
        "invoice_id": str(invoice.id),
        "customer_name": contact.name,
        "customer_id": str(contact.id),
        "status": data.status(invoice),
        "invoice_number": invoice.number,
        "reference_number": "",
        "date": invoice.day.isoformat(),
        "due_date": invoice.due.isoformat(),
        "due_days": "",
        "currency_id": CURRENCY_IDS[invoice.currency],
        "currency_code": invoice.currency,
        "total": amount(invoice.total),
        "balance": amount(data.balance(invoice)),
        "created_time": stamp(invoice.created),
        "last_modified_time": stamp(invoice.modified),
        "is_emailed": invoice.state != "draft",
        "is_viewed_by_client": invoice.viewed,
        "has_attachment": False,
        "reminders_sent": 0,
        "last_payment_date": max(a.day for _, a in payments).isoformat() if payments else "",
        "write_off_amount": 0,
        "adjustment": 0,
        "exchange_rate": 1,
    }


def invoice_detail(data: ZohoData, invoice: Invoice) -> dict[str, Any]:
    return {
        **invoice_row(data, invoice),
        "sub_total": amount(invoice.sub_total),
        "tax_total": amount(invoice.tax),
        "payment_made": amount(data.paid(invoice)),
        "credits_applied": amount(data.credited(invoice)),
        "tax_amount_withheld": 0,
        "payment_terms": 30,
        "payment_terms_label": "Net 30",
    }


def invoice_payments(data: ZohoData, invoice: Invoice) -> list[dict[str, Any]]:
    out = []
    for payment_id, allocation in data.paid_to.get(invoice.id, []):
        payment = data.payments[payment_id]
        out.append(
            {
                "payment_id": str(payment.id),
                "payment_number": int(payment.number),  # an integer in this OAS, a string elsewhere
                "invoice_id": str(invoice.id),
                "invoice_payment_id": str(allocation.id),
                "payment_mode": payment.mode,
                "description": "",
                "date": payment.day.isoformat(),
                "reference_number": payment.reference,
                "exchange_rate": 1,
                "amount": amount(allocation.amount),
                "tax_amount_withheld": 0,
                "is_single_invoice_payment": len(payment.allocations) == 1,
            }
        )
    return out


def credit_row(data: ZohoData, note: CreditNote) -> dict[str, Any]:
    contact = data.contacts[note.customer_id]
    return {
        "creditnote_id": str(note.id),
        "creditnote_number": note.number,
        "status": data.credit_status(note),
        "reference_number": "",
        "date": note.day.isoformat(),
        "total": amount(note.total),
        "balance": amount(data.credit_balance(note)),
        "customer_id": str(contact.id),
        "customer_name": contact.name,
        "currency_id": CURRENCY_IDS[note.currency],
        "currency_code": note.currency,
        "created_time": stamp(note.created),
        "last_modified_time": stamp(note.modified),
        "is_emailed": False,
    }


def credited_invoices(data: ZohoData, note: CreditNote) -> list[dict[str, Any]]:
    return [
        {
            "creditnote_id": str(note.id),
            "invoice_id": str(a.invoice_id),
            "creditnote_invoice_id": str(a.id),
            "date": a.day.isoformat(),
            "invoice_number": data.invoices[a.invoice_id].number,
            "creditnote_number": note.number,
            "credited_amount": amount(a.amount),
        }
        for a in data.applications.get(note.id, [])
    ]


def credit_detail(data: ZohoData, note: CreditNote) -> dict[str, Any]:
    return {
        **credit_row(data, note),
        "sub_total": amount(note.sub_total),
        "tax_total": amount(note.tax),
        "invoices": [
            {"invoice_id": str(a.invoice_id), "amount": amount(a.amount)}
            for a in data.applications.get(note.id, [])
        ],
    }


def payment_row(data: ZohoData, payment: Payment) -> dict[str, Any]:
    contact = data.contacts[payment.customer_id]
    numbers = ", ".join(data.invoices[a.invoice_id].number for a in payment.allocations)
    return {
        "payment_id": str(payment.id),
        "payment_number": payment.number,
        "invoice_number": numbers,
        "invoice_numbers": numbers,
        "date": payment.day.isoformat(),
        "payment_mode": payment.mode,
        "amount": amount(payment.amount),
        "bcy_amount": amount(payment.amount),
        "unused_amount": amount(data.unused(payment)),
        "customer_id": str(contact.id),
        "customer_name": contact.name,
        "currency_code": payment.currency,
        "reference_number": payment.reference,
        "description": "",
        "created_time": stamp(payment.created),
        "last_modified_time": stamp(payment.modified),
    }


def payment_detail(data: ZohoData, payment: Payment) -> dict[str, Any]:
    contact = data.contacts[payment.customer_id]
    invoices = []
    for allocation in payment.allocations:
        invoice = data.invoices[allocation.invoice_id]
        invoices.append(
            {
                "invoice_id": str(invoice.id),
                "invoice_number": invoice.number,
                "date": invoice.day.isoformat(),
                "invoice_amount": amount(invoice.total),
                "amount_applied": amount(allocation.amount),
                "balance_amount": amount(data.balance(invoice)),
            }
        )
    return {
        "payment_id": str(payment.id),
        "payment_mode": payment.mode,
        "amount": amount(payment.amount),
        "amount_refunded": 0,
        "bank_charges": 0,
        "date": payment.day.isoformat(),
        "status": "success",
        "reference_number": payment.reference,
        "description": "",
        "customer_id": str(contact.id),
        "customer_name": contact.name,
        "email": _primary(contact)["email"],
        "invoices": invoices,
        "currency_code": payment.currency,
        "currency_symbol": {"EUR": "€", "GBP": "£", "USD": "$"}[payment.currency],
        "custom_fields": [],
        "last_modified_time": stamp(payment.modified),
    }


# -- lists ---------------------------------------------------------------------------------------

SORTABLE = {
    "created_time": lambda o: o.created,
    "last_modified_time": lambda o: o.modified,
    "date": lambda o: getattr(o, "day", o.created),
}
_INT = re.compile(r"^\d+$")


def paged(
    query: dict[str, str], items: list[Any], render: Callable[[Any], dict[str, Any]], key: str
) -> dict[str, Any]:
    """Filter by ``last_modified_time`` ("modified after"), sort, and cut one page."""
    page, per_page = query.get("page", "1"), query.get("per_page", str(MAX_PER_PAGE))
    if not _INT.match(page) or int(page) < 1:
        raise ApiError(400, 2, "Invalid value passed for page")
    if not _INT.match(per_page) or not 1 <= int(per_page) <= MAX_PER_PAGE:
        raise ApiError(400, 2, "Invalid value passed for per_page")
    if "last_modified_time" in query:
        since = parse_since(query["last_modified_time"]).astimezone(UTC)
        items = [o for o in items if o.modified.replace(microsecond=0) > since]
    column = query.get("sort_column", "created_time")
    if column not in SORTABLE:
        raise ApiError(400, 2, "Invalid value passed for sort_column")
    descending = query.get("sort_order", "D" if "sort_column" not in query else "A") == "D"
    items = sorted(items, key=lambda o: (SORTABLE[column](o), o.id), reverse=descending)
    number, size = int(page), int(per_page)
    chunk = items[(number - 1) * size : number * size]
    return {
        "code": 0,
        "message": "success",
        key: [render(o) for o in chunk],
        "page_context": {
            "page": number,
            "per_page": size,
            "has_more_page": number * size < len(items),
            "report_name": key.replace("_", " ").title(),
            "applied_filter": "Status.All",
            "sort_column": column,
            "sort_order": "D" if descending else "A",
        },
    }


def lookup(table: dict[int, Any], raw: str, what: str) -> Any:
    found = table.get(int(raw)) if _INT.match(raw) else None
    if found is None:
        raise ApiError(404, 1002, f"{what} does not exist.")
    return found

"""Issue #11's "done when", for each provider, over real HTTP with its sandbox, on SQLite and
PostgreSQL, through the CLI: add → sync → the exports equal the provider's state (documents,
amounts, payment rows, accounts, contacts); changes at the provider (payments, a new invoice, a
voided invoice, a renamed customer, a changed contact e-mail, and deletions of a contact person, a
payment and a credit application) appear after the next sync; a third sync changes nothing.

The deletions are the complete lists of docs/sync.md: before them, the deleted rows lingered."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from billabex_core.cli import main
from billabex_sandbox.netsuite import NetSuiteSandbox
from billabex_sandbox.pennylane import PennylaneSandbox
from billabex_sandbox.zoho import ZohoSandbox
from tests.core.connectors.exports import assert_same, exported, last_run_changed_nothing

SETTLED = ("paid_out", "confirmed", "found")


def _add_and_sync(db_url: str, provider: str, config: dict[str, Any]) -> None:
    args = ["--db", db_url, "integration", "add", provider, "--name", "it", "--config", json.dumps(config)]
    assert main(args) == 0
    assert main(["--db", db_url, "sync", "it"]) == 0


def _sync(db_url: str) -> None:
    assert main(["--db", db_url, "sync", "it"]) == 0


# -- Zoho Books ---------------------------------------------------------------------------------


def zoho_state(zoho: ZohoSandbox) -> dict[str, Any]:
    d = zoho.data
    payments: dict[str, Decimal] = {}
    for p in d.payments.values():
        for a in p.allocations:
            if not a.amount:
                continue  # a zero allocation is no payment
            payments[f"{p.id}:{a.invoice_id}"] = payments.get(f"{p.id}:{a.invoice_id}", Decimal(0)) + a.amount
        if d.unused(p) > 0:
            payments[f"{p.id}:unapplied"] = d.unused(p)
    customers = [c for c in d.contacts.values() if c.contact_type == "customer"]
    return {
        "invoices": {
            str(i.id): (i.number, i.total, d.balance(i)) for i in d.invoices.values() if i.state == "sent"
        },
        "credit_notes": {
            str(n.id): (n.number, n.total, d.credit_balance(n))
            for n in d.credit_notes.values()
            if n.state == "open"
        },
        "payments": payments,
        "accounts": {str(c.id): c.name for c in customers},
        "contacts": {str(p.id): p.email.lower() for c in customers for p in c.persons if p.email},
    }


def test_zoho_books_add_sync_change_sync(db_url, capsys) -> None:
    with ZohoSandbox(seed=8, customers=12, invoices=150, rate_limit=False, contract=True) as zoho:
        _add_and_sync(db_url, "zoho_books", zoho.connector_config(page_size=40))
        assert_same(exported(db_url, capsys), zoho_state(zoho))
        d = zoho.data
        open_ids = [i for i in zoho.invoice_ids() if d.balance(d.invoices[i]) > 0]
        zoho.add_payment(open_ids[0])
        zoho.add_payment(open_ids[1], "25.00")
        fresh = next(i for i in open_ids[2:] if not d.paid_to.get(i) and not d.credited_to.get(i))
        zoho.void_invoice(fresh)
        zoho.update_customer(zoho.customer_ids()[2], name="Nouveau Nom SARL")
        with_two = next(c for c in zoho.customer_ids() if len(d.contacts[c].persons) >= 2)
        zoho.set_contact_email(with_two, "nouvelle.adresse@example.org")
        zoho.delete_contact_person(with_two, d.contacts[with_two].persons[1].id)
        zoho.add_invoice(zoho.customer_ids()[0])
        zoho.delete_payment(next(p.id for p in d.payments.values() if p.allocations))
        note = next(n for n in zoho.credit_note_ids() if d.applications.get(n))
        zoho.delete_credit_application(note, d.applications[note][0].invoice_id)
        _sync(db_url)
        assert_same(exported(db_url, capsys), zoho_state(zoho))
        _sync(db_url)
        assert last_run_changed_nothing(db_url)
    assert zoho.contract_violations == []


# -- NetSuite -------------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    return abs(Decimal(str(value)))


def netsuite_state(ns: NetSuiteSandbox) -> dict[str, Any]:
    docs = ns.query(
        'SELECT id, type, tranid, foreigntotal, foreignamountunpaid FROM "transaction"'
        " WHERE type IN ('CustInvc', 'CustCred') AND voided = 'F'"
    )
    links = ns.query(
        "SELECT nextdoc, previousdoc, foreignamount FROM nexttransactionlinelink WHERE nexttype = 'CustPymt'"
    )
    unused = ns.query(
        "SELECT id, foreignpaymentamountunused FROM \"transaction\" WHERE type = 'CustPymt' AND foreignpaymentamountunused > 0"
    )
    names = "CASE WHEN isperson = 'T' THEN firstname || ' ' || lastname ELSE companyname END"
    return {
        "invoices": {str(i): (n, _dec(t), _dec(u)) for i, k, n, t, u in docs if k == "CustInvc"},
        "credit_notes": {str(i): (n, _dec(t), _dec(u)) for i, k, n, t, u in docs if k == "CustCred"},
        "payments": {
            **{f"{doc}:{invoice}": _dec(amount) for doc, invoice, amount in links},
            **{f"{p}:unapplied": _dec(amount) for p, amount in unused},
        },
        "accounts": {str(i): name for i, name in ns.query(f"SELECT id, {names} FROM customer")},
        "contacts": {
            str(i): e.lower()
            for i, e in ns.query("SELECT id, email FROM contact WHERE email IS NOT NULL AND isinactive = 'F'")
        },
    }


def test_netsuite_add_sync_change_sync(db_url, capsys) -> None:
    with NetSuiteSandbox(seed=6, customers=12, invoices=150, contract=True) as ns:
        _add_and_sync(db_url, "netsuite", ns.connector_config(page_size=30))
        assert_same(exported(db_url, capsys), netsuite_state(ns))
        open_ids = ns.ids("CustInvc", open_only=True)
        ns.add_payment(open_ids[0])
        ns.add_payment(open_ids[1], "20.00")
        linked = {row[0] for row in ns.query("SELECT previousdoc FROM nexttransactionlinelink")}
        ns.void_invoice(next(i for i in open_ids[2:] if i not in linked))
        ns.update_customer(ns.customer_ids()[2], companyname="Nouveau Nom SA", isperson="F")
        contacts = [row[0] for row in ns.query("SELECT id FROM contact WHERE email IS NOT NULL ORDER BY id")]
        ns.set_contact_email(contacts[0], "nouvelle.adresse@example.org")
        ns.delete_record(contacts[1], "contact")
        ns.add_invoice(ns.customer_ids()[0])
        payment, _ = ns.query(
            "SELECT nextdoc, previousdoc FROM nexttransactionlinelink WHERE nexttype = 'CustPymt'"
        )[0]
        ns.delete_record(payment, "customerpayment")
        credit, invoice = ns.query(
            "SELECT nextdoc, previousdoc FROM nexttransactionlinelink WHERE nexttype = 'CustCred'"
        )[0]
        ns.unapply(credit, invoice)
        _sync(db_url)
        assert_same(exported(db_url, capsys), netsuite_state(ns))
        _sync(db_url)
        assert last_run_changed_nothing(db_url)
    assert ns.contract_violations == []


# -- Pennylane ------------------------------------------------------------------------------------


def pennylane_state(pl: PennylaneSandbox) -> dict[str, Any]:
    ledger = pl.ledger()
    payments = {
        f"{row['id']}:{p['id']}": abs(Decimal(p["currency_amount"]))
        for row in ledger
        if not row["credit_note"]
        for p in pl.payments(row["id"])
        if p["status"] in SETTLED
    }
    accounts = {}
    for customer_id in pl.customer_ids():
        item = pl.customer(customer_id)
        name = " ".join(str(item.get("name") or f"{item.get('first_name')} {item.get('last_name')}").split())
        accounts[str(customer_id)] = name
    return {
        "invoices": {
            str(r["id"]): (pl.invoice(r["id"])["invoice_number"], r["total"], r["open"])
            for r in ledger
            if not r["credit_note"]
        },
        "credit_notes": {
            str(r["id"]): (pl.invoice(r["id"])["invoice_number"], r["total"], r["open"])
            for r in ledger
            if r["credit_note"]
        },
        "payments": payments,
        "accounts": accounts,
        "contacts": {
            str(c["id"]): c["email"].lower()
            for cid in pl.customer_ids()
            for c in pl.contacts(cid)
            if c["email"]
        },
    }


def test_pennylane_add_sync_change_sync(db_url, capsys) -> None:
    with PennylaneSandbox(seed=7, customers=12, invoices=150, rate_limit=False, contract=True) as pl:
        _add_and_sync(db_url, "pennylane", pl.connector_config())
        assert_same(exported(db_url, capsys), pennylane_state(pl))
        rows = {r["id"]: r for r in pl.ledger()}
        open_ids = [
            i for i, r in rows.items() if not r["credit_note"] and r["open"] > 0 and not r["credited"]
        ]
        pl.add_payment(open_ids[0])
        pl.add_payment(open_ids[1], "25.00")
        pl.delete_invoice(open_ids[2])  # Pennylane deletes; it has no void
        pl.update_customer(pl.customer_ids()[2], name="Nouveau Nom SAS")
        people = [c for cid in pl.customer_ids() for c in pl.contacts(cid) if c["email"]]
        pl.update_contact(people[0]["id"], email="nouvelle.adresse@example.org")
        pl.delete_contact(people[1]["id"])
        pl.add_invoice(pl.customer_ids()[0])
        paid = next(i for i, r in rows.items() if r["rows"] > 0 and i not in open_ids[:3])
        pl.delete_payment(paid, next(p["id"] for p in pl.payments(paid) if p["status"] in SETTLED))
        _sync(db_url)
        assert_same(exported(db_url, capsys), pennylane_state(pl))
        _sync(db_url)
        assert last_run_changed_nothing(db_url)
    assert pl.contract_violations == []

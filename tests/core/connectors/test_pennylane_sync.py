"""The Pennylane connector against the sandbox over real HTTP: scans, resume, incremental."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from billabex_core.connectors import CONNECTORS
from billabex_core.connectors.pennylane import SyncState
from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    PaymentRecord,
)


def _ids(records):
    return [r.external_id for r in records if not isinstance(r, DeletionRecord)]


def test_registry_and_connection(pennylane_sandbox, make_connector):
    assert CONNECTORS["pennylane"].ENTITIES[0] is Entity.ACCOUNT
    info = make_connector().test_connection()
    assert info.company_name == "Démo Pennylane SAS"
    assert info.ok and "customers:readonly" in info.scopes
    pennylane_sandbox.add_token("limited", ["customers:readonly"])
    limited = make_connector(api_token="limited").test_connection()
    assert limited.missing_scopes == ("customer_invoices:readonly",)


def test_full_invoice_scan_replays_filters_on_every_page(pennylane_sandbox, make_connector, drain):
    connector = make_connector(page_size=9)
    records, cursor, pages = drain(connector, Entity.INVOICE)
    expected = [str(i) for i in pennylane_sandbox.invoice_ids(credit_notes=False)]
    assert _ids(records) == expected  # ascending ids, no gap, no double, no draft
    assert all(isinstance(r, DocumentRecord) and r.kind is Entity.INVOICE for r in records)
    assert len(pages) > 20 and sum(p.requests for p in pages) == len(pages)
    listed = [q for path, q in pennylane_sandbox.request_log if path.endswith("/customer_invoices")]
    assert len(listed) == len(pages) and sum("cursor" in q for q in listed) == len(pages) - 1
    for query in listed:
        assert query["sort"] == "id" and query["limit"] == "9"
        fields = {(f["field"], f["value"]) for f in json.loads(query["filter"])}
        assert ("credit_note", "false") in fields and ("draft", "false") in fields
    assert SyncState.loads(cursor).mode == "incremental"


def test_invoice_mapping_matches_the_sandbox(pennylane_sandbox, make_connector, drain):
    records, _, _ = drain(make_connector(), Entity.INVOICE)
    statuses = Counter(r.provider_status for r in records)
    assert {"paid", "late", "partially_paid"} <= set(statuses)
    for record in records[:60]:
        raw = pennylane_sandbox.invoice(int(record.external_id))
        assert record.total_incl_tax == Decimal(raw["currency_amount"])
        assert record.number == raw["invoice_number"] and record.account_external_id == str(
            raw["customer"]["id"]
        )
        assert record.issue_date.isoformat() == raw["date"] and record.updated_at.tzinfo is not None
        assert record.total_excl_tax + record.tax_amount == record.total_incl_tax
        assert Decimal(0) <= record.remaining_amount <= record.total_incl_tax
        if raw["status"] == "paid":
            assert record.remaining_amount == 0
    foreign = [r for r in records if r.currency != "EUR" and r.provider_status != "paid"]
    assert foreign, "the sandbox should have open non-EUR invoices"
    for record in foreign:  # remaining reported in EUR by Pennylane, converted back
        raw = pennylane_sandbox.invoice(int(record.external_id))
        assert Decimal(raw["remaining_amount_with_tax"]) != record.remaining_amount
        truth = Decimal(pennylane_sandbox.data.remaining(int(record.external_id) - 100_000)) / 100
        assert abs(record.remaining_amount - truth) <= Decimal("0.01")


def test_credit_notes_are_positive_and_linked(pennylane_sandbox, make_connector, drain):
    records, _, _ = drain(make_connector(), Entity.CREDIT_NOTE)
    assert _ids(records) == [str(i) for i in pennylane_sandbox.invoice_ids(credit_notes=True)]
    assert all(r.kind is Entity.CREDIT_NOTE and r.total_incl_tax > 0 for r in records)
    linked = [r for r in records if r.credited_invoice_external_id]
    assert linked and len(linked) < len(records)  # some unlinked credits too
    for record in linked:
        raw = pennylane_sandbox.invoice(int(record.external_id))
        assert Decimal(raw["currency_amount"]) == -record.total_incl_tax
        assert record.credited_invoice_external_id == str(raw["credited_invoice"]["id"])
        target = pennylane_sandbox.invoice(int(record.credited_invoice_external_id))
        assert target["status"] in ("cancelled", "partially_cancelled", "paid", "partially_paid")


def test_accounts_and_contacts(pennylane_sandbox, make_connector, drain):
    connector = make_connector()
    accounts, _, _ = drain(connector, Entity.ACCOUNT)
    assert _ids(accounts) == [str(i) for i in pennylane_sandbox.customer_ids()]
    assert {a.is_company for a in accounts} == {True, False}
    for account in accounts:
        raw = pennylane_sandbox.customer(int(account.external_id))
        assert isinstance(account, AccountRecord) and account.name == raw["name"]
        assert account.language == raw["billing_language"][:2]
        assert account.country == raw["billing_address"]["country_alpha2"]
        assert raw["billing_address"]["city"] in account.address
        if account.country == "FR" and account.is_company:
            assert account.siren == raw["reg_no"] and account.vat == raw["vat_number"]
        if not account.is_company:
            assert account.vat is None and account.siren is None
    contacts, _, _ = drain(connector, Entity.CONTACT)
    persons = [c for c in contacts if not c.external_id.startswith("billing:")]
    by_account = Counter(c.account_external_id for c in persons)
    assert 0 < len(by_account) < len(accounts)  # some customers have no contact person
    languages = {a.external_id: a.language for a in accounts}
    for contact in contacts:
        assert (
            isinstance(contact, ContactRecord) and contact.language == languages[contact.account_external_id]
        )
    assert sum(c.is_primary for c in contacts) == len(by_account)
    billing = {(c.account_external_id, c.email) for c in contacts if c not in persons}
    assert billing and all(c.name is None and c.role == "billing" for c in contacts if c not in persons)
    for account in accounts:  # each billing e-mail no contact person has is a contact
        held = {c.email for c in persons if c.account_external_id == account.external_id}
        assert {(account.external_id, e) for e in account.emails if e not in held} == {
            b for b in billing if b[0] == account.external_id
        }


def test_excluded_customers_never_appear(pennylane_sandbox, make_connector, drain):
    invoices = drain(make_connector(), Entity.INVOICE)[0]
    busiest = [a for a, _ in Counter(r.account_external_id for r in invoices).most_common(3)]
    connector = make_connector(excluded_customer_ids=[int(busiest[0]), busiest[1], busiest[2]])
    for entity in connector.ENTITIES:
        for record in drain(connector, entity)[0]:
            if isinstance(record, DeletionRecord):
                continue  # (an id only: a payment no longer settled)
            owner = record.external_id if entity is Entity.ACCOUNT else record.account_external_id
            assert owner not in busiest, (entity, record)


def test_resume_from_a_mid_scan_cursor(make_connector, drain):
    first = make_connector(page_size=10)
    pages = first.pages(Entity.INVOICE, cursor=None)
    head = [next(pages) for _ in range(3)]
    pages.close()  # interrupted after committing three pages
    cursor = head[-1].cursor
    assert json.loads(cursor)["mode"] == "full"
    rest, _, _ = drain(make_connector(page_size=10), Entity.INVOICE, cursor)
    resumed = _ids([r for p in head for r in p.records]) + _ids(rest)
    full, _, _ = drain(make_connector(), Entity.INVOICE)
    assert resumed == _ids(full)


def test_incremental_after_full_scan(pennylane_sandbox, make_connector, drain):
    connector = make_connector()
    cursors = {e: drain(connector, e)[1] for e in connector.ENTITIES}
    nothing = {e: drain(make_connector(), e, cursors[e])[0] for e in connector.ENTITIES}
    assert nothing == {e: [] for e in connector.ENTITIES}

    changes = pennylane_sandbox.mutate(0.05, seed=3)
    pennylane_sandbox.request_log.clear()
    incremental = make_connector()
    got = {}
    for entity in incremental.ENTITIES:
        got[entity], cursors[entity], _ = drain(incremental, entity, cursors[entity])
    invoices = {r.external_id: r for r in got[Entity.INVOICE] if isinstance(r, DocumentRecord)}
    for invoice_id in changes["paid"]:
        assert invoices[str(invoice_id)].remaining_amount == 0
        assert invoices[str(invoice_id)].provider_status == "paid"
    expected = {str(i) for key in ("paid", "touched", "added") for i in changes[key]}
    credit_ids = {str(i) for i in pennylane_sandbox.invoice_ids(credit_notes=True)}
    assert set(invoices) == expected - credit_ids
    deleted = str(changes["deleted"][0])
    assert DeletionRecord(Entity.INVOICE, deleted) in got[Entity.INVOICE]
    assert DeletionRecord(Entity.CREDIT_NOTE, deleted) in got[Entity.CREDIT_NOTE]
    paid_payments = {r.invoice_external_id for r in got[Entity.PAYMENT] if isinstance(r, PaymentRecord)}
    assert {str(i) for i in changes["paid"]} <= paid_payments
    assert {r.external_id for r in got[Entity.ACCOUNT]} == {str(i) for i in changes["customers"]}
    # Spent: one change log page and one re-fetch per 100 ids, not a scan; payments of the changed
    # invoices that are (partly) paid only, one request each.
    asked = [p for p, _ in pennylane_sandbox.request_log if p.endswith("/payments")]
    settled = {i for i in invoices.values() if i.provider_status in ("paid", "partially_paid")}
    assert len(asked) <= len(settled) and paid_payments <= {i.external_id for i in settled}
    assert incremental.requests < 10 + len(settled) + 2 * len(changes["customers"])
    again = {e: drain(make_connector(), e, cursors[e])[0] for e in connector.ENTITIES}
    assert again == {e: [] for e in connector.ENTITIES}


def test_payments_full_scan_uses_the_invoice_pass(pennylane_sandbox, make_connector, drain):
    connector = make_connector()
    drain(connector, Entity.INVOICE)
    before = connector.requests
    payments, cursor, _ = drain(connector, Entity.PAYMENT)
    alone, _, _ = drain(make_connector(), Entity.PAYMENT)  # a fresh process has to scan
    assert payments == alone and payments
    assert all(isinstance(p, PaymentRecord) or p.entity is Entity.PAYMENT for p in payments)
    settled = {
        str(i)
        for i in pennylane_sandbox.invoice_ids(credit_notes=False)
        if pennylane_sandbox.invoice(i)["status"] in ("paid", "partially_paid")
    }
    assert connector.requests - before == len(settled)  # one request per (partly) paid invoice
    with_rows = {p.invoice_external_id for p in payments if isinstance(p, PaymentRecord)}
    assert with_rows <= settled and len(with_rows) < len(settled)  # some were settled by a bank match
    assert SyncState.loads(cursor).mode == "incremental"
    skipping = make_connector(paid_invoice_payments=False)
    drain(skipping, Entity.INVOICE)
    before = skipping.requests
    partial = {
        p.invoice_external_id for p in drain(skipping, Entity.PAYMENT)[0] if isinstance(p, PaymentRecord)
    }
    assert partial and all(pennylane_sandbox.invoice(int(i))["status"] == "partially_paid" for i in partial)
    assert skipping.requests - before < len(settled)


def test_expired_watermark_falls_back_to_full_scan(pennylane_sandbox, make_connector, drain):
    full, cursor, _ = drain(make_connector(), Entity.INVOICE)
    pennylane_sandbox.retention = timedelta(minutes=1)  # the 5-minute overlap is now too old: 422
    records, new_cursor, _ = drain(make_connector(), Entity.INVOICE, cursor)
    assert _ids(records) == _ids(full)
    assert any(path.endswith("/changelogs/customer_invoices") for path, _ in pennylane_sandbox.request_log)
    assert SyncState.loads(new_cursor).mode == "incremental"

    stale = SyncState("incremental", since=(datetime.now(UTC) - timedelta(days=40)).isoformat()).dumps()
    pennylane_sandbox.request_log.clear()
    records, _, _ = drain(make_connector(), Entity.INVOICE, stale)
    assert _ids(records) == _ids(full)
    assert not any("changelogs" in path for path, _ in pennylane_sandbox.request_log)


def test_full_flag_and_bad_cursor_restart(make_connector, drain):
    connector = make_connector()
    full, cursor, _ = drain(connector, Entity.ACCOUNT)
    assert _ids(drain(connector, Entity.ACCOUNT, cursor, full=True)[0]) == _ids(full)
    assert _ids(drain(connector, Entity.ACCOUNT, "not json")[0]) == _ids(full)

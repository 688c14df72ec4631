"""Zoho Books end to end: the sync engine over real HTTP against the Zoho sandbox, on SQLite and
PostgreSQL. The stored data equals the organisation's (documents, amounts, statuses, accounts,
contacts), changes at Zoho arrive with the next sync, a third sync changes nothing, every
invoice's settlement adds up, and a sync killed with SIGKILL resumes with nothing lost."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from billabex_core.cli import main
from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import (
    Account,
    Document,
    Integration,
    SyncRun,
    SyncStatus,
)
from billabex_core.services.integrations import add_integration
from billabex_core.sync import SyncResult
from billabex_sandbox.zoho import ZohoSandbox
from tests.core.connectors.helpers import demo_integration, kill_9_mid_sync_then_resume, runner, unchanged
from tests.core.connectors.stored import assert_stored_equals, stored_state

ROOT = Path(__file__).resolve().parents[3]
CENT = Decimal("0.01")

_organizations = itertools.count()


@pytest.fixture
def zoho() -> Iterator[ZohoSandbox]:
    with ZohoSandbox(seed=8, customers=12, invoices=150, rate_limit=False, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []


@pytest.fixture
def integration_id(session: Session, zoho: ZohoSandbox) -> int:
    return demo_integration(session, "zoho_books", zoho.connector_config(page_size=40))


@pytest.fixture
def sync(db_url: str, integration_id: int, today: Any) -> Callable[..., SyncResult]:
    return runner(db_url, integration_id, today)


def provider_state(zoho: ZohoSandbox) -> dict[str, Any]:
    data = zoho.data
    invoices = {
        str(i.id): (i.number, i.total, data.balance(i)) for i in data.invoices.values() if i.state == "sent"
    }
    notes = {
        str(n.id): (n.number, n.total, data.credit_balance(n))
        for n in data.credit_notes.values()
        if n.state == "open"
    }
    balances: dict[str, Decimal] = {}
    for invoice in (i for i in data.invoices.values() if i.state == "sent"):
        key = str(invoice.customer_id)
        balances[key] = balances.get(key, Decimal("0.00")) + data.balance(invoice)
    for note in (n for n in data.credit_notes.values() if n.state == "open"):
        key = str(note.customer_id)
        balances[key] = balances.get(key, Decimal("0.00")) - data.credit_balance(note)
    customers = [c for c in data.contacts.values() if c.contact_type == "customer"]
    return {
        "accounts": {str(c.id): (c.name, c.currency) for c in customers},
        "contacts": {str(p.id): p.email.lower() for c in customers for p in c.persons if p.email},
        "invoices": invoices,
        "credit_notes": notes,
        "balances": {k: v for k, v in balances.items()},
    }


def assert_matches(session: Session, zoho: ZohoSandbox, integration_id: int | None = None) -> None:
    assert_stored_equals(session, provider_state(zoho), integration_id)


def test_first_sync_equals_the_organisation(session, sync, zoho) -> None:
    result = sync()
    assert result.ok, result.errors
    assert_matches(session, zoho)
    assert not set(stored_state(session)["accounts"]) & {str(i) for i in zoho.vendor_ids()}
    assert unchanged(sync()) and unchanged(sync())
    history = session.exec(select(SyncRun).order_by(SyncRun.id)).all()
    assert [r.status for r in history] == [SyncStatus.SUCCEEDED] * 3 and history[0].requests > 0


def test_changes_at_zoho_arrive_with_the_next_sync(session, sync, zoho) -> None:
    assert sync().ok
    open_ids = [
        i
        for i in zoho.invoice_ids()
        if zoho.data.status(zoho.data.invoices[i]) in ("sent", "overdue", "viewed")
    ]
    zoho.add_payment(open_ids[0])  # paid in full
    zoho.add_payment(open_ids[1], "25.00")  # partly
    fresh = next(i for i in open_ids[2:] if not zoho.data.paid_to.get(i) and not zoho.data.credited_to.get(i))
    zoho.void_invoice(fresh)
    customer = zoho.customer_ids()[2]
    zoho.update_customer(customer, name="Nouveau Nom SARL")
    with_person = next(c for c in zoho.customer_ids() if zoho.data.contacts[c].persons)
    person = zoho.set_contact_email(with_person, "nouvelle.adresse@example.org")
    added = zoho.add_invoice(zoho.customer_ids()[0])
    second = sync()
    assert second.ok, second.errors
    assert_matches(session, zoho)
    stored = stored_state(session)
    assert stored["accounts"][str(customer)][0] == "Nouveau Nom SARL"
    assert stored["contacts"][str(person)] == "nouvelle.adresse@example.org"
    assert str(fresh) not in stored["invoices"] and str(added) in stored["invoices"]
    paid = session.exec(select(Document).where(Document.external_id == str(open_ids[0]))).one()
    assert paid.remaining_amount == 0 and paid.paid_amount == paid.total_incl_tax - paid.credited_amount
    assert unchanged(sync())


def test_excluded_customers_are_never_stored(session, db_url, zoho, today) -> None:
    excluded = str(zoho.customer_ids()[0])
    view = add_integration(
        session=session,
        provider="zoho_books",
        name="excl",
        config=zoho.connector_config(excluded_customer_ids=[excluded]),
        actor="cli",
    )
    session.commit()
    assert run_integration_sync(engine=get_engine(db_url), integration_id=view.id, today=today).ok
    stored = stored_state(session)
    assert excluded not in stored["accounts"]
    assert all(a.external_id != excluded for a in session.exec(select(Account)))


def test_a_spent_quota_fails_the_run_with_a_clear_message(session, sync, zoho) -> None:
    zoho.spend_quota()
    result = sync()
    assert not result.ok and "daily API quota" in result.errors[0]
    integration = session.exec(select(Integration)).one()
    session.refresh(integration)
    assert integration.last_error and "resets in" in integration.last_error


def test_the_worker_runs_it(session, db_url, integration_id, zoho, capsys) -> None:
    assert main(["--db", db_url, "worker", "--once"]) == 0
    session.expire_all()
    run = session.exec(select(SyncRun)).one()
    assert run.status == SyncStatus.SUCCEEDED


def test_kill_9_mid_sync_then_resume(session, db_url, integration_id, zoho, sync) -> None:
    stored, _ = kill_9_mid_sync_then_resume(session, db_url, zoho, sync, delay=0.03)
    assert 0 < stored < len(provider_state(zoho)["invoices"]), "killed too late to prove anything"
    assert_matches(session, zoho)


def test_cli_add_sync_export_equals_zoho(db_url, zoho, capsys) -> None:
    import json

    config = json.dumps(zoho.connector_config())
    assert main(["--db", db_url, "integration", "add", "zoho_books", "--name", "zb", "--config", config]) == 0
    assert main(["--db", db_url, "sync", "zb"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "export", "invoices", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    expected = provider_state(zoho)["invoices"]
    got = {
        r["external_id"]: (r["number"], Decimal(r["total_incl_tax"]), Decimal(r["remaining_amount"]))
        for r in rows
    }
    assert got == expected
    assert all((r["invoice_status"] == "paid") == (Decimal(r["remaining_amount"]) == 0) for r in rows)
    assert main(["--db", db_url, "export", "accounts", "--format", "json"]) == 0
    accounts = json.loads(capsys.readouterr().out)
    assert {a["external_id"]: a["name"] for a in accounts} == {
        k: v[0] for k, v in provider_state(zoho)["accounts"].items()
    }
    assert main(["--db", db_url, "integration", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert zoho.refresh_token not in listed and zoho.client_secret not in listed


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 100_000), customers=st.integers(1, 8), invoices=st.integers(0, 80))
def test_invariants_over_generated_organisations(session, db_url, today, seed, customers, invoices) -> None:
    """Whatever the organisation: each document once, amounts and balances as Zoho says, the
    settlement identity on every invoice, and a second sync that changes nothing."""
    with ZohoSandbox(  # each example its own organization: one integration per organization
        seed=seed,
        customers=customers,
        invoices=invoices,
        rate_limit=False,
        contract=True,
        organization_id=str(20_000_000 + next(_organizations)),
    ) as zoho:
        view = add_integration(
            session=session,
            provider="zoho_books",
            name=f"z{seed}-{customers}-{invoices}",
            config=zoho.connector_config(page_size=7),
            actor="cli",
        )
        session.commit()
        engine = get_engine(db_url)
        assert run_integration_sync(engine=engine, integration_id=view.id, today=today).ok
        assert_matches(session, zoho, view.id)
        assert unchanged(run_integration_sync(engine=engine, integration_id=view.id, today=today))
    assert zoho.contract_violations == []


def _deleted_at_zoho(zoho: ZohoSandbox) -> tuple[str, str, str]:
    """An invoice, a credit note and a customer deleted at Zoho (no deletion feed says so)."""
    d = zoho.data
    invoice = next(i for i in zoho.invoice_ids() if not d.paid_to.get(i) and not d.credited_to.get(i))
    note = next(n for n in zoho.credit_note_ids() if not d.applications.get(n))
    zoho.delete_document(invoice)
    zoho.delete_document(note)
    customer = zoho.customer_ids()[-1]
    zoho.delete_customer(customer)
    return str(invoice), str(note), str(customer)


def test_deletions_at_zoho_go_with_the_reconciliation(session, sync, zoho) -> None:
    """Zoho has no deletion feed: an incremental sync lists every id once reconcile_hours (24 by
    default) have passed since the last listing, a full sync always (its walk lists them)."""
    assert sync().ok
    invoice, note, customer = _deleted_at_zoho(zoho)
    assert sync().ok  # incremental, the last listing (the first sync's walk) is fresh
    stored = stored_state(session)
    assert invoice in stored["invoices"] and note in stored["credit_notes"]
    result = sync(full=True)
    assert result.ok, result.errors
    assert result.counts["invoice"].deleted >= 1
    stored = stored_state(session)
    assert invoice not in stored["invoices"] and note not in stored["credit_notes"]
    account = session.exec(select(Account).where(Account.external_id == customer)).one()
    assert account.paused and account.paused_reason == "deleted in Zoho Books"
    expected = provider_state(zoho)
    assert (stored["invoices"], stored["credit_notes"]) == (expected["invoices"], expected["credit_notes"])
    assert unchanged(sync())


def test_a_due_reconciliation_runs_in_an_incremental_sync(session, db_url, zoho, today) -> None:
    view = add_integration(
        session=session,
        provider="zoho_books",
        name="every-sync",
        config=zoho.connector_config(reconcile_hours=0),
        actor="cli",
    )
    session.commit()
    engine = get_engine(db_url)
    assert run_integration_sync(engine=engine, integration_id=view.id, today=today).ok
    invoice, note, _ = _deleted_at_zoho(zoho)
    before = zoho.request_count
    assert run_integration_sync(engine=engine, integration_id=view.id, today=today).ok
    stored = stored_state(session)
    expected = provider_state(zoho)
    assert (stored["invoices"], stored["credit_notes"]) == (expected["invoices"], expected["credit_notes"])
    assert invoice not in stored["invoices"] and note not in stored["credit_notes"]
    assert zoho.request_count - before < 40  # the listings: a page of 200 ids per entity, and tokens

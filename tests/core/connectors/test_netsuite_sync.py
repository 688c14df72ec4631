"""NetSuite end to end: the sync engine over real HTTP against the NetSuite sandbox (SuiteQL run on
its tables), on SQLite and PostgreSQL. The stored data equals the account's, changes arrive with
the next sync (a payment that leaves the invoice's lastmodifieddate alone included), a third sync
changes nothing, settlements add up, and a sync killed with SIGKILL resumes with nothing lost."""

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

from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import (
    Account,
)
from billabex_core.services.integrations import add_integration
from billabex_core.sync import SyncResult
from billabex_sandbox.netsuite import NetSuiteSandbox
from tests.core.connectors.helpers import demo_integration, kill_9_mid_sync_then_resume, runner, unchanged
from tests.core.connectors.stored import assert_stored_equals, stored_state

ROOT = Path(__file__).resolve().parents[3]
CENT = Decimal("0.01")

_accounts = itertools.count(1)


def dec(value: Any) -> Decimal:
    return abs(Decimal(str(value))).quantize(CENT)


@pytest.fixture
def netsuite() -> Iterator[NetSuiteSandbox]:
    with NetSuiteSandbox(seed=6, customers=12, invoices=150, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []


@pytest.fixture
def integration_id(session: Session, netsuite: NetSuiteSandbox) -> int:
    return demo_integration(session, "netsuite", netsuite.connector_config(page_size=30))


@pytest.fixture
def sync(db_url: str, integration_id: int, today: Any) -> Callable[..., SyncResult]:
    return runner(db_url, integration_id, today)


def provider_state(ns: NetSuiteSandbox) -> dict[str, Any]:
    accounts = {
        str(i): (name, currency)
        for i, name, currency in ns.query(
            "SELECT c.id, CASE WHEN c.isperson = 'T' THEN c.firstname || ' ' || c.lastname ELSE c.companyname END,"
            " cur.symbol FROM customer c JOIN currency cur ON cur.id = c.currency"
        )
    }
    docs = ns.query(
        'SELECT id, type, tranid, foreigntotal, foreignamountunpaid, entity FROM "transaction"'
        " WHERE type IN ('CustInvc', 'CustCred') AND voided = 'F'"
    )
    balances: dict[str, Decimal] = {}
    for _, kind, _, _, unpaid, entity in docs:
        sign = 1 if kind == "CustInvc" else -1
        balances[str(entity)] = balances.get(str(entity), Decimal("0.00")) + sign * dec(unpaid)
    return {
        "accounts": accounts,
        "contacts": {
            str(i): e.lower() for i, e in ns.query("SELECT id, email FROM contact WHERE email IS NOT NULL")
        },
        "invoices": {str(d[0]): (d[2], dec(d[3]), dec(d[4])) for d in docs if d[1] == "CustInvc"},
        "credit_notes": {str(d[0]): (d[2], dec(d[3]), dec(d[4])) for d in docs if d[1] == "CustCred"},
        "balances": balances,
    }


def assert_matches(session: Session, netsuite: NetSuiteSandbox, integration_id: int | None = None) -> None:
    assert_stored_equals(session, provider_state(netsuite), integration_id)


def test_first_sync_equals_the_account(session, sync, netsuite) -> None:
    result = sync()
    assert result.ok, result.errors
    assert provider_state(netsuite)["credit_notes"]
    assert_matches(session, netsuite)
    assert unchanged(sync()) and unchanged(sync())


def test_changes_at_netsuite_arrive_with_the_next_sync(session, sync, netsuite) -> None:
    assert sync().ok
    open_ids = netsuite.ids("CustInvc", open_only=True)
    netsuite.add_payment(open_ids[0])  # the invoice's lastmodifieddate does not move
    netsuite.add_payment(open_ids[1], "20.00")
    unlinked = [
        i
        for (i,) in netsuite.query(
            "SELECT id FROM \"transaction\" t WHERE type = 'CustInvc' AND voided = 'F'"
            " AND NOT EXISTS (SELECT 1 FROM nexttransactionlinelink l WHERE l.previousdoc = t.id)"
        )
    ]
    netsuite.void_invoice(unlinked[-1])
    customer = netsuite.customer_ids()[1]
    netsuite.update_customer(customer, companyname="Nouveau Nom SA", isperson="F")
    (contact_id,) = netsuite.query("SELECT id FROM contact WHERE email IS NOT NULL ORDER BY id LIMIT 1")[0]
    netsuite.set_contact_email(contact_id, "nouvelle.adresse@example.org")
    added = netsuite.add_invoice(netsuite.customer_ids()[0])
    second = sync()
    assert second.ok, second.errors
    assert_matches(session, netsuite)
    stored = stored_state(session)
    assert stored["accounts"][str(customer)][0] == "Nouveau Nom SA"
    assert stored["contacts"][str(contact_id)] == "nouvelle.adresse@example.org"
    assert str(unlinked[-1]) not in stored["invoices"] and str(added) in stored["invoices"]
    assert stored["invoices"][str(open_ids[0])][2] == 0
    assert unchanged(sync())


def test_a_customer_deleted_in_netsuite_is_paused(session, sync, netsuite) -> None:
    assert sync().ok
    gone = netsuite.customer_ids()[-1]
    netsuite.delete_record(gone, "customer")
    assert sync().ok
    account = session.exec(select(Account).where(Account.external_id == str(gone))).one()
    session.refresh(account)
    assert account.paused and "deleted" in (account.paused_reason or "")
    assert unchanged(sync())


def test_kill_9_mid_sync_then_resume(session, db_url, integration_id, netsuite, sync) -> None:
    stored, _ = kill_9_mid_sync_then_resume(session, db_url, netsuite, sync, delay=0.05)
    assert 0 < stored < len(provider_state(netsuite)["invoices"]), "killed too late to prove anything"
    assert_matches(session, netsuite)


def test_cli_add_sync_export_equals_netsuite(db_url, netsuite, capsys) -> None:
    import json

    from billabex_core.cli import main

    config = json.dumps(netsuite.connector_config())
    assert main(["--db", db_url, "integration", "add", "netsuite", "--name", "ns", "--config", config]) == 0
    assert main(["--db", db_url, "sync", "ns"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "export", "invoices", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = {
        r["external_id"]: (r["number"], Decimal(r["total_incl_tax"]), Decimal(r["remaining_amount"]))
        for r in rows
    }
    assert got == provider_state(netsuite)["invoices"]
    assert main(["--db", db_url, "export", "credit-notes", "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)
    assert {r["external_id"] for r in notes} == set(provider_state(netsuite)["credit_notes"])
    assert main(["--db", db_url, "integration", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert netsuite.token_secret not in listed and netsuite.consumer_secret not in listed


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 100_000), customers=st.integers(1, 8), invoices=st.integers(0, 80))
def test_invariants_over_generated_accounts(session, db_url, today, seed, customers, invoices) -> None:
    """Whatever the account: each document once, amounts and balances as NetSuite says, the
    settlement identity on every invoice, and a second sync that changes nothing."""
    account = f"{next(_accounts)}_SB1"  # each example its own account: one integration per account
    with NetSuiteSandbox(
        seed=seed, customers=customers, invoices=invoices, contract=True, account_id=account
    ) as ns:
        view = add_integration(
            session=session,
            provider="netsuite",
            name=f"n{seed}-{customers}-{invoices}",
            config=ns.connector_config(page_size=7),
            actor="cli",
        )
        session.commit()
        engine = get_engine(db_url)
        assert run_integration_sync(engine=engine, integration_id=view.id, today=today).ok
        assert_matches(session, ns, view.id)
        assert unchanged(run_integration_sync(engine=engine, integration_id=view.id, today=today))
    assert ns.contract_violations == []

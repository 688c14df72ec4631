"""The sync engine against the Pennylane sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from billabex_core.connectors.records import (
    AccountRecord,
    ContactRecord,
    CreditApplicationRecord,
    DocumentRecord,
    Entity,
    RecordPage,
)
from billabex_core.db.engine import get_engine
from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import (
    Account,
    AuditEvent,
    Contact,
    Document,
    DocumentKind,
    Integration,
    InvoiceStatus,
    Payment,
    SyncCursor,
    SyncRun,
    SyncStatus,
    Task,
    TaskKind,
)
from billabex_core.services.integrations import update_integration
from billabex_core.services.status import recompute_account
from billabex_core.sync import apply as apply_module
from billabex_core.sync import lock


def _expected(sandbox) -> dict[str, int]:
    return {
        "account": len(sandbox.customer_ids()),
        "invoice": len(sandbox.invoice_ids(credit_notes=False)),
        "credit_note": len(sandbox.invoice_ids(credit_notes=True)),
    }


def _remaining(sandbox, external_id: str) -> Decimal:
    return Decimal(sandbox.data.remaining(int(external_id) - 100_000)) / 100


def test_full_sync_stores_everything_once(session, sync, pennylane_sandbox, table_counts, today) -> None:
    result = sync()
    assert result.ok and result.requests > 0
    stored = table_counts(session)
    expected = _expected(pennylane_sandbox)
    assert {k: stored[k] for k in expected} == expected
    assert result.counts["invoice"].created == expected["invoice"]
    assert stored["contact"] == result.counts["contact"].created > 0
    again = sync(full=True)  # a full re-scan changes nothing and creates nothing
    assert table_counts(session) == stored
    assert all(c.created == 0 and c.updated == 0 for c in again.counts.values()), again.counts
    assert again.counts["invoice"].unchanged == expected["invoice"]
    run = session.exec(select(SyncRun).order_by(col(SyncRun.id).desc())).first()
    assert run.status == again.status and run.finished_at and run.counts["invoice"]["unchanged"] > 0
    cursors = session.exec(select(SyncCursor)).all()
    assert {c.entity for c in cursors} == {"account", "contact", "invoice", "credit_note", "payment"}
    integration = session.exec(select(Integration)).one()
    assert integration.last_success_at == again.started_at and integration.lock_token is None


def test_provider_truth_and_statuses(session, sync, pennylane_sandbox, today) -> None:
    for customer_id in [c for c in pennylane_sandbox.customer_ids() if not pennylane_sandbox.contacts(c)][:2]:
        pennylane_sandbox.update_customer(customer_id, emails=[])  # no contact person, no billing e-mail
    sync()
    docs = session.exec(select(Document)).all()
    for doc in docs:
        raw = pennylane_sandbox.invoice(int(doc.external_id))
        assert doc.number == raw["invoice_number"] and doc.source.value == "pennylane"
        assert doc.total_incl_tax == abs(Decimal(raw["currency_amount"]))
        if doc.kind == DocumentKind.INVOICE:
            assert doc.remaining_amount == doc.provider_remaining
            assert abs(doc.remaining_amount - _remaining(pennylane_sandbox, doc.external_id)) <= Decimal(
                "0.01"
            )
            if doc.remaining_amount == 0:
                assert doc.invoice_status == InvoiceStatus.PAID
    linked = [d for d in docs if d.kind == DocumentKind.CREDIT_NOTE and d.credited_invoice_id]
    assert linked and all(d.credited_invoice_number for d in linked)
    # The bulk recompute and the one-account recompute agree: nothing left to change.
    for account in session.exec(select(Account)).all():
        recompute_account(session=session, account_id=account.id, today=today)
        assert not session.dirty, account.name
    # Missing-contact tasks for accounts without contact, once.
    without = session.exec(select(Account).where(Account.contact_count == 0)).all()
    asked = session.exec(select(Task).where(Task.kind == TaskKind.MISSING_CONTACT)).all()
    assert without and {t.account_id for t in asked} == {a.id for a in without}
    sync()
    assert len(session.exec(select(Task).where(Task.kind == TaskKind.MISSING_CONTACT)).all()) == len(asked)
    assert session.exec(select(AuditEvent).where(AuditEvent.actor == "sync")).first() is not None


def test_incremental_sync_follows_changes(session, sync, pennylane_sandbox, table_counts, today) -> None:
    sync()
    changes = pennylane_sandbox.mutate(0.08, seed=3)
    result = sync()
    assert result.ok
    assert result.counts["invoice"].deleted == 1 and result.counts["invoice"].created == len(changes["added"])
    session.expire_all()
    stored = table_counts(session)
    expected = _expected(pennylane_sandbox)
    assert {k: stored[k] for k in expected} == expected
    deleted = str(changes["deleted"][0])
    assert session.exec(select(Document).where(Document.external_id == deleted)).first() is None
    for invoice_id in changes["paid"]:
        doc = session.exec(select(Document).where(Document.external_id == str(invoice_id))).one()
        assert doc.provider_remaining == 0 and doc.invoice_status == InvoiceStatus.PAID
        assert doc.paid_amount > 0  # the payments were synced too (explanatory rows)
    for account in session.exec(select(Account)).all():
        recompute_account(session=session, account_id=account.id, today=today)
        assert not session.dirty


class FakeConnector:
    """A provider-neutral connector in memory: one page per entity."""

    ENTITIES = (Entity.ACCOUNT, Entity.CONTACT, Entity.INVOICE, Entity.CREDIT_NOTE, Entity.CREDIT_APPLICATION)
    requests = 0

    def __init__(self, pages: dict[Entity, list]) -> None:
        self._pages = pages

    def pages(self, entity, *, cursor, full=False):
        yield RecordPage(self._pages.get(entity, []), cursor=f"{entity.value}-done")

    def close(self) -> None:
        pass


def test_bad_records_fail_alone_with_any_connector(session, db_url, integration_id, today) -> None:
    day = today
    fake = FakeConnector(
        {
            Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS", country="DE", vat="DE 123")],
            Entity.CONTACT: [
                ContactRecord("p1", "c1", "compta@acme.example"),
                ContactRecord("p2", "c1", "not-an-email", name="Bad"),
                ContactRecord("p3", "c1", None),
            ],
            Entity.INVOICE: [
                DocumentRecord("i1", "c1", Entity.INVOICE, "F-1", "EUR", Decimal("120.00"), issue_date=day),
                DocumentRecord("i2", "c9", Entity.INVOICE, "F-2", "EUR", Decimal("50.00"), due_date=day),
                DocumentRecord("i3", "c1", Entity.INVOICE, "F-3", "ZZZ", Decimal("5.00")),
                DocumentRecord("d1", "c1", Entity.INVOICE, "", "EUR", Decimal("1.00"), is_draft=True),
            ],
            Entity.CREDIT_NOTE: [
                DocumentRecord("n1", "c1", Entity.CREDIT_NOTE, "AV-1", "EUR", Decimal("20.00"))
            ],
            Entity.CREDIT_APPLICATION: [
                CreditApplicationRecord("a1", "n1", "i1", Decimal("20.00"), applied_on=day),
                CreditApplicationRecord("a2", "n1", "nope", Decimal("1.00")),
            ],
        }
    )
    result = run_integration_sync(
        engine=get_engine(db_url),
        integration_id=integration_id,
        today=today,
        connector_factory=lambda *_: fake,
    )
    assert result.status == SyncStatus.PARTIAL
    counts = {k: (c.created, c.failed) for k, c in result.counts.items()}
    assert counts == {
        "account": (2, 0),  # c9 is unknown yet: a placeholder account keeps its invoice
        "contact": (1, 1),  # p2's address is invalid; p3 has none: not stored, not a failure
        "invoice": (2, 1),
        "credit_note": (1, 0),
        "credit_application": (1, 1),
    }
    acme = session.exec(select(Account).where(Account.external_id == "c1")).one()
    assert acme.vat is None and acme.country == "DE" and acme.contact_count == 1
    contact = session.exec(select(Contact)).one()
    assert contact.name == "compta" and contact.language == "de"
    invoice = session.exec(select(Document).where(Document.number == "F-1")).one()
    assert invoice.due_date == day + timedelta(days=30)  # issue date + the organisation's terms
    assert invoice.credited_amount == Decimal("20.00") and invoice.remaining_amount == Decimal("100.00")
    assert acme.outstanding_balance == Decimal("100.00")
    stub = session.exec(select(Account).where(Account.external_id == "c9")).one()
    assert stub.name == "Pennylane customer c9"


def test_identity_clashes_new_renumbered_and_within_a_page(session, db_url, integration_id, today) -> None:
    def doc(ext: str, number: str) -> DocumentRecord:
        return DocumentRecord(ext, "c1", Entity.INVOICE, number, "EUR", Decimal("10.00"), due_date=today)

    def run(invoices: list[DocumentRecord]):
        fake = FakeConnector({Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS")], Entity.INVOICE: invoices})
        return run_integration_sync(
            engine=get_engine(db_url),
            integration_id=integration_id,
            today=today,
            connector_factory=lambda *_: fake,
            full=True,
        )

    first = run([doc("i1", "F-1"), doc("i2", "F-2"), doc("i3", "F-1")])  # i3 takes i1's number
    assert (first.counts["invoice"].created, first.counts["invoice"].failed) == (2, 1)
    # i2 renumbered onto F-1 (held by i1) fails; i1 unchanged; i4 new and free is stored
    second = run([doc("i1", "F-1"), doc("i2", "F-1"), doc("i4", "F-4")])
    c = second.counts["invoice"]
    assert (c.created, c.updated, c.unchanged, c.failed) == (1, 0, 1, 1)
    numbers = dict(session.exec(select(Document.external_id, Document.number)).all())
    assert numbers == {"i1": "F-1", "i2": "F-2", "i4": "F-4"}
    task = session.exec(select(Task).where(Task.kind == TaskKind.ANOMALY)).one()  # one per account
    assert "F-1" in task.message
    # a free renumbering goes through
    third = run([doc("i2", "F-22")])
    assert third.counts["invoice"].updated == 1 and third.counts["invoice"].failed == 0


def test_excluded_customers_are_never_stored(session, sync, pennylane_sandbox, integration_id) -> None:
    excluded = [str(i) for i in pennylane_sandbox.customer_ids()[:3]]
    update_integration(
        session=session, integration_id=integration_id, excluded_customer_ids=excluded, actor="a"
    )
    session.commit()
    sync()
    stored = {a.external_id for a in session.exec(select(Account)).all()}
    assert stored and not stored & set(excluded)
    customers = {a.id: a.external_id for a in session.exec(select(Account)).all()}
    assert all(customers[d.account_id] not in excluded for d in session.exec(select(Document)).all())


def test_provider_failure_then_resume(session, sync, pennylane_sandbox, table_counts) -> None:
    pennylane_sandbox.fail_next(1, status=401, path="/api/external/v2/customer_invoices")
    failed = sync()
    assert failed.status == SyncStatus.FAILED and "rejected the API credentials" in failed.error
    assert "\n" not in failed.error
    integration = session.exec(select(Integration)).one()
    assert integration.last_error == failed.error and integration.last_success_at is None
    assert table_counts(session)["account"] == len(pennylane_sandbox.customer_ids())  # kept
    again = sync()
    assert again.ok and again.counts["account"].created == 0  # resumed, not redone
    stored = table_counts(session)
    expected = _expected(pennylane_sandbox)
    assert {k: stored[k] for k in expected} == expected
    session.refresh(integration)
    assert integration.last_error is None  # the successful resume cleared it


def test_unexpected_error_rolls_back_the_page(
    session, sync, pennylane_sandbox, table_counts, monkeypatch
) -> None:
    real, calls = apply_module.apply_page, []

    def flaky(conn, ctx, records, **kw):
        calls.append(1)
        outcome = real(conn, ctx, records, **kw)
        if len(calls) == 6:
            raise RuntimeError("disk on fire")
        return outcome

    monkeypatch.setattr("billabex_core.sync.engine.apply_page", flaky)
    monkeypatch.setattr("billabex_core.sync.engine.GROUP_PAGES", 1)  # one page per transaction
    with pytest.raises(RuntimeError):
        sync()
    run = session.exec(select(SyncRun)).one()
    assert run.status == SyncStatus.FAILED and run.errors[0].startswith("internal error (RuntimeError)")
    partial = table_counts(session)["invoice"]
    assert 0 < partial < len(pennylane_sandbox.invoice_ids(credit_notes=False))
    assert partial % 20 == 0  # whole pages only: the failing page left nothing behind
    monkeypatch.setattr("billabex_core.sync.engine.apply_page", real)
    assert sync().ok
    stored = table_counts(session)
    expected = _expected(pennylane_sandbox)
    assert {k: stored[k] for k in expected} == expected


def test_clash_with_a_manual_document_is_an_anomaly(session, sync, pennylane_sandbox, add_document) -> None:
    sync()
    doc = session.exec(select(Document).where(Document.kind == DocumentKind.INVOICE)).first()
    account = session.get(Account, doc.account_id)
    number, external = doc.number, doc.external_id
    for payment in session.exec(select(Payment).where(Payment.document_id == doc.id)).all():
        session.delete(payment)  # (its "settled in Pennylane" line)
    session.flush()
    session.delete(doc)
    session.commit()
    add_document(account, number, "100.00")  # a manual upload took the synced number
    result = sync(full=True)
    assert result.counts["invoice"].failed == 1 and any(number in e for e in result.errors)
    task = session.exec(select(Task).where(Task.kind == TaskKind.ANOMALY)).one()
    assert task.account_id == account.id and number in task.message
    assert session.exec(select(Document).where(Document.external_id == external)).first() is None


def test_one_sync_at_a_time(session, sync, db_url, integration_id) -> None:
    engine = get_engine(db_url)
    token = lock.acquire(engine, integration_id=integration_id, name="demo")
    with pytest.raises(ConflictError, match="a sync of demo is already running"):
        sync()
    with pytest.raises(ConflictError):
        lock.acquire(engine, integration_id=integration_id, name="demo")
    lock.release(engine, integration_id=integration_id, token=token)
    # A lease left by a killed process expires.
    stale = lock.acquire(engine, integration_id=integration_id, name="demo", lease=timedelta(seconds=-1))
    fresh = lock.acquire(engine, integration_id=integration_id, name="demo")
    with engine.begin() as conn, pytest.raises(lock.LockLostError):
        lock.renew(conn, integration_id=integration_id, token=stale, name="demo")
    lock.release(engine, integration_id=integration_id, token=fresh)
    assert sync().ok


def test_progress_is_reported(sync) -> None:
    seen = []
    sync(progress=seen.append)
    assert seen[-1].done and seen[-1].fraction == 1.0
    assert [p.entity for p in seen[:-1]] == sorted(
        [p.entity for p in seen[:-1]], key=["account", "contact", "invoice", "credit_note", "payment"].index
    )
    assert seen[-2].counts["invoice"].created > 0 and 0 < seen[0].fraction < 1


def test_interrupted_run_is_marked_and_recovered(session, sync, db_url, integration_id) -> None:
    session.add(SyncRun(integration_id=integration_id, started_at=utcnow() - timedelta(hours=1)))
    session.commit()
    assert sync().ok
    runs = session.exec(select(SyncRun).order_by(col(SyncRun.id))).all()
    assert runs[0].status == SyncStatus.FAILED and "interrupted" in runs[0].errors[0]

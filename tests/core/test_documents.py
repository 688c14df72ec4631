"""Validated manual documents: checks, duplicates, prepayment, immutability, missing-contact task."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.errors import DuplicateDocumentError, ImmutableError, ValidationError
from billabex_core.models import AuditEvent, Document, DocumentKind, Payment, Task, TaskKind, TaskStatus
from billabex_core.services.documents import DocumentInput, check_document
from billabex_core.services.payments import record_payment

D = Decimal
GOOD = DocumentInput(
    kind=DocumentKind.INVOICE,
    number="F-1",
    issue_date=date(2026, 1, 1),
    due_date=date(2026, 1, 31),
    currency="eur",
    total_excl_tax=D("100.00"),
    tax_amount=D("20.00"),
    total_incl_tax=D("120.00"),
)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": "  "}, "number"),
        ({"currency": "EUROS"}, "currency"),
        ({"total_incl_tax": D("-1.00")}, "total_incl_tax"),
        ({"tax_amount": D("19.99")}, "total_incl_tax"),
        ({"due_date": date(2025, 12, 31)}, "due_date"),
        ({"amount_due": D("130.00")}, "amount_due"),
    ],
)
def test_checks_name_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_document(replace(GOOD, **change))
    assert info.value.field == field


def test_check_normalises() -> None:
    clean = check_document(replace(GOOD, number=" F  1 "))
    assert (clean.number, clean.currency) == ("F 1", "EUR")


def test_duplicate_is_refused_and_nothing_half_written(session, account, add_document) -> None:
    first = add_document(account, "F-9", "60.00").document
    before = session.exec(select(AuditEvent)).all()
    with pytest.raises(DuplicateDocumentError) as info:
        add_document(account, "F-9", "70.00")
    session.rollback()
    assert info.value.existing_id == first.id
    assert f"#{first.id}" in str(info.value)
    assert len(session.exec(select(Document)).all()) == 1
    assert len(session.exec(select(AuditEvent)).all()) == len(before)
    # the same number as a credit note is another identity
    add_document(account, "F-9", "10.00", kind=DocumentKind.CREDIT_NOTE)


def test_prepayment_printed_becomes_a_payment(session, account, add_document) -> None:
    doc = add_document(account, "F-3", "120.00", amount_due="20.00").document
    payment = session.exec(select(Payment)).one()
    assert payment.amount == D("100.00") and "Prepayment" in (payment.note or "")
    session.refresh(doc)
    assert doc.remaining_amount == D("20.00")


def test_validated_document_is_immutable(session, account, add_document, today) -> None:
    doc = add_document(account, "F-4", "10.00").document
    doc.total_incl_tax = D("11.00")
    with pytest.raises(ImmutableError, match="total_incl_tax"):
        session.flush()
    session.rollback()
    fresh = session.get(Document, doc.id)
    fresh.number = "F-4b"
    with pytest.raises(ImmutableError):
        session.commit()
    session.rollback()
    fresh = session.get(Document, doc.id)
    session.delete(fresh)
    with pytest.raises(ImmutableError):
        session.flush()
    session.rollback()
    # computed columns still change, to what the payments and credits give (issue #17, point 11:
    # a forged figure is refused, tests/core/test_security_immutability.py)
    fresh = session.get(Document, doc.id)
    fresh.remaining_amount, fresh.paid_amount = D("0.00"), D("10.00")
    with pytest.raises(ImmutableError):
        session.flush()
    session.rollback()
    record_payment(
        session=session, document_id=doc.id, amount="10.00", paid_on=today, actor="alice", today=today
    )
    session.flush()
    fresh = session.get(Document, doc.id)
    assert (fresh.remaining_amount, fresh.paid_amount) == (D("0.00"), D("10.00"))


def test_account_without_contact_gets_one_task(session, account, add_document) -> None:
    out1 = add_document(account, "F-5", "10.00")
    out2 = add_document(account, "F-6", "10.00")
    assert out1.task is not None and out1.task.id == out2.task.id
    task = session.exec(select(Task)).one()
    assert task.kind == TaskKind.MISSING_CONTACT and task.status == TaskStatus.ACTION_REQUIRED
    assert task.subject == "Provide a contact for ACME SAS"


def test_new_document_resumes_paused_account(session, account, add_document, today) -> None:
    from billabex_core.services.accounts import set_paused

    set_paused(session=session, account_id=account.id, paused=True, actor="alice", reason="dispute")
    session.commit()
    add_document(account, "F-7", "10.00", due=today + timedelta(days=3))
    session.refresh(account)
    assert account.paused is False


def test_immutability_holds_below_the_orm(session, account, add_document) -> None:
    """Stale objects, a changed source, bulk SQL and raw deletes are refused by the database too."""
    import sqlalchemy as sa

    from billabex_core.models import Source

    doc = add_document(account, "F-8", "10.00").document
    session.expire_all()  # the ORM no longer knows the old values
    stale = session.get(Document, doc.id)
    session.expire(stale)
    stale.total_incl_tax = D("1.00")
    with pytest.raises(ImmutableError):
        session.commit()
    session.rollback()
    fresh = session.get(Document, doc.id)
    fresh.source = Source.PENNYLANE
    fresh.number = "HACK"
    with pytest.raises(ImmutableError):
        session.commit()
    session.rollback()
    with pytest.raises(ImmutableError):
        session.execute(sa.update(Document).where(Document.id == doc.id).values(number="BULK"))
    session.rollback()
    with pytest.raises(ImmutableError):
        session.execute(sa.delete(Document).where(Document.id == doc.id))
    session.rollback()
    # the computed columns can be written as the rows give them (no payment: all of it remains)
    session.execute(sa.update(Document).where(Document.id == doc.id).values(remaining_amount=D("10.00")))
    session.commit()  # computed columns still change
    session.expire_all()
    assert session.get(Document, doc.id).number == "F-8"


def test_currency_mismatch_opens_an_anomaly(session, account, add_document) -> None:
    add_document(account, "F-USD", "10.00", currency="USD")
    anomaly = session.exec(select(Task).where(Task.kind == TaskKind.ANOMALY)).one()
    assert anomaly.subject == "Currency mismatch on ACME SAS" and "USD" in anomaly.message

"""Payments by hand, logins, and exports (JSON / CSV with formula neutralisation)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from billabex_core.errors import ConflictError, ValidationError
from billabex_core.models import (
    Account,
    AuditEvent,
    Communication,
    CommunicationStatus,
    Document,
    DocumentKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Source,
)
from billabex_core.services.accounts import create_account
from billabex_core.services.export import (
    EXPORTERS,
    FORMULA_PREFIXES,
    PLAIN_NUMBER,
    export_rows,
    neutralise,
    to_csv,
)
from billabex_core.services.payments import record_payment, reverse_payment
from billabex_core.services.users import add_user, credentials, verify_password


@pytest.mark.parametrize("amount", ["0", "-5", "abc", 1.5, None])
def test_bad_payments_refused(session, account, add_document, today, amount) -> None:
    inv = add_document(account, "F-1", "10.00").document
    with pytest.raises(ValidationError):
        record_payment(
            session=session, document_id=inv.id, amount=amount, paid_on=today, actor="a", today=today
        )


def test_no_payment_on_credit_note_or_synced(session, account, add_document, today) -> None:
    note = add_document(account, "AV-1", "10.00", kind=DocumentKind.CREDIT_NOTE).document
    with pytest.raises(ValidationError, match="credit notes"):
        record_payment(session=session, document_id=note.id, amount="1", paid_on=today, actor="a")


def test_no_hand_payment_on_a_synced_invoice(session, account, today) -> None:
    """The billing tool is the truth for synced documents: their payments come from there."""
    synced = Document(
        account_id=account.id,
        kind=DocumentKind.INVOICE,
        number="PL-1",
        source=Source.PENNYLANE,
        external_id="1",
        currency="EUR",
        total_incl_tax=Decimal("100.00"),
        provider_remaining=Decimal("100.00"),
    )
    session.add(synced)
    session.commit()
    with pytest.raises(ValidationError, match="synced from pennylane: its payments come from there"):
        record_payment(session=session, document_id=synced.id, amount="10", paid_on=today, actor="a")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("500,00", "500.00"), ("1 234,56", "1234.56"), ("1\u202f234,56", "1234.56"), ("1\u00a0000", "1000.00")],
)
def test_payment_amounts_typed_the_french_way(session, account, add_document, today, typed, expected) -> None:
    inv = add_document(account, "F-1", "2000.00").document
    paid = record_payment(
        session=session, document_id=inv.id, amount=typed, paid_on=today, actor="a", today=today
    )
    assert paid.amount == Decimal(expected)


def test_an_overpayment_needs_a_confirmation(session, account, add_document, today) -> None:
    inv = add_document(account, "F-1", "100.00").document
    record_payment(session=session, document_id=inv.id, amount="60", paid_on=today, actor="a", today=today)
    with pytest.raises(ValidationError, match=r"more than what remains \(40.00\).*confirm") as info:
        record_payment(
            session=session, document_id=inv.id, amount="50,00", paid_on=today, actor="a", today=today
        )
    assert info.value.field == "amount"
    record_payment(session=session, document_id=inv.id, amount="40", paid_on=today, actor="a", today=today)
    record_payment(
        session=session,
        document_id=inv.id,
        amount="5",
        paid_on=today,
        actor="a",
        today=today,
        confirm_overpayment=True,
    )
    session.commit()
    session.refresh(inv)
    session.refresh(account)
    assert (inv.payment_status, inv.invoice_status, inv.remaining_amount) == (
        PaymentStatus.OVERPAID,
        InvoiceStatus.PAID,
        Decimal("-5.00"),
    )
    assert account.outstanding_balance == Decimal("-5.00")


def test_a_payment_is_reversed_by_a_reversing_entry(session, account, add_document, today) -> None:
    inv = add_document(account, "F-1", "100.00", due=today - timedelta(days=3)).document
    paid = record_payment(
        session=session, document_id=inv.id, amount="100", paid_on=today, actor="ada", today=today
    )
    session.commit()
    session.refresh(inv)
    assert inv.invoice_status == InvoiceStatus.PAID
    reversal = reverse_payment(
        session=session, payment_id=paid.id, actor="bob", reason="cheque bounced", today=today
    )
    session.commit()
    assert (reversal.amount, reversal.reverses_id, reversal.created_by, reversal.note) == (
        Decimal("-100.00"),
        paid.id,
        "bob",
        "cheque bounced",
    )
    assert reversal.created_at is not None and reversal.paid_on == today
    session.refresh(inv)
    session.refresh(account)
    assert (inv.paid_amount, inv.remaining_amount, inv.payment_status, inv.invoice_status) == (
        Decimal("0.00"),
        Decimal("100.00"),
        PaymentStatus.UNPAID,
        InvoiceStatus.OVERDUE,
    )
    assert (account.outstanding_balance, account.overdue_count) == (Decimal("100.00"), 1)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.reversed")).one()
    assert event.actor == "bob" and event.entity_id == paid.id
    assert event.details["reason"] == "cheque bounced" and event.details["reversal_id"] == reversal.id
    with pytest.raises(ConflictError, match="already reversed"):
        reverse_payment(session=session, payment_id=paid.id, actor="bob", today=today)
    with pytest.raises(ValidationError, match="reversing entry"):
        reverse_payment(session=session, payment_id=reversal.id, actor="bob", today=today)
    rows = export_rows(session=session, entity="payments")
    assert [(r["id"], r["amount"], r["reversed_by"]) for r in rows] == [
        (paid.id, "100.00", reversal.id),
        (reversal.id, "-100.00", None),
    ]
    for key in ("id", "document_id", "amount", "currency", "date", "source", "reversed_by"):
        assert key in rows[0]
    assert rows[0]["date"] == today.isoformat() and rows[0]["source"] == "manual"


def test_a_synced_payment_cannot_be_reversed_here(session, account, today) -> None:
    synced = Payment(
        account_id=account.id, amount=Decimal("10"), currency="EUR", paid_on=today, source=Source.PENNYLANE
    )
    session.add(synced)
    session.commit()
    with pytest.raises(ValidationError, match="synced from pennylane"):
        reverse_payment(session=session, payment_id=synced.id, actor="a", today=today)
    assert session.get(Account, account.id).outstanding_balance == Decimal("0.00")


def test_users(session) -> None:
    user, generated = add_user(session=session, username="Ada", email="ada@example.com", name="Ada Lovelace")
    assert user.username == "ada" and generated and len(generated) >= 16
    assert verify_password(generated, user.password_hash)
    assert not verify_password("wrong-password", user.password_hash)
    assert user.password_hash.startswith("$2")
    with pytest.raises(ValidationError, match="already exists"):
        add_user(session=session, username="ada", email="x@example.com", name="X")
    with pytest.raises(ValidationError, match="72 bytes"):
        add_user(session=session, username="bob", email="b@example.com", name="Bob", password="é" * 40)
    with pytest.raises(ValidationError, match="at least"):
        add_user(session=session, username="bob", email="b@example.com", name="Bob", password="short")
    creds = credentials(session=session)
    assert creds["usernames"]["ada"]["password"] == user.password_hash


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.50", "-12.50"),
        ("ok", "ok"),
    ],
)
def test_neutralise(cell: str, out: str) -> None:
    assert neutralise(cell) == out


def test_export_all_entities(session, add_document) -> None:
    evil = create_account(session=session, name='=HYPERLINK("x")', actor="a")
    add_document(evil, "F-1", "12.34")
    for entity in EXPORTERS:
        export_rows(session=session, entity=entity)
    rows = export_rows(session=session, entity="invoices")
    assert rows[0]["total_incl_tax"] == "12.34" and rows[0]["invoice_status"] in ("issued", "overdue")
    assert rows[0]["source"] == Source.MANUAL.value
    for key in (
        "id",
        "kind",
        "number",
        "account_name",
        "account_external_id",
        "source",
        "external_id",
        "issue_date",
        "due_date",
        "currency",
        "total_incl_tax",
        "paid_amount",
        "credited_amount",
        "remaining_amount",
        "invoice_status",
        "payment_status",
    ):
        assert key in rows[0]
    accounts = export_rows(session=session, entity="accounts")
    parsed = list(csv.DictReader(io.StringIO(to_csv(accounts))))
    assert parsed[0]["name"].startswith("'=")
    assert Decimal(parsed[0]["outstanding_balance"]) == Decimal("12.34")
    with pytest.raises(ValidationError):
        export_rows(session=session, entity="nope")


@given(cell=st.text(max_size=12))
def test_no_cell_reaches_a_spreadsheet_as_a_formula(cell: str) -> None:
    out = neutralise(cell)
    if cell.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(cell):
        assert out == "'" + cell
    else:
        assert out == cell
    assert not out.startswith(FORMULA_PREFIXES) or PLAIN_NUMBER.match(out)


def test_export_communications_carry_what_went_out(session, account, add_document, today) -> None:
    first = add_document(account, "F-1", "10.00").document
    second = add_document(account, "F-2", "20.00").document
    sent_at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    session.add(
        Communication(
            account_id=account.id,
            step_key=f"{account.id}:overdue:1",
            scheduled_for=today,
            status=CommunicationStatus.SENT,
            language="fr",
            recipients=["a@acme.example"],
            cc=["b@acme.example", "c@acme.example"],
            subject="Relance",
            body="Bonjour,\nF-2 et F-1.",
            invoice_ids=[second.id, first.id],
            sent_at=sent_at,
            channel="outbox",
        )
    )
    session.add(
        Communication(
            account_id=account.id,
            step_key=f"{account.id}:overdue:2",
            scheduled_for=today,
            status=CommunicationStatus.AWAITING_APPROVAL,
            language="fr",
            subject="Relance 2",
            body="…",
            invoice_ids=[first.id],
        )
    )
    session.commit()
    rows = export_rows(session=session, entity="communications")
    assert rows[0]["body"] == "Bonjour,\nF-2 et F-1."
    assert rows[0]["invoice_numbers"] == ["F-2", "F-1"]
    assert (rows[0]["cc"], rows[0]["channel"], rows[0]["status"]) == (
        "b@acme.example, c@acme.example",
        "outbox",
        "sent",
    )
    assert datetime.fromisoformat(rows[0]["sent_at"]) == sent_at
    assert (rows[1]["status"], rows[1]["sent_at"], rows[1]["channel"]) == ("awaiting_approval", None, None)
    for key in ("id", "account_name", "scheduled_for", "status", "tone", "language", "recipients", "subject"):
        assert key in rows[0]
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert parsed[0]["invoice_numbers"] == "F-2, F-1"


def test_two_reversals_at_the_same_moment_make_one(db_url, session, account, add_document, today) -> None:
    """The database keeps a payment reversed at most once, whatever the timing."""
    from billabex_core.db.engine import get_engine

    inv = add_document(account, "F-1", "100.00").document
    paid = record_payment(
        session=session, document_id=inv.id, amount="30", paid_on=today, actor="a", today=today
    )
    session.commit()
    with Session(get_engine(db_url)) as one, Session(get_engine(db_url)) as two:
        assert one.get(Payment, paid.id) and two.get(Payment, paid.id)  # both saw it unreversed
        reverse_payment(session=one, payment_id=paid.id, actor="a", today=today)
        one.commit()
        two.add(
            Payment(
                account_id=account.id,
                amount=Decimal("-30"),
                currency="EUR",
                paid_on=today,
                reverses_id=paid.id,
            )
        )
        with pytest.raises(Exception, match=r"uq_payment_reverses|UNIQUE|unique"):
            two.commit()
    session.expire_all()
    assert session.get(Account, account.id).outstanding_balance == Decimal("100.00")

"""Read side of the screens: SQL filtering, sorting, pagination and totals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import (
    Account,
    Communication,
    CommunicationStatus,
    DocumentKind,
    Source,
    TaskKind,
    TaskStatus,
    Tone,
)
from billabex_core.queries import (
    account_detail,
    dashboard,
    document_detail,
    list_accounts,
    list_communications,
    list_documents,
    list_tasks,
    task_detail,
)
from billabex_core.services.accounts import create_account, set_paused
from billabex_core.services.contacts import add_contact, save_referent
from billabex_core.services.payments import record_payment
from billabex_core.services.tasks import open_task
from billabex_core.services.users import add_user


@pytest.fixture
def accounts(session: Session) -> list[Account]:
    made = [
        create_account(
            session=session, name="ACME SAS", actor="t", vat="FR40303265045", siren="732829320", country="FR"
        ),
        create_account(session=session, name="Globex GmbH", actor="t", country="DE", vat="DE136695976"),
        create_account(session=session, name="Initech 100% Ltd", actor="t", country="GB"),
    ]
    session.commit()
    return made


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.name for row in page.rows]


def test_search_by_name_vat_siren(session: Session, accounts: list[Account]) -> None:
    assert names(list_accounts(session=session, search="acme")) == ["ACME SAS"]
    assert names(list_accounts(session=session, search="glob")) == ["Globex GmbH"]
    assert names(list_accounts(session=session, search="fr 40303265045")) == ["ACME SAS"]
    assert names(list_accounts(session=session, search="DE1366")) == ["Globex GmbH"]
    assert names(list_accounts(session=session, search="732 829")) == ["ACME SAS"]
    # LIKE wildcards typed by a user are plain characters.
    assert names(list_accounts(session=session, search="%")) == []
    assert list_accounts(session=session, search="nothing").total == 0


def test_sort_and_paginate(session: Session, accounts: list[Account], add_document) -> None:  # type: ignore[no-untyped-def]
    add_document(accounts[1], "F-1", "500", due=date(2026, 1, 10))
    add_document(accounts[2], "F-2", "100", due=date(2026, 5, 10))
    page = list_accounts(session=session, sort="outstanding", descending=True, page_size=2)
    assert names(page) == ["Globex GmbH", "Initech 100% Ltd"]
    assert (page.total, page.page_count, page.first, page.last) == (3, 2, 1, 2)
    second = list_accounts(session=session, sort="outstanding", descending=True, page=2, page_size=2)
    assert names(second) == ["ACME SAS"] and (second.first, second.last) == (3, 3)
    assert names(list_accounts(session=session, sort="country")) == [
        "Globex GmbH",
        "ACME SAS",
        "Initech 100% Ltd",
    ]
    row = list_accounts(session=session, search="globex").rows[0]
    assert (row.outstanding_balance, row.overdue_count, row.contact_count) == (Decimal("500.00"), 1, 0)
    with pytest.raises(ValidationError):
        list_accounts(session=session, sort="password")
    with pytest.raises(ValidationError):
        list_accounts(session=session, page=0)
    with pytest.raises(ValidationError):
        list_accounts(session=session, page_size=10_000)


def test_paused_and_without_contact_filters(session: Session, accounts: list[Account]) -> None:
    set_paused(session=session, account_id=accounts[0].id, paused=True, actor="t", reason="plan")
    add_contact(session=session, account_id=accounts[1].id, email="ap@globex.de", language="de", actor="t")
    session.commit()
    assert names(list_accounts(session=session, paused=True)) == ["ACME SAS"]
    assert names(list_accounts(session=session, without_contact=True)) == ["ACME SAS", "Initech 100% Ltd"]


def test_account_detail_bundle(session: Session, account: Account, add_document) -> None:  # type: ignore[no-untyped-def]
    inv = add_document(account, "F-1", "120", due=date(2026, 1, 31)).document
    add_document(account, "AV-1", "20", kind=DocumentKind.CREDIT_NOTE, credited="F-1")
    record_payment(session=session, document_id=inv.id, amount="10", paid_on=date(2026, 2, 1), actor="t")
    add_contact(session=session, account_id=account.id, email="ap@acme.fr", language="fr", actor="t")
    save_referent(
        session=session, account_id=account.id, name="Bob", email="bob@us.example", language="en", actor="t"
    )
    session.commit()
    detail = account_detail(session=session, account_id=account.id)
    assert detail.editable and detail.integration_name is None
    assert [d.number for d in detail.invoices] == ["F-1"] and detail.invoice_count == 1
    assert [d.number for d in detail.credit_notes] == ["AV-1"]
    assert [p.amount for p in detail.payments] == [Decimal("10.00")]
    assert detail.document_numbers == {inv.id: "F-1"}
    assert [c.email for c in detail.contacts] == ["ap@acme.fr"]
    assert [r.name for r in detail.referents] == ["Bob"]
    assert [t.kind for t in detail.tasks] == [TaskKind.MISSING_CONTACT]
    assert "payment.recorded" in [e.action for e in detail.history]
    with pytest.raises(NotFoundError):
        account_detail(session=session, account_id=999)


def test_synced_account_is_not_editable(session: Session) -> None:
    acc = create_account(session=session, name="Synced", actor="sync", source=Source.PENNYLANE)
    assert not account_detail(session=session, account_id=acc.id).editable


@pytest.fixture
def documents(session: Session, account: Account, add_document, today: date) -> dict[str, int]:  # type: ignore[no-untyped-def]
    other = create_account(session=session, name="Other", actor="t", currency="USD")
    session.commit()
    made = {
        "F-1": add_document(account, "F-1", "100", due=today - timedelta(days=10)),  # 1-30
        "F-2": add_document(account, "F-2", "200", due=today - timedelta(days=45)),  # 31-60
        "F-3": add_document(account, "F-3", "300", due=today + timedelta(days=5)),  # not due
        "F-4": add_document(account, "F-4", "400", due=today - timedelta(days=120)),  # > 90
        "U-1": add_document(other, "U-1", "50", due=today - timedelta(days=70), currency="USD"),  # 61-90
        "AV-1": add_document(account, "AV-1", "40", kind=DocumentKind.CREDIT_NOTE, credited="F-1"),
    }
    return {k: v.document.id for k, v in made.items()}


def numbers(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(row.number for row in result.page.rows)


def test_document_filters_and_totals(
    session: Session, documents: dict[str, int], account: Account, today: date
) -> None:
    everything = list_documents(session=session, today=today)
    assert numbers(everything) == ["F-1", "F-2", "F-3", "F-4", "U-1"]
    assert everything.totals["EUR"].count == 4
    assert everything.totals["EUR"].total_incl_tax == Decimal("1000.00")
    assert everything.totals["EUR"].remaining == Decimal("960.00")  # AV-1 took 40 off F-1
    assert everything.totals["USD"].remaining == Decimal("50.00")
    for age, expected in (
        ("not due", ["F-3"]),
        ("1-30", ["F-1"]),
        ("31-60", ["F-2"]),
        ("61-90", ["U-1"]),
        ("> 90", ["F-4"]),
    ):
        assert numbers(list_documents(session=session, today=today, age=age)) == expected, age
    overdue = list_documents(session=session, today=today, statuses=["overdue"], account_id=account.id)
    assert numbers(overdue) == ["F-1", "F-2", "F-4"] and list(overdue.totals) == ["EUR"]
    assert numbers(list_documents(session=session, today=today, number="U-")) == ["U-1"]
    assert numbers(list_documents(session=session, today=today, source=Source.PENNYLANE)) == []
    notes = list_documents(session=session, today=today, kind=DocumentKind.CREDIT_NOTE, statuses=["settled"])
    assert numbers(notes) == ["AV-1"]
    with pytest.raises(ValidationError):
        list_documents(session=session, today=today, statuses=["settled"])  # not an invoice status
    with pytest.raises(ValidationError):
        list_documents(session=session, today=today, age="forever")


def test_document_sort_and_pages(session: Session, documents: dict[str, int], today: date) -> None:
    first = list_documents(session=session, today=today, sort="remaining, largest first", page_size=2)
    assert [r.number for r in first.page.rows] == ["F-4", "F-3"]
    assert first.page.total == 5 and first.page.page_count == 3
    last = list_documents(session=session, today=today, sort="remaining, largest first", page=3, page_size=2)
    assert [r.number for r in last.page.rows] == ["U-1"]
    assert last.totals == first.totals  # totals are over the whole filtered set, not the page
    oldest = list_documents(session=session, today=today, sort="due date, oldest first", page_size=1)
    assert [r.number for r in oldest.page.rows] == ["F-4"]
    with pytest.raises(ValidationError):
        list_documents(session=session, today=today, sort="id; drop table")


def test_document_detail(session: Session, documents: dict[str, int]) -> None:
    record_payment(
        session=session, document_id=documents["F-1"], amount="10", paid_on=date(2026, 2, 1), actor="t"
    )
    invoice = document_detail(session=session, document_id=documents["F-1"])
    assert invoice.can_record_payment and invoice.account.name == "ACME SAS"
    assert [p.amount for p in invoice.payments] == [Decimal("10.00")]
    assert [(c.other_number, c.amount) for c in invoice.credits] == [("AV-1", Decimal("40.00"))]
    note = document_detail(session=session, document_id=documents["AV-1"])
    assert not note.can_record_payment
    assert [(c.other_id, c.other_number) for c in note.credits] == [(documents["F-1"], "F-1")]
    assert note.credited_invoice == (documents["F-1"], "F-1")
    assert invoice.pdf is None
    with pytest.raises(NotFoundError):
        document_detail(session=session, document_id=12345)


def test_document_detail_finds_the_stored_pdf(session: Session, account: Account, today: date) -> None:
    from billabex_core.services.documents import DocumentInput, create_manual_document
    from billabex_core.services.files import store_pdf

    sha = store_pdf(b"%PDF-1.4 bytes")
    doc = create_manual_document(
        session=session,
        account=account,
        actor="t",
        today=today,
        file_sha256=sha,
        data=DocumentInput(
            kind=DocumentKind.INVOICE,
            number="P-1",
            issue_date=today,
            due_date=today,
            currency="EUR",
            total_excl_tax=None,
            tax_amount=None,
            total_incl_tax=Decimal("10"),
        ),
    ).document
    detail = document_detail(session=session, document_id=doc.id)
    assert detail.pdf is not None and detail.pdf.read_bytes() == b"%PDF-1.4 bytes"


def test_tasks_assignee_filter_in_sql(session: Session, account: Account) -> None:
    add_user(session=session, username="bob", email="bob@example.com", name="Bob", password="0123456789ab")
    add_user(session=session, username="bo", email="bo@example.com", name="Bo", password="0123456789ab")
    open_task(
        session=session,
        kind=TaskKind.DISPUTE,
        subject="everybody",
        message="",
        actor="t",
        account_id=account.id,
    )
    open_task(session=session, kind=TaskKind.ANOMALY, subject="bob", message="", actor="t", assignees=["bob"])
    closed = open_task(
        session=session, kind=TaskKind.ESCALATION, subject="bo", message="", actor="t", assignees=["bo"]
    )
    closed.status = TaskStatus.CLOSED
    session.commit()
    subjects = lambda page: sorted(r.subject for r in page.rows)  # noqa: E731
    assert subjects(list_tasks(session=session, assignee="bob")) == ["bob", "everybody"]
    assert subjects(list_tasks(session=session, assignee="bo")) == ["bo", "everybody"]  # "bo" is not "bob"
    assert subjects(list_tasks(session=session, statuses=[TaskStatus.ACTION_REQUIRED])) == [
        "bob",
        "everybody",
    ]
    assert subjects(list_tasks(session=session, kinds=[TaskKind.ANOMALY])) == ["bob"]
    by_account = list_tasks(session=session, account_id=account.id)
    assert [(r.subject, r.account_name) for r in by_account.rows] == [("everybody", "ACME SAS")]
    page = list_tasks(session=session, page_size=2)
    assert page.total == 3 and len(page.rows) == 2


def test_task_detail(session: Session, account: Account) -> None:
    task = open_task(
        session=session,
        kind=TaskKind.MISSING_CONTACT,
        subject="s",
        message="give one",
        actor="agent",
        account_id=account.id,
    )
    detail = task_detail(session=session, task_id=task.id)
    assert detail.account_name == "ACME SAS" and detail.answerable_with_contact
    assert not detail.answerable_with_correction
    assert [m.body for m in detail.thread] == ["give one"]
    with pytest.raises(NotFoundError):
        task_detail(session=session, task_id=999)


def test_communications_filters(session: Session, account: Account) -> None:
    for i, (status, tone, lang) in enumerate(
        [(CommunicationStatus.SENT, Tone.FIRM, "fr"), (CommunicationStatus.SCHEDULED, Tone.COURTEOUS, "en")]
    ):
        session.add(
            Communication(
                account_id=account.id,  # type: ignore[arg-type]
                step_key=f"k{i}",
                scheduled_for=date(2026, 3, 1 + i),
                status=status,
                tone=tone,
                language=lang,
                recipients=["a@b.c"],
                subject=f"s{i}",
                body="b",
            )
        )
    session.commit()
    assert [r.subject for r in list_communications(session=session).rows] == ["s1", "s0"]
    assert [
        r.subject for r in list_communications(session=session, statuses=[CommunicationStatus.SENT]).rows
    ] == ["s0"]
    assert [r.subject for r in list_communications(session=session, tones=[Tone.COURTEOUS]).rows] == ["s1"]
    assert [r.subject for r in list_communications(session=session, languages=["fr"]).rows] == ["s0"]
    assert list_communications(session=session, scheduled_from=date(2026, 3, 2)).total == 1
    assert list_communications(session=session, scheduled_to=date(2026, 3, 1)).total == 1
    assert list_communications(session=session, account_id=account.id + 1).total == 0


def test_dashboard_bundle(session: Session, account: Account, add_document, today: date) -> None:  # type: ignore[no-untyped-def]
    add_document(account, "F-1", "100", due=today - timedelta(days=3))
    board = dashboard(session=session, today=today, username="alice")
    assert board.summary.currencies["EUR"].overdue == Decimal("100.00")
    assert [r.kind for r in board.my_tasks.rows] == [TaskKind.MISSING_CONTACT]
    assert [r.name for r in board.without_contact.rows] == ["ACME SAS"]

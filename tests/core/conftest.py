"""Factories for core tests: accounts and validated manual documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from billabex_core.models import Account, DocumentKind
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import DocumentInput, ValidationOutcome, create_manual_document


@pytest.fixture
def account(session: Session) -> Account:
    acc = create_account(session=session, name="ACME SAS", actor="alice", country="FR", siren="732829320")
    session.commit()
    return acc


@pytest.fixture
def add_document(session: Session, today: date) -> Callable[..., ValidationOutcome]:
    def make(
        account: Account,
        number: str,
        total: str,
        *,
        kind: DocumentKind = DocumentKind.INVOICE,
        due: date | None = None,
        issued: date | None = None,
        amount_due: str | None = None,
        credited: str | None = None,
        currency: str = "EUR",
        on: date | None = None,
    ) -> ValidationOutcome:
        issued = issued or (due or today) - timedelta(days=30)
        incl = Decimal(total)
        tax = (incl / Decimal("6")).quantize(Decimal("0.01"))
        outcome = create_manual_document(
            session=session,
            account=account,
            data=DocumentInput(
                kind=kind,
                number=number,
                issue_date=issued,
                due_date=due or issued + timedelta(days=30),
                currency=currency,
                total_excl_tax=incl - tax,
                tax_amount=tax,
                total_incl_tax=incl,
                amount_due=Decimal(amount_due) if amount_due else None,
                credited_invoice_number=credited,
            ),
            actor="alice",
            today=on or today,
        )
        session.commit()
        return outcome

    return make

"""The dashboard's outstanding amount per currency equals the sum of the accounts' outstanding
balances, at all times: generated sequences of invoices (some in another currency than their
account's), credit notes, payments (overpayments confirmed) and reversals (issue #12 point 7)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from billabex_core.models import Account, DocumentKind, Payment
from billabex_core.queries.dashboard import summary
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.payments import record_payment, reverse_payment

CURRENCIES = ("EUR", "EUR", "USD")  # the accounts' currencies
amounts = st.integers(min_value=1, max_value=500_00).map(lambda c: Decimal(c) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("invoice"),
            st.integers(0, 2),
            amounts,
            st.booleans(),  # in another currency than the account's
            st.integers(-60, 30),
        ),
        st.tuples(st.just("credit"), st.integers(0, 2), amounts),
        st.tuples(st.just("pay"), st.integers(0, 50), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=12,
)


def _outstanding_of_accounts(session: Session) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for account in session.exec(select(Account)):
        totals[account.currency] += account.outstanding_balance
    return {c: v for c, v in totals.items() if v}


def _outstanding_of_dashboard(session: Session, today) -> dict[str, Decimal]:
    figures = summary(session=session, today=today).currencies
    return {c: f.outstanding for c, f in figures.items() if f.outstanding}


def _change(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    diff = {c: after.get(c, Decimal(0)) - before.get(c, Decimal(0)) for c in {*before, *after}}
    return {c: v for c, v in diff.items() if v}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_dashboard_outstanding_is_the_sum_of_account_balances(session, today, ops) -> None:
    tag = uuid.uuid4().hex[:8]  # examples share the database: compare what this one changed
    base_dashboard, base_accounts = (
        _outstanding_of_dashboard(session, today),
        _outstanding_of_accounts(session),
    )
    accounts = [
        create_account(session=session, name=f"Acc {tag} {i}", actor="t", currency=c)
        for i, c in enumerate(CURRENCIES)
    ]
    invoices: list[int] = []
    payments: list[int] = []
    for n, op in enumerate(ops):
        if op[0] in ("invoice", "credit"):
            account = accounts[op[1]]
            other = op[0] == "invoice" and op[3]
            currency = ("USD" if account.currency == "EUR" else "EUR") if other else account.currency
            due = today + timedelta(days=op[4] if op[0] == "invoice" else 0)
            outcome = create_manual_document(
                session=session,
                account=account,
                data=DocumentInput(
                    kind=DocumentKind.INVOICE if op[0] == "invoice" else DocumentKind.CREDIT_NOTE,
                    number=f"{op[0]}-{n}",
                    issue_date=due - timedelta(days=30),
                    due_date=due,
                    currency=currency,
                    total_excl_tax=None,
                    tax_amount=None,
                    total_incl_tax=op[2],
                ),
                actor="t",
                today=today,
            )
            if op[0] == "invoice":
                invoices.append(outcome.document.id)
        elif op[0] == "pay" and invoices:
            paid = record_payment(
                session=session,
                document_id=invoices[op[1] % len(invoices)],
                amount=op[2],
                paid_on=today,
                actor="t",
                today=today,
                confirm_overpayment=True,
            )
            payments.append(paid.id)
        elif op[0] == "reverse" and payments:
            payment_id = payments.pop(op[1] % len(payments))
            reverse_payment(session=session, payment_id=payment_id, actor="t", today=today)
        session.commit()
        dashboard = _change(base_dashboard, _outstanding_of_dashboard(session, today))
        assert dashboard == _change(base_accounts, _outstanding_of_accounts(session)), op
    reversed_ = session.exec(select(Payment).where(col(Payment.reverses_id).is_not(None))).all()
    assert all(r.amount < 0 for r in reversed_)

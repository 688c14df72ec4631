"""Invariants of whole synced data sets, over generated Pennylane states (hypothesis draws the
data set's shape, the sandbox serves it over HTTP, every reply checked against the OpenAPI):

- the settlement identity ``paid + credited = total - remaining`` on every synced invoice, with
  the payment rows Pennylane lists stored as they are;
- each account's balance is its open remainders minus its unapplied credit, in its currency,
  and equals Pennylane's own figures; its currency is that of most of its invoices;
- every provider document is stored exactly once;
- a second and a third sync change nothing; after a working day of changes, the same holds.
"""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from billabex_core.db.engine import get_engine
from billabex_core.domain.amounts import minor_units
from billabex_core.domain.provider_figures import CurrencyUse, account_currency, is_provider_settlement
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Account, Contact, CreditApplication, Document, DocumentKind, Payment
from billabex_core.services.integrations import add_integration
from billabex_sandbox.pennylane import PennylaneSandbox
from billabex_sandbox.pennylane_data import Profile

CENT = Decimal("0.01")  # mixed customers are billed in KWD (3 decimals) and JPY (none) too
_names = itertools.count()

profiles = st.builds(
    Profile,
    credit_note_share=st.sampled_from([0.0, 0.06, 0.3]),
    linked_credit_share=st.sampled_from([0.0, 0.7, 1.0]),
    bank_matched_share=st.sampled_from([0.0, 0.3, 1.0]),
    mixed_share=st.sampled_from([0.0, 0.5]),
)
data_sets = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "customers": st.integers(1, 8),
        "invoices": st.integers(0, 60),
        "profile": profiles,
        "page_size": st.sampled_from([3, 7, 100]),
        "paid_invoice_payments": st.booleans(),
        "changes": st.sampled_from([0.0, 0.1, 0.3]),
    }
)


def _snapshot(session: Session, integration_id: int) -> dict[str, Any]:
    """Everything a sync writes for this integration, without timestamps."""
    session.expire_all()

    def rows(model: Any, *columns: str) -> set[tuple]:
        found = session.exec(select(model).where(model.integration_id == integration_id)).all()
        return {tuple(getattr(r, c) for c in columns) for r in found}

    return {
        "accounts": rows(Account, "external_id", "name", "currency", "outstanding_balance", "overdue_count"),
        "contacts": rows(Contact, "external_id", "email", "name", "language"),
        "documents": rows(
            Document,
            "external_id",
            "kind",
            "total_incl_tax",
            "provider_remaining",
            "provider_remaining_converted",
            "paid_amount",
            "credited_amount",
            "remaining_amount",
            "invoice_status",
            "payment_status",
            "credit_status",
        ),
        "payments": rows(Payment, "external_id", "amount", "currency", "paid_on", "note"),
        "applications": rows(CreditApplication, "external_id", "amount"),
    }


def _check_invariants(session: Session, integration_id: int, sandbox: PennylaneSandbox, cfg: dict) -> None:
    session.expire_all()
    ledger = {row["id"]: row for row in sandbox.ledger()}
    accounts = {
        a.id: a for a in session.exec(select(Account).where(Account.integration_id == integration_id)).all()
    }
    docs = session.exec(select(Document).where(Document.integration_id == integration_id)).all()
    # Every provider document exactly once, as the kind it is.
    stored = Counter((int(d.external_id), d.kind == DocumentKind.CREDIT_NOTE) for d in docs)
    assert stored == Counter((i, row["credit_note"]) for i, row in ledger.items())
    payments = session.exec(select(Payment).where(Payment.integration_id == integration_id)).all()
    for doc in docs:
        truth = ledger[int(doc.external_id)]
        assert (doc.currency, doc.total_incl_tax) == (truth["currency"], truth["total"])
        # In the document's own currency, to its unit: a cent, a yen (an EUR cent is more than a yen).
        assert abs(doc.provider_remaining - truth["open"]) <= _unit(doc.currency)
        assert doc.provider_remaining_converted == (doc.currency != "EUR")
        if doc.kind != DocumentKind.INVOICE:
            assert doc.credited_amount + doc.remaining_amount <= doc.total_incl_tax
            continue
        # The settlement identity, with Pennylane's payment rows stored as they are.
        assert doc.paid_amount + doc.credited_amount == doc.total_incl_tax - doc.remaining_amount
        mine = [p for p in payments if p.document_id == doc.id]
        rows = sum((p.amount for p in mine if not is_provider_settlement(p.external_id)), Decimal(0))
        skipped = not cfg["paid_invoice_payments"] and doc.provider_status == "paid"  # unless it changed
        assert rows == truth["rows"] or (skipped and rows == 0)
        assert sum(is_provider_settlement(p.external_id) for p in mine) <= 1
    for account in accounts.values():
        _check_balance(account, [d for d in docs if d.account_id == account.id], ledger)


def _check_balance(account: Account, docs: list[Document], ledger: dict[int, dict]) -> None:
    """Balance = open remainders - unapplied credit, in the account's currency: from our figures,
    and from Pennylane's own (each converted figure may differ by a cent)."""
    truth = [ledger[int(d.external_id)] for d in docs]
    uses: dict[bool, dict[str, CurrencyUse]] = {False: {}, True: {}}
    for note in (False, True):
        kind = [d for d in docs if (d.kind == DocumentKind.CREDIT_NOTE) == note]
        counts = Counter(d.currency for d in kind)
        latest = {
            c: max((d.issue_date for d in kind if d.currency == c and d.issue_date), default=None)
            for c in counts
        }
        uses[note] = {c: CurrencyUse(n, latest[c]) for c, n in counts.items()}
    if truth:
        expected = account_currency(invoices=uses[False], credit_notes=uses[True], current=account.currency)
        assert account.currency == expected
    same = [d for d in docs if d.currency == account.currency]
    ours = sum(
        (d.remaining_amount if d.kind == DocumentKind.INVOICE else -d.remaining_amount for d in same),
        Decimal(0),
    )
    assert account.outstanding_balance == ours
    theirs = sum(
        (-row["open"] if row["credit_note"] else row["open"])
        for row in truth
        if row["currency"] == account.currency
    )
    converted = sum(1 for d in same if d.provider_remaining_converted)
    assert abs(account.outstanding_balance - theirs) <= _unit(account.currency) * converted


def _unit(currency: str) -> Decimal:
    """What one converted figure may miss by: a cent, or one unit of a currency without cents."""
    return max(CENT, Decimal(1).scaleb(-minor_units(currency)))


def _sync(db_url: str, integration_id: int, today: Any, *, full: bool = False):
    result = run_integration_sync(
        engine=get_engine(db_url), integration_id=integration_id, today=today, full=full
    )
    assert result.ok, result.errors
    return result


def _assert_nothing_changes(db_url: str, session: Session, integration_id: int, today: Any) -> None:
    before = _snapshot(session, integration_id)
    for _ in range(2):  # a second and a third sync
        result = _sync(db_url, integration_id, today)
        moved = {k: c for k, c in result.counts.items() if c.created or c.updated or c.deleted or c.failed}
        assert moved == {}
        assert _snapshot(session, integration_id) == before


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cfg=data_sets)
def test_synced_data_sets_keep_their_invariants(session, db_url, today, cfg) -> None:
    with PennylaneSandbox(
        seed=cfg["seed"],
        customers=cfg["customers"],
        invoices=cfg["invoices"],
        rate_limit=False,
        profile=cfg["profile"],
        contract=True,
        company_id=1000 + next(_names),  # each example its own company: one integration per company
    ) as sandbox:
        config = sandbox.connector_config(
            page_size=cfg["page_size"], paid_invoice_payments=cfg["paid_invoice_payments"]
        )
        integration_id = add_integration(
            session=session, provider="pennylane", name=f"pl-{sandbox.company_id}", config=config, actor="t"
        ).id
        session.commit()
        _sync(db_url, integration_id, today)
        _check_invariants(session, integration_id, sandbox, cfg)
        _assert_nothing_changes(db_url, session, integration_id, today)
        if cfg["changes"] and sandbox.invoice_ids():
            sandbox.mutate(cfg["changes"], seed=cfg["seed"])
            _sync(db_url, integration_id, today)  # incremental: the change logs
            _check_invariants(session, integration_id, sandbox, cfg)
            _assert_nothing_changes(db_url, session, integration_id, today)
        assert sandbox.contract_violations == []

"""Amounts keep their currency's decimals from the provider to the database: a KWD invoice of
1,234.567 (three decimals) and its payment of 234.561 are stored to the fils, a JPY invoice (no
decimals) to the yen, whatever the provider (real HTTP against each sandbox, SQLite and
PostgreSQL). Before, every connector rounded to the cent (KWD 1,234.57)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Document, Payment
from billabex_core.services.integrations import add_integration
from billabex_sandbox.netsuite import NetSuiteSandbox
from billabex_sandbox.pennylane import PennylaneSandbox
from billabex_sandbox.zoho import ZohoSandbox

KWD_TOTAL, KWD_PAID = Decimal("1234.567"), Decimal("234.561")
JPY_TOTAL, JPY_PAID = Decimal("150000"), Decimal("12345")


def _sync(session: Session, db_url: str, today: Any, provider: str, config: dict[str, Any]) -> None:
    view = add_integration(session=session, provider=provider, name=provider, config=config, actor="cli")
    session.commit()
    result = run_integration_sync(engine=get_engine(db_url), integration_id=view.id, today=today)
    assert result.ok, result.errors


def _assert_exact(session: Session, kwd_invoice: int, jpy_invoice: int) -> None:
    session.expire_all()
    for external_id, total, paid in ((kwd_invoice, KWD_TOTAL, KWD_PAID), (jpy_invoice, JPY_TOTAL, JPY_PAID)):
        doc = session.exec(select(Document).where(Document.external_id == str(external_id))).one()
        assert (doc.total_incl_tax, doc.provider_remaining) == (total, total - paid), doc.currency
        assert (doc.paid_amount, doc.remaining_amount) == (paid, total - paid), doc.currency
        rows = session.exec(select(Payment).where(Payment.document_id == doc.id)).all()
        assert sum((p.amount for p in rows), Decimal(0)) == paid, doc.currency


def test_zoho_books_keeps_the_currency_places(session, db_url, today) -> None:
    with ZohoSandbox(seed=3, customers=4, invoices=0, rate_limit=False, contract=True) as zoho:
        kwd, jpy = zoho.customer_ids()[:2]
        zoho.update_customer(kwd, currency="KWD")
        zoho.update_customer(jpy, currency="JPY")
        kwd_invoice, jpy_invoice = zoho.add_invoice(kwd, KWD_TOTAL), zoho.add_invoice(jpy, JPY_TOTAL)
        zoho.add_payment(kwd_invoice, KWD_PAID)
        zoho.add_payment(jpy_invoice, JPY_PAID)
        _sync(session, db_url, today, "zoho_books", zoho.connector_config())
    assert zoho.contract_violations == []
    _assert_exact(session, kwd_invoice, jpy_invoice)


def test_netsuite_keeps_the_currency_places(session, db_url, today) -> None:
    with NetSuiteSandbox(seed=3, customers=4, invoices=0, contract=True) as ns:
        kwd, jpy = ns.customer_ids()[:2]
        ns.update_customer(kwd, currency=4)  # KWD in the sandbox's currency table
        ns.update_customer(jpy, currency=5)  # JPY
        kwd_invoice, jpy_invoice = ns.add_invoice(kwd, str(KWD_TOTAL)), ns.add_invoice(jpy, str(JPY_TOTAL))
        ns.add_payment(kwd_invoice, KWD_PAID)
        ns.add_payment(jpy_invoice, JPY_PAID)
        _sync(session, db_url, today, "netsuite", ns.connector_config())
    assert ns.contract_violations == []
    _assert_exact(session, kwd_invoice, jpy_invoice)


def test_pennylane_keeps_the_currency_places(session, db_url, today) -> None:
    with PennylaneSandbox(seed=3, customers=4, invoices=0, rate_limit=False, contract=True) as pennylane:
        kwd, jpy = pennylane.customer_ids()[:2]
        kwd_invoice = pennylane.add_invoice(kwd, currency="KWD", total=KWD_TOTAL)
        jpy_invoice = pennylane.add_invoice(jpy, currency="JPY", total=JPY_TOTAL)
        pennylane.add_payment(kwd_invoice, KWD_PAID)
        pennylane.add_payment(jpy_invoice, JPY_PAID)
        _sync(session, db_url, today, "pennylane", pennylane.connector_config())
    assert pennylane.contract_violations == []
    _assert_exact(session, kwd_invoice, jpy_invoice)

"""Dashboard figures: one SQL pass, exact Decimal sums per currency and aging bucket."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from billabex_core.models import DocumentKind
from billabex_core.queries.dashboard import summary
from billabex_core.services.accounts import create_account
from billabex_core.services.payments import record_payment

D = Decimal


def test_summary_per_currency_and_bucket(session, account, add_document, today) -> None:
    add_document(account, "F-1", "100.10", due=today)  # not due
    add_document(account, "F-2", "200.20", due=today - timedelta(days=1))  # 1-30
    add_document(account, "F-3", "300.30", due=today - timedelta(days=45))  # 31-60
    add_document(account, "F-4", "400.40", due=today - timedelta(days=75))  # 61-90
    old = add_document(account, "F-5", "500.50", due=today - timedelta(days=91)).document  # > 90
    record_payment(session=session, document_id=old.id, amount="0.50", paid_on=today, actor="t", today=today)
    session.commit()
    usd = create_account(session=session, name="US Corp", actor="t", currency="USD")
    add_document(usd, "U-1", "99.99", currency="USD", due=today - timedelta(days=3))
    add_document(usd, "U-C", "9.99", currency="USD", kind=DocumentKind.CREDIT_NOTE)
    s = summary(session=session, today=today)
    eur = s.currencies["EUR"]
    assert eur.aging == {
        "not due": D("100.10"),
        "1-30": D("200.20"),
        "31-60": D("300.30"),
        "61-90": D("400.40"),
        "> 90": D("500.00"),
    }
    assert eur.overdue == D("1400.90") and eur.outstanding == D("1501.00")
    assert s.currencies["USD"].outstanding == D("90.00")  # the credit note was applied to U-1
    assert (s.account_count, s.invoice_count, s.credit_note_count) == (2, 6, 1)
    assert eur.dso_days is not None and eur.invoiced_90d > 0

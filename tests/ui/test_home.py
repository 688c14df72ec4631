"""Dashboard through AppTest: figures per currency, aging chart, my tasks, accounts without contact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import Integration, Source, TaskKind
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.tasks import open_task

TODAY = date(2026, 3, 2)


def page_links(at: AppTest) -> list[str]:
    return [el.proto.label for el in at.get("page_link")]


def seed() -> None:
    with session_scope() as s:
        for name, total, due, with_contact in (
            ("Globex", "1000", date(2025, 11, 1), False),  # > 90 days past due
            ("Initech", "200", date(2026, 2, 15), False),  # 1-30
            ("Umbrella", "50", date(2026, 4, 1), True),  # not due
        ):
            acc = create_account(session=s, name=name, actor="t")
            create_manual_document(
                session=s,
                account=acc,
                actor="t",
                today=TODAY,
                data=DocumentInput(
                    kind="invoice",  # type: ignore[arg-type]
                    number=f"F-{name}",
                    issue_date=date(2025, 10, 15),
                    due_date=due,
                    currency="EUR",
                    total_excl_tax=None,
                    tax_amount=None,
                    total_incl_tax=Decimal(total),
                ),
            )
            if with_contact:
                add_contact(
                    session=s,
                    account_id=acc.id,
                    email="ap@umbrella.com",
                    language="en",
                    actor="t",
                    today=TODAY,
                )
        open_task(
            session=s, kind=TaskKind.DISPUTE, subject="Bob only", message="m", actor="t", assignees=["bob"]
        )
        s.add(Integration(name="Pennylane prod", provider=Source.PENNYLANE, config_encrypted="x"))


def test_dashboard_figures_and_work_lists(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Outstanding balance"] == "€1,250.00"
    assert metrics["Overdue"] == "€1,200.00"
    assert metrics["Accounts without contact"] == "2"
    assert "Outstanding today ÷ invoiced" in next(m.help for m in at.metric if m.label == "DSO (90 days)")
    assert len(at.get("vega_lite_chart")) == 1  # the aging chart of the one currency
    links = page_links(at)
    # Missing-contact tasks are everybody's; Bob's dispute is not in Alice's list.
    assert "#1 Provide a contact for Globex — Globex" in links
    assert not [link for link in links if "Bob only" in link]
    # Accounts without contact, largest balance first.
    without = [link for link in links if link.startswith(("Globex —", "Initech —"))]
    assert without == ["Globex — €1,000.00", "Initech — €200.00"]
    assert "Pennylane prod" in list(at.dataframe[0].value["Integration"])


def test_empty_dashboard(app) -> None:  # type: ignore[no-untyped-def]
    at = app()
    assert "No invoice yet" in " ".join(i.value for i in at.info)
    captions = " ".join(c.value for c in at.caption)
    assert "Nothing needs your action." in captions and "Every account has a valid contact." in captions


def test_aging_buckets_open_the_filtered_invoice_list_and_settled_currencies_have_no_chart(app) -> None:  # type: ignore[no-untyped-def]
    """Issue #16 point 4: a currency with nothing outstanding is one caption, not an empty chart;
    each aging bucket links to the invoice list filtered on it."""
    from billabex_core.services.payments import record_payment

    seed()
    with session_scope() as s:
        acc = create_account(session=s, name="Yankee Inc", actor="t")
        paid = create_manual_document(
            session=s,
            account=acc,
            actor="t",
            today=TODAY,
            data=DocumentInput(
                kind="invoice",  # type: ignore[arg-type]
                number="US-1",
                issue_date=date(2026, 2, 1),  # invoiced within 90 days: USD has figures, all zero
                due_date=date(2026, 2, 15),
                currency="USD",
                total_excl_tax=None,
                tax_amount=None,
                total_incl_tax=Decimal("500"),
            ),
        )
        record_payment(
            session=s, document_id=paid.document.id, amount="500", paid_on=TODAY, actor="t", today=TODAY
        )
    at = app()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader if h.value.startswith("Receivables in")] == ["Receivables in EUR"]
    assert len(at.get("vega_lite_chart")) == 1  # EUR only: no empty USD chart
    assert "Nothing outstanding in USD." in " ".join(c.value for c in at.caption)
    links = {el.proto.label: el.proto.query_string for el in at.get("page_link")}
    buckets = {name: query for name, query in links.items() if query.startswith("age=")}
    assert buckets == {
        "not due: €50.00": "age=not+due",
        "1-30: €200.00": "age=1-30",
        "\\> 90: €1,000.00": "age=%3E+90",
    }
    at.switch_page("pages/invoices.py")
    at.query_params["age"] = "> 90"  # where the "> 90" link goes
    at.run()
    assert at.dataframe[0].value["Number"].tolist() == ["F-Globex"]


def test_the_aging_chart_reads_in_french(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue #16: a French dashboard's chart names the buckets in French, in bucket order, and its
    amount axis groups thousands the French way (not '50,000'); the bucket links carry an icon
    every browser draws (a Material Symbol, not an emoji a machine without emoji font shows as a
    box)."""
    import json

    from tests.ui.test_french_errors import _french

    _french(monkeypatch)
    seed()
    at = app()
    assert not at.exception, at.exception
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert x["sort"] == ["non échue", "1-30", "31-60", "61-90", "> 90"]
    assert x["title"] == "Jours de retard" and y["title"] == "EUR"
    assert "\u202f" in y["axis"]["labelExpr"]  # the French group separator
    icons = {el.proto.icon for el in at.get("page_link") if el.proto.query_string.startswith("age=")}
    assert icons == {":material/receipt_long:"}

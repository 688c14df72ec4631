"""Invoices and credit notes through AppTest: filters, totals, detail, record a payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import Document, Payment, Source
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.files import store_pdf
from tests.ui.rows import click_row

TODAY = date(2026, 3, 2)


def invoice(
    number: str, total: str, due: date, *, kind: str = "invoice", credited: str | None = None
) -> DocumentInput:
    amount = Decimal(total)
    return DocumentInput(
        kind=kind,  # type: ignore[arg-type]
        number=number,
        issue_date=date(2025, 10, 1),
        due_date=due,
        currency="EUR",
        total_excl_tax=None,
        tax_amount=None,
        total_incl_tax=amount,
        credited_invoice_number=credited,
    )


def seed() -> dict[str, int]:
    """Globex: F-1 (overdue 30 days, 120 € with a 20 € credit note), F-2 (not due, 300 €);
    Initech: F-9 (overdue 100 days, 50 €)."""
    with session_scope() as s:
        globex = create_account(session=s, name="Globex", actor="t")
        initech = create_account(session=s, name="Initech", actor="t")
        ids = {}
        for acc, data in (
            (globex, invoice("F-1", "120", date(2026, 1, 31))),
            (globex, invoice("F-2", "300", date(2026, 4, 1))),
            (initech, invoice("F-9", "50", date(2025, 11, 22))),
            (globex, invoice("AV-1", "20", date(2026, 1, 31), kind="credit_note", credited="F-1")),
        ):
            sha = store_pdf(b"%PDF-1.4 F-2") if data.number == "F-2" else None
            out = create_manual_document(
                session=s, account=acc, data=data, actor="t", today=TODAY, file_sha256=sha, file_name="f2.pdf"
            )
            ids[data.number] = out.document.id
        return ids  # type: ignore[return-value]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.success, *at.error, *at.warning, *at.info, *at.caption])


def test_list_with_totals_and_filters(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app("pages/invoices.py")
    assert not at.exception, at.exception
    frame = at.dataframe[0].value
    assert sorted(frame["Number"]) == ["F-1", "F-2", "F-9"]
    assert metrics(at)["Invoices in EUR"] == "3"
    assert metrics(at)["Remaining in EUR"] == "€450.00"  # 100 + 300 + 50
    at.multiselect(key="doc_status_invoice").set_value(["overdue"]).run()
    assert sorted(at.dataframe[0].value["Number"]) == ["F-1", "F-9"]
    assert metrics(at)["Remaining in EUR"] == "€150.00"
    at.selectbox(key="doc_age").set_value("> 90").run()
    assert list(at.dataframe[0].value["Number"]) == ["F-9"]
    at.selectbox(key="doc_age").set_value("1-30").run()
    assert list(at.dataframe[0].value["Number"]) == ["F-1"]
    at.selectbox(key="doc_age").set_value(None)
    at.multiselect(key="doc_status_invoice").set_value([]).run()
    at.text_input(key="doc_account_search").input("initech").run()
    assert list(at.dataframe[0].value["Number"]) == ["F-9"]
    at.text_input(key="doc_account_search").input("").run()
    at.selectbox(key="doc_source").set_value(Source.PENNYLANE).run()
    assert "No invoices match these filters." in texts(at)
    at.selectbox(key="doc_source").set_value(None).run()
    at.text_input(key="doc_number").input("F-2").run()
    assert list(at.dataframe[0].value["Number"]) == ["F-2"]


def test_credit_notes_list(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app("pages/invoices.py")
    at.radio(key="doc_kind").set_value("Credit notes").run()
    frame = at.dataframe[0].value
    assert list(frame["Number"]) == ["AV-1"]
    assert list(frame["Status"]) == ["Settled"]
    assert metrics(at)["Credit notes in EUR"] == "1"
    at.multiselect(key="doc_status_credit_note").set_value(["open"]).run()
    assert "No credit notes match these filters." in texts(at)


def test_detail_explains_remaining_and_records_a_payment(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    at = app("pages/invoices.py")
    at.query_params["document"] = str(ids["F-1"])
    at.run()
    assert at.title[0].value == "Invoice F-1"
    assert metrics(at)["Invoice status"] == "Overdue" and metrics(at)["Remaining"] == "€100.00"
    explanation = at.table[0].value
    assert list(explanation["Amount"]) == ["€120.00", "-€20.00", "€100.00"]
    assert "Credit note AV-1" in list(explanation[""])[1]
    assert "No PDF stored for this document." in texts(at)
    at.text_input(key="pay_amount").input("abc")
    next(b for b in at.button if b.label == "Record payment").click().run()
    assert "not an amount" in texts(at)
    at.text_input(key="pay_amount").input("40.50")
    at.text_input(key="pay_note").input("transfer 123")
    next(b for b in at.button if b.label == "Record payment").click().run()
    assert "Payment of €40.50 recorded." in texts(at)
    assert metrics(at)["Remaining"] == "€59.50" and metrics(at)["Payment status"] == "Partially paid"
    assert "transfer 123" in " ".join(at.table[0].value[""])
    with session_scope() as s:
        payment = s.exec(select(Payment)).one()
        assert (payment.amount, payment.created_by) == (Decimal("40.50"), "alice")
    at.selectbox(key="related_pick").set_value(ids["AV-1"])
    at.button(key="related_open").click().run()
    assert at.title[0].value == "Credit note AV-1"
    assert "Applied to invoice F-1" in list(at.table[0].value[""])[1]
    assert not [b for b in at.button if b.label == "Record payment"]


def test_synced_invoice_has_no_payment_form(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    with session_scope() as s:  # a document as the sync stores it (a manual one can never become synced)
        manual = s.get(Document, ids["F-2"])
        assert manual is not None
        synced = Document(
            account_id=manual.account_id,
            kind=manual.kind,
            number="PL-2",
            source=Source.PENNYLANE,
            external_id="42",
            issue_date=manual.issue_date,
            due_date=manual.due_date,
            currency="EUR",
            total_incl_tax=manual.total_incl_tax,
            remaining_amount=manual.total_incl_tax,
            file_sha256=manual.file_sha256,
            file_name="f2.pdf",
        )
        s.add(synced)
        s.flush()
        synced_id = synced.id
    at = app("pages/invoices.py")
    at.query_params["document"] = str(synced_id)
    at.run()
    assert not [b for b in at.button if b.label == "Record payment"]
    assert "Payments of this invoice come from Pennylane." in texts(at)
    download = at.get("download_button")[0]
    assert download.proto.label == ":material/description: Download the PDF"


def test_open_from_list_and_back(app) -> None:  # type: ignore[no-untyped-def]
    seed()
    at = app("pages/invoices.py")
    click_row(at, 0)  # a click on the row opens the document
    assert at.title[0].value.startswith("Invoice ")
    at.button(key="back").click().run()
    assert at.title[0].value == "Invoices and credit notes"


def test_empty_state(app) -> None:  # type: ignore[no-untyped-def]
    at = app("pages/invoices.py")
    assert "No invoices match these filters." in texts(at)


def test_a_french_amount_an_error_that_keeps_the_value_and_an_overpayment_confirmed(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    at = app("pages/invoices.py")
    at.query_params["document"] = str(ids["F-2"])
    at.run()
    at.text_input(key="pay_amount").input("1 000,00")  # more than the 300 € that remain
    next(b for b in at.button if b.label == "Record payment").click().run()
    assert "confirm the overpayment" in texts(at)
    assert at.text_input(key="pay_amount").value == "1 000,00"  # what was typed survives the error
    with session_scope() as s:
        assert s.exec(select(Payment)).first() is None
    at.checkbox(key="pay_confirm_overpayment").check()
    next(b for b in at.button if b.label == "Record payment").click().run()
    assert "Payment of €1,000.00 recorded." in texts(at)
    assert metrics(at)["Payment status"] == "Overpaid"


def test_a_payment_is_reversed_from_the_invoice(app) -> None:  # type: ignore[no-untyped-def]
    ids = seed()
    at = app("pages/invoices.py")
    at.query_params["document"] = str(ids["F-2"])
    at.run()
    at.text_input(key="pay_amount").input("100,00")
    next(b for b in at.button if b.label == "Record payment").click().run()
    assert metrics(at)["Remaining"] == "€200.00"
    at.text_input(key="reverse_reason").input("transfer returned")
    next(b for b in at.button if b.label == "Reverse this payment").click().run()
    assert "Payment reversed" in texts(at)
    assert metrics(at)["Remaining"] == "€300.00" and metrics(at)["Payment status"] == "Unpaid"
    assert any("Reversal of a payment" in line for line in at.table[0].value[""])
    assert not [b for b in at.button if b.label == "Reverse this payment"]  # reversed at most once


def test_an_xml_e_invoice_is_downloaded_as_xml(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An invoice imported as an XML e-invoice offers its XML, named and typed as XML (issue #15);
    a PDF stays "Download the PDF" (test_synced_invoice_has_no_payment_form)."""
    xml = b'<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:x"/>'
    with session_scope() as s:
        acc = create_account(session=s, name="Globex", actor="t")
        out = create_manual_document(
            session=s, account=acc, data=invoice("FX-7", "90", date(2026, 4, 1)), actor="t", today=TODAY,
            file_sha256=store_pdf(xml), file_name="scan.pdf",
        )  # fmt: skip
        doc_id = out.document.id
    served: list[tuple[bytes | str, str, str | None]] = []
    add = MediaFileManager.add

    def spy(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):  # type: ignore[no-untyped-def]
        served.append((data, mimetype, file_name))
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", spy)
    at = app("pages/invoices.py")
    at.query_params["document"] = str(doc_id)
    at.run()
    assert not at.exception, at.exception
    [download] = at.get("download_button")
    assert download.proto.label == ":material/description: Download the XML"
    assert served == [(xml, "application/xml", "FX-7.xml")]

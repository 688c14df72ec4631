"""`settings`, `account` and `payment` commands (shared/spec/cli.md), and the settings behind them."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.cli import main
from billabex_core.errors import ValidationError
from billabex_core.models import Account, AuditEvent, Document, InvoiceStatus, PaymentStatus
from billabex_core.services.org import SETTING_KEYS, set_setting, settings_view

IBAN = "FR7630006000011234567890189"


def cli(capsys: pytest.CaptureFixture, db_url: str, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--db", db_url, *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


REQUIRED_KEYS = (
    "org.name",
    "org.country",
    "org.vat",
    "org.siren",
    "org.currency",
    "org.language",
    "org.iban",
    "org.bic",
    "reminders.mode",
    "reminders.pre_due_business_days",
    "sender.email",
)


def test_settings_set_and_show(db_url: str, capsys: pytest.CaptureFixture) -> None:
    for key, value in (
        ("org.name", "Billabex SAS"),
        ("org.country", "fr"),
        ("org.vat", "FR40303265045"),
        ("org.siren", "303 265 045"),
        ("org.currency", "eur"),
        ("org.language", "en"),
        ("org.iban", "fr76 3000 6000 0112 3456 7890 189"),
        ("org.bic", "bnpafrpp"),
        ("reminders.mode", "approval"),
        ("reminders.pre_due_business_days", "5"),
        ("sender.email", "ar@billabex.example"),
    ):
        code, out, err = cli(capsys, db_url, "settings", "set", key, value)
        assert code == 0, err
    code, out, _ = cli(capsys, db_url, "settings", "show", "--json")
    shown = json.loads(out)
    assert code == 0 and set(REQUIRED_KEYS) <= set(shown)
    assert shown["org.iban"] == IBAN and shown["org.bic"] == "BNPAFRPP"
    assert (shown["org.country"], shown["org.currency"], shown["org.siren"]) == ("FR", "EUR", "303265045")
    assert (shown["reminders.mode"], shown["reminders.pre_due_business_days"]) == ("approval", 5)
    code, out, _ = cli(capsys, db_url, "settings", "show")
    assert code == 0 and f"org.iban = {IBAN}" in out.splitlines()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("org.colour", "blue"),
        ("org.iban", "FR7630006000011234567890188"),  # bad checksum
        ("org.bic", "NOTABIC!"),
        ("reminders.mode", "sometimes"),
        ("reminders.pre_due_business_days", "three"),
        ("org.currency", "EURO"),
        ("org.country", "France"),
        ("sender.email", "not-an-email"),
    ],
)
def test_a_bad_key_or_value_exits_2_naming_it(db_url: str, capsys: pytest.CaptureFixture, key, value) -> None:
    code, _out, err = cli(capsys, db_url, "settings", "set", key, value)
    assert code == 2 and err.startswith("error: ") and key in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_settings_service_keys(session) -> None:
    assert set(REQUIRED_KEYS) <= set(SETTING_KEYS)
    assert settings_view(session=session)["reminders.mode"] == "automatic"  # the default
    assert set_setting(session=session, key="org.iban", value="", actor="t") is None
    with pytest.raises(ValidationError) as info:
        set_setting(session=session, key="org.bic", value="XX", actor="t")
    assert info.value.field == "org.bic"


def test_account_pause_and_resume(session, account, db_url: str, capsys: pytest.CaptureFixture) -> None:
    code, _, err = cli(capsys, db_url, "account", "pause", str(account.id), "--reason", "in talks")
    assert code == 0, err
    session.expire_all()
    paused = session.get(Account, account.id)
    assert (paused.paused, paused.paused_reason) == (True, "in talks")
    code, _out, err = cli(capsys, db_url, "account", "resume", str(account.id))
    assert code == 0, err
    session.expire_all()
    assert not session.get(Account, account.id).paused
    code, _, err = cli(capsys, db_url, "account", "pause", "999")
    assert code == 1 and err.strip() == "error: account 999 does not exist"
    code, _, err = cli(capsys, db_url, "account", "pause", "abc")
    assert code == 2 and err.count("\n") == 1


def test_account_pause_without_a_reason(session, account, db_url: str, capsys: pytest.CaptureFixture) -> None:
    code, _, err = cli(capsys, db_url, "account", "pause", str(account.id))
    assert code == 0, err
    session.expire_all()
    assert session.get(Account, account.id).paused


def test_payment_add_and_reverse(session, account, add_document, today, db_url, capsys) -> None:
    inv = add_document(account, "F-1", "1500.00", due=today - timedelta(days=3)).document
    code, out, err = cli(
        capsys, db_url, "payment", "add", str(inv.id), "1 234,56", "--date", "2026-03-01", "--note", "wire"
    )
    assert code == 0, err
    payment_id = int(out.split("#")[1].split()[0])
    session.expire_all()
    doc = session.get(Document, inv.id)
    assert (doc.paid_amount, doc.payment_status) == (Decimal("1234.56"), PaymentStatus.PARTIALLY_PAID)
    code, _, err = cli(capsys, db_url, "payment", "add", str(inv.id), "500,00")
    assert code == 2 and "confirm" in err and "--yes" in err
    code, _, err = cli(capsys, db_url, "payment", "add", str(inv.id), "500,00", "--yes")
    assert code == 0, err
    session.expire_all()
    assert session.get(Document, inv.id).payment_status == PaymentStatus.OVERPAID
    code, out, err = cli(capsys, db_url, "payment", "reverse", str(payment_id), "--reason", "wrong invoice")
    assert code == 0, err
    code, _, err = cli(capsys, db_url, "payment", "reverse", str(payment_id))
    assert code == 1 and "already reversed" in err
    session.expire_all()
    doc = session.get(Document, inv.id)
    assert (doc.paid_amount, doc.invoice_status) == (Decimal("500.00"), InvoiceStatus.OVERDUE)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.reversed")).one()
    assert event.actor == "cli" and event.details["reason"] == "wrong invoice"
    code, out, _ = cli(capsys, db_url, "export", "payments")
    rows = json.loads(out)
    assert [(r["amount"], r["reversed_by"] is not None) for r in rows] == [
        ("1234.56", True),
        ("500.00", False),
        ("-1234.56", False),
    ]
    code, _, err = cli(capsys, db_url, "payment", "add", str(inv.id), "12,345")
    assert code == 2 and "at most 2 decimals" in err
    code, _, err = cli(capsys, db_url, "payment", "add", str(inv.id), "10", "--date", "01/03/2026")
    assert code == 2 and err.count("\n") == 1

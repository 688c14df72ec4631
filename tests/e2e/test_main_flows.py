"""Smoke test in a real browser: log in → upload a PDF → correct a field → validate → add the
contact → the account shows the invoice and its balance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import click_first_row, click_until_shown, login, open_page

pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "fr_invoice.pdf"


def test_login_required(page, server) -> None:
    page.goto(server)
    page.locator("input[type='password']").wait_for()
    assert "Dashboard" not in page.content()
    page.goto(f"{server}/accounts")
    page.locator("input[type='password']").wait_for()
    assert page.get_by_text("Outstanding balance").count() == 0


def test_upload_review_validate_contact(page, server, tmp_path) -> None:
    login(page, server)
    open_page(page, "Upload", "Upload an invoice or credit note")
    page.locator("input[type=file]").set_input_files(str(FIXTURE))
    page.get_by_text(re.compile(r"Draft #\d+ created from the text layer")).wait_for()
    page.get_by_role("button", name="Review it now").click()
    page.get_by_role("heading", name="Review").wait_for()
    number = page.get_by_label("Number", exact=True)
    number.wait_for()
    assert number.input_value() == "F-2026-0042"
    number.fill("F-2026-0042-E2E")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("F-2026-0042-E2E validated").wait_for()
    page.screenshot(path=str(tmp_path / "validated.png"))
    page.get_by_label("E-mail").fill("compta@martin.example")
    page.get_by_role("button", name="Add the contact").click()
    page.get_by_text("Contact compta (compta@martin.example) added").wait_for()
    # the account shows the invoice and the balance
    open_page(page, "Accounts", "Accounts")
    click_first_row(page)  # a click on the account's row opens it
    page.get_by_role("heading", name="Boulangerie Martin SARL").wait_for()
    balance = page.get_by_test_id("stMetric").filter(has_text="Outstanding balance").first
    assert balance.get_by_test_id("stMetricValue").inner_text() == "€1,000.00"
    page.get_by_role("tab", name="Invoices (1)").click()
    page.get_by_text("F-2026-0042-E2E").first.wait_for(state="attached")  # a data-grid cell
    page.screenshot(path=str(tmp_path / "account.png"), full_page=True)


def test_demo_pennylane_full_sync(page, server, tmp_path) -> None:
    """Integrations → connect the demo Pennylane → Sync now → the synced data is on the dashboard."""
    login(page, server)
    open_page(page, "Integrations", "Integrations")
    page.get_by_text("Connect to the demo Pennylane").first.click()  # the expander
    connect = page.get_by_role("button", name="Connect to the demo Pennylane")
    click_until_shown(page, connect, page.get_by_text("Demo Pennylane is ready"))  # re-pointing is harmless
    page.get_by_role("button", name="Sync now").first.click()
    page.get_by_text(re.compile(r"Sync succeeded: \d+ requests|Last sync partial: ")).wait_for(
        timeout=120_000
    )
    page.screenshot(path=str(tmp_path / "synced.png"), full_page=True)
    open_page(page, "Dashboard", "Dashboard")
    page.get_by_text("Data freshness").wait_for()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    accounts = page.get_by_test_id("stMetric").filter(has_text="Accounts").first
    assert int(accounts.get_by_test_id("stMetricValue").inner_text().replace(",", "")) >= 40

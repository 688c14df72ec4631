"""Tables in a real browser (issue #16 point 3): a filtered invoice list is a link that shows the
same view; a click on a row opens the invoice; back leads to the same filtered list; the
dashboard's aging bucket opens the invoice list filtered on it. Once in English, once in French."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, add_login, app_env, cli, click_first_row, login, running_app

pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "extraction" / "fr_invoice.pdf"
NUMBER = "F-2026-0042"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = app_env(tmp_path_factory.mktemp("e2e-tables"))
    add_login(env, "erin")
    add_login(env, "fanny", language="fr")
    cli(env, "import", str(FIXTURE), "--validate")  # one invoice of Boulangerie Martin SARL
    with running_app(env) as url:
        yield url


def test_a_link_reproduces_the_list_and_a_click_opens_the_invoice(page, server, tmp_path) -> None:
    login(page, server)
    page.goto(f"{server}/invoices?number={NUMBER}&sort=number")
    page.get_by_role("heading", name="Invoices and credit notes").wait_for()
    expect(page.get_by_label("Number", exact=True)).to_have_value(NUMBER)  # the filter of the link
    page.get_by_text("Click a row to open it.").wait_for()
    page.screenshot(path=str(tmp_path / "invoices.png"), full_page=True)
    click_first_row(page)
    page.get_by_role("heading", name=f"Invoice {NUMBER}").wait_for()
    assert "document=" in page.url
    page.get_by_role("button", name="← All documents").click()
    page.get_by_role("heading", name="Invoices and credit notes").wait_for()
    assert f"number={NUMBER}" in page.url  # back to the same filtered list


def test_in_french_an_aging_bucket_opens_the_filtered_list(page, server, tmp_path) -> None:
    page.goto(server)
    for attempt in range(3):  # the form is filled again if a rerun cleared it (as ``login`` does)
        page.locator("input[autocomplete='username']").fill("fanny")
        page.locator("input[type='password']").fill(PASSWORD)
        page.get_by_role("button", name=re.compile(r"^(Login|Log in|Se connecter)$")).click()
        try:
            page.get_by_role("heading", name="Tableau de bord").wait_for(timeout=20_000)  # in French
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.screenshot(path=str(tmp_path / "tableau-de-bord.png"), full_page=True)
    bucket = page.get_by_role("link", name="€").first  # "> 90 : 1 000,00 €" and the like
    bucket.click()
    page.get_by_role("heading", name="Factures et avoirs").wait_for()
    assert "age=" in page.url
    page.get_by_text("Cliquez sur une ligne pour l'ouvrir.").wait_for()
    page.screenshot(path=str(tmp_path / "factures.png"), full_page=True)
    click_first_row(page)
    page.get_by_role("heading", name=f"Facture {NUMBER}").wait_for()

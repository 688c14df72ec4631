"""A batch in a real browser (issue #15 point 4): upload a ZIP of PDFs and XML e-invoices, walk
the batch's queue in Review (next / previous), then "Validate all"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.batch_samples import cii_xml, facturx_pdf, invoice_pdf, zip_of
from tests.e2e.conftest import add_login, app_env, login, open_page, running_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = app_env(tmp_path_factory.mktemp("e2e-batch"))
    add_login(env, "erin")
    with running_app(env) as url:
        yield url


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "march.zip"
    files = {
        "FX-1.pdf": facturx_pdf("FX-1"),
        "P-1.pdf": invoice_pdf("P-1"),
        "xml/X-1.xml": cii_xml("X-1"),
        "../escape.pdf": invoice_pdf("P-9"),
    }
    path.write_bytes(zip_of(files))
    return path


def _number_shown(page, number: str) -> None:  # type: ignore[no-untyped-def]
    """The Number field of Review holds ``number`` (the form follows the queue after a rerun)."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('input[aria-label=\"Number\"]')].some(i => i.value === n)",
        arg=number,
    )


def test_upload_a_zip_walk_the_queue_validate_all(page, server, archive, tmp_path) -> None:
    login(page, server)
    open_page(page, "Upload", "Upload an invoice or credit note")
    page.locator("input[type=file]").set_input_files(str(archive))
    page.get_by_text(
        re.compile(r"Batch #\d+: 4 file(s|\(s\)) — 3 read, 0 duplicate\(s\), 1 refused")
    ).wait_for(timeout=120_000)
    page.get_by_text(re.compile(r"unsafe name in the ZIP")).last.wait_for()  # also in the progress
    page.screenshot(path=str(tmp_path / "batch-uploaded.png"), full_page=True)
    page.get_by_role("button", name="Review this batch").click()
    page.get_by_text(re.compile(r"draft 1 of 3 waiting")).wait_for()
    _number_shown(page, "FX-1")
    page.get_by_role("button", name="Next →").click()
    page.get_by_text(re.compile(r"draft 2 of 3 waiting")).wait_for()
    _number_shown(page, "P-1")
    page.get_by_role("button", name="← Previous").click()
    page.get_by_text(re.compile(r"draft 1 of 3 waiting")).wait_for()
    page.get_by_role("button", name="Validate all e-invoices whose checks pass").click()
    page.get_by_text("Validate all: 2 of 3 draft(s) validated.").wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"not an e-invoice")).wait_for()
    page.get_by_text(re.compile(r"draft 1 of 1 waiting")).wait_for()
    _number_shown(page, "P-1")
    page.screenshot(path=str(tmp_path / "batch-validated.png"), full_page=True)

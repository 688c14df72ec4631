"""A French login reads in French why a file of a batch was refused or is a duplicate (issue #16):
the reason is stored in English (the CLI prints it), the Upload page reads it back."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import ImportBatchItem
from tests.batch_samples import invoice_pdf, zip_of
from tests.ui.test_batch_upload import _texts
from tests.ui.test_french_errors import _french, _plain


def test_the_refusals_of_a_batch_read_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    at: AppTest = app("pages/upload.py")
    at.file_uploader(key="upload_file").set_value(
        [
            ("P-1.pdf", invoice_pdf("P-1"), "application/pdf"),
            ("notes.pdf", b"just some text", "application/pdf"),
            ("vide.pdf", b"", "application/pdf"),
            ("encore.pdf", invoice_pdf("P-1"), "application/pdf"),
            ("lot.zip", zip_of({"inner.zip": zip_of({"x.pdf": invoice_pdf("P-9")})}), "application/zip"),
        ]
    )
    at.run(timeout=120)
    assert not at.exception, at.exception
    text = _plain(_texts(at))
    assert "notes.pdf — ce n'est pas un fichier PDF" in text, text
    assert "vide.pdf — fichier vide : rien à lire" in text, text
    assert "encore.pdf — doublon : ce fichier attend déjà sa relecture (brouillon n°1)" in text, text
    assert "lot.zip/inner.zip — un ZIP dans un ZIP n'est pas lu : mettez ses fichiers dans l'archive" in text
    with session_scope() as s:  # stored as the CLI prints it
        reasons = set(s.exec(select(ImportBatchItem.reason)))
    assert {"not a PDF file", "empty file: nothing to read"} < reasons, reasons

"""Every text from documents, providers or people reaches the browser escaped wherever Streamlit
reads markdown (titles, captions, labels, messages, badges, links, tabs, st.table cells)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import PASSWORD, ROOT, login
from tests.ui.hostile_data import RAW, evil, seed_hostile, seed_hostile_draft

# Elements whose text Streamlit shows as plain text, never as markdown.
PLAIN = {"selectbox", "multiselect", "text_input", "text_area", "text", "code", "json", "dataframe", "html"}


# An HTML tag that markdown would pass on (``<img src=…>``), not preceded by an escaping backslash.
UNESCAPED_HTML = re.compile(r"(?<!\\)<img src=")


def leaks(at: AppTest) -> list[str]:
    """Markdown-rendered elements that carry an unescaped ``](http://127.0.0.1:9`` or ``<img``."""
    found = []
    for node in at._tree:
        if node.type in PLAIN:
            continue
        text = node.value.to_string() if node.type == "table" else str(getattr(node, "proto", ""))
        if RAW in text or UNESCAPED_HTML.search(text):
            found.append(f"{node.type}: {text[:300]}")
    return found


@pytest.fixture
def hostile(ui_db: str) -> dict[str, int]:
    return seed_hostile(password=PASSWORD)


@pytest.fixture
def hostile_draft(hostile: dict[str, int]) -> int:
    return seed_hostile_draft()


def _open(page: str | None, params: dict[str, int]) -> AppTest:
    at = login(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30), "eve")
    if page:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = str(value)
        at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("page", "param"),
    [
        (None, None),
        ("pages/accounts.py", None),
        ("pages/accounts.py", "account"),
        ("pages/invoices.py", None),
        ("pages/invoices.py", "document"),
        ("pages/tasks.py", None),
        ("pages/tasks.py", "task"),
        ("pages/communications.py", None),
        ("pages/integrations.py", None),
        ("pages/settings.py", None),
        ("pages/audit.py", None),
        ("pages/password.py", None),
        ("pages/upload.py", None),
    ],
)
def test_no_screen_renders_outside_text_as_markdown(
    hostile: dict[str, int], page: str | None, param: str | None
) -> None:
    at = _open(page, {param: hostile[param]} if param else {})
    if page == "pages/tasks.py" and param is None:
        at.toggle(key="task_mine").set_value(False).run()  # the hostile task is assigned to everybody
    assert at.title, "the page did not render"
    assert leaks(at) == []
    rendered = " ".join(str(getattr(node, "proto", "")) for node in at._tree)
    assert "\\\\!\\\\[" in rendered  # the hostile texts are there, escaped


def test_the_review_of_a_hostile_document_renders_nothing_as_markdown(hostile_draft: int) -> None:
    """Review shows what was read on an untrusted document: its file name, number, names, the
    stamp, the warnings, what was read beside each field (help tooltips are markdown), and the
    account it matches; validating it shows the number and the account again."""
    at = _open("pages/review.py", {})
    assert not at.exception and leaks(at) == []
    rendered = " ".join(str(getattr(node, "proto", "")) for node in at._tree)
    for what in ("warning", "stamp", "read-number"):  # the document's texts are on the page, escaped
        assert f"\\\\!\\\\[{what}\\\\]" in rendered, what
    next(b for b in at.button if b.label == "Validate").click()
    at.run()
    assert not at.exception and leaks(at) == []


def test_an_upload_with_a_hostile_file_name_renders_nothing_as_markdown(hostile: dict[str, int]) -> None:
    at = _open("pages/upload.py", {})
    pdf = (ROOT / "tests/fixtures/extraction/fr_invoice.pdf").read_bytes()
    at.file_uploader(key="upload_file").upload(evil("upload") + ".pdf", pdf, "application/pdf").run()
    assert not at.exception and leaks(at) == []
    at.file_uploader(key="upload_file").upload(
        evil("broken") + ".pdf", b"%PDF-1.4 broken", "application/pdf"
    ).run()
    assert not at.exception and leaks(at) == []

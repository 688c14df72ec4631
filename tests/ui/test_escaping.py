"""Every text from documents, providers or people reaches the browser escaped wherever Streamlit
reads markdown (titles, captions, labels, messages, badges, links, tabs, st.table cells)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import PASSWORD, ROOT, login
from tests.ui.hostile_data import RAW, seed_hostile

# Elements whose text Streamlit shows as plain text, never as markdown.
PLAIN = {"selectbox", "multiselect", "text_input", "text_area", "text", "code", "json", "dataframe", "html"}


def leaks(at: AppTest) -> list[str]:
    """Markdown-rendered elements that carry an unescaped ``](http://127.0.0.1:9``."""
    found = []
    for node in at._tree:
        if node.type in PLAIN:
            continue
        text = node.value.to_string() if node.type == "table" else str(getattr(node, "proto", ""))
        if RAW in text:
            found.append(f"{node.type}: {text[:300]}")
    return found


@pytest.fixture
def hostile(ui_db: str) -> dict[str, int]:
    return seed_hostile(password=PASSWORD)


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

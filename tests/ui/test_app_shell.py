"""Login, logout, navigation and the dashboard, through AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.services.accounts import create_account
from billabex_core.services.documents import DocumentInput, create_manual_document
from tests.ui.conftest import ROOT, login


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [m.label for m in at.metric]
    parts += [str(e.value) for e in at.error] + [str(w.value) for w in at.warning]
    return " ".join(parts)


def test_nothing_but_login_without_credentials(ui_db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.metric and not at.title
    assert "Dashboard" not in _texts(at)
    assert not at.sidebar.button  # no logout, no navigation


def test_wrong_password_is_refused(ui_db: str) -> None:
    at = login(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30), password="wrong-password!")
    assert not at.exception
    assert "Username or password is incorrect." in [e.value for e in at.error]
    assert not at.metric


def test_login_shows_dashboard_with_real_figures(ui_db: str) -> None:
    from datetime import date
    from decimal import Decimal

    with session_scope() as s:
        acc = create_account(session=s, name="Globex", actor="t")
        create_manual_document(
            session=s,
            account=acc,
            actor="t",
            today=date(2026, 3, 2),
            data=DocumentInput(
                kind="invoice",
                number="F-1",
                issue_date=date(2026, 1, 1),
                due_date=date(2026, 1, 31),
                currency="EUR",
                total_excl_tax=Decimal("100"),
                tax_amount=Decimal("20"),
                total_incl_tax=Decimal("120"),
            ),
        )
    at = login(AppTest.from_file(str(ROOT / "app.py"), default_timeout=30))
    assert not at.exception, at.exception
    assert at.title[0].value == "Dashboard"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accounts"] == "1" and metrics["Invoices"] == "1"
    assert metrics["Outstanding balance"] == "€120.00" and metrics["Overdue"] == "€120.00"
    assert metrics["Open tasks"] == "1" and metrics["Accounts without contact"] == "1"


def test_logout(app) -> None:
    at = app()
    at.sidebar.button(key="logout_button").click().run()
    assert not at.exception
    assert not at.metric
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_core_never_imports_streamlit() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, billabex_core\n"
        "for m in pkgutil.walk_packages(billabex_core.__path__, 'billabex_core.'):\n"
        "    m.name.endswith('__main__') or importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sources = "\n".join(p.read_text() for p in Path(ROOT / "billabex_core").rglob("*.py"))
    assert "import streamlit" not in sources and "from streamlit" not in sources


def test_page_guard_without_login(ui_db: str) -> None:
    """A page script run on its own (legacy pages/ mode) shows nothing without a login."""
    for page in sorted((ROOT / "pages").glob("*.py")):
        at = AppTest.from_file(str(page), default_timeout=30).run()
        assert not at.metric and not at.dataframe and not at.title, page.name

"""AppTest fixtures: a SQLite database with one login, and an app already logged in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from billabex_core.config import reset_settings
from billabex_core.db.engine import get_engine, session_scope
from billabex_core.services.users import add_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _navigation_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest run like a live server once ``st.navigation`` has run.

    AppTest forgets between runs that the app uses ``st.navigation`` and falls back to the
    legacy ``pages/`` mode, which runs a page script without ``app.py``. A live server sets the
    flag once for good; ``test_page_guard`` covers the legacy path on its own.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _english_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser of the page tests asks for English (``st.context.locale``), so the login form
    reads English; tests/ui/test_languages.py sets French itself."""
    original = AppTest.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        self.context.setdefault("locale", "en-US")

    monkeypatch.setattr(AppTest, "__init__", init)


@pytest.fixture
def ui_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("BILLABEX_DATABASE_URL", url)
    monkeypatch.setenv("BILLABEX_TODAY", "2026-03-02")
    monkeypatch.chdir(ROOT)
    reset_settings()
    with session_scope(url) as s:
        add_user(
            session=s,
            username="alice",
            email="alice@example.com",
            name="Alice Martin",
            password=PASSWORD,
            admin=True,
            language="en",  # the page tests read English; tests/ui/test_languages.py reads both
        )
    yield url
    get_engine(url).dispose()


@pytest.fixture
def db(ui_db: str) -> Iterator[Session]:
    with Session(get_engine(ui_db), expire_on_commit=False) as s:
        yield s


def shown(markdown: object) -> str:
    """What a reader sees of markdown text: backslash escapes removed (``billabex_ui.md``)."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


def login(at: AppTest, username: str = "alice", password: str = PASSWORD) -> AppTest:
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


@pytest.fixture
def app(ui_db: str) -> Callable[..., AppTest]:
    """A logged-in app; ``app("pages/x.py")`` opens that page."""

    def open_page(page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        login(at)
        assert not at.exception, at.exception
        if page:
            at.switch_page(page)
            at.run()
            # AppTest keeps requesting that page on every later run; a browser stays where the app
            # navigated (st.switch_page), so forget the request once it has been served.
            at._page_hash = ""
        return at

    return open_page

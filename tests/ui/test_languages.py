"""Interface languages (issue #16): per login, the organisation's by default, changed in the
sidebar and kept; the login form in the browser's language."""

from __future__ import annotations

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import User
from billabex_core.services.org import update_organisation
from billabex_core.services.users import add_user
from tests.ui.conftest import PASSWORD, ROOT, login


def _app(locale: str | None = "en-US") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if locale is None:
        at.context.pop("locale", None)
    else:
        at.context["locale"] = locale
    return at


def _add(username: str, language: str | None = None) -> None:
    with session_scope() as s:
        add_user(
            session=s,
            username=username,
            email=f"{username}@example.com",
            name=username.title(),
            password=PASSWORD,
            language=language,
        )


def test_the_sidebar_language_is_kept_for_the_next_sessions(ui_db: str, db: Session) -> None:
    at = login(_app())
    assert at.sidebar.caption[0].value.startswith("Signed in as")
    at.sidebar.selectbox(key="billabex_language_picker").select("fr").run()
    assert not at.exception
    assert at.sidebar.caption[0].value.startswith("Connecté(e)")
    assert at.sidebar.button(key="logout_button").label == "Se déconnecter"
    assert db.exec(select(User.language).where(User.username == "alice")).one() == "fr"
    again = login(_app())  # another browser, another session: French from the start
    assert again.sidebar.caption[0].value.startswith("Connecté(e)")


def test_a_login_without_its_own_language_reads_the_organisations(ui_db: str) -> None:
    _add("claire")  # the organisation's language: French by default
    at = login(_app(), "claire")
    assert at.sidebar.caption[0].value.startswith("Connecté(e)")
    with session_scope() as s:
        update_organisation(session=s, actor="alice", default_language="en")
    _add("dave")
    assert login(_app(), "dave").sidebar.caption[0].value.startswith("Signed in as")


def test_the_login_form_speaks_the_browsers_language(ui_db: str) -> None:
    assert [t.label for t in _app("fr-FR").run().text_input] == ["Identifiant", "Mot de passe"]
    assert [t.label for t in _app("en-GB").run().text_input] == ["Username", "Password"]
    # a browser in another language: the organisation's (French by default)
    assert [t.label for t in _app("de-DE").run().text_input] == ["Identifiant", "Mot de passe"]

"""Interface languages (issue #16): per login, the organisation's by default, changed in the
sidebar and kept; the login form in the browser's language."""

from __future__ import annotations

import importlib.util
import re

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import User
from billabex_core.services.org import update_organisation
from billabex_core.services.users import add_user
from tests.ui.conftest import PASSWORD, ROOT, login
from tests.ui.hostile_data import seed_hostile


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


# Every page, in both languages, as an administrator and as a member ------------------------------


def app_pages() -> dict[str, list[tuple[str, str, str, bool]]]:
    spec = importlib.util.spec_from_file_location("billabex_app", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PAGES  # type: ignore[no-any-return]


PAGES = [path for entries in app_pages().values() for path, *_ in entries]
DETAILS = {"pages/accounts.py": "account", "pages/invoices.py": "document", "pages/tasks.py": "task"}
# English words that give away an untranslated label on a French screen (data are left out: the
# seeded names all carry the address 127.0.0.1)
ENGLISH = re.compile(
    r"\b(the|and|of|with|without|yet|No|Open|Save|Add|Download|Search|Show|Status|Account|Accounts|"
    r"Invoices?|Tasks?|Settings|Sync|never|Due|Remaining|Payment|Reminders?|Login|Logins|Name|Kind|"
    r"Language|Record|Delete|Change|Reply|Thread|Sort|Overdue|Outstanding|Amount|Details|Who|What|"
    r"When|Events|Upload|Review|Draft)\b"
)


def chrome(at: AppTest) -> list[str]:
    """The texts of the screen itself: titles, labels, messages, captions, buttons, tabs."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "markdown",
    ):
        texts += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button",
        "text_input",
        "text_area",
        "selectbox",
        "multiselect",
        "date_input",
        "number_input",
        "checkbox",
        "toggle",
        "radio",
        "metric",
        "tab",
        "expander",
    ):
        texts += [str(getattr(e, "label", "") or "") for e in at.get(kind)]
    return [text for text in texts if text and "127.0.0.1" not in text]


@pytest.fixture
def seeded(ui_db: str) -> dict[str, int]:
    return seed_hostile(password=PASSWORD)


@pytest.mark.parametrize("role", ["admin", "member"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_renders_in_both_languages(seeded: dict[str, int], lang: str, role: str) -> None:
    """No missing key (the tests raise on one), no exception, and no English label left on a
    French screen; members meet "administrators only" on the administrators' pages."""
    username = f"{lang}_{role}"
    with session_scope() as s:
        add_user(
            session=s,
            username=username,
            email=f"{username}@example.com",
            name=username,
            password=PASSWORD,
            admin=role == "admin",
            language=lang,
        )
    leftovers: list[str] = []
    for page in PAGES:
        for row in [None] + ([seeded[DETAILS[page]]] if page in DETAILS else []):
            at = login(_app(f"{lang}-FR" if lang == "fr" else "en-GB"), username)  # a fresh tab per view
            at.switch_page(page)
            if row is not None:
                at.query_params[DETAILS[page]] = str(row)
            at.run()
            assert not at.exception, (page, row, at.exception)
            if lang == "fr":
                leftovers += [f"{page}: {text}" for text in chrome(at) if ENGLISH.search(text)]
    assert leftovers == [], "\n".join(leftovers)

"""Safe for a team (issue #17), through AppTest: logout revokes the session, members meet
"Administrators only" even by URL, the lockout on the login form, the audit log page, changing
one's own password, and deep links through the login form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import AuditEvent, User
from billabex_core.secrets import cookie_key
from billabex_core.services.accounts import create_account
from billabex_core.services.auth import SessionEnded, resume
from billabex_core.services.users import add_user
from tests.ui.conftest import PASSWORD, ROOT, login, shown

ADMIN_PAGES = ("pages/integrations.py", "pages/settings.py", "pages/audit.py")


@pytest.fixture
def bob(ui_db: str) -> Iterator[str]:
    with session_scope() as s:
        add_user(
            session=s,
            username="bob",
            email="bob@example.com",
            name="Bob Member",
            password=PASSWORD,
            language="en",
        )
    yield "bob"


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def _on_login_form(at: AppTest) -> bool:
    return [t.label for t in at.text_input] == ["Username", "Password"] and not at.title


def _html(at: AppTest) -> str:
    return " ".join(str(el.proto) for el in at.get("html"))


def test_logout_revokes_the_session_and_deletes_the_cookie(app, db: Session) -> None:
    at = app()
    token = at.session_state["billabex_login"].token
    assert "billabex_auth=" in _html(at) and "Max-Age=86400" in _html(at)  # the cookie set at login
    at.sidebar.button(key="logout_button").click().run()
    assert not at.exception and _on_login_form(at)
    assert "You are logged out." in [i.value for i in at.info]
    assert "billabex_auth=; Path=/; Max-Age=0" in _html(at)  # deleted in the browser
    with session_scope() as s:  # and dead on the server: a copy of the cookie is refused
        assert resume(session=s, token=token, key=cookie_key()) == SessionEnded("invalid")
    at.run()
    assert _on_login_form(at)  # a rerun does not log back in


def test_a_session_ended_elsewhere_ends_here_at_the_next_click(app, db: Session) -> None:
    at = app()
    user = db.exec(select(User).where(User.username == "alice")).one()
    user.session_version += 1  # as a logout in another browser does
    db.add(user)
    db.commit()
    at.run()
    assert _on_login_form(at)
    assert any("Your session has ended" in i.value for i in at.info)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_a_member_sees_administrators_only_even_by_url(bob: str, page: str) -> None:
    at = login(_app(), bob)
    assert not at.exception and at.title[0].value == "Dashboard"
    assert "member" in at.sidebar.caption[0].value
    at.switch_page(page)
    at.run()
    assert [t.value for t in at.title] == ["Administrators only"]
    assert any("Administrators only" in w.value for w in at.warning)
    assert not at.main.button and not at.main.text_input and not at.main.dataframe


def test_a_member_changes_their_own_password(bob: str) -> None:
    at = login(_app(), bob)
    at.switch_page("pages/password.py")
    at.run()
    fields = {t.label: t for t in at.text_input}
    fields["Current password"].input(PASSWORD)
    fields["New password"].input("a-brand-new-password")
    fields["New password again"].input("a-brand-new-password")
    next(b for b in at.button if b.label == "Change my password").click()
    at.run()
    assert not at.exception and _on_login_form(at)
    assert "Your password is changed: log in with the new one." in [i.value for i in at.info]
    assert login(at, bob, "a-brand-new-password").title[0].value == "My password"  # where the tab was


def test_five_wrong_passwords_lock_the_username(bob: str) -> None:
    for attempt in range(5):
        at = login(_app(), "alice", f"wrong-password-{attempt}")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(
        "Too many failed attempts for this username: try again after"
    )
    at = login(_app(), "alice", PASSWORD)  # the right password, a new browser: still refused
    assert _on_login_form(at) and "Too many failed attempts" in at.error[0].value
    assert login(_app(), bob, PASSWORD).title[0].value == "Dashboard"  # other logins unaffected


def test_the_audit_log_lists_logins_and_failures_with_filters(app, bob: str) -> None:
    login(_app(), bob, "wrong-password")
    at = app("pages/audit.py")
    assert not at.exception and at.title[0].value == "Audit log"
    table = at.dataframe[0].value
    assert {"login.succeeded", "login.failed", "user.added"} <= set(table["What"])
    at.selectbox(key="audit_who").set_value("bob").run()
    assert set(at.dataframe[0].value["What"]) == {"login.failed"}
    at.selectbox(key="audit_who").set_value(None).run()
    at.selectbox(key="audit_family").set_value("user").run()
    assert set(at.dataframe[0].value["What"]) == {"user.added"}
    assert not any(b.label in ("Delete", "Edit") for b in at.button)


def test_admin_disables_a_login_and_its_session_ends(app, bob: str, db: Session) -> None:
    member = login(_app(), bob)
    assert member.title[0].value == "Dashboard"
    at = app("pages/settings.py")
    at.selectbox(key="manage_login").set_value("bob")
    at.radio(key="manage_action").set_value("Disable")
    next(b for b in at.button if b.label == "Apply").click()
    at.run()
    assert not at.exception and "bob: done (disable)." in [shown(s.value) for s in at.success]
    member.run()
    assert _on_login_form(member)
    assert login(_app(), bob).error[0].value == "Username or password is incorrect."
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.disabled")).one().actor == "alice"


def test_a_deep_link_opens_after_the_login(ui_db: str) -> None:
    with session_scope() as s:
        account_id = create_account(session=s, name="Globex", actor="t").id
    at = _app()
    at.switch_page("pages/accounts.py")
    at.query_params["account"] = str(account_id)
    at.run()
    assert not at.exception and _on_login_form(at)  # the form alone
    login_result = login(at)
    assert [t.value for t in login_result.title] == ["Globex"]  # that account, not the dashboard

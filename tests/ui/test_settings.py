"""Settings page: organisation identity and logins."""

from __future__ import annotations

from sqlmodel import select

from billabex_core.models import Organisation, User


def test_save_organisation(app, db) -> None:
    at = app("pages/settings.py")
    at.text_input[0].input("Atelier Dupont SAS")
    next(t for t in at.text_input if t.label == "VAT number").input("FR40 303 265 045")
    next(t for t in at.text_input if t.label == "SIREN").input("303265045")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Settings saved."]
    db.expire_all()
    org = db.exec(select(Organisation)).one()
    assert (org.name, org.vat, org.siren) == ("Atelier Dupont SAS", "FR40303265045", "303265045")


def test_invalid_siren_is_refused(app, db) -> None:
    at = app("pages/settings.py")
    next(t for t in at.text_input if t.label == "SIREN").input("123456789")
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert [w.value for w in at.warning] == ["invalid SIREN: 123456789"]


def test_admin_adds_a_login(app, db) -> None:
    at = app("pages/settings.py")
    next(t for t in at.text_input if t.label == "Username").input("bob")
    next(t for t in at.text_input if t.label == "Full name").input("Bob Durand")
    next(t for t in at.text_input if t.label == "E-mail").input("bob@example.com")
    next(b for b in at.button if b.label == "Add").click()
    at.run()
    assert "Login **bob** created. Password (shown once)" in at.success[0].value
    db.expire_all()
    assert {u.username for u in db.exec(select(User))} == {"alice", "bob"}


def test_added_login_is_listed_at_once(app, db) -> None:
    """Issue #16: the Logins table lists a new login in the run that created it (no reload)."""
    at = app("pages/settings.py")
    next(t for t in at.text_input if t.label == "Username").input("carol")
    next(t for t in at.text_input if t.label == "Full name").input("Carol Petit")
    next(t for t in at.text_input if t.label == "E-mail").input("carol@example.com")
    next(b for b in at.button if b.label == "Add").click()
    at.run()
    assert not at.exception, at.exception
    assert "carol" in list(at.dataframe[0].value.iloc[:, 0])

"""``user`` commands: add with an interface language, disable and enable, reset-password."""

from __future__ import annotations

import io

import pytest
from sqlmodel import Session, select

from billabex_core.cli import main
from billabex_core.db.engine import get_engine
from billabex_core.models import User
from billabex_core.services.users import verify_password


def _user(db_url: str, username: str) -> User:
    with Session(get_engine(db_url)) as s:
        return s.exec(select(User).where(User.username == username)).one()


def _main(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(args)


def test_add_language_disable_enable_reset(db_url: str, monkeypatch, capsys) -> None:
    base = ["--db", db_url, "user"]
    assert (
        _main(
            [*base, "add", "ada", "--email", "a@example.com", "--name", "Ada", "--language", "en"],
            monkeypatch,
        )
        == 0
    )
    assert _main([*base, "add", "bob", "--email", "b@example.com", "--name", "Bob"], monkeypatch) == 0
    assert (
        _user(db_url, "ada").language == "en" and _user(db_url, "bob").language == "fr"
    )  # the organisation's
    with pytest.raises(SystemExit) as info:
        main([*base, "add", "cy", "--email", "c@example.com", "--name", "Cy", "--language", "de"])
    assert info.value.code == 2
    capsys.readouterr()

    version = _user(db_url, "ada").session_version
    assert _main([*base, "disable", "ada"], monkeypatch) == 0
    assert "ada disabled" in capsys.readouterr().out
    ada = _user(db_url, "ada")
    assert not ada.is_active and ada.session_version == version + 1
    assert _main([*base, "enable", "ada"], monkeypatch) == 0 and _user(db_url, "ada").is_active

    assert (
        _main([*base, "reset-password", "ada", "--password-stdin"], monkeypatch, "a-brand-new-password\n")
        == 0
    )
    assert verify_password("a-brand-new-password", _user(db_url, "ada").password_hash)
    assert _main([*base, "reset-password", "bob"], monkeypatch) == 0
    out = capsys.readouterr().out
    generated = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("password: "))
    assert verify_password(generated, _user(db_url, "bob").password_hash)

    assert _main([*base, "disable", "nobody"], monkeypatch) == 1
    assert capsys.readouterr().err.strip() == "error: user nobody does not exist"
    assert _main([*base, "reset-password", "bob", "--password-stdin"], monkeypatch, "short\n") == 2

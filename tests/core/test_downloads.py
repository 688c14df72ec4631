"""What screens download: the CLI's CSV writer (formulas neutralised), each download audited; the
audit log's CSV for administrators only; the audit log's filters."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session, select

from billabex_core.errors import PermissionDeniedError
from billabex_core.models import AuditEvent
from billabex_core.services.accounts import create_account
from billabex_core.services.audit_log import AuditFilters, search
from billabex_core.services.downloads import audit_csv, entity_csv
from billabex_core.services.users import add_user


@pytest.fixture
def team(session: Session) -> Session:
    add_user(
        session=session,
        username="ada",
        email="a@example.com",
        name="Ada",
        password="0123456789ab",
        admin=True,
    )
    add_user(session=session, username="bob", email="b@example.com", name="Bob", password="0123456789ab")
    return session


def test_a_screen_csv_is_the_cli_csv_with_formulas_neutralised(team: Session) -> None:
    create_account(session=team, name='=HYPERLINK("http://evil")', actor="t")
    text = entity_csv(session=team, entity="accounts", actor="bob")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    event = team.exec(select(AuditEvent).where(AuditEvent.action == "export.csv")).one()
    assert (event.actor, event.entity, event.details) == ("bob", "accounts", {"rows": 1, "via": "screen"})


def test_the_audit_log_is_for_administrators_and_filters(team: Session) -> None:
    with pytest.raises(PermissionDeniedError):
        search(session=team, actor="bob")
    with pytest.raises(PermissionDeniedError):
        audit_csv(session=team, actor="bob", filters=AuditFilters())
    create_account(session=team, name="Globex", actor="bob")
    assert [e.action for e in search(session=team, actor="ada", filters=AuditFilters(who="bob")).rows] == [
        "account.created"
    ]
    users = search(session=team, actor="ada", filters=AuditFilters(family="user"))
    assert users.total == 2 and {e.action for e in users.rows} == {"user.added"}
    rows = list(
        csv.DictReader(io.StringIO(audit_csv(session=team, actor="ada", filters=AuditFilters(family="user"))))
    )
    assert [r["action"] for r in rows] == ["user.added", "user.added"]

"""Safe for a team, the leftovers of issues #17, #13 and #18 (SQLite and PostgreSQL): exports in the
audit log, the idle timeout in the CLI, disabled logins and tasks, a deleted invalid contact's task,
what the communications export and the agent run summary say of people's decisions, and two people
editing one contact at the same time."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from billabex_core.cli import main
from billabex_core.errors import ConflictError, ValidationError
from billabex_core.models import AuditEvent, Communication, CommunicationStatus, Task, TaskKind, TaskStatus
from billabex_core.queries.tasks import list_tasks, task_detail
from billabex_core.services import contacts, downloads, tasks, users
from billabex_core.services.export import export_rows
from billabex_core.services.org import get_organisation, settings_view
from tests.core.jobs.faults import race

PASSWORD = "correct-horse-battery"


def cli(capsys: pytest.CaptureFixture, db_url: str, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["--db", db_url, *args])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _events(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# Exports in the audit log (issue #17 point 12) ----------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_cli_export_is_in_the_audit_log(session, account, db_url, capsys, fmt: str) -> None:
    code, out, err = cli(capsys, db_url, "export", "accounts", "--format", fmt)
    assert code == 0, err
    rows = json.loads(out) if fmt == "json" else list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["ACME SAS"]  # the output is unchanged
    [event] = _events(session, f"export.{fmt}")
    assert (event.actor, event.entity, event.details["rows"], event.details["via"]) == (
        "cli",
        "accounts",
        1,
        "cli",
    )
    assert event.details["os_user"]  # who ran it on the machine
    assert datetime.now(UTC) - event.at < timedelta(minutes=5)


def test_a_screen_download_is_in_the_audit_log_as_from_the_screen(session, account) -> None:
    text = downloads.entity_csv(session=session, entity="accounts", actor="alice")
    session.commit()
    assert text.startswith("id,name,")
    [event] = _events(session, "export.csv")
    assert (event.actor, event.entity, event.details) == ("alice", "accounts", {"rows": 1, "via": "screen"})


# settings set security.idle_timeout_hours (issue #17 point 1) --------------------------------------


def test_the_idle_timeout_is_a_cli_setting(session, db_url, capsys) -> None:
    code, out, err = cli(capsys, db_url, "settings", "set", "security.idle_timeout_hours", "3")
    assert (code, out, err) == (0, "security.idle_timeout_hours = 3\n", "")
    session.expire_all()
    assert get_organisation(session=session).idle_timeout_hours == 3
    assert settings_view(session=session)["security.idle_timeout_hours"] == 3
    code, out, _ = cli(capsys, db_url, "settings", "show")
    assert "security.idle_timeout_hours = 3\n" in out
    [event] = _events(session, "organisation.updated")
    assert (event.actor, event.details["after"]) == ("cli", {"idle_timeout_hours": 3})
    for bad in ("0", "25", "two", "1.5"):
        code, _, err = cli(capsys, db_url, "settings", "set", "security.idle_timeout_hours", bad)
        assert code == 2 and err.startswith("error: security.idle_timeout_hours: ") and err.count("\n") == 1
    session.expire_all()
    assert get_organisation(session=session).idle_timeout_hours == 3


# Disabled logins and tasks ------------------------------------------------------------------------


@pytest.fixture
def team(session: Session) -> Session:
    for name, admin in (("ada", True), ("bob", False), ("carl", False)):
        users.add_user(
            session=session,
            username=name,
            email=f"{name}@example.com",
            name=name,
            password=PASSWORD,
            admin=admin,
        )
    session.commit()
    return session


def test_disabled_logins_are_not_offered_and_are_shown_as_such(team, account) -> None:
    task = tasks.open_task(
        session=team,
        kind=TaskKind.ANOMALY,
        subject="Check",
        message="m",
        actor="ada",
        account_id=account.id,
        assignees=["bob", "carl"],
    )
    team.commit()
    users.set_active(session=team, username="bob", active=False, actor="ada")
    team.commit()
    detail = task_detail(session=team, task_id=task.id)
    assert detail.usernames == ["ada", "carl"]  # who it can be assigned to
    assert detail.disabled_assignees == ("bob",)
    [row] = list_tasks(session=team).rows
    assert (row.assignees, row.disabled_assignees) == (["bob", "carl"], ("bob",))
    other = tasks.open_task(session=team, kind=TaskKind.ANOMALY, subject="Other", message="m", actor="ada")
    team.commit()
    with pytest.raises(ValidationError, match="cannot assign a task to bob, nobody: not an active login"):
        tasks.set_assignees(session=team, task_id=other.id, assignees=["bob", "nobody", "ada"], actor="ada")
    team.rollback()
    # keeping a disabled assignee (removing someone else) is allowed
    assert tasks.set_assignees(session=team, task_id=task.id, assignees=["bob"], actor="ada").assignees == [
        "bob"
    ]


# A deleted invalid contact closes its task (issue #17) -------------------------------------------


def test_deleting_an_invalid_contact_closes_its_task(session, account, today) -> None:
    bad = contacts.add_contact(
        session=session,
        account_id=account.id,
        email="old@acme.example",
        language="fr",
        actor="t",
        today=today,
    )
    contacts.add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=today
    )
    contacts.mark_invalid(
        session=session, contact_id=bad.id, reason="550 no such user", actor="agent", today=today
    )
    session.commit()
    [task] = session.exec(select(Task).where(Task.kind == TaskKind.INVALID_CONTACT)).all()
    assert task.status.is_open
    contacts.delete_contact(session=session, contact_id=bad.id, actor="alice", today=today)
    session.commit()
    session.expire_all()
    task = session.get(Task, task.id)
    assert task is not None and task.status == TaskStatus.CLOSED and task.contact_id is None
    assert "was deleted" in tasks.thread(session=session, task_id=task.id)[-1].body
    open_tasks = [t for t in session.exec(select(Task)).all() if t.status.is_open]
    assert open_tasks == []  # a valid contact is left: nothing else to do


def test_deleting_the_only_contact_that_was_invalid_asks_for_a_contact(session, account, today) -> None:
    bad = contacts.add_contact(
        session=session,
        account_id=account.id,
        email="old@acme.example",
        language="fr",
        actor="t",
        today=today,
    )
    contacts.mark_invalid(session=session, contact_id=bad.id, reason="bounced", actor="agent", today=today)
    session.commit()
    contacts.delete_contact(session=session, contact_id=bad.id, actor="alice", today=today)
    session.commit()
    session.expire_all()
    kinds = {t.kind: t.status for t in session.exec(select(Task)).all()}
    assert kinds[TaskKind.INVALID_CONTACT] == TaskStatus.CLOSED
    assert kinds[TaskKind.MISSING_CONTACT].is_open


# The communications export and the agent run summary (issue #13) --------------------------------


def test_the_communications_export_says_who_approved_skipped_and_why_held(session, account, today) -> None:
    approved_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    common = {"account_id": account.id, "scheduled_for": today, "language": "fr", "subject": "s", "body": "b"}
    session.add_all(
        [
            Communication(step_key="a", approved_by="alice", approved_at=approved_at, **common),
            Communication(
                step_key="b",
                status=CommunicationStatus.CANCELLED,
                skipped_by="bob",
                skip_reason="=pays Friday",
                **common,
            ),
            Communication(
                step_key="c",
                status=CommunicationStatus.AWAITING_APPROVAL,
                held="the data of Pennylane are 30 hours old",
                **common,
            ),
        ]
    )
    session.commit()
    approved, skipped, held = export_rows(session=session, entity="communications")
    assert (approved["approved_by"], datetime.fromisoformat(approved["approved_at"])) == (
        "alice",
        approved_at,
    )
    assert (skipped["skipped_by"], skipped["skip_reason"], skipped["held"]) == ("bob", "=pays Friday", None)
    assert held["held"] == "the data of Pennylane are 30 hours old" and held["approved_by"] is None
    for key in ("id", "account_name", "scheduled_for", "status", "tone", "language", "recipients", "subject"):
        assert key in approved  # the contract's columns stay
    parsed = list(
        csv.DictReader(io.StringIO(downloads.entity_csv(session=session, entity="communications", actor="t")))
    )
    assert parsed[1]["skip_reason"] == "'=pays Friday"  # neutralised like every cell


def test_the_agent_run_counts_messages_awaiting_approval(
    session, account, add_document, today, db_url, capsys
) -> None:
    from billabex_core.services.org import set_setting

    add_document(account, "F-1", "100.00", due=today - timedelta(days=20))
    contacts.add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=today
    )
    set_setting(session=session, key="reminders.mode", value="approval", actor="t")
    set_setting(session=session, key="org.name", value="Dupont SAS", actor="t")
    session.commit()
    code, out, err = cli(capsys, db_url, "agent", "run", "--today", today.isoformat())
    assert code == 0, err
    assert out.rstrip().endswith(", 1 awaiting approval"), out
    from billabex_core.jobs.agent_run import run_agent

    assert run_agent(today=today, url=db_url).awaiting_approval == 1


# Two people editing one contact (issue #18 point 3) ---------------------------------------------


def test_two_people_editing_one_contact_one_wins(session, account, today) -> None:
    contact = contacts.add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=today
    )
    session.commit()
    seen = contact.version

    def edit(actor: str, role: str):  # type: ignore[no-untyped-def]
        return lambda s: (
            contacts.update_contact(
                session=s, contact_id=contact.id, actor=actor, today=today, version=seen, role=role
            ).role
        )

    for attempt in range(3):  # whoever is first, the other is refused; never both saved
        outcomes = race(edit("alice", f"CFO {attempt}"), edit("bob", f"AP {attempt}"))
        errors = [o for o in outcomes if isinstance(o, ConflictError)]
        assert len(errors) == 1, outcomes
        assert "changed by someone else" in str(errors[0]) and "\n" not in str(errors[0])
        [winner] = [o for o in outcomes if isinstance(o, str)]
        session.expire_all()
        stored = session.get(type(contact), contact.id)
        assert stored is not None and stored.role == winner
        assert len(_events(session, "contact.updated")) == attempt + 1
        seen = stored.version


def test_a_stale_form_cannot_overwrite_or_delete_a_contact(session, account, today) -> None:
    contact = contacts.add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=today
    )
    session.commit()
    opened = contact.version
    contacts.update_contact(session=session, contact_id=contact.id, actor="alice", version=opened, role="CFO")
    session.commit()
    with pytest.raises(ConflictError, match="changed by someone else since you opened it"):
        contacts.update_contact(
            session=session, contact_id=contact.id, actor="bob", version=opened, role="AP"
        )
    session.rollback()
    with pytest.raises(ConflictError):
        contacts.delete_contact(session=session, contact_id=contact.id, actor="bob", version=opened)
    session.rollback()
    session.expire_all()
    assert session.get(type(contact), contact.id).role == "CFO"
    assert contacts.delete_contact(session=session, contact_id=contact.id, actor="bob", version=opened + 1)

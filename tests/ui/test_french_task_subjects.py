"""A French login reads in French the subjects the core gives its tasks (issue #16): on the Tasks
table, on a task's page and in the dashboard's "Mes tâches à traiter". The stored subject stays the
English one (the CLI, the exports and the tasks' dedupe read it); a subject someone typed is shown
as typed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from billabex_core.db.engine import session_scope
from billabex_core.models import Account, TaskKind
from billabex_core.services.tasks import ensure_missing_contact_task, open_task
from tests.ui.test_accounts_page import seed_account
from tests.ui.test_french_errors import _french, _plain
from tests.ui.test_home import page_links

FRENCH = "Fournir un contact pour Globex"
TYPED = "Call Globex back about a contact"  # typed by a person: shown as typed


def _seed() -> int:
    account_id = seed_account("Globex")
    with session_scope() as s:
        account = s.get(Account, account_id)
        assert account is not None
        task = ensure_missing_contact_task(session=s, account=account)
        assert task is not None and task.subject == "Provide a contact for Globex"
        open_task(session=s, kind=TaskKind.ANOMALY, subject=TYPED, message="", actor="alice")
        return task.id or 0


def test_the_tasks_table_shows_the_subjects_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    _seed()
    at: AppTest = app("pages/tasks.py")
    assert not at.exception, at.exception
    subjects = sorted(at.dataframe[0].value["Objet"])
    assert subjects == [TYPED, FRENCH], subjects


def test_a_task_page_shows_its_subject_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_ui import format as formats

    _french(monkeypatch)
    monkeypatch.setattr(formats, "language", lambda: "fr")  # the new task's selectbox words its kinds
    task_id = _seed()
    at: AppTest = app("pages/tasks.py")
    at.query_params["task"] = str(task_id)
    at.run()
    assert not at.exception, at.exception
    assert _plain(at.title[0].value) == f"#{task_id} {FRENCH}"


def test_the_dashboard_links_its_tasks_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _french(monkeypatch)
    task_id = _seed()
    at: AppTest = app("pages/home.py")
    assert not at.exception, at.exception
    links = [_plain(label) for label in page_links(at)]
    assert f"#{task_id} {FRENCH} — Globex" in links, links


def test_a_task_page_shows_the_cores_message_in_french(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from billabex_ui import format as formats

    _french(monkeypatch)
    monkeypatch.setattr(formats, "language", lambda: "fr")
    task_id = _seed()
    at: AppTest = app("pages/tasks.py")
    at.query_params["task"] = str(task_id)
    at.run()
    assert not at.exception, at.exception
    shown = " ".join(_plain(m.value) for m in at.markdown)
    assert "Globex n'a aucun contact valide : aucune relance ne peut partir." in shown, shown
    assert "has no valid contact" not in shown

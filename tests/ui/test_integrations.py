"""The Integrations screen: demo connection, Sync now with counts, history, secrets never shown."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billabex_core.models import AuditEvent, Document, Integration, SyncRun
from billabex_sandbox import DEMO_TOKEN, demo
from tests.ui.conftest import shown

PAGE = "pages/integrations.py"


@pytest.fixture(autouse=True)
def _small_fast_demo(monkeypatch):
    monkeypatch.setattr(demo, "DEMO_SIZE", {"customers": 8, "invoices": 60, "rate_limit": False})
    yield
    demo.stop_demo()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_demo_connection_then_sync_now(app, db) -> None:
    at = app(PAGE)
    assert not at.exception and any("No integration yet" in i.value for i in at.info)
    _button(at, "Connect to the demo Pennylane").click()
    at.run()
    assert not at.exception, at.exception
    integration = db.exec(select(Integration)).one()
    assert integration.name == "Demo Pennylane"
    _button(at, "Sync now").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Sync" in s.value for s in at.success), [e.value for e in at.error]
    assert db.exec(select(Document)).first() is not None
    assert db.exec(select(SyncRun)).one().finished_at is not None
    requested = db.exec(select(AuditEvent).where(AuditEvent.action == "sync.requested")).one()
    assert (requested.actor, requested.entity_id) == ("alice", integration.id)  # checked in the core
    at.run()
    rendered = " ".join(str(el.value) for el in (*at.markdown, *at.caption, *at.json) if el.value)
    assert DEMO_TOKEN not in rendered and "last successful sync" in rendered


def test_add_form_shows_errors_without_traceback(app) -> None:
    at = app(PAGE)
    at.text_input[0].input("Pennylane FR")  # name; the token is left empty
    next(b for b in at.button if b.label == "Add").click()
    at.run()
    assert not at.exception
    assert [shown(w.value) for w in at.warning] == ["the Pennylane API token is required"]  # its label


def test_partial_sync_reads_the_same_before_and_after_a_reload(app, db) -> None:
    """Issue #16: a partial sync was green right after Sync now, then red after a reload."""
    at = app(PAGE)
    _button(at, "Connect to the demo Pennylane").click()
    at.run()
    sandbox = demo._demo
    assert sandbox is not None
    person = next(p for c in sandbox.customer_ids() for p in sandbox.contacts(c))
    sandbox.update_contact(person["id"], email="not-an-email")  # one record the sync cannot store
    _button(at, "Sync now").click()
    at.run()
    assert not at.exception, at.exception
    assert db.exec(select(SyncRun)).one().status.value == "partial"
    after_sync = [w.value for w in at.warning if "partial" in w.value]
    assert after_sync and not at.success and not at.error, [e.value for e in (*at.success, *at.error)]
    at.run()  # a reload
    assert [w.value for w in at.warning if "partial" in w.value] and not at.error


def test_demo_answers_again_after_an_app_restart(app, db) -> None:
    """Issue #16: the demo Pennylane lives in the app's process; after a restart its integration
    pointed at a dead server until someone connected the demo again."""
    from billabex_ui import demos

    at = app(PAGE)
    _button(at, "Connect to the demo Pennylane").click()
    at.run()
    stored = db.exec(select(Integration)).one()
    demo.stop_demo()  # the app's process ends: its sandbox is gone...
    demos._attached.clear()  # ...and the new process has reattached nothing yet
    at = app(PAGE)  # the first visitor of the restarted app
    _button(at, "Sync now").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Sync" in s.value for s in at.success), [e.value for e in (*at.error, *at.warning)]
    db.expire_all()
    run = db.exec(select(SyncRun)).one()
    assert run.status.value == "succeeded" and db.exec(select(Integration)).one().id == stored.id

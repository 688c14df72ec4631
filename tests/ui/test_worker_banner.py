"""Issue #18 point 1 on the screens: a banner on every screen while no worker has been seen for
five minutes; the last and next run of each job on Integrations and Communications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from billabex_core.db.engine import get_engine
from billabex_core.db.types import utcnow
from billabex_core.jobs import heartbeat
from billabex_core.services.integrations import add_integration
from tests.ui.conftest import shown

PAGES = [
    None,
    "pages/accounts.py",
    "pages/invoices.py",
    "pages/tasks.py",
    "pages/communications.py",
    "pages/integrations.py",
    "pages/settings.py",
]


def _text(at) -> str:
    return " ".join(shown(m.value) for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_screen_says_when_no_worker_runs(app, ui_db, page) -> None:
    at = app(page)
    assert not at.exception, at.exception
    assert "No worker is running" in _text(at) and "never seen" in _text(at)
    heartbeat.beat(get_engine(ui_db), backend="inprocess")
    at.run()
    assert "No worker is running" not in _text(at)


def test_a_worker_gone_for_five_minutes_is_missing(app, ui_db) -> None:
    heartbeat.beat(get_engine(ui_db), backend="inprocess", now=utcnow() - timedelta(minutes=6))
    at = app()
    assert "No worker is running" in _text(at) and "last seen" in _text(at)


def _table(at) -> dict:
    frame = at.table[-1].value
    return {column: [shown(v) for v in frame[column]] for column in frame.columns}


def test_integrations_show_last_and_next_sync(app, db) -> None:
    add_integration(
        session=db, provider="pennylane", name="Books", config={"api_token": "x" * 20}, actor="alice"
    )
    db.commit()
    at = app("pages/integrations.py")
    assert not at.exception, at.exception
    table = _table(at)
    assert table["Job"] == ["Sync of Books"]
    assert table["Outcome"] == ["never ran"] and table["Next run"] == ["at the worker's next pass"]


def test_communications_show_the_agent_and_digest_runs(app, db) -> None:
    at = app("pages/communications.py")
    assert not at.exception, at.exception
    table = _table(at)
    assert table["Job"] == ["Agent run and sending", "Daily digests"]
    assert table["Outcome"] == ["never ran", "never ran"]

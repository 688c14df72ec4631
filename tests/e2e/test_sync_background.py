"""Found trying the demo as a new user: "Sync now", then another page before the sync ended, and
the sync stopped half-way (customers written, contacts not; the run stayed "running"). The sync
now runs on the app's background thread: leaving the page does not stop it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import add_login, app_env, login, open_page, running_app, warm_up

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-sync-data")


@pytest.fixture(scope="module")
def server(browser, data: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    env = app_env(data)
    add_login(env, "erin")
    with running_app(env) as url:
        warm_up(browser, url)
        yield url


def _runs(data: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(data / "e2e.db") as db:
        return list(db.execute("SELECT status, (SELECT sum(contact_count) FROM account) FROM syncrun"))


def test_a_sync_goes_on_when_its_page_is_left(page, server, data) -> None:
    login(page, server)
    open_page(page, "Integrations", "Integrations")
    page.get_by_text("Connect to the demo Pennylane").first.click()  # the expander
    page.get_by_role("button", name="Connect to the demo Pennylane").click()
    page.get_by_text("Demo Pennylane is ready").wait_for()
    page.get_by_role("button", name="Sync now").first.click()
    page.get_by_text("Syncing Demo Pennylane").or_(page.get_by_text("pages,")).first.wait_for()
    open_page(page, "Dashboard", "Dashboard")  # leave while it runs
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and [s for s, _ in _runs(data)] in ([], ["running"]):
        time.sleep(1)
    [(status, contacts)] = _runs(data)
    assert status in ("succeeded", "partial") and contacts > 0
    open_page(page, "Integrations", "Integrations")  # back: the card says the sync is done
    page.get_by_text("last successful sync").first.wait_for()

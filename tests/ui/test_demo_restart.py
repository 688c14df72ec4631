"""The demo billing tools after an app restart (issue #16): their sandboxes live in the app's
process; the first visit of a restarted app starts them again (billabex_ui/demos.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from billabex_core.models import Integration, SyncRun
from billabex_sandbox import demo
from billabex_ui import demos

PAGE = "pages/integrations.py"


@pytest.fixture(autouse=True)
def _small_fast_demo(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo, "DEMO_SIZE", {"customers": 6, "invoices": 40, "rate_limit": False})
    yield
    demo.stop_demo()


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_the_pennylane_demo_comes_back_on_its_own_address() -> None:
    first = demo.start_demo()
    demo.stop_demo()  # the process ends
    assert not demo.demo_running()
    assert demo.start_demo(port=int(first.split(":")[2].split("/")[0])) == first  # the same URL
    assert demo.demo_running()


@pytest.mark.parametrize(
    ("label", "name"), [("Zoho Books", "Demo Zoho Books"), ("NetSuite", "Demo NetSuite")]
)
def test_zoho_and_netsuite_demos_are_started_again_and_re_pointed(app, db, label, name) -> None:  # type: ignore[no-untyped-def]
    at = app(PAGE)
    _button(at, f"Connect to the demo {label}").click()
    at.run()
    assert db.exec(select(Integration)).one().name == name
    demo.stop_demo()  # the app restarts: its sandboxes are gone...
    demos._attached.clear()  # ...and the new process has reattached nothing yet
    at = app(PAGE)
    _button(at, "Sync now").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Sync" in s.value for s in at.success), [e.value for e in (*at.error, *at.warning)]
    db.expire_all()
    assert db.exec(select(SyncRun)).one().status.value == "succeeded"

"""Safe for a team (issue #17) in a real browser: logout really logs out (reload, and the old
cookie replayed in a fresh browser), deep links go through the login form, members meet
"Administrators only" by URL, no hostile text makes the browser fetch anything, and CSV leaves
only through the CLI's writer."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import PASSWORD, add_login, app_env, cli, login, running_app, warm_up

pytestmark = pytest.mark.e2e
FORMULA = '=HYPERLINK("http://127.0.0.1:9/csv","x")'
SEED = f"""
import json
from billabex_core.db.engine import session_scope
from billabex_core.services.accounts import create_account
from tests.ui.hostile_data import seed_hostile, seed_hostile_draft
ids = seed_hostile(password={PASSWORD!r})
ids["draft"] = seed_hostile_draft()  # a hostile document waiting on Review
with session_scope() as s:
    ids["plain"] = create_account(session=s, name="Globex Deep Link", actor="t").id
    create_account(session=s, name={FORMULA!r}, actor="t")
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[tuple[str, dict[str, int]]]:  # type: ignore[no-untyped-def]
    env = app_env(tmp_path_factory.mktemp("e2e-security"))
    add_login(env, "erin")
    add_login(env, "mia", admin=False)
    ids_file = tmp_path_factory.mktemp("ids") / "ids.json"
    cli(env, "-c", SEED + f"\nopen({str(ids_file)!r}, 'w').write(json.dumps(ids))")
    with running_app(env) as url:
        warm_up(browser, url)
        yield url, json.loads(ids_file.read_text())


@pytest.fixture
def fresh(browser):  # type: ignore[no-untyped-def]
    """A factory of browser contexts (fresh cookie jars), closed at the end."""
    contexts = []

    def make():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return context, page

    yield make
    for context in contexts:
        context.close()


def _login_form_stays(page) -> bool:  # type: ignore[no-untyped-def]
    """The login form shows, and a moment later nobody is signed in (the cookie was refused)."""
    page.locator("input[type='password']").wait_for()
    time.sleep(2)
    return (
        page.get_by_text("Signed in as").count() == 0 and page.locator("input[type='password']").count() == 1
    )


def _auth_cookie(context):  # type: ignore[no-untyped-def]
    return next((c for c in context.cookies() if c["name"] == "billabex_auth"), None)


def test_logout_really_logs_out(seeded, fresh) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    context, page = fresh()
    login(page, url)
    cookie = _auth_cookie(context)
    assert cookie is not None and cookie["sameSite"] == "Strict"
    # the cookie alone logs in, in another browser: the replay below is a real test
    other, other_page = fresh()
    other.add_cookies([cookie])
    other_page.goto(url)
    other_page.get_by_text("Signed in as").wait_for()

    page.get_by_role("button", name="Log out").click()
    page.locator("input[type='password']").wait_for()
    time.sleep(1)
    assert _auth_cookie(context) is None  # deleted in the browser
    page.reload()
    assert _login_form_stays(page)

    replay, replay_page = fresh()  # the old cookie in a fresh browser: refused by the server
    replay.add_cookies([cookie])
    replay_page.goto(url)
    assert _login_form_stays(replay_page)
    other_page.reload()  # the other browser's session ended too
    assert _login_form_stays(other_page)


def test_a_deep_link_goes_through_the_login(seeded, fresh) -> None:  # type: ignore[no-untyped-def]
    url, ids = seeded
    _, page = fresh()
    page.goto(f"{url}/accounts?account={ids['plain']}")
    page.locator("input[type='password']").wait_for()
    time.sleep(1)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Outstanding balance").count() == 0
    login(page, url, goto=False)
    page.get_by_role("heading", name="Globex Deep Link").wait_for()
    assert f"account={ids['plain']}" in page.url


def test_a_member_meets_administrators_only(seeded, fresh) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    _, page = fresh()
    login(page, url, "mia")
    assert page.get_by_role("link", name="Integrations").count() == 0
    for path in ("integrations", "settings", "audit"):
        page.goto(f"{url}/{path}")
        page.get_by_role("heading", name="Administrators only").wait_for()
        assert page.get_by_role("button", name="Connect to the demo Pennylane").count() == 0


def test_no_hostile_text_makes_the_browser_fetch(seeded, fresh) -> None:  # type: ignore[no-untyped-def]
    url, ids = seeded
    context, page = fresh()
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url) if ":9/" in request.url else None)
    login(page, url, "eve")
    visits = [
        ("", "Dashboard"),
        ("accounts", "Accounts"),
        (f"accounts?account={ids['account']}", "Outstanding balance"),
        ("invoices", "Invoices and credit notes"),
        (f"invoices?document={ids['document']}", "Invoice F-1"),
        ("tasks", "Tasks"),
        (f"tasks?task={ids['task']}", "Thread"),
        ("communications", "Communications"),
        ("integrations", "Integrations"),
        ("settings", "Settings"),
        ("audit", "Audit log"),
        ("review", "Review"),
        ("upload", "Upload an invoice or credit note"),
    ]
    for path, heading in visits:
        page.goto(f"{url}/{path}")
        page.get_by_text(heading, exact=True).first.wait_for()
        page.get_by_text("Signed in as").wait_for()
        for tab in page.get_by_role("tab").all():
            tab.click()
        time.sleep(1.5)
        assert fetched == [], path
    page.goto(f"{url}/tasks?task={ids['task']}")
    page.get_by_role("heading").filter(
        has_text="![subject](http://127.0.0.1:9/subject)"
    ).wait_for()  # as text
    page.evaluate("document.body.appendChild(Object.assign(new Image(), {src: 'http://127.0.0.1:9/probe'}))")
    time.sleep(1)
    assert fetched == ["http://127.0.0.1:9/probe"]  # the watch does see a fetch


def test_csv_only_through_the_cli_writer(seeded, fresh) -> None:  # type: ignore[no-untyped-def]
    url, _ = seeded
    _, page = fresh()
    login(page, url)
    page.goto(f"{url}/accounts")
    page.get_by_role("heading", name="Accounts").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download all accounts (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert "'" + FORMULA in [r["name"] for r in rows]
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    time.sleep(1)
    assert page.get_by_role("button", name=re.compile("Download as CSV", re.I)).count() == 0

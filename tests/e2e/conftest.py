"""A real Streamlit server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "e2e-password-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """Run ``python -m billabex_core ARGS`` (or ``python -c CODE`` when ARGS starts with ``-c``)."""
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "billabex_core", *args]
    subprocess.run(command, input=stdin, text=True, cwd=ROOT, env=env, check=True, capture_output=True)


def app_env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BILLABEX_DATA_DIR": str(data),
        "BILLABEX_DATABASE_URL": f"sqlite:///{data / 'e2e.db'}",
        "BILLABEX_TODAY": "2026-03-02",
    }


def add_login(env: dict[str, str], username: str, *, admin: bool = True, language: str = "en") -> None:
    """A login whose interface is in ``language`` (the flows' texts are English unless said)."""
    flags = [*(["--admin"] if admin else []), "--language", language]
    cli(
        env,
        "user",
        "add",
        username,
        "--email",
        f"{username}@example.com",
        "--name",
        username.title(),
        *flags,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


@contextmanager
def running_app(env: dict[str, str]) -> Iterator[str]:
    """``streamlit run app.py`` on a free local port; yields its URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = app_env(tmp_path_factory.mktemp("e2e-data"))
    add_login(env, "erin")
    with running_app(env) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def warm_up(browser, url: str) -> None:  # type: ignore[no-untyped-def]
    """Load the app once: a cold server (imports, first run) can take half a minute on a busy machine."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.locator("input[type='password']").wait_for(timeout=120_000)
    finally:
        context.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _wait_for_cookie(page) -> None:  # type: ignore[no-untyped-def]
    """The login cookie is set by a script of the page that logged in: wait until it ran."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(c["name"] == "billabex_auth" for c in page.context.cookies()):
            return
        time.sleep(0.1)
    pytest.fail("the login cookie was not set")


def login(page, server: str, username: str = "erin", *, goto: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Log in; the form is filled again if a rerun cleared it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if goto:
        page.goto(server)
    for attempt in range(3):
        # the login form speaks the organisation's language (French by default): found by role
        page.locator("input[autocomplete='username']").fill(username)
        page.locator("input[type='password']").fill(PASSWORD)
        page.get_by_role("button", name=re.compile(r"^(Login|Log in|Se connecter)$")).click()
        try:
            page.get_by_text("Signed in as").wait_for(timeout=20_000)
            _wait_for_cookie(page)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                page.screenshot(path="/tmp/billabex-login-failure.png")
                raise


def open_page(page, link: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """Click a navigation link until the page's heading shows (a click during a rerun can be lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        page.get_by_role("link", name=link).click()
        try:
            page.get_by_role("heading", name=heading).wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                page.screenshot(path="/tmp/billabex-open-page-failure.png", full_page=True)
                raise


def click_until_shown(page, button, shown, timeout: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    """Click ``button`` until ``shown`` appears: a click while the page reruns can be lost, as
    for ``open_page`` (use it for an action that may be repeated, never for one that may not)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        button.click()
        try:
            shown.wait_for(timeout=timeout)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                page.screenshot(path="/tmp/billabex-click-failure.png", full_page=True)
                raise


def click_first_row(page) -> None:  # type: ignore[no-untyped-def]
    """Click the first data row of the page's first table (a canvas: clicked by position)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 120, box["y"] + 35 + 17)  # below the 35-pixel header row

"""A real Streamlit server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("e2e-data")
    env = {
        **os.environ,
        "BILLABEX_DATA_DIR": str(data),
        "BILLABEX_DATABASE_URL": f"sqlite:///{data / 'e2e.db'}",
        "BILLABEX_TODAY": "2026-03-02",
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "billabex_core",
            "user",
            "add",
            "erin",
            "--email",
            "erin@example.com",
            "--name",
            "Erin Example",
            "--admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
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
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


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


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def login(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """Log in; the form is filled again if a rerun (the cookie component loading) cleared it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(server)
    for attempt in range(3):
        page.get_by_label("Username").fill("erin")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Login").click()
        try:
            page.get_by_text("Signed in as").wait_for(timeout=20_000)
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

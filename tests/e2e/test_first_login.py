"""The first login after the app starts works at the first try (seen as a new user: after
`make run`, the form came back empty, without a word, and only a second try logged in).

The login form was drawn before the run declared the app's pages; in the first session of a new
server the browser then learned the pages, and the form's submission reached a run that no longer
knew the form's fields. The form is now drawn after the pages are declared."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PASSWORD, add_login, app_env, running_app

pytestmark = pytest.mark.e2e


def test_the_first_login_after_a_start_works_at_the_first_try(browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = app_env(tmp_path)
    add_login(env, "newcomer", language="fr")
    with running_app(env) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        try:
            page = context.new_page()
            page.goto(url)  # what `make run` prints
            page.locator("input[type='password']").wait_for(timeout=120_000)
            page.locator("input[autocomplete='username']").fill("newcomer")
            page.locator("input[type='password']").fill(PASSWORD)
            page.get_by_role("button", name=re.compile(r"^(Login|Se connecter)$")).click()  # once
            page.get_by_text("Connecté(e)").wait_for(timeout=30_000)
            page.locator("h1", has_text="Tableau de bord").wait_for()
            page.reload()  # the cookie keeps the login
            page.locator("h1", has_text="Tableau de bord").wait_for(timeout=30_000)
            page.get_by_role("button", name="Se déconnecter").click()
            page.locator("input[type='password']").wait_for(timeout=30_000)
            page.reload()  # logged out stays logged out
            page.locator("input[type='password']").wait_for(timeout=30_000)
            assert not page.get_by_text("Connecté(e)").count()
        finally:
            context.close()

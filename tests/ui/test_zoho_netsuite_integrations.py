"""The Integrations screen with Zoho Books and NetSuite: each demo connects and syncs, the Add form
asks each provider's own fields (Zoho's data centres among them), secrets never shown."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from billabex_core.models import Document, Integration, SyncRun
from billabex_core.services import integration_forms
from billabex_sandbox import demo

PAGE = "pages/integrations.py"


def shown(markdown: object) -> str:
    """What a reader sees of markdown text (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", str(markdown))


@pytest.fixture(autouse=True)
def _small_fast_demo(monkeypatch):
    monkeypatch.setattr(demo, "DEMO_SIZE", {"customers": 6, "invoices": 40, "rate_limit": False})
    yield
    demo.stop_demo()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize(
    ("label", "name"), [("Zoho Books", "Demo Zoho Books"), ("NetSuite", "Demo NetSuite")]
)
def test_demo_connection_then_sync_now(app, db, label, name) -> None:
    at = app(PAGE)
    _button(at, f"Connect to the demo {label}").click()
    at.run()
    assert not at.exception, at.exception
    integration = db.exec(select(Integration)).one()
    assert integration.name == name
    _button(at, "Sync now").click()
    at.run()
    assert not at.exception, at.exception
    assert any("Sync" in s.value for s in at.success), [e.value for e in at.error]
    assert db.exec(select(Document)).first() is not None
    assert db.exec(select(SyncRun)).one().finished_at is not None
    secrets = demo.start_provider_demo(integration.provider.value)
    rendered = " ".join(str(el.value) for el in (*at.markdown, *at.caption, *at.json) if el.value)
    for key in ("client_secret", "refresh_token", "token_secret", "consumer_secret"):
        assert key not in secrets or secrets[key] not in rendered


def test_the_add_form_asks_zoho_for_its_data_centre_and_oauth_keys(app) -> None:
    at = app(PAGE)
    at.selectbox[0].select("zoho_books")
    at.run()
    assert not at.exception, at.exception
    labels = [t.label for t in at.text_input]
    assert {"Organization ID", "Client ID", "Client secret", "Refresh token"} <= set(labels)
    assert any(s.label == "Zoho data centre" for s in at.selectbox)
    next(t for t in at.text_input if t.label == "Name").input("Zoho FR")
    next(b for b in at.button if b.label == "Add").click()
    at.run()
    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert any("Client ID is required" in w for w in warnings), warnings  # the label on screen


def test_config_from_form_turns_the_data_centre_into_urls() -> None:
    config = integration_forms.config_from_form(
        "zoho_books",
        {"organization_id": "1", "client_id": "a", "client_secret": "b", "refresh_token": "c"},
        data_centre="com",
        excluded_customer_ids=["42", " "],
    )
    assert config["accounts_url"] == "https://accounts.zoho.com"
    assert config["api_url"] == "https://www.zohoapis.com/books/v3"
    assert config["excluded_customer_ids"] == ["42"]
    assert next(iter(integration_forms.data_centres())) == "eu"

"""The core's stored English sentences and their codes (billabex_core/messages.py): each template
reads back what it wrote, and the connector errors still say exactly what they said (the CLI and
the sync history show them)."""

from __future__ import annotations

import pytest

import billabex_core.connectors  # noqa: F401  (imports every connector: their templates register)
from billabex_core import messages, redaction
from billabex_core.connectors.base import (
    AuthenticationError,
    PermissionDeniedError,
    RateLimitedError,
    RequestRejectedError,
)
from billabex_core.connectors.urls import PRIVATE, BlockedAddressError
from billabex_core.connectors.zoho_books_auth import REVOKED, RefreshRejectedError
from billabex_core.connectors.zoho_books_http import QuotaExhaustedError
from billabex_core.errors import ConnectorError
from billabex_core.messages import Template

ALL = sorted(messages._REGISTRY.values(), key=lambda t: t.code)


def test_the_templates_are_found() -> None:
    assert len(ALL) > 20


@pytest.mark.parametrize("template", ALL, ids=lambda t: t.code)
def test_a_template_reads_back_what_it_wrote(template: Template) -> None:
    params = {name: f"value {i}" for i, name in enumerate(sorted(template.names))}
    assert messages.read(template.format(**params)) == (template.code, params)


def test_another_text_reads_as_nothing() -> None:
    assert messages.read("Pennylane said no") is None


def test_connector_errors_say_what_they_said() -> None:
    # Redaction is process-wide: a secret an earlier test used ("revoked", a test token) would
    # mask that word in the sentences below.
    redaction.forget_all()
    assert str(AuthenticationError("Pennylane")) == (
        "Pennylane rejected the API credentials (invalid, expired or revoked): "
        "create a new token and update the integration"
    )
    assert str(PermissionDeniedError("Zoho Books", "ZohoBooks.invoices.READ")) == (
        'the Zoho Books token lacks the permission "ZohoBooks.invoices.READ": grant it to the token, then sync again'
    )
    assert str(PermissionDeniedError("NetSuite", None)) == (
        "the NetSuite token lacks a required permission: grant it to the token, then sync again"
    )
    assert str(RateLimitedError("Pennylane", 2.5)) == (
        "Pennylane keeps refusing requests because of its rate limit (retry in 2.5 s)"
    )
    assert str(RequestRejectedError("Pennylane", 422, "")) == "Pennylane refused a request (HTTP 422)"
    assert (
        str(RequestRejectedError("Zoho Books", 400, "code 5"))
        == "Zoho Books refused a request (HTTP 400, code 5)"
    )
    assert str(BlockedAddressError("10.0.0.1", PRIVATE, address="10.0.0.1")) == (
        "Billabex does not connect to 10.0.0.1: it resolves to a private or reserved address (10.0.0.1). "
        "A billing tool's address must be a public https address (http://127.0.0.1:PORT only for a local sandbox)"
    )
    assert str(RefreshRejectedError(REVOKED)) == (
        "Zoho Accounts refused to renew the access (the refresh token is invalid or was revoked): "
        "generate a new refresh token (or check the client id and secret) and update the integration"
    )
    tail = "the next scheduled sync resumes where this one stopped (or ask Zoho for a higher quota)"
    assert str(QuotaExhaustedError(1000, 3900.0)) == (
        f"the Zoho Books daily API quota (1000 calls) is spent: it resets in 1 h 05 min; {tail}"
    )
    assert (
        str(QuotaExhaustedError(None, 300.0))
        == f"the Zoho Books daily API quota is spent: it resets in 5 min; {tail}"
    )
    assert (
        str(QuotaExhaustedError(None, None))
        == f"the Zoho Books daily API quota is spent: it resets tomorrow; {tail}"
    )


def test_connector_errors_carry_their_code_and_parameters() -> None:
    exc = RequestRejectedError("Zoho Books", 400, "code 5")
    assert (exc.code, exc.params) == (
        "connector.rejected_detail",
        {"provider": "Zoho Books", "status": 400, "detail": "code 5"},
    )
    quota = QuotaExhaustedError(1000, 3900.0)
    assert quota.code == "connector.zoho.quota_calls.hours" and quota.retry_after == 3900.0
    assert RefreshRejectedError(REVOKED).provider == "Zoho Books"


def test_a_plain_connector_message_has_no_code() -> None:
    assert ConnectorError("something").code is None


def test_a_sentence_quoting_another_reads_as_the_outer_one() -> None:
    from billabex_core.sync.engine import PARTIAL

    inner = str(RateLimitedError("Zoho Books", 60.0))
    assert messages.read(PARTIAL.format(count=3, error=inner)) == (
        "sync.partial",
        {"count": "3", "error": inner},
    )
    assert messages.read(inner) == (
        "connector.rate_limited_wait",
        {"provider": "Zoho Books", "seconds": "60"},
    )

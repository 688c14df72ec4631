"""What the Integrations screen asks for each provider, and the connector config it makes of it.

The screen draws one input per ``FormField`` (secrets as password fields), offers Zoho's data
centres, and hands the values to ``config_from_form``; ``services.integrations`` validates and
stores the result like any ``integration add --config``. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from billabex_core.connectors.zoho_books_config import DATA_CENTRES, DEFAULT_DATA_CENTRE, data_centre_urls
from billabex_core.errors import ValidationError


@dataclass(frozen=True)
class FormField:
    key: str  # the config key (cli.md)
    label: str
    secret: bool = False
    required: bool = True
    help: str = ""


FIELDS: dict[str, tuple[FormField, ...]] = {
    "pennylane": (
        FormField(
            "api_token", "API token", secret=True, help="Settings > Connectivity > Developers, read only"
        ),
        FormField(
            "base_url", "API base URL (optional)", required=False, help="default: the production v2 URL"
        ),
    ),
    "zoho_books": (
        FormField("organization_id", "Organization ID", help="Settings > Organization Profile in Zoho Books"),
        FormField(
            "client_id", "Client ID", help="api-console.zoho.<dc>: a Self Client or a server-based app"
        ),
        FormField("client_secret", "Client secret", secret=True),
        FormField(
            "refresh_token",
            "Refresh token",
            secret=True,
            help="scopes ZohoBooks.contacts.READ, invoices.READ, creditnotes.READ, customerpayments.READ",
        ),
    ),
    "netsuite": (
        FormField(
            "account_id", "Account ID", help="e.g. 1234567 or 1234567_SB1 (Setup > Company Information)"
        ),
        FormField("consumer_key", "Consumer key", help="the integration record (Token-Based Authentication)"),
        FormField("consumer_secret", "Consumer secret", secret=True),
        FormField(
            "token_id", "Token ID", help="an access token for a role that may read customers and transactions"
        ),
        FormField("token_secret", "Token secret", secret=True),
        FormField(
            "base_url", "REST base URL (optional)", required=False, help="default: from the account ID"
        ),
    ),
}


def fields(provider: str) -> tuple[FormField, ...]:
    if provider not in FIELDS:
        raise ValidationError(
            f"unknown provider {provider!r}",
            field="provider",
            code="integration.provider",
            params={"value": provider},
        )
    return FIELDS[provider]


def data_centres() -> dict[str, str]:
    """Zoho data centre code → label, the default (Europe) first."""
    return {
        code: DATA_CENTRES[code][0] for code in sorted(DATA_CENTRES, key=lambda c: c != DEFAULT_DATA_CENTRE)
    }


def config_from_form(
    provider: str,
    values: Mapping[str, str],
    *,
    excluded_customer_ids: list[str] | None = None,
    data_centre: str | None = None,
    keep_empty_secrets: bool = False,
) -> dict[str, object]:
    """The config of an integration from the form's values: blanks dropped (an optional key takes
    its default; with ``keep_empty_secrets`` a blank secret keeps the stored one), Zoho's data
    centre turned into its accounts server and API root."""
    config: dict[str, object] = {}
    for field in fields(provider):
        value = (values.get(field.key) or "").strip()
        if value:
            config[field.key] = value
        elif field.required and not keep_empty_secrets:
            config[field.key] = ""  # the connector's check names the missing key
    if provider == "zoho_books" and data_centre:
        config["accounts_url"], config["api_url"] = data_centre_urls(data_centre)
    if excluded_customer_ids is not None:
        config["excluded_customer_ids"] = [i.strip() for i in excluded_customer_ids if i.strip()]
    return config

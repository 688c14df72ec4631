"""The settings of a Zoho Books integration (cli.md ``integration add zoho_books --config``):
keys, defaults, bounds, and Zoho's data centres (each has its own accounts server and API root).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billabex_core.connectors.urls import check_url
from billabex_core.errors import ValidationError

# data centre → (label, accounts server, API root) — connectors.md §2.2
DATA_CENTRES: dict[str, tuple[str, str, str]] = {
    "eu": ("Europe (zoho.eu)", "https://accounts.zoho.eu", "https://www.zohoapis.eu/books/v3"),
    "com": ("United States (zoho.com)", "https://accounts.zoho.com", "https://www.zohoapis.com/books/v3"),
    "in": ("India (zoho.in)", "https://accounts.zoho.in", "https://www.zohoapis.in/books/v3"),
    "com.au": (
        "Australia (zoho.com.au)",
        "https://accounts.zoho.com.au",
        "https://www.zohoapis.com.au/books/v3",
    ),
    "jp": ("Japan (zoho.jp)", "https://accounts.zoho.jp", "https://www.zohoapis.jp/books/v3"),
    "ca": ("Canada (zohocloud.ca)", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca/books/v3"),
    "sa": ("Saudi Arabia (zoho.sa)", "https://accounts.zoho.sa", "https://www.zohoapis.sa/books/v3"),
    "com.cn": ("China (zoho.com.cn)", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn/books/v3"),
}
DEFAULT_DATA_CENTRE = "eu"
REQUIRED = ("client_id", "client_secret", "refresh_token", "organization_id")
_OPTIONAL: dict[str, Any] = {
    "accounts_url": DATA_CENTRES[DEFAULT_DATA_CENTRE][1],
    "api_url": DATA_CENTRES[DEFAULT_DATA_CENTRE][2],
    "excluded_customer_ids": [],
    "rate_limit_per_minute": 100,  # Zoho's limit per organisation; 0 lifts pacing (local sandbox)
    "timeout_seconds": 30.0,
    "page_size": 200,
    # Zoho has no deletion feed: every this many hours an incremental sync lists every id of the
    # customers, invoices, credit notes and payments (a full sync always does; 0: every sync).
    "reconcile_hours": 24,
}
_BOUNDS = {
    "rate_limit_per_minute": (0, 10_000),
    "page_size": (1, 200),
    "timeout_seconds": (0.01, 600),
    "reconcile_hours": (0, 24 * 31),
}


def data_centre_urls(code: str) -> tuple[str, str]:
    """(accounts_url, api_url) of a data centre code (``eu``, ``com``, ...)."""
    if code not in DATA_CENTRES:
        raise ValidationError(
            f"unknown Zoho data centre {code!r}",
            field="data_centre",
            code="zoho.data_centre",
            params={"value": code},
        )
    return DATA_CENTRES[code][1], DATA_CENTRES[code][2]


def _url(value: Any, key: str) -> str:
    return check_url(value, key=key)  # https, public (connectors/urls.py)


def validate_zoho_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Check the integration config (cli.md) and return it normalised, defaults filled in."""
    if not isinstance(config, Mapping):
        raise ValidationError(
            "the Zoho Books config must be a JSON object",
            field="config",
            code="config.not_object",
            params={"provider": "Zoho Books"},
        )
    unknown = sorted(set(config) - {*REQUIRED, *_OPTIONAL})
    if unknown:
        raise ValidationError(
            f"unknown Zoho Books config key: {unknown[0]}",
            field=unknown[0],
            code="config.unknown_key",
            params={"provider": "Zoho Books", "key": unknown[0]},
        )
    out: dict[str, Any] = {**_OPTIONAL, **config}
    for key in REQUIRED:
        value = out.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and key == "organization_id":
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(
                f"the Zoho Books {key} is required",
                field=key,
                code="config.required",
                params={"provider": "Zoho Books"},
            )
        out[key] = value.strip()
    out["accounts_url"] = _url(out["accounts_url"], "accounts_url")
    out["api_url"] = _url(out["api_url"], "api_url")
    ids = out["excluded_customer_ids"]
    if not isinstance(ids, list | tuple) or not all(isinstance(i, int | str) and str(i).strip() for i in ids):
        raise ValidationError(
            "excluded_customer_ids must be a list of customer ids",
            field="excluded_customer_ids",
            code="config.excluded_ids",
        )
    out["excluded_customer_ids"] = sorted({str(i).strip() for i in ids})
    for key, (low, high) in _BOUNDS.items():
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise ValidationError(
                f"{key} must be a number between {low} and {high}",
                field=key,
                code="config.number_range",
                params={"low": low, "high": high},
            )
    out["rate_limit_per_minute"], out["page_size"] = int(out["rate_limit_per_minute"]), int(out["page_size"])
    return out

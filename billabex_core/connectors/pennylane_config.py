"""The settings of a Pennylane integration (cli.md ``integration add pennylane --config``):
which keys exist, their defaults and bounds. The connector and the Add form both go through
``validate_pennylane_config``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from billabex_core.connectors.urls import check_url
from billabex_core.errors import ValidationError

DEFAULT_BASE_URL = "https://app.pennylane.com/api/external/v2"
_OPTIONAL = {
    "base_url": DEFAULT_BASE_URL,
    "excluded_customer_ids": [],
    "rate_limit_per_5s": 25,  # 0 lifts client-side pacing (local sandbox, benchmarks)
    "timeout_seconds": 30.0,
    "page_size": 100,
    # Full scans read the payment rows of fully paid invoices too (one request each); false keeps a
    # first sync of a large company short: their settled part is shown as "settled in Pennylane".
    "paid_invoice_payments": True,
}
_BOUNDS = {"rate_limit_per_5s": (0, 10_000), "page_size": (1, 100), "timeout_seconds": (0.01, 600)}


def validate_pennylane_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Check the integration config (cli.md) and return it normalised, defaults filled in."""
    if not isinstance(config, Mapping):
        raise ValidationError(
            "the Pennylane config must be a JSON object",
            field="config",
            code="config.not_object",
            params={"provider": "Pennylane"},
        )
    unknown = sorted(set(config) - {"api_token", *_OPTIONAL})
    if unknown:
        raise ValidationError(
            f"unknown Pennylane config key: {unknown[0]}",
            field=unknown[0],
            code="config.unknown_key",
            params={"provider": "Pennylane", "key": unknown[0]},
        )
    token = config.get("api_token")
    if not isinstance(token, str) or not token.strip():
        raise ValidationError(
            "the Pennylane API token (api_token) is required",
            field="api_token",
            code="config.required",
            params={"provider": "Pennylane"},
        )
    out: dict[str, Any] = {**_OPTIONAL, **config, "api_token": token.strip()}
    out["base_url"] = check_url(out["base_url"], key="base_url")  # https, public (connectors/urls.py)
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
    out["rate_limit_per_5s"], out["page_size"] = int(out["rate_limit_per_5s"]), int(out["page_size"])
    if not isinstance(out["paid_invoice_payments"], bool):
        raise ValidationError(
            "paid_invoice_payments must be true or false",
            field="paid_invoice_payments",
            code="config.boolean",
        )
    return out

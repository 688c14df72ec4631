"""The settings of a NetSuite integration (cli.md ``integration add netsuite --config``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from billabex_core.connectors.netsuite_tba import host_of
from billabex_core.connectors.urls import check_url
from billabex_core.errors import ValidationError

REQUIRED = ("account_id", "consumer_key", "consumer_secret", "token_id", "token_secret")
_OPTIONAL: dict[str, Any] = {
    "base_url": None,  # default: https://<account id, lower case, - for _>.suitetalk.api.netsuite.com/services/rest
    "excluded_customer_ids": [],
    "max_concurrency": 2,  # requests in flight at once from this process, per account (NetSuite's limit is shared)
    "page_size": 1000,  # SuiteQL limit per page (1–1000)
    "timeout_seconds": 60.0,
}
_BOUNDS = {"max_concurrency": (1, 50), "page_size": (1, 1000), "timeout_seconds": (0.01, 900)}
_ACCOUNT = re.compile(r"^[A-Za-z0-9]+([_-][A-Za-z0-9]+)*$")


def default_base_url(account_id: str) -> str:
    return f"https://{host_of(account_id)}.suitetalk.api.netsuite.com/services/rest"


def validate_netsuite_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Check the integration config (cli.md) and return it normalised, defaults filled in."""
    if not isinstance(config, Mapping):
        raise ValidationError(
            "the NetSuite config must be a JSON object",
            field="config",
            code="config.not_object",
            params={"provider": "NetSuite"},
        )
    unknown = sorted(set(config) - {*REQUIRED, *_OPTIONAL})
    if unknown:
        raise ValidationError(
            f"unknown NetSuite config key: {unknown[0]}",
            field=unknown[0],
            code="config.unknown_key",
            params={"provider": "NetSuite", "key": unknown[0]},
        )
    out: dict[str, Any] = {**_OPTIONAL, **config}
    for key in REQUIRED:
        value = out.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(
                f"the NetSuite {key} is required",
                field=key,
                code="config.required",
                params={"provider": "NetSuite"},
            )
        out[key] = value.strip()
    if not _ACCOUNT.match(out["account_id"]):
        raise ValidationError(
            "account_id looks like 1234567 or 1234567_SB1", field="account_id", code="netsuite.account_id"
        )
    base = out["base_url"] or default_base_url(out["account_id"])
    out["base_url"] = check_url(base, key="base_url")  # https, public (connectors/urls.py)
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
    out["max_concurrency"], out["page_size"] = int(out["max_concurrency"]), int(out["page_size"])
    return out

"""The vendor contract the Pennylane sandbox is held to: Pennylane's own OpenAPI.

``specs/pennylane_openapi_subset_receivables.json`` is a verbatim copy of the receivables subset
of Pennylane's published v2 OpenAPI (``shared/connector_specs/pennylane``, connectors.md §1.1).
``PennylaneContract.check`` validates one reply of the sandbox against the operation's response
schema for its status code (and, for a success, the request against the operation's parameters:
the sandbox answers 200 only to what Pennylane would accept, so the connector's requests are
checked too) (with ``openapi-core``, a maintained OpenAPI 3 validator), so a test
suite that runs with the check switched on proves that every body the sandbox served is one
Pennylane's contract allows, not only one our connector happens to read.

Replies the OpenAPI does not describe are checked against what Pennylane documents elsewhere
(connectors.md §1.6, §1.10): the 429 of the rate limit is plain text with ``retry-after`` and the
``ratelimit-*`` headers. Injected faults (``fail_next``: outages, broken bodies) are not checked:
they emulate a failing Pennylane on purpose.

``openapi-core`` is a development dependency: it is imported only when a check is switched on
(``PennylaneSandbox(contract=True)`` or ``BILLABEX_SANDBOX_CONTRACT=1``).
"""

from __future__ import annotations

import json
import threading
import warnings
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("specs") / "pennylane_openapi_subset_receivables.json"
SPEC_HOST = "https://app.pennylane.com"
RATE_LIMIT_HEADERS = ("retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


@cache
def _openapi() -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


def _describe(exc: Exception) -> str:
    """The validator's reason in a few lines (the first schema errors, not the whole body)."""
    details = [str(e).split("\n\n")[0] for e in getattr(exc.__cause__, "schema_errors", ())[:3]]
    return f"{type(exc).__name__}: {'; '.join(details) or str(exc)[:300]}"


class PennylaneContract:
    """Validates the sandbox's replies; ``violations`` lists the ones that broke the contract."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.checked = 0
        self._lock = threading.Lock()
        _openapi()  # load the spec now: a missing file or package fails at start, not mid-test

    def check(
        self, path: str, query: dict[str, str], status: int, headers: dict[str, str], body: bytes
    ) -> str | None:
        """The violation (one line) of the reply to ``GET path?query``, or None when it complies."""
        problem = self._problem(path, query, status, headers, body)
        with self._lock:
            self.checked += 1
            if problem is not None:
                self.violations.append(f"GET {path} → {status}: {problem}")
        return problem

    def _problem(
        self, path: str, query: dict[str, str], status: int, headers: dict[str, str], body: bytes
    ) -> str | None:
        content_type = headers.get("Content-Type", "").split(";")[0].strip()
        if status == 429:  # connectors.md §1.6: documented by the rate-limit guide, not the OpenAPI
            missing = [h for h in RATE_LIMIT_HEADERS if h not in headers]
            if content_type != "text/plain" or missing:
                return f"a 429 must be text/plain with {', '.join(RATE_LIMIT_HEADERS)} (missing {missing})"
            return None
        from openapi_core.testing import MockRequest, MockResponse

        request = MockRequest(SPEC_HOST, "get", path, args=query, headers={"Authorization": "Bearer x"})
        response = MockResponse(body, status_code=status, content_type=content_type)
        try:
            if 200 <= status < 300:  # a success only for a request the contract allows
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # (its oauth2 scheme is not checked)
                    _openapi().validate_request(request)
            _openapi().validate_response(request, response)
        except Exception as exc:  # noqa: BLE001 - every validator error is a violation to report
            return _describe(exc)
        return None

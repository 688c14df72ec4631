"""The connector interface (this docstring is the contract) and the connector error tree.

A connector speaks one provider's API and yields normalised records (``connectors.records``);
it never touches the database. The sync engine drives it::

    connector = CONNECTORS["pennylane"](config)          # config checked by validate_config
    info = connector.test_connection()                    # company name, scopes, missing scopes
    for entity in connector.ENTITIES:                     # parents first (Entity order)
        for page in connector.pages(entity, cursor=stored_cursor[entity], full=False):
            commit(page.records)                          # then, and only then:
            stored_cursor[entity] = page.cursor
    connector.close()

Cursor semantics:

- ``RecordPage.cursor`` is an opaque JSON string that resumes *after* that page. The engine stores it
  only once the page's records are committed and passes it back on the next run.
- ``cursor=None`` or ``full=True`` starts a full scan. A full scan's last page carries a cursor
  for incremental sync, so passing it back next time gets only what changed since the scan began.
- Every run yields at least one page (possibly without records) so the engine always gets a
  fresh cursor. Records are idempotent: a record may come twice, never get lost.
- A stale or unreadable cursor falls back to a full scan by itself; the engine never has to
  handle ``WatermarkExpiredError``.
- Excluded customers (``excluded_customer_ids``) never appear in any record.
- A ``ChildrenRecord`` says a parent's list of children (or, with no parent, the provider's list
  of ids) is complete: the engine removes what it stored for that parent and is not listed.
  Only the (entity, parent) pairs the connector declares in ``COMPLETE_SETS`` are honoured.

Errors (all derive from ``billabex_core.errors.ConnectorError``; ``str()`` is one line a finance
user understands and never contains a secret)::

    ConnectorError
    ├── AuthenticationError        401: the token/credentials are invalid, expired or revoked
    ├── PermissionDeniedError      403: valid credentials lacking a permission (``missing_scope``)
    ├── RateLimitedError           429 still returned after every retry (``retry_after``)
    ├── ProviderUnavailableError   5xx, timeouts, network errors after every retry
    ├── MalformedResponseError     unparseable JSON or a missing/invalid field
    ├── RequestRejectedError       another 4xx (``status``, ``detail``): a bug on our side
    └── WatermarkExpiredError      the change log no longer reaches back to the last sync
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from billabex_core.connectors.records import ChildSet, Entity, RecordPage
from billabex_core.errors import ConnectorError
from billabex_core.messages import Template

__all__ = [
    "AuthenticationError",
    "ConnectionInfo",
    "Connector",
    "ConnectorError",
    "MalformedResponseError",
    "PermissionDeniedError",
    "ProviderUnavailableError",
    "RateLimitedError",
    "RequestRejectedError",
    "WatermarkExpiredError",
]


# The English sentences (``str()``, the CLI's and the sync history's), each with its code: a
# screen shows ``error.<code>``, also for a sentence stored by a past sync (``messages.read``).
AUTH = Template(
    "connector.auth",
    "{provider} rejected the API credentials (invalid, expired or revoked): "
    "create a new token and update the integration",
)
SCOPE = Template(
    "connector.scope",
    'the {provider} token lacks the permission "{scope}": grant it to the token, then sync again',
)
PERMISSION = Template(
    "connector.permission",
    "the {provider} token lacks a required permission: grant it to the token, then sync again",
)
RATE_LIMITED = Template(
    "connector.rate_limited", "{provider} keeps refusing requests because of its rate limit"
)
RATE_LIMITED_WAIT = Template(
    "connector.rate_limited_wait",
    "{provider} keeps refusing requests because of its rate limit (retry in {seconds} s)",
)
UNAVAILABLE = Template(
    "connector.unavailable", "{provider} is unreachable or failing ({detail}); the sync will be retried later"
)
MALFORMED = Template("connector.malformed", "{provider} sent a response Billabex cannot read ({detail})")
REJECTED = Template("connector.rejected", "{provider} refused a request (HTTP {status})")
REJECTED_DETAIL = Template(
    "connector.rejected_detail", "{provider} refused a request (HTTP {status}, {detail})"
)
WATERMARK = Template(
    "connector.watermark",
    "the {provider} change log no longer reaches back to the last sync; a full sync is needed",
)


class AuthenticationError(ConnectorError):
    def __init__(self, provider: str) -> None:
        super().__init__(AUTH, provider=provider)
        self.provider = provider


class PermissionDeniedError(ConnectorError):
    def __init__(self, provider: str, missing_scope: str | None) -> None:
        if missing_scope:
            super().__init__(SCOPE, provider=provider, scope=missing_scope)
        else:
            super().__init__(PERMISSION, provider=provider)
        self.provider = provider
        self.missing_scope = missing_scope


class RateLimitedError(ConnectorError):
    def __init__(self, provider: str, retry_after: float | None = None) -> None:
        if retry_after:
            super().__init__(RATE_LIMITED_WAIT, provider=provider, seconds=f"{retry_after:g}")
        else:
            super().__init__(RATE_LIMITED, provider=provider)
        self.provider = provider
        self.retry_after = retry_after


class ProviderUnavailableError(ConnectorError):
    def __init__(self, provider: str, detail: str) -> None:
        super().__init__(UNAVAILABLE, provider=provider, detail=detail)
        self.provider = provider
        self.detail = detail


class MalformedResponseError(ConnectorError):
    def __init__(self, provider: str, detail: str) -> None:
        super().__init__(MALFORMED, provider=provider, detail=detail)
        self.provider = provider
        self.detail = detail


class RequestRejectedError(ConnectorError):
    """``detail`` is the provider's error code (or a message of ours), never its answer's body."""

    def __init__(self, provider: str, status: int, detail: str) -> None:
        if detail:
            super().__init__(REJECTED_DETAIL, provider=provider, status=status, detail=detail)
        else:
            super().__init__(REJECTED, provider=provider, status=status)
        self.provider = provider
        self.status = status
        self.detail = detail


class WatermarkExpiredError(ConnectorError):
    def __init__(self, provider: str) -> None:
        super().__init__(WATERMARK, provider=provider)
        self.provider = provider


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """What ``test_connection`` learnt: who the credentials belong to and what they may read."""

    provider: str
    company_name: str
    company_id: str | None = None
    scopes: tuple[str, ...] = ()
    missing_scopes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing_scopes


class Connector(ABC):
    """One provider's pull connector. See the module docstring for the contract."""

    provider: ClassVar[str]
    display_name: ClassVar[str]
    ENTITIES: ClassVar[tuple[Entity, ...]]
    SECRET_KEYS: ClassVar[frozenset[str]] = frozenset()  # config keys never shown or logged
    # The provider gives its customers no currency (``AccountRecord.currency`` is None): the
    # engine takes each account's currency from its documents once they are stored.
    ACCOUNT_CURRENCY_FROM_DOCUMENTS: ClassVar[bool] = False
    # The (entity, parent) lists this connector yields complete (``ChildrenRecord``).
    COMPLETE_SETS: ClassVar[frozenset[ChildSet]] = frozenset()

    @abstractmethod
    def __init__(
        self,
        config: Mapping[str, Any],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Validate ``config`` (``ValidationError``) and prepare the HTTP client; no request yet."""

    @classmethod
    @abstractmethod
    def validate_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        """Return the normalised config or raise ``billabex_core.errors.ValidationError``."""

    @abstractmethod
    def test_connection(self) -> ConnectionInfo:
        """One cheap authenticated call; raises ``AuthenticationError`` on bad credentials."""

    @abstractmethod
    def pages(self, entity: Entity, *, cursor: str | None, full: bool = False) -> Iterator[RecordPage]:
        """Yield pages of records for ``entity`` (one of ``ENTITIES``), resumable by ``RecordPage.cursor``."""

    @abstractmethod
    def close(self) -> None:
        """Release the HTTP connections."""

    @property
    @abstractmethod
    def requests(self) -> int:
        """HTTP requests sent so far by this connector (retries included)."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""What a Pennylane cursor holds (``SyncState``) and the small helpers of the connector's loops."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from billabex_core.connectors import pennylane_mapping as m

log = logging.getLogger("billabex_core.connectors.pennylane")


@dataclass(slots=True)
class SyncState:
    """What ``RecordPage.cursor`` holds (as JSON)."""

    mode: str  # "full" | "incremental"
    after: int = 0  # full: last id committed
    started_at: str | None = None  # full: when the scan began
    since: str | None = None  # incremental: change-log watermark (processed_at)
    seen: list[int] = field(default_factory=list)  # incremental: ids handled at ``since``

    def dumps(self) -> str:
        return json.dumps(
            {k: v for k, v in asdict(self).items() if v not in (None, [], 0)}, separators=(",", ":")
        )

    @classmethod
    def loads(cls, cursor: str | None) -> SyncState | None:
        if not cursor:
            return None
        try:
            data = json.loads(cursor)
            state = cls(**data)
            if state.mode == "incremental" and m.timestamp(state.since) is None:
                raise ValueError("no watermark")
            if state.mode not in ("full", "incremental"):
                raise ValueError(state.mode)
            return state
        except (ValueError, TypeError, m.MalformedResponseError):
            log.warning("unreadable Pennylane cursor, starting a full scan")
            return None


def batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def utcnow() -> datetime:
    return datetime.now(UTC)


def envelope(data: Any) -> tuple[list[dict[str, Any]], str | None]:
    """``{items, has_more, next_cursor}`` → (items, next cursor or None at the end)."""
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise m.malformed("a list without items")
    items = data["items"]
    if not all(isinstance(item, dict) for item in items):
        raise m.malformed("a list item is not an object")
    more = data.get("has_more") and data.get("next_cursor")
    return items, (str(data["next_cursor"]) if more else None)

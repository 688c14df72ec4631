"""The query language of the Pennylane sandbox: filters, sorting, cursors, change logs.

Pure functions of (records, query) → body, raising ``ApiError`` for the answers that are not a
200; ``pennylane_routes`` maps paths to them, ``pennylane`` adds HTTP, auth, scopes, rate limits
and fault injection around them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from billabex_sandbox.pennylane_data import (
    CREDIT_NOTE,
    CUSTOMER_BASE,
    DRAFT,
    INVOICE_BASE,
    PennylaneData,
    invoice_number,
    invoice_reference,
)
from billabex_sandbox.pennylane_fakes import iso

_RANGE = frozenset({"lt", "lteq", "gt", "gteq", "eq", "not_eq", "in", "not_in"})
_SET = frozenset({"eq", "not_eq", "in", "not_in"})
INVOICE_FILTERS = {
    "id": _RANGE,
    "date": _RANGE,
    "customer_id": _RANGE,
    "billing_subscription_id": _RANGE,
    "quote_id": _RANGE,
    "invoice_number": _SET,
    "draft": frozenset({"eq"}),
    "credit_note": frozenset({"eq"}),
    "external_reference": frozenset({"eq"}),
    "category_id": frozenset({"in"}),
}
CUSTOMER_FILTERS = {
    "id": _RANGE,
    "customer_type": frozenset({"eq", "not_eq"}),
    "ledger_account_id": _RANGE,
    "name": frozenset({"start_with", "eq"}),
    "external_reference": frozenset({"start_with", "eq", "not_eq", "in", "not_in"}),
    "reg_no": _SET,
    "emails": frozenset({"in"}),
}


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def bad_request(message: str, code: str = "ValidateError", field: str | None = None) -> ApiError:
    body: dict[str, Any] = {"message": message, "code": code}
    if field:
        body["field"] = field
    return ApiError(400, body)


def not_found() -> ApiError:
    return ApiError(404, {"error": "Not Found", "status": 404})


@dataclass(frozen=True, slots=True)
class Cond:
    field: str
    op: str
    value: Any


def parse_filter(raw: str | None, allowed: dict[str, frozenset[str]]) -> list[Cond]:
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        raise bad_request("filter is not valid JSON", field="filter") from None
    if not isinstance(items, list):
        raise bad_request("filter must be a JSON array", field="filter")
    out = []
    for item in items:
        if not isinstance(item, dict) or not {"field", "operator", "value"} <= set(item):
            raise bad_request("each filter needs field, operator and value", "NotExistRequiredKey", "filter")
        field, op = item["field"], item["operator"]
        if field not in allowed:
            raise bad_request(f"{field} is not a filterable field", "NotEnumInclude", "filter")
        if op not in allowed[field]:
            raise bad_request(f"operator {op} is not allowed on {field}", "NotEnumInclude", "filter")
        if op in ("in", "not_in") and not isinstance(item["value"], list):
            raise bad_request(f"{op} expects an array", "ValidateError", "filter")
        out.append(Cond(field, op, item["value"]))
    return out


def _norm(value: Any, like: Any) -> Any:
    if isinstance(like, bool):
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if isinstance(like, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"{value!r} is not a number", field="filter") from None
    return None if value is None else str(value)


def matches(actual: Any, cond: Cond) -> bool:
    if cond.op in ("in", "not_in"):
        found = actual in {_norm(v, actual) for v in cond.value} if actual is not None else False
        return found if cond.op == "in" else not found
    if cond.op == "start_with":
        return actual is not None and str(actual).startswith(str(cond.value))
    if actual is None:
        return cond.op == "not_eq"
    if isinstance(actual, list):
        return cond.op == "in" and bool(set(actual) & set(cond.value))
    value = _norm(cond.value, actual)
    return {
        "eq": actual == value,
        "not_eq": actual != value,
        "lt": actual < value,
        "lteq": actual <= value,
        "gt": actual > value,
        "gteq": actual >= value,
    }[cond.op]


def limit_param(query: dict[str, str], maximum: int) -> int:
    raw = query.get("limit", "20")
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request("limit must be an integer", "ValidateError", "limit") from None
    if limit < 1:
        raise bad_request(
            f"limit must be greater than or equal to 1, got {limit}", "LessThanMinimum", "limit"
        )
    if limit > maximum:
        raise bad_request(
            f"limit must be less than or equal to {maximum}, got {limit}", "MoreThanMaximum", "limit"
        )
    return limit


def encode_cursor(kind: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(raw: str, kind: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        found, value = text.split(":", 1)
        if found != kind:
            raise ValueError(found)
        return int(value)
    except ValueError:
        raise bad_request("cursor is invalid", "ValidateError", "cursor") from None


@dataclass(frozen=True, slots=True)
class Listing:
    """A collection of records by index ``0..count``, whose ids are ``base + index``."""

    count: int
    base: int
    alive: Callable[[int], bool]
    field_of: Callable[[int, str], Any]
    allowed: dict[str, frozenset[str]]
    render: Callable[[int], dict[str, Any]]
    day_of: Callable[[int], int] | None = None  # lets the list sort by date


def _id_bounds(conds: list[Cond], listing: Listing) -> tuple[int, int, list[int] | None]:
    """The index range ``lo..hi`` (and the explicit indices, if any) that the id filters allow."""
    lo, hi, only = 0, listing.count, None
    for cond in conds:
        if cond.field != "id":
            continue
        if cond.op == "in":
            ids = {_norm(v, 0) - listing.base for v in cond.value}
            only = sorted(i for i in ids if 0 <= i < listing.count and (only is None or i in only))
        elif cond.op != "not_in" and cond.op != "not_eq":
            v = _norm(cond.value, 0) - listing.base
            lo, hi = {
                "gt": (max(lo, v + 1), hi),
                "gteq": (max(lo, v), hi),
                "lt": (lo, min(hi, v)),
                "lteq": (lo, min(hi, v + 1)),
                "eq": (max(lo, v), min(hi, v + 1)),
            }[cond.op]
    return lo, hi, only


def _page(listing: Listing, chunk: list[int], next_cursor: str | None) -> dict[str, Any]:
    return {
        "items": [listing.render(i) for i in chunk],
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }


def _by_date(
    listing: Listing,
    keep: Callable[[int], bool],
    indices: Iterable[int],
    *,
    descending: bool,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """A date-sorted page: the cursor is an offset into the filtered, sorted list."""
    day_of = listing.day_of
    assert day_of is not None
    kept = [i for i in indices if keep(i)]
    kept.sort(key=lambda i: (day_of(i), i), reverse=descending)
    more = offset + limit < len(kept)
    return _page(listing, kept[offset : offset + limit], encode_cursor("o", offset + limit) if more else None)


def _by_id(
    listing: Listing, keep: Callable[[int], bool], candidates: Iterable[int], limit: int
) -> dict[str, Any]:
    """An id-sorted page: the cursor is the last id served."""
    chunk: list[int] = []
    for index in candidates:
        if keep(index):
            if len(chunk) == limit:
                return _page(listing, chunk, encode_cursor("id", listing.base + chunk[-1]))
            chunk.append(index)
    return _page(listing, chunk, None)


def _id_candidates(lo: int, hi: int, only: list[int] | None, *, descending: bool) -> Iterable[int]:
    if only is None:
        return range(hi - 1, lo - 1, -1) if descending else range(lo, hi)
    ordered = reversed(only) if descending else only
    return (i for i in ordered if lo <= i < hi)


def paginate(listing: Listing, query: dict[str, str]) -> dict[str, Any]:
    """A cursor-paginated list of ``listing``, filtered and sorted as ``query`` asks.

    The cursor holds only a position (the last id, or an offset for date sorts); the filter and
    sort of the current request apply, as on Pennylane.
    """
    limit = limit_param(query, 100)
    conds = parse_filter(query.get("filter"), listing.allowed)
    sort = query.get("sort", "-id")
    sorts = ("id", "-id", "date", "-date") if listing.day_of else ("id", "-id")
    if sort not in sorts:
        raise bad_request(f"sort must be one of {', '.join(sorts)}", "NotEnumInclude", "sort")
    lo, hi, only = _id_bounds(conds, listing)

    def keep(index: int) -> bool:
        return listing.alive(index) and all(matches(listing.field_of(index, c.field), c) for c in conds)

    descending = sort.startswith("-")
    cursor = query.get("cursor")
    if sort.lstrip("-") == "date":
        offset = decode_cursor(cursor, "o") if cursor else 0
        indices = only if only is not None else range(lo, max(lo, hi))
        return _by_date(listing, keep, indices, descending=descending, offset=offset, limit=limit)
    if cursor:
        position = decode_cursor(cursor, "id") - listing.base
        lo, hi = (max(lo, position + 1), hi) if not descending else (lo, min(hi, position))
    return _by_id(listing, keep, _id_candidates(lo, hi, only, descending=descending), limit)


def sub_list(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    """A small nested collection: cursor pagination by id, ``sort`` ``id`` / ``-id``."""
    limit = limit_param(query, 100)
    sort = query.get("sort", "-id")
    if sort not in ("id", "-id"):
        raise bad_request("sort must be one of id, -id", "NotEnumInclude", "sort")
    items = sorted(items, key=lambda item: item["id"], reverse=sort == "-id")
    if query.get("cursor"):
        last = decode_cursor(query["cursor"], "id")
        items = [i for i in items if (i["id"] > last if sort == "id" else i["id"] < last)]
    more = len(items) > limit
    items = items[:limit]
    return {
        "items": items,
        "has_more": more,
        "next_cursor": encode_cursor("id", items[-1]["id"]) if more else None,
    }


def invoice_field(data: PennylaneData, index: int, field: str) -> Any:
    kind = data.inv_kind[index]
    if field == "id":
        return INVOICE_BASE + index
    if field == "customer_id":
        return CUSTOMER_BASE + data.inv_customer[index]
    if field == "credit_note":
        return kind == CREDIT_NOTE
    if field == "draft":
        return kind == DRAFT
    if field == "date":
        return date.fromordinal(data.inv_day[index]).isoformat()
    if field == "invoice_number":
        return invoice_number(kind, data.inv_day[index], index)
    if field == "external_reference":
        return invoice_reference(data.seed, index)
    return None


def customer_field(item: dict[str, Any], field: str) -> Any:
    if field == "ledger_account_id":
        return (item.get("ledger_account") or {}).get("id")
    return item.get(field)


@dataclass(slots=True)
class ChangeEntry:
    id: int
    operation: str
    processed_at: datetime
    created_at: str
    updated_at: str


def changelog_page(
    entries: list[ChangeEntry], query: dict[str, str], *, now: datetime, retention: timedelta
) -> dict[str, Any]:
    limit = limit_param(query, 1000)
    cursor, start = query.get("cursor"), query.get("start_date")
    if cursor and start:
        raise bad_request("start_date cannot be used together with cursor", "ValidateError", "start_date")
    oldest = now - retention
    position = decode_cursor(cursor, "seq") if cursor else -1
    since = oldest
    if start:
        try:
            since = datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            raise bad_request(
                "start_date must be an RFC 3339 date-time", "InvalidDateTimeFormat", "start_date"
            ) from None
        since = since.replace(tzinfo=UTC) if since.tzinfo is None else since
        if since < oldest:
            raise ApiError(
                422, {"error": "start_date is older than the 4 weeks of change log retention", "status": 422}
            )
    items: list[dict[str, Any]] = []
    more, last = False, position
    for seq in range(position + 1, len(entries)):
        entry = entries[seq]
        if entry.processed_at < since or entry.processed_at < oldest:
            continue
        if len(items) == limit:
            more = True
            break
        items.append(
            {
                "id": entry.id,
                "operation": entry.operation,
                "processed_at": iso(entry.processed_at),
                "updated_at": entry.updated_at,
                "created_at": entry.created_at,
            }
        )
        last = seq
    return {"items": items, "has_more": more, "next_cursor": encode_cursor("seq", last) if more else None}

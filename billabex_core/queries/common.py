"""What every paginated list shares: the page object, the LIMIT/OFFSET arithmetic, LIKE patterns
and the column list that fills a row dataclass."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from billabex_core.errors import ValidationError

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, the total count of the filtered set, and where it is."""

    rows: list[T]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when the list is empty)."""
        return (self.page - 1) * self.page_size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def check_paging(page: int, page_size: int) -> tuple[int, int]:
    """(offset, limit) for a 1-based page; refuse nonsense instead of loading everything."""
    if page < 1:
        raise ValidationError(
            f"page must be 1 or more, not {page}", field="page", code="page.invalid", params={"value": page}
        )
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(
            f"page size must be between 1 and {MAX_PAGE_SIZE}",
            field="page_size",
            code="page.size",
            params={"limit": MAX_PAGE_SIZE},
        )
    return (page - 1) * page_size, page_size


def like_pattern(text: str) -> str:
    """A LIKE 'contains' pattern with the wildcards of ``text`` escaped (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def columns_for(row: type[Any], model: Any, **elsewhere: Any) -> list[Any]:
    """The columns to select for the ``row`` dataclass, in its field order, so ``row(*result)``
    fills it: the column of ``model`` with the field's name, or the expression ``elsewhere`` gives
    for that name (a joined table's column). The result is typed ``Any`` because SQLModel's
    ``select`` has typed overloads for four columns at most."""
    names = [f.name for f in fields(row)]
    unknown = set(elsewhere) - set(names)
    if unknown:
        raise ValueError(f"{row.__name__} has no field {', '.join(sorted(unknown))}")
    return [elsewhere[name] if name in elsewhere else getattr(model, name) for name in names]

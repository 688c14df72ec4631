"""What every paginated list shares: the page object and the LIMIT/OFFSET arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

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
        raise ValidationError(f"page must be 1 or more, not {page}", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(f"page size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    return (page - 1) * page_size, page_size


def like_pattern(text: str) -> str:
    """A LIKE 'contains' pattern with the wildcards of ``text`` escaped (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

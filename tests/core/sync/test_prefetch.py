"""Read-ahead and page groups (sync/prefetch.py): order kept, only mergeable pages grouped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billabex_core.connectors.records import (
    AccountRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    RecordPage,
)
from billabex_core.sync.prefetch import _Grouper, prefetch


def _invoice(ext: str) -> DocumentRecord:
    return DocumentRecord(ext, "c1", Entity.INVOICE, f"F-{ext}", "EUR", Decimal("10.00"))


def _pages(entity: Entity, ids: list[list[str]]) -> list[RecordPage]:
    make = (lambda e: AccountRecord(e, f"n{e}")) if entity is Entity.ACCOUNT else _invoice
    return [RecordPage([make(i) for i in page], cursor=f"{entity.value}-{n}") for n, page in enumerate(ids)]


class _Connector:
    requests = 0

    def __init__(self, pages: dict[Entity, list[RecordPage]], fail: bool = False) -> None:
        self._pages, self._fail = pages, fail

    def pages(self, entity, *, cursor, full=False):
        yield from self._pages.get(entity, [])
        if self._fail and entity is Entity.INVOICE:
            raise RuntimeError("provider down")


def test_grouper_merges_only_what_cannot_interact() -> None:
    g = _Grouper(max_pages=3, max_records=5)
    first, second = _pages(Entity.INVOICE, [["1", "2"], ["3"]])
    g.add(Entity.INVOICE, first)
    assert g.accepts(Entity.INVOICE, second)
    assert not g.accepts(Entity.ACCOUNT, _pages(Entity.ACCOUNT, [["9"]])[0])  # another entity
    assert not g.accepts(Entity.INVOICE, _pages(Entity.INVOICE, [["2"]])[0])  # read twice
    assert not g.accepts(Entity.INVOICE, RecordPage([DeletionRecord(Entity.INVOICE, "7")], cursor="d"))
    assert not g.accepts(Entity.INVOICE, _pages(Entity.INVOICE, [["4", "5", "6", "8"]])[0])  # size
    g.add(Entity.INVOICE, second)
    g.add(Entity.INVOICE, _pages(Entity.INVOICE, [["4"]])[0])
    assert not g.accepts(Entity.INVOICE, _pages(Entity.INVOICE, [["5"]])[0])  # max pages
    assert [p.cursor for _, p in g.take()] == ["invoice-0", "invoice-1", "invoice-0"]
    g.add(Entity.INVOICE, RecordPage([DeletionRecord(Entity.INVOICE, "7")], cursor="d"))
    assert not g.accepts(Entity.INVOICE, second)  # a page with deletions stays alone


@pytest.mark.parametrize("fail", [False, True])
def test_groups_keep_every_page_in_order(fail: bool) -> None:
    pages = {
        Entity.ACCOUNT: _pages(Entity.ACCOUNT, [["a1", "a2"], ["a3"]]),
        Entity.INVOICE: _pages(Entity.INVOICE, [[str(i), str(i + 100)] for i in range(30)]),
    }
    plan = [(Entity.ACCOUNT, None), (Entity.INVOICE, None)]
    seen: list[tuple[Entity, RecordPage]] = []
    groups = prefetch(_Connector(pages, fail), plan, full=True, max_pages=4, max_records=7)
    if fail:
        with pytest.raises(RuntimeError, match="provider down"):
            for group in groups:
                seen.extend(group)
    else:
        for group in groups:
            assert len(group) <= 4 and sum(len(p.records) for _, p in group) <= 7
            assert len({e for e, _ in group}) == 1
            seen.extend(group)
    # every page read before the failure is handed over, once, in order
    assert seen == [(e, p) for e in (Entity.ACCOUNT, Entity.INVOICE) for p in pages[e]]

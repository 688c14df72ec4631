"""Read ahead: the connector's pages are fetched in a thread while the engine writes.

Network waits and database writes then overlap, so a sync takes about as long as the slower
of the two instead of their sum. Nothing changes for the cursor rules: the engine still commits
a page before storing its cursor, so pages read ahead but never committed are simply fetched
again by the next run. The queue is bounded (``depth`` pages), so memory stays flat.

The engine gets pages in groups: with a page, the pages already waiting in the queue (never
waiting for one) that can be written together with it, in one transaction storing the cursor of
the last page. When the database is the slower side this saves a commit and a handful of
statements per page. Only pages that cannot interact when merged are grouped: same entity, no
deletion, no record twice, at most ``max_pages`` pages / ``max_records`` records.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any, cast

from billabex_core.connectors.base import Connector
from billabex_core.connectors.records import (
    ChildrenRecord,
    DeletionRecord,
    DocumentRecord,
    Entity,
    Record,
    RecordPage,
)

_DONE = object()
Group = list[tuple[Entity, RecordPage]]


def _key(record: Record) -> tuple[Any, str]:
    if isinstance(record, ChildrenRecord):  # one complete list of a parent per group
        return (ChildrenRecord, record.entity, record.parent), record.parent_external_id or ""
    kind = record.kind if isinstance(record, DocumentRecord) else type(record)
    return kind, record.external_id


class _Grouper:
    def __init__(self, max_pages: int, max_records: int) -> None:
        self.max_pages, self.max_records = max_pages, max_records
        self.group: Group = []
        self.keys: set[tuple[Any, str]] = set()
        self.size = 0
        self.closed = False  # the group takes no more pages

    def accepts(self, entity: Entity, page: RecordPage) -> bool:
        if not self.group:
            return True
        if self.closed or entity is not self.group[0][0] or len(self.group) >= self.max_pages:
            return False
        if self.size + len(page.records) > self.max_records:
            return False
        keys = {_key(r) for r in page.records}
        return len(keys) == len(page.records) and self.keys.isdisjoint(keys) and not _deletes(page)

    def add(self, entity: Entity, page: RecordPage) -> None:
        keys = {_key(r) for r in page.records}
        self.group.append((entity, page))
        self.keys |= keys
        self.size += len(page.records)
        self.closed = self.closed or len(keys) != len(page.records) or _deletes(page)

    def take(self) -> Group:
        group = self.group
        self.group, self.keys, self.size, self.closed = [], set(), 0, False
        return group


def _deletes(page: RecordPage) -> bool:
    return any(isinstance(r, DeletionRecord) for r in page.records)


def prefetch(
    connector: Connector,
    plan: Sequence[tuple[Entity, str | None]],
    *,
    full: bool,
    depth: int = 8,
    max_pages: int = 1,
    max_records: int = 1000,
) -> Iterator[Group]:
    """Yield groups of ``(entity, page)`` for every entity of ``plan`` (entity, stored cursor),
    in order. A connector error is raised here, in the caller's thread, after the pages before it."""
    pipe: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                pipe.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for entity, cursor in plan:
                for page in connector.pages(entity, cursor=cursor, full=full):
                    if not put((entity, page)):
                        return
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(exc)

    worker = threading.Thread(target=produce, name="sync-prefetch", daemon=True)
    worker.start()
    grouper = _Grouper(max_pages, max_records)
    pending: object = None
    try:
        while True:
            item, pending = (pipe.get() if pending is None else pending), None
            while True:
                if item is _DONE or isinstance(item, BaseException):
                    if grouper.group:
                        yield grouper.take()
                    if isinstance(item, BaseException):
                        raise item
                    return
                entity, page = cast(tuple[Entity, RecordPage], item)
                if not grouper.accepts(entity, page):
                    pending = item
                    break
                grouper.add(entity, page)
                try:
                    item = pipe.get_nowait()
                except queue.Empty:
                    break
            yield grouper.take()
    finally:
        stop.set()
        worker.join(timeout=30)

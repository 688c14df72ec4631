"""Read ahead: the connector's pages are fetched in a thread while the engine writes.

Network waits and database writes then overlap, so a sync takes about as long as the slower
of the two instead of their sum. Nothing changes for the cursor rules: the engine still commits
a page before storing its cursor, so pages read ahead but never committed are simply fetched
again by the next run. The queue is bounded (``depth`` pages), so memory stays flat.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence

from billabex_core.connectors.base import Connector
from billabex_core.connectors.records import Entity, Page

_DONE = object()


def prefetch(
    connector: Connector,
    plan: Sequence[tuple[Entity, str | None]],
    *,
    full: bool,
    depth: int = 8,
) -> Iterator[tuple[Entity, Page]]:
    """Yield ``(entity, page)`` for every entity of ``plan`` (entity, stored cursor), in order.
    A connector error is raised here, in the caller's thread, after the pages before it."""
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
    try:
        while True:
            item = pipe.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=30)

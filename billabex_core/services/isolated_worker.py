"""One isolated child for the PDFs of a batch (issue #15 point 5): the same limits as
``services.isolation``, without starting a process twice per file.

A child of the forkserver costs about 0.3 s of CPU to start (more on a loaded machine): a
single upload would start two (sniff, then extract), a batch of a hundred PDFs would spend most of
its time starting processes. ``IsolatedWorker`` keeps one child — for the two steps of a single
upload, for the whole batch — and hands it the PDFs one after the other:

- the child runs under the same address-space cap (``MEMORY_LIMIT``) and each file under the same
  time limit (``TIME_LIMIT``): past it the child is killed, the file refused, the next file gets a
  fresh child;
- after any refused file, and every ``RECYCLE_AFTER`` files, the child is replaced, so what one
  file did to the process (memory kept, a reader's state) never reaches many others;
- files that are not PDFs (XML e-invoices, junk) take the path of a single upload
  (``isolation.sniff_isolated`` / ``extract_isolated``), and so does everything when isolation
  is off (``BILLABEX_ISOLATE_EXTRACTION=0``).
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from billabex_core.errors import ExtractionError
from billabex_core.extraction import ExtractionResult, Mode, OrgIdentity, SniffedPdf
from billabex_core.extraction.errors import CorruptPdfError, ExtractionTimeoutError
from billabex_core.services import isolation
from billabex_core.services.isolation import MEMORY_LIMIT, TIME_LIMIT, ResourceLimitError

RECYCLE_AFTER = 25


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


class IsolatedWorker:
    """``sniff`` and ``extract`` like ``services.isolation``, in one child reused across files."""

    def __init__(self, *, memory: int = MEMORY_LIMIT, timeout: float = TIME_LIMIT) -> None:
        self.memory, self.timeout = memory, timeout
        self.started = 0  # children started (the benchmark and the tests read it)
        self._child: Any = None
        self._conn: Connection | None = None
        self._served = 0

    def __enter__(self) -> IsolatedWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sniff(self, data: bytes) -> SniffedPdf:
        if not _is_pdf(data) or not isolation.isolation_enabled():
            return isolation.sniff_isolated(data)
        return SniffedPdf(data, self._call(isolation._pages, data))

    def extract(
        self, pdf: SniffedPdf, *, org: OrgIdentity | None = None, mode: Mode = "auto"
    ) -> ExtractionResult:
        if not _is_pdf(pdf.data) or not isolation.isolation_enabled():
            return isolation.extract_isolated(pdf, org=org, mode=mode)
        result: ExtractionResult = self._call(isolation._extract, pdf, org, mode)
        return result

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._conn is None or self._served >= RECYCLE_AFTER:
            self._start()
        conn = self._conn
        assert conn is not None
        env = {k: v for k, v in os.environ.items() if k.startswith("BILLABEX_")}
        try:
            conn.send((fn, args, env))
            if not conn.poll(self.timeout):
                raise ExtractionTimeoutError(self.timeout)
            kind, payload = conn.recv()
        except (EOFError, OSError):  # the child died without a word: killed for its memory, or crashed
            self.close()
            raise CorruptPdfError("corrupt PDF: the PDF reader stopped") from None
        except ExtractionError:
            self.close()
            raise
        self._served += 1
        if kind == "ok":
            return payload
        self.close()  # the next file gets a fresh child
        if kind == "memory":
            raise ResourceLimitError(self.memory)
        raise isolation._rebuilt(payload)

    def _start(self) -> None:
        self.close()
        ctx = isolation._ctx()
        parent, child = ctx.Pipe(duplex=True)
        self._child = isolation.child_process(_serve, (child, self.memory))
        self._child.start()
        child.close()
        self._conn, self._served = parent, 0
        self.started += 1

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()
            self._child.join(5)
            self._child = None


def _serve(conn: Connection, memory: int) -> None:
    """The child: answer each ``(fn, args, env)`` until the parent closes the pipe."""
    limit = isolation._address_space() + memory  # on what the files add, as isolation._child
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            fn, args, env = conn.recv()
        except (EOFError, OSError):
            return
        isolation._settings_of_the_caller(env)
        reply = isolation.reply_of(fn, args)
        conn.send(reply)

"""Untrusted PDFs are read in a child process with a memory cap and a hard time limit
(issue #17 point 6, issue #18 point 3; docs/reliability.md).

A PDF can be built to expand a megabyte into gigabytes (a decompression bomb), to claim a
billion pages, or to send a parser into a loop. The Streamlit server must survive all of them,
so sniffing and extraction run in a fresh child process:

- forked from multiprocessing's **forkserver** (a single-threaded process that has the extraction
  modules loaded: a child starts in milliseconds, and never inherits another thread's locks);
- capped at ``MEMORY_LIMIT`` of address space more than it starts with (``RLIMIT_AS``, inherited by the OCR program it
  runs) — an allocation past it fails inside the child;
- killed after ``TIME_LIMIT`` seconds, whatever it is doing.

Whatever happens in the child ends in the result, or in one ``ExtractionError`` with a one-line
message: the file's own error (corrupt, encrypted, too many pages…), ``ResourceLimitError``
(memory), ``ExtractionTimeoutError`` (time), or a ``CorruptPdfError`` when the reader crashed.

An XML e-invoice up to ``XML_IN_PROCESS`` (5 MB) is read in-process instead: its safe parser
leaves nothing to expand, so it costs what its size says; a larger one goes to a child too.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from typing import Any, TypeVar

from billabex_core.config import reset_settings
from billabex_core.errors import ExtractionError
from billabex_core.extraction import ExtractionResult, Mode, OrgIdentity, SniffedPdf, extract, sniff_pdf
from billabex_core.extraction.errors import CorruptPdfError, ExtractionTimeoutError
from billabex_core.extraction.xmlsafe import looks_like_xml

MEGABYTE = 1024 * 1024
MEMORY_LIMIT = 500 * MEGABYTE
XML_IN_PROCESS = 5 * MEGABYTE  # XML e-invoices up to this size are read in-process (_xml_in_process)
TIME_LIMIT = 30.0
T = TypeVar("T")
# Loaded once in the forkserver, so that every child starts with them. Not "__main__": under
# Streamlit that is the page script being run, which a child must never run (see _Popen).
_PRELOAD = ["billabex_core.services.isolation", "billabex_core.services.reader_preload"]
_context: Any = None


class ResourceLimitError(ExtractionError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the PDF needs more than {limit // MEGABYTE} MB of memory to read: it cannot be imported",
            code="upload.memory",
            params={"limit": limit // MEGABYTE},
        )


@dataclass(frozen=True)
class Isolated:
    """What the child returned, with its peak resident memory (kB, as ``ru_maxrss``)."""

    value: Any
    peak_rss_kb: int


class _Popen(popen_forkserver.Popen):
    """multiprocessing's forkserver launch, without the caller's main module.

    multiprocessing tells each child to run the parent's ``__main__`` again before it unpickles
    the target. Under Streamlit, ``__main__`` is the page script the server is running (Streamlit
    swaps ``sys.modules["__main__"]`` for each run): every child ran the page again (importing
    Streamlit, 1.4 s and 180 MB per file read) before reading the file. The targets here all live
    in importable modules, so the child needs no main. Same steps as ``Popen._launch`` otherwise.
    """

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        fds: list[int] = self._fds  # type: ignore[attr-defined]  # (not in typeshed)
        self.sentinel, w = forkserver.connect_to_new_process(fds)
        _parent_w = os.dup(w)  # the parent's sentinel for the child, as multiprocessing does
        close_fds = util.close_fds  # type: ignore[attr-defined]  # (not in typeshed)
        self.finalizer = util.Finalize(self, close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:  # multiprocessing calls it by this name
        return _Popen(process_obj)


def _ctx() -> Any:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(_PRELOAD)
    return _context


def child_process(target: Callable[..., Any], args: tuple[Any, ...]) -> ForkServerProcess:
    """A daemon child forked from the forkserver (started with the readers preloaded on first
    use), that runs ``target(*args)`` and nothing of this process's main script (``_Popen``)."""
    _ctx()
    return _Process(target=target, args=args, daemon=True)


def run_isolated(
    fn: Callable[..., T], *args: Any, timeout: float = TIME_LIMIT, memory: int = MEMORY_LIMIT
) -> Isolated:
    """``fn(*args)`` in a child process within ``memory`` bytes and ``timeout`` seconds."""
    ctx = _ctx()
    receive, send = ctx.Pipe(duplex=False)
    env = {k: v for k, v in os.environ.items() if k.startswith("BILLABEX_")}
    child = child_process(_child, (send, fn, args, memory, env))
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise ExtractionTimeoutError(timeout)
        kind, payload, peak = receive.recv()
    except EOFError:  # the child died without a word: killed for its memory, or crashed
        child.join(5)
        raise CorruptPdfError(f"the PDF reader stopped (exit {child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if kind == "ok":
        return Isolated(payload, peak)
    if kind == "memory":
        raise ResourceLimitError(memory)
    raise _rebuilt(payload)


def _child(
    send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory: int, env: dict[str, str]
) -> None:
    # The cap is on what reading the file adds: the child starts with the address space of the
    # process it was forked from (the app's imports, hundreds of MB on a server), which a cap on
    # the total would count against the file (a plain page refused at zoom).
    limit = _address_space() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _settings_of_the_caller(env)
    send.send((*reply_of(fn, args), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    send.close()


def reply_of(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    """In a child: ``fn(*args)`` as a reply the parent can read (``ok``, ``memory`` or ``error``
    with the error's class, message, code and params); never raises."""
    try:
        return ("ok", fn(*args))
    except MemoryError:
        return ("memory", None)
    except ExtractionError as exc:
        return ("error", (type(exc), str(exc), exc.code, exc.params))
    except RecursionError:
        return ("error", (CorruptPdfError, "corrupt PDF: nesting too deep", "upload.corrupt", {}))
    except Exception as exc:  # noqa: BLE001 - a reader's bug on a hostile file: one clear error
        message = f"corrupt PDF: the reader failed ({type(exc).__name__})"
        return ("error", (CorruptPdfError, message, "upload.corrupt", {}))


def _address_space() -> int:
    """This process's mapped address space now, in bytes (``VmSize``; 0 where unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _settings_of_the_caller(env: dict[str, str]) -> None:
    """The forkserver started with the environment of its time: the caller's settings win."""
    for key in [k for k in os.environ if k.startswith("BILLABEX_") and k not in env]:
        del os.environ[key]
    os.environ.update(env)
    reset_settings()


def _rebuilt(payload: tuple[type[ExtractionError], str, str | None, dict[str, object]]) -> ExtractionError:
    """The child's error, same class, message, code and params (their constructors take other
    arguments): the screens translate it like an error raised in this process."""
    cls, message, code, params = payload
    error = cls.__new__(cls)
    ExtractionError.__init__(error, message, code=code, params=params)
    return error


def isolation_enabled() -> bool:
    """On unless ``BILLABEX_ISOLATE_EXTRACTION=0`` (tests that watch the extraction in-process)."""
    return os.environ.get("BILLABEX_ISOLATE_EXTRACTION", "1") != "0"


def _extract(pdf: SniffedPdf, org: OrgIdentity | None, mode: Mode) -> ExtractionResult:
    return extract(pdf, org=org, mode=mode)


def _pages(data: bytes) -> int:
    return sniff_pdf(data).page_count


def _xml_in_process(data: bytes) -> bool:
    """An XML e-invoice of at most ``XML_IN_PROCESS`` bytes is read here: its parser refuses what
    makes XML hostile (any DOCTYPE, so no entity or DTD; depth over 256: ``extraction.xmlsafe``),
    so its time and memory follow its size. A child would only add its start-up, which is the
    main module imported again (hundreds of milliseconds to seconds, per file of a batch)."""
    return len(data) <= XML_IN_PROCESS and b"%PDF-" not in data[:1024] and looks_like_xml(data)


def sniff_isolated(data: bytes, *, timeout: float = TIME_LIMIT) -> SniffedPdf:
    """``sniff_pdf`` in a child process: the page tree of a hostile file is read there."""
    if not isolation_enabled() or _xml_in_process(data):
        return sniff_pdf(data)
    return SniffedPdf(data, run_isolated(_pages, data, timeout=timeout).value)


def extract_isolated(
    pdf: SniffedPdf, *, org: OrgIdentity | None = None, mode: Mode = "auto", timeout: float = TIME_LIMIT
) -> ExtractionResult:
    """``extract`` in a child process (raises one ``ExtractionError``)."""
    if not isolation_enabled() or _xml_in_process(pdf.data):
        return extract(pdf, org=org, mode=mode)
    result: ExtractionResult = run_isolated(_extract, pdf, org, mode, timeout=timeout).value
    return result

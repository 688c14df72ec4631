"""The files of a batch import (issue #15 point 4): plain files and ZIP archives of them, each
read once, within limits, one at a time.

``batch_entries`` turns what was uploaded or named on the command line into ``Entry`` objects,
lazily: the bytes of one entry are in memory while it is imported, never the whole batch. ZIP
entries are streamed from the archive (``ZipFile.open``) and counted as they are read — the
sizes the archive declares are not trusted — and nothing is ever written to disk by its name in
the archive. What an entry may not be, it is refused for, and the batch goes on:

- more files than ``BatchLimits.max_files`` (the rest are refused as one line per source);
- a file or an expanded entry over ``max_file_bytes``, or a batch over ``max_total_bytes``;
- an entry that expands more than ``max_ratio`` times its compressed size (past the first MB);
- a ZIP inside a ZIP, an encrypted entry, a name that climbs out of the archive (``..``, ``/…``).

Folders and macOS metadata (``__MACOSX/``, ``._x``) are not files of the batch: skipped.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from billabex_core.config import MEGABYTE, get_settings
from billabex_core.messages import Template

# Why an entry is refused: stored in English (the CLI prints it), read back in the user's language.
FILE_TOO_LARGE = Template("batch.file_too_large", "too large: more than {size} MB per file")
BATCH_FULL = Template("batch.full", "the batch is full: more than {size} MB in all")
TOO_MANY = Template("batch.too_many", "not read: a batch takes at most {count} files")
NO_SUCH_FILE = Template("batch.no_such_file", "no such file")
UNREADABLE_FILE = Template("batch.unreadable_file", "cannot read the file: {detail}")
NOT_A_ZIP = Template("batch.not_a_zip", "not a readable ZIP archive ({detail})")
ENCRYPTED_ENTRY = Template("batch.encrypted_entry", "encrypted entry")
ZIP_BOMB = Template("batch.zip_bomb", "refused: expands more than {ratio} times (ZIP bomb?)")
NESTED_ZIP = Template("batch.nested_zip", "a ZIP inside a ZIP is not read: put its files in the archive")
UNREADABLE_ENTRY = Template("batch.unreadable_entry", "cannot read this entry of the ZIP ({detail})")
UNSAFE_NAME = Template("batch.unsafe_name", "unsafe name in the ZIP ({name}): not read")

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive, or an empty one
CHUNK = 64 * 1024
RATIO_FREE = MEGABYTE  # small entries may compress well: the ratio counts past this size


@dataclass(frozen=True)
class BatchLimits:
    """How much one batch may hold. ``max_file_bytes`` defaults to the upload limit."""

    max_files: int = 200
    max_file_bytes: int = field(default_factory=lambda: get_settings().max_upload_bytes)
    max_total_bytes: int = 200 * MEGABYTE
    max_ratio: int = 100


@dataclass(frozen=True)
class Incoming:
    """One uploaded file (``data``) or one file named on the command line (``path``)."""

    name: str
    data: bytes | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Entry:
    """One file of the batch: its bytes, or why it is refused. ``name`` is shown (a ZIP entry is
    ``archive.zip/folder/file.pdf``); ``base_name`` is the file's own name."""

    name: str
    data: bytes | None = None
    refused: str | None = None

    @property
    def base_name(self) -> str:
        return PurePosixPath(self.name.replace("\\", "/")).name or self.name


@dataclass
class _Budget:
    limits: BatchLimits
    files: int = 0
    total: int = 0

    def full(self) -> bool:
        return self.files >= self.limits.max_files

    def take(self, size: int) -> str | None:
        """Count one file; why it cannot be taken, if so."""
        self.files += 1
        if size > self.limits.max_file_bytes:
            return FILE_TOO_LARGE.format(size=_mb(self.limits.max_file_bytes))
        if self.total + size > self.limits.max_total_bytes:
            return BATCH_FULL.format(size=_mb(self.limits.max_total_bytes))
        self.total += size
        return None


def _mb(size: int) -> str:
    return f"{size / MEGABYTE:g}"  # the templates say "MB"


def batch_entries(sources: Iterable[Incoming], limits: BatchLimits | None = None) -> Iterator[Entry]:
    """Every file of the batch, in the order given (a ZIP's entries in the archive's order)."""
    budget = _Budget(limits or BatchLimits())
    for source in sources:
        if budget.full():
            yield Entry(source.name, refused=_too_many(budget.limits))
            continue
        stream = _open(source)
        if isinstance(stream, str):
            budget.files += 1
            yield Entry(source.name, refused=stream)
            continue
        with stream:
            if _is_zip(stream):
                yield from _archive(source.name, stream, budget)
            else:
                yield _plain(source.name, stream, budget)


def _too_many(limits: BatchLimits) -> str:
    return TOO_MANY.format(count=limits.max_files)


def _open(source: Incoming) -> BinaryIO | str:
    if source.data is not None:
        return io.BytesIO(source.data)
    if source.path is None or not source.path.is_file():
        return NO_SUCH_FILE.format()
    try:
        return source.path.open("rb")
    except OSError as exc:
        return UNREADABLE_FILE.format(detail=exc.strerror or exc)


def _is_zip(stream: BinaryIO) -> bool:
    head = stream.read(4)
    stream.seek(0)
    return head in ZIP_MAGIC


def _plain(name: str, stream: BinaryIO, budget: _Budget) -> Entry:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    refused = budget.take(size)
    return Entry(name, refused=refused) if refused else Entry(name, data=stream.read())


def _archive(name: str, stream: BinaryIO, budget: _Budget) -> Iterator[Entry]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        budget.files += 1
        yield Entry(name, refused=NOT_A_ZIP.format(detail=exc))
        return
    with archive:
        members = [info for info in archive.infolist() if not _skipped(info)]
        for index, info in enumerate(members):
            if budget.full():
                left = len(members) - index
                yield Entry(f"{name} ({left} more files)", refused=_too_many(budget.limits))
                return
            yield _member(archive, info, f"{name}/{info.filename}", budget)


def _skipped(info: zipfile.ZipInfo) -> bool:
    parts = PurePosixPath(info.filename.replace("\\", "/")).parts
    return info.is_dir() or not parts or parts[0] == "__MACOSX" or parts[-1].startswith("._")


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, budget: _Budget) -> Entry:
    """One entry, streamed and counted; refused as soon as it breaks a limit."""
    refused = _unsafe_name(info.filename) or (ENCRYPTED_ENTRY.format() if info.flag_bits & 0x1 else None)
    if refused:
        budget.files += 1
        return Entry(shown, refused=refused)
    limits = budget.limits
    cap = min(limits.max_file_bytes, limits.max_total_bytes - budget.total)
    data = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                data += chunk
                if len(data) > cap:
                    return Entry(shown, refused=budget.take(len(data)))
                if len(data) > RATIO_FREE and len(data) > limits.max_ratio * max(1, info.compress_size):
                    budget.files += 1
                    return Entry(shown, refused=ZIP_BOMB.format(ratio=limits.max_ratio))
                if len(data) == len(chunk) and bytes(data[:4]) in ZIP_MAGIC:
                    budget.files += 1
                    return Entry(shown, refused=NESTED_ZIP.format())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        budget.files += 1
        return Entry(shown, refused=UNREADABLE_ENTRY.format(detail=exc))
    refused = budget.take(len(data))
    return Entry(shown, refused=refused) if refused else Entry(shown, data=bytes(data))


def _unsafe_name(name: str) -> str | None:
    """A name that would climb out of a folder if someone extracted the archive by name."""
    path = name.replace("\\", "/")
    if path.startswith("/") or ".." in PurePosixPath(path).parts or (len(path) > 1 and path[1] == ":"):
        return UNSAFE_NAME.format(name=repr(name))
    if path.lower().endswith(".zip"):
        return "a ZIP inside a ZIP is not read: put its files in the archive"
    return None

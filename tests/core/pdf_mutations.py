"""A seeded corpus of malformed PDFs, mutations of real ones (issue #18 point 3): truncation, byte
flips, broken xref, encryption, page-count and decompression bombs, JavaScript."""

from __future__ import annotations

import io
import random
import re
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests/fixtures/extraction").glob("[a-z][a-z]_*.pdf")) + [
    p for p in sorted((ROOT / "data/demo").glob("*.pdf")) if "scann" not in p.name
]


def _truncated(data: bytes, rng: random.Random) -> bytes:
    cut = data[: rng.randrange(16, len(data))]
    return cut + b"\n%%EOF\n" if rng.random() < 0.5 else cut  # past the cheap end-marker check


def _flipped(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def _broken_xref(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(3)
    if choice == 0:  # startxref points anywhere
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(10**9), data)
    if choice == 1:  # every offset of the table wrong
        return re.sub(
            rb"\d{10} (\d{5}) n", lambda m: b"%010d %s n" % (rng.randrange(10**6), m.group(1)), data
        )
    at = rng.randrange(len(data))  # the table's keywords gone, junk somewhere
    return (data[:at] + bytes(rng.randrange(256) for _ in range(8)) + data[at:]).replace(b"xref", b"xrfe")


def _rewritten(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted(data: bytes, rng: random.Random) -> bytes:
    user = "" if rng.random() < 0.5 else "secret"  # owner-only or user password
    return _rewritten(
        data, lambda w: w.encrypt(user_password=user, owner_password="owner", algorithm="AES-128")
    )


def _javascript(data: bytes, rng: random.Random) -> bytes:
    code = rng.choice(["app.alert(1);", "this.submitForm('http://127.0.0.1:9/');", "while(true){}"])
    return _rewritten(data, lambda w: w.add_js(code))


def _page_count_bomb(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:  # a page tree that claims a billion pages
        return re.sub(
            rb"/Count \d+",
            b"/Count %d" % rng.choice([rng.randrange(10**6, 10**10), 2**31 - 1, -rng.randrange(1, 99)]),
            data,
        )

    def many(w: PdfWriter) -> None:  # really more pages than allowed
        page = w.pages[0]
        for _ in range(rng.randint(51, 120)):
            w.add_page(page)

    return _rewritten(data, many)


@cache
def _bomb_stream(size_mb: int) -> bytes:
    squeeze, zeros = zlib.compressobj(9), bytes(1024 * 1024)
    return b"".join(squeeze.compress(zeros) for _ in range(size_mb)) + squeeze.flush()


def decompression_bomb(size_mb: int, *, in_font: bool = False) -> bytes:
    """One page whose content stream (or embedded font) inflates to ``size_mb`` MB."""
    stream = _bomb_stream(size_mb)
    content = b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Invoice 1) Tj ET\nendstream"
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [5 0 R 4 0 R] "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
        + (b" /FontFile 4 0 R" if in_font else b"")
        + b" >> >> >> >>",
        bomb,
        content,
    ]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


MUTATIONS = {
    "truncated": _truncated,
    "flipped": _flipped,
    "broken-xref": _broken_xref,
    "encrypted": _encrypted,
    "javascript": _javascript,
    "page-count-bomb": _page_count_bomb,
}


def corpus(count: int, *, seed: int = 18) -> Iterator[tuple[str, bytes]]:
    """``count`` malformed PDFs, the same ones for the same seed: mutations of the seed files
    (some mutated twice), and decompression bombs of 64 MB to 1 GB."""
    rng = random.Random(seed)
    originals = [(p.stem, p.read_bytes()) for p in SEEDS]
    bombs = [
        (f"bomb-{mb}mb{'-font' if font else ''}", mb, font) for mb in (64, 1024) for font in (False, True)
    ]
    for name, mb, font in bombs:
        yield name, decompression_bomb(mb, in_font=font)
    for n in range(count - len(bombs)):
        stem, data = rng.choice(originals)
        kinds = rng.sample(list(MUTATIONS), 2 if rng.random() < 0.2 else 1)
        for kind in kinds:
            try:
                data = MUTATIONS[kind](data, rng)
            except Exception:  # noqa: BLE001 - a rewrite of an already broken file: keep the bytes
                continue
        yield f"{n:03}-{stem}-{'+'.join(kinds)}", data

"""Page previews of uploaded PDFs are drawn in the capped child process (issue #17 point 6): a
decompression bomb or a huge page costs the server nothing and ends in one clear message."""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from billabex_core.services import preview
from billabex_core.services.files import store_pdf
from billabex_core.services.preview import MAX_PIXELS, PreviewError, page_count, render_page
from tests.core.pdf_mutations import decompression_bomb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # Linux: VmHWM starts again from VmRSS
        Path("/proc/self/clear_refs").write_text("5")


@pytest.mark.parametrize("in_font", [False, True], ids=["content", "font"])
def test_a_decompression_bomb_preview_stays_under_the_caps(in_font: bool) -> None:
    """1 MB inflating to 1 GiB (in the page's content, or in an embedded font: that one passes
    extraction, so it reaches Review): drawn in the server's process it took 2.1 GB and 33 s / 18 s."""
    sha = store_pdf(decompression_bomb(1024, in_font=in_font))
    _reset_peak()
    before, started = _peak_rss_mb(), time.monotonic()
    assert page_count(sha) == 1
    with pytest.raises(PreviewError) as refused:
        render_page(sha, 1, [])
    seconds, grown = time.monotonic() - started, _peak_rss_mb() - before
    message = str(refused.value)
    assert message.startswith("this page cannot be shown: ") and "\n" not in message, message
    assert seconds < 30 and grown < 100, (seconds, grown)


def test_a_huge_page_is_drawn_smaller() -> None:
    """A 200 × 200 inch page (the largest a PDF allows) at the screen's scale would be 466 million
    pixels (1.4 GB): it is drawn at most MAX_PIXELS."""
    writer = PdfWriter()
    writer.add_blank_page(width=14_400, height=14_400)
    out = io.BytesIO()
    writer.write(out)
    sha = store_pdf(out.getvalue())
    image = Image.open(io.BytesIO(render_page(sha, 1, [], scale=1.5)))
    assert image.width * image.height <= MAX_PIXELS and image.width == image.height > 1000


def test_an_ordinary_page_is_drawn_in_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    sha = store_pdf((FIXTURES / "fr_invoice.pdf").read_bytes())
    children: list[str] = []
    real = preview.run_isolated

    def watched(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        children.append(fn.__name__)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(preview, "run_isolated", watched)
    assert page_count(sha) == 1
    png = render_page(sha, 1, [preview.Box("Number", 1, (50, 50, 150, 70), True)])
    assert png.startswith(b"\x89PNG") and children == ["_count", "_render"]
    with pytest.raises(preview.ExtractionError, match="page 2 does not exist"):
        render_page(sha, 2, [])

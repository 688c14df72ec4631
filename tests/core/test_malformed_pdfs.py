"""At least 500 malformed PDFs (issue #18 point 3, issue #17 point 6): every one ends in a result
or one clear error — never a crash, a hang (≤ 10 s each) or more than 500 MB of memory. Each is
read the way an upload is: in an isolated child process (``services.isolated_worker``)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from billabex_core.errors import ExtractionError
from billabex_core.extraction import Mode, OrgIdentity
from billabex_core.services.isolated_worker import IsolatedWorker
from billabex_core.services.isolation import MEMORY_LIMIT, run_isolated
from tests.core.pdf_mutations import corpus, decompression_bomb

COUNT = 600
TIMEOUT = 10.0


def _read(data: bytes, mode: Mode = "auto") -> tuple[str, str, float]:
    """What an upload makes of the bytes: ("ok", kind) or ("error", message), and the time."""
    started = time.monotonic()
    try:
        with IsolatedWorker(timeout=TIMEOUT) as worker:  # one child for both steps, as an upload
            pdf = worker.sniff(data)
            result = worker.extract(pdf, org=OrgIdentity(), mode=mode)
        outcome = ("ok", result.to_contract()["kind"])
    except ExtractionError as exc:
        outcome = ("error", str(exc))
    return (*outcome, time.monotonic() - started)


@pytest.mark.timeout(900)  # 600 files, about a minute alone; longer beside other test processes
def test_every_malformed_pdf_ends_in_a_result_or_one_clear_error() -> None:
    cases = list(corpus(COUNT))
    assert len({data for _, data in cases}) >= 500  # at least 500 different files
    with ThreadPoolExecutor(max_workers=2) as pool:  # any exception but ExtractionError fails here
        # OCR (tesseract) reads what the flips left without text on every tenth file only: the
        # parsers are what is under test, and OCR costs seconds a page.
        modes: list[Mode] = ["auto" if n % 10 == 0 else "text" for n in range(len(cases))]
        read = pool.map(_read, [d for _, d in cases], modes)
        outcomes = dict(zip([name for name, _ in cases], read, strict=True))
    for name, (kind, text, seconds) in outcomes.items():
        assert seconds <= 2 * TIMEOUT + 2, (name, seconds)  # sniff and extract: each within TIMEOUT
        if kind == "error":
            assert text and "\n" not in text and "Traceback" not in text, (name, text)
    errors = [text for kind, text, _ in outcomes.values() if kind == "error"]
    assert errors and len(errors) < len(outcomes)  # both outcomes occur
    for name in ("bomb-1024mb", "bomb-1024mb-font"):
        assert outcomes[name][0] == "error" or name.endswith("font"), outcomes[name]


def test_a_decompression_bomb_is_stopped_by_the_memory_cap() -> None:
    """1 MB that inflates to 1 GiB: the child hits the cap and the upload gets one clear error."""
    bomb = decompression_bomb(1024)
    assert len(bomb) < 2 * 1024 * 1024
    kind, text, seconds = _read(bomb)
    assert kind == "error" and seconds < 30, text


def _greedy(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def test_the_child_is_capped_and_timed() -> None:
    assert run_isolated(_greedy, 50).peak_rss_kb < MEMORY_LIMIT // 1024
    with pytest.raises(ExtractionError, match="more than 500 MB of memory"):
        run_isolated(_greedy, 800)
    started = time.monotonic()
    with pytest.raises(ExtractionError, match="longer than 1 s"):
        run_isolated(time.sleep, 60, timeout=1.0)
    assert time.monotonic() - started < 5

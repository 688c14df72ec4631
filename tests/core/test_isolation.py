"""The capped child that reads an uploaded file (``services.isolation``) runs the reader, and
nothing of the process that asked for it: under Streamlit, ``__main__`` is the page script being
run, and a child that ran it again re-imported Streamlit and re-ran the page (1.4 s and 180 MB per
file read, in the app and in the tests after any AppTest)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from billabex_core.extraction.warm import warm_up

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = sorted((ROOT / "tests" / "fixtures" / "extraction").glob("*.pdf"))[0]


def test_a_child_never_runs_the_page_script_the_server_is_running(tmp_path: Path) -> None:
    """A fresh process whose ``__main__`` is a page script, as Streamlit sets it, reads files in
    children (the forkserver starts then), one call at a time and as an upload does: the script
    runs in none of them, and each child starts with the readers already loaded (the
    forkserver's warm-up), before its target imports anything."""
    ran = tmp_path / "ran"
    page = tmp_path / "page.py"
    page.write_text(f"from pathlib import Path\nPath({str(ran)!r}).open('a').write('x')\n")
    probe = textwrap.dedent(
        f"""
        import os, sys, types
        page = types.ModuleType("__main__")
        page.__file__ = {str(page)!r}
        sys.modules["__main__"] = page  # what Streamlit's script runner does for each run
        from billabex_core.extraction import OrgIdentity
        from billabex_core.services.isolated_worker import IsolatedWorker
        from billabex_core.services.isolation import run_isolated
        pdf = open({str(SAMPLE)!r}, "rb").read()
        pids = {{run_isolated(os.getpid).value for _ in range(5)}}
        for _ in range(5):  # as an upload reads a file: one child sniffs and extracts
            with IsolatedWorker() as worker:
                worker.extract(worker.sniff(pdf), org=OrgIdentity(), mode="text")
        # a builtin target imports nothing: what the child holds, it had from the forkserver
        warm = run_isolated(eval, "all(m in __import__('sys').modules for m in ('pypdfium2', 'babel.numbers'))")
        print(len(pids), warm.value)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    children, warm = out.stdout.split()
    assert not ran.exists(), f"the page script ran {len(ran.read_text())} time(s) in the reader's processes"
    assert children == "5"
    assert warm == "True", "a child starts cold: it builds again what the forkserver should hold"


def test_the_warm_up_never_raises(monkeypatch) -> None:
    """Warming the forkserver is an optimisation: if it fails, children still start (cold)."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("broken")

    monkeypatch.setattr("billabex_core.extraction.warm.assemble", broken)
    warm_up()

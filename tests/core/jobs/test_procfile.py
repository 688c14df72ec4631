"""`make run` (issue #18 point 1): one Procfile run by honcho starts the app and the worker, and
one Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session, select

from billabex_core.db.engine import get_engine
from billabex_core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = ROOT / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def test_makefile_runs_the_procfile() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:") :].split("\n\n")[0]
    assert "honcho start -f Procfile" in run
    procfile = (ROOT / "Procfile").read_text()
    assert "web: " in procfile and "worker: .venv/bin/python -m billabex_core worker" in procfile


@pytest.mark.skipif(not (VENV_BIN / "honcho").exists(), reason="the project's venv has no honcho")
def test_one_procfile_starts_app_and_worker_and_one_ctrl_c_stops_both(tmp_path) -> None:
    port, url = _free_port(), f"sqlite:///{tmp_path / 'billabex.db'}"
    env = {
        **os.environ,
        "BILLABEX_PORT": str(port),
        "BILLABEX_DATABASE_URL": url,
        "BILLABEX_DATA_DIR": str(tmp_path / "data"),
    }
    honcho = subprocess.Popen(
        [str(VENV_BIN / "honcho"), "start", "-f", "Procfile"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 90
        engine = get_engine(url)
        while not (_healthy(port) and _beating(engine)):
            assert honcho.poll() is None, honcho.stdout.read().decode() if honcho.stdout else ""
            assert time.monotonic() < deadline, "app or worker did not come up"
            time.sleep(0.5)
    finally:
        os.killpg(honcho.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        try:
            out, _ = honcho.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            raise
    text = out.decode()
    assert "web.1" in text and "worker.1" in text
    with pytest.raises(ProcessLookupError):  # nothing of the group is left running
        os.killpg(honcho.pid, 0)


def _beating(engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(WorkerHeartbeat)).first() is not None

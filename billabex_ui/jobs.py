"""The background work on the screens: the banner when no worker runs (every screen), and the
last and next run of each job (Integrations, Communications)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from billabex_core.db.types import utcnow
from billabex_core.jobs.runs import JobRun, worker_status
from billabex_ui.format import md
from billabex_ui.session import call

NO_WORKER = (
    "⚠️ **No worker is running** (none seen for 5 minutes{seen}): scheduled syncs, reminders and "
    "digests do not happen. Start one with `make run`, or `python -m billabex_core worker` next to the app."
)


def worker_banner() -> None:
    """Shown on every screen while no worker has been seen for five minutes."""
    status = call(worker_status)
    if status is None or not status.missing:
        return
    seen = f"; last seen {status.last_seen:%Y-%m-%d %H:%M} UTC" if status.last_seen else "; never seen"
    st.markdown(f":orange-background[{NO_WORKER.format(seen=seen)}]")


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "—"


def job_runs(read: Callable[..., list[JobRun]], *, title: str = "Scheduled work") -> None:
    """A small table: each job's last run (start, outcome, error) and its next run."""
    runs = call(read)
    if not runs:
        return
    now = utcnow()
    st.subheader(title)
    st.table(  # a static table: the page's data tables stay the only dataframes
        {
            "Job": [md(r.job) for r in runs],  # st.table renders markdown: outside text escaped
            "Last run": [_when(r.last_started) for r in runs],
            "Outcome": [r.last_status or "never ran" for r in runs],
            "Next run": ["at the worker's next pass" if r.next_at <= now else _when(r.next_at) for r in runs],
            "Last error": [md(r.last_error or "") for r in runs],
        },
    )
    for run in runs:
        if run.last_status == "failed" and run.last_error:
            st.caption(f"⚠️ {md(run.job)}: {md(run.last_error)}")

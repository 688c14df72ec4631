"""The background work on the screens: the banner when no worker runs (every screen), and the
last and next run of each job (Integrations, Communications)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from billabex_core.db.types import utcnow
from billabex_core.jobs.runs import JobRun, worker_status
from billabex_ui.feedback import stored_errors
from billabex_ui.format import label, md, moment
from billabex_ui.i18n import t
from billabex_ui.session import call


def worker_banner() -> None:
    """Shown on every screen while no worker has been seen for five minutes."""
    status = call(worker_status)
    if status is None or not status.missing:
        return
    if status.last_seen:
        text = t("worker.missing_seen", when=moment(status.last_seen))
    else:
        text = t("worker.missing_never")
    st.markdown(f":orange-background[{text}]")


def _when(at: datetime | None) -> str:
    return moment(at) if at else "—"


def job_runs(read: Callable[..., list[JobRun]], *, title: str | None = None) -> None:
    """A small table: each job's last run (start, outcome, error) and its next run."""
    runs = call(read)
    if not runs:
        return
    now = utcnow()
    st.subheader(title or t("jobs.title"))
    st.table(  # a static table: the page's data tables stay the only dataframes
        {
            t("jobs.col.job"): [md(r.job) for r in runs],  # st.table renders markdown: outside text escaped
            t("jobs.col.last_run"): [_when(r.last_started) for r in runs],
            t("jobs.col.outcome"): [
                label(r.last_status) if r.last_status else t("jobs.never_ran") for r in runs
            ],
            t("jobs.col.next_run"): [
                t("jobs.next_pass") if r.next_at <= now else _when(r.next_at) for r in runs
            ],
            t("jobs.col.last_error"): [stored_errors(r.last_error or "") for r in runs],
        },
    )
    for run in runs:
        if run.last_status == "failed" and run.last_error:
            st.caption(f":material/warning: {md(run.job)}: {stored_errors(run.last_error)}")

"""Read-only tables of core records, with the same columns wherever a screen lists them:
documents (with a way to open one), payments, task links, communications, the audit history; and
the CSV download.

CSV leaves the app only through ``csv_download``, written by the CLI's one writer
(``billabex_core.services.export.to_csv``, formulas neutralised) and audited. Streamlit's own
table toolbar download is switched off (``client.disableDataExport`` in .streamlit/config.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from billabex_core.models import AuditEvent, Communication, Document, Payment, Task
from billabex_ui.format import label, md, money
from billabex_ui.session import call, current_user
from billabex_ui.widgets import row_opener


def show_table(columns: Mapping[str, Sequence[Any]]) -> None:
    """A read-only table of columns (name → values, in order), without the index."""
    st.dataframe(dict(columns), hide_index=True)


def csv_download(label: str, writer: Callable[..., str], *, file_name: str, key: str, **kwargs: Any) -> None:
    """A button that downloads the CSV ``writer`` (a ``services.downloads`` function) writes when
    it is clicked, as the logged-in user (the download is audited)."""
    actor = current_user()

    def build() -> str:
        return call(writer, actor=actor, **kwargs) or ""

    st.download_button(
        label, data=build, file_name=file_name, mime="text/csv", key=key, on_click="ignore", icon="⬇️"
    )


def documents_table(docs: list[Document], count: int, kind: str) -> None:
    """The latest documents of a ``count`` (``kind``: "invoices" or "credit notes"), and "Open
    document" to their detail on the Invoices screen (widgets ``<kind>_pick``, ``<kind>_open``)."""
    if not docs:
        st.caption(f"No {kind}.")
        return
    show_table(
        {
            "Number": [d.number for d in docs],
            "Issued": [d.issue_date for d in docs],
            "Due": [d.due_date for d in docs],
            "Total": [money(d.total_incl_tax, d.currency) for d in docs],
            "Remaining": [money(d.remaining_amount, d.currency) for d in docs],
            "Status": [label(d.invoice_status or d.credit_status, capitalize=False) for d in docs],
            "Source": [d.source.value for d in docs],
        }
    )
    if count > len(docs):
        st.caption(f"The {len(docs)} latest of {count:,}.")
    with st.columns([3, 1])[0]:
        row_opener(
            "Open",
            {d.id: d.number for d in docs},
            key=kind.replace(" ", "_"),
            param="document",
            button="Open document",
            page="pages/invoices.py",
        )


def payments_table(payments: list[Payment], numbers: Mapping[int, str]) -> None:
    """Payments with the number of their invoice (``numbers``: document id → number)."""
    if not payments:
        st.caption("No payment.")
        return
    show_table(
        {
            "Date": [p.paid_on for p in payments],
            "Invoice": [numbers.get(p.document_id or 0, "") for p in payments],  # ids start at 1
            "Amount": [money(p.amount, p.currency) for p in payments],
            "Note": [p.note or "" for p in payments],
            "By": [p.created_by or p.source.value for p in payments],
        }
    )


def task_links(tasks: list[Task]) -> None:
    """One link per task to its detail on the Tasks screen."""
    for task in tasks:
        st.page_link(
            "pages/tasks.py",
            label=f"#{task.id} {md(task.subject)} — {label(task.status, capitalize=False)}",
            query_params={"task": str(task.id)},
        )
    if not tasks:
        st.caption("No task.")


def communications_table(sent: list[Communication]) -> None:
    if not sent:
        st.caption("No communication yet: the follow-up agent plans them.")
        return
    show_table(
        {
            "Scheduled": [c.scheduled_for for c in sent],
            "Status": [c.status.value for c in sent],
            "Tone": [c.tone.value for c in sent],
            "Language": [c.language for c in sent],
            "To": [", ".join(c.recipients) for c in sent],
            "Subject": [c.subject for c in sent],
        }
    )


def history_table(events: list[AuditEvent]) -> None:
    """The audit log: who changed what, when."""
    show_table(
        {
            "When": [e.at for e in events],
            "Who": [e.actor for e in events],
            "What": [e.action for e in events],
            "Details": [", ".join(f"{k}: {v}" for k, v in e.details.items()) for e in events],
        }
    )

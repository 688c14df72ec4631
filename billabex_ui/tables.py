"""Tables that work like a spreadsheet, with the same columns wherever a screen lists the same
records: documents, payments, task links, communications, the audit history; and the CSV download.

``show_table`` takes the values as they are: a ``Decimal`` column is money — numbers, so a sort
puts €8,021 above €908, shown in the currency's format (``money_column``); dates and timestamps
are date columns in the user's format (timestamps in the team's time zone). The rows' currencies
come with ``currency``: one for the whole table, or one per row (a Currency column then says
which). ``row_table`` opens a row's detail when it is clicked (its own URL, ``?document=12``).

CSV leaves the app only through ``csv_download``, written by the CLI's one writer
(``billabex_core.services.export.to_csv``, formulas neutralised) and audited. Streamlit's own
table toolbar download is switched off (``client.disableDataExport`` in .streamlit/config.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st
from babel.numbers import get_currency_symbol

from billabex_core.config import get_settings
from billabex_core.models import AuditEvent, Communication, Document, Payment, Task
from billabex_core.money import amount_places
from billabex_ui.feedback import stored_text
from billabex_ui.format import babel_locale, label, number
from billabex_ui.i18n import language, t
from billabex_ui.session import call, current_user
from billabex_ui.widgets import open_row

# Streamlit's named formats show these currencies the browser's way (1 234,56 € in French).
NAMED_FORMATS = {"EUR": "euro", "USD": "dollar", "JPY": "yen"}
# interface language → (date, timestamp) formats of a table column (moment.js patterns)
DATE_FORMATS = {"fr": ("DD/MM/YYYY", "DD/MM/YYYY HH:mm"), "en": ("D MMM YYYY", "D MMM YYYY, HH:mm")}
MONEY_WIDTH = 130  # pixels: "€999,999,999.99" whole, never cut to "€87,73…"


def money_column(title: str, currency: str | None) -> Any:
    """A money column: numbers shown in the format of ``currency`` (None: a table of several
    currencies, plain figures next to its Currency column)."""
    places = amount_places(currency)
    step = float(Decimal(1).scaleb(-places))
    if currency in NAMED_FORMATS and places == 2:
        fmt = NAMED_FORMATS[currency]
    elif currency and language() == "en":
        fmt = f"{get_currency_symbol(currency, locale=babel_locale())}%,.{places}f"
    else:
        fmt = "localized"
    return st.column_config.NumberColumn(title, format=fmt, step=step, width=MONEY_WIDTH)


def _kind(values: Sequence[Any]) -> str:
    first = next((v for v in values if v is not None), None)
    if isinstance(first, Decimal):
        return "money"
    if isinstance(first, datetime):
        return "timestamp"
    return "date" if isinstance(first, date) else "other"


def table_data(
    columns: Mapping[str, Sequence[Any]], currency: str | Sequence[str] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame and the column configuration of ``show_table``."""
    currencies = [currency] if isinstance(currency, str) else sorted(set(currency or []))
    single = currencies[0] if len(currencies) == 1 else None
    date_format, time_format = DATE_FORMATS[language()]
    data: dict[str, Any] = {}
    config: dict[str, Any] = {}
    for title, values in columns.items():
        kind = _kind(values)
        if kind == "money":
            if len(currencies) > 1 and t("table.currency") not in data:
                data[t("table.currency")] = list(currency or [])
            data[title] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
            config[title] = money_column(title, single)
            continue
        data[title] = list(values)
        if kind == "date":
            config[title] = st.column_config.DateColumn(title, format=date_format)
        elif kind == "timestamp":
            data[title] = pd.to_datetime(list(values), utc=True)
            config[title] = st.column_config.DatetimeColumn(
                title, format=time_format, timezone=get_settings().timezone
            )
    return pd.DataFrame(data), config


def show_table(
    columns: Mapping[str, Sequence[Any]],
    *,
    currency: str | Sequence[str] | None = None,
    key: str | None = None,
) -> int | None:
    """A read-only table of columns (title → values, in order), without the index. With a
    ``key``, a click on a row (its checkbox or any of its cells) selects it: its position is
    returned (None: no selection)."""
    frame, config = table_data(columns, currency)
    if key is None:
        st.dataframe(frame, hide_index=True, column_config=config)
        return None
    event = st.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        key=key,
        on_select="rerun",
        selection_mode=["single-row", "single-cell"],
    )
    rows, cells = event.selection.rows, event.selection.cells
    return rows[0] if rows else cells[0][0] if cells else None


def row_table(
    columns: Mapping[str, Sequence[Any]],
    ids: Sequence[int],
    *,
    key: str,
    param: str,
    page: str | None = None,
    currency: str | Sequence[str] | None = None,
) -> None:
    """A table whose rows open their detail when clicked: ``?<param>=<id>`` on this page (or on
    ``page``). The table's widget key is ``<key>_<n>``: each opening starts the list afresh, so
    coming back to it does not open the same row again."""
    generation = st.session_state.setdefault(f"{key}_generation", 0)
    chosen = show_table(columns, currency=currency, key=f"{key}_{generation}")
    st.caption(t("table.click_to_open"))
    if chosen is not None and chosen < len(ids):
        st.session_state[f"{key}_generation"] = generation + 1
        open_row(param, ids[chosen], page=page)


def csv_download(label: str, writer: Callable[..., str], *, file_name: str, key: str, **kwargs: Any) -> None:
    """A button that downloads the CSV ``writer`` (a ``services.downloads`` function) writes when
    it is clicked, as the logged-in user (the download is audited)."""
    actor = current_user()

    def build() -> str:
        return call(writer, actor=actor, **kwargs) or ""

    st.download_button(
        label,
        data=build,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def documents_table(docs: list[Document], count: int, kind: str) -> None:
    """The latest documents of a ``count`` (``kind``: "invoices" or "credit notes"); a click on a
    row opens the document on the Invoices screen."""
    if not docs:
        st.caption(t("table.no_invoices" if kind == "invoices" else "table.no_credit_notes"))
        return
    row_table(
        {
            t("col.number"): [d.number for d in docs],
            t("col.issued"): [d.issue_date for d in docs],
            t("col.due"): [d.due_date for d in docs],
            t("col.total"): [d.total_incl_tax for d in docs],
            t("col.remaining"): [d.remaining_amount for d in docs],
            t("col.status"): [label(d.invoice_status or d.credit_status) for d in docs],
            t("col.source"): [label(d.source) for d in docs],
        },
        [d.id or 0 for d in docs],
        key=kind.replace(" ", "_"),
        param="document",
        page="pages/invoices.py",
        currency=[d.currency for d in docs],
    )
    if count > len(docs):
        st.caption(t("table.latest_of", shown=number(len(docs)), count=number(count)))


def payments_table(payments: list[Payment], numbers: Mapping[int, str]) -> None:
    """Payments with the number of their invoice (``numbers``: document id → number)."""
    if not payments:
        st.caption(t("table.no_payment"))
        return
    show_table(
        {
            t("col.date"): [p.paid_on for p in payments],
            t("col.invoice"): [numbers.get(p.document_id or 0, "") for p in payments],  # ids start at 1
            t("col.amount"): [p.amount for p in payments],
            t("col.note"): [p.note or "" for p in payments],
            t("col.by"): [p.created_by or p.source.value for p in payments],
        },
        currency=[p.currency for p in payments],
    )


def task_links(tasks: list[Task]) -> None:
    """One link per task to its detail on the Tasks screen."""
    for task in tasks:
        st.page_link(
            "pages/tasks.py",
            label=f"#{task.id} {stored_text(task.subject)} — {label(task.status, capitalize=False)}",
            query_params={"task": str(task.id)},
        )
    if not tasks:
        st.caption(t("table.no_task"))


def communications_table(sent: list[Communication]) -> None:
    if not sent:
        st.caption(t("table.no_communication"))
        return
    show_table(
        {
            t("col.scheduled"): [c.scheduled_for for c in sent],
            t("col.status"): [label(c.status) for c in sent],
            t("col.tone"): [label(c.tone) for c in sent],
            t("col.language"): [c.language for c in sent],
            t("col.to"): [", ".join(c.recipients) for c in sent],
            t("col.subject"): [c.subject for c in sent],
        }
    )


def history_table(events: list[AuditEvent]) -> None:
    """The audit log: who changed what, when."""
    show_table(
        {
            t("col.when"): [e.at for e in events],
            t("col.who"): [e.actor for e in events],
            t("col.what"): [e.action for e in events],
            t("col.details"): [", ".join(f"{k}: {v}" for k, v in e.details.items()) for e in events],
        }
    )

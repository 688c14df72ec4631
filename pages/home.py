"""Dashboard: outstanding and overdue per currency, aging, DSO, my tasks needing action,
accounts without a contact, data freshness."""

import streamlit as st

from billabex_core.queries import AGING_BUCKETS, CurrencyFigures, Dashboard, Summary, dashboard
from billabex_ui import call, current_user, md, money, require_login, show_table, today
from billabex_ui.charts import money_bars
from billabex_ui.feedback import stored_text
from billabex_ui.format import moment, number
from billabex_ui.i18n import t

require_login()


def show_counts(data: Summary) -> None:
    cols = st.columns(4)
    cols[0].metric(t("home.accounts"), number(data.account_count))
    cols[1].metric(
        t("home.invoices"),
        number(data.invoice_count),
        help=t("home.credit_notes_help", count=number(data.credit_note_count)),
    )
    cols[2].metric(
        t("home.open_tasks"),
        number(data.open_task_count),
        help=t("home.need_action_help", count=number(data.action_required_count)),
    )
    cols[3].metric(t("home.without_contact"), number(data.accounts_without_contact))
    if not data.currencies:
        st.info(t("home.empty"))


def show_currency(currency: str, fig: CurrencyFigures) -> None:
    """One block per currency: amounts in different currencies are never added up."""
    st.subheader(t("home.receivables_in", currency=currency))
    c = st.columns(3)
    c[0].metric(t("home.outstanding"), money(fig.outstanding, currency))
    c[1].metric(t("home.overdue"), money(fig.overdue, currency))
    c[2].metric(
        t("home.dso"),
        t("home.dso_days", days=number(fig.dso_days)) if fig.dso_days is not None else "—",
        help=t("home.dso_help"),
    )
    bars = [(bucket_name(b), fig.aging[b]) for b in AGING_BUCKETS]
    chart = money_bars(bars, currency, x_title=t("home.days_past_due"), tooltip_title=t("home.outstanding"))
    st.altair_chart(chart, use_container_width=True)
    aging_links(currency, fig)


def bucket_name(bucket: str) -> str:
    return t("value.not_due") if bucket == "not due" else bucket


def aging_links(currency: str, fig: CurrencyFigures) -> None:
    """Each bucket with something in it opens the invoice list filtered on it (``?age=31-60``)."""
    buckets = [b for b in AGING_BUCKETS if fig.aging[b]]
    for column, bucket in zip(st.columns(len(AGING_BUCKETS)), buckets, strict=False):
        column.page_link(
            "pages/invoices.py",
            label=t(
                "home.bucket_link",
                bucket=md(bucket_name(bucket)),  # "\\> 90"
                amount=money(fig.aging[bucket], currency),
            ),
            query_params={"age": bucket},
            icon=":material/receipt_long:",
        )


def is_empty(fig: CurrencyFigures) -> bool:
    """Nothing outstanding nor overdue in that currency: no block, no empty chart."""
    return not fig.outstanding and not fig.overdue and not any(fig.aging.values())


def show_my_tasks(board: Dashboard) -> None:
    tasks = board.my_tasks
    st.subheader(t("home.my_tasks"))
    for task in tasks.rows:
        st.page_link(
            "pages/tasks.py",
            label=f"#{task.id} {stored_text(task.subject)}"
            + (f" — {md(task.account_name)}" if task.account_name else ""),
            query_params={"task": str(task.id)},
        )
    if tasks.total > len(tasks.rows):
        st.caption(t("home.more_tasks", count=number(tasks.total - len(tasks.rows))))
    if not tasks.total:
        st.caption(t("home.no_task"))


def show_without_contact(board: Dashboard) -> None:
    accounts = board.without_contact
    st.subheader(t("home.without_contact"))
    for account in accounts.rows:
        st.page_link(
            "pages/accounts.py",
            label=f"{md(account.name)} — {money(account.outstanding_balance, account.currency)}",
            query_params={"account": str(account.id)},
        )
    if accounts.total > len(accounts.rows):
        st.caption(t("home.largest_balances", shown=number(len(accounts.rows)), total=number(accounts.total)))
    if not accounts.total:
        st.caption(t("home.every_contact"))


def show_freshness(data: Summary) -> None:
    st.subheader(t("home.freshness"))
    if not data.last_syncs:
        st.caption(t("home.no_integration"))
        return
    show_table(
        {
            t("home.col.integration"): [name for name, _, _ in data.last_syncs],
            t("home.col.provider"): [provider for _, provider, _ in data.last_syncs],
            t("home.col.last_sync"): [moment(at) if at else "—" for _, _, at in data.last_syncs],
        }
    )


def show_dashboard() -> None:
    st.title(t("nav.dashboard"))
    board = call(dashboard, today=today(), username=current_user())
    if board is None:
        return
    show_counts(board.summary)
    currencies = board.summary.currencies
    for currency, fig in currencies.items():
        if not is_empty(fig):
            show_currency(currency, fig)
    if settled := [currency for currency, fig in currencies.items() if is_empty(fig)]:
        st.caption(t("home.nothing_outstanding", currencies=", ".join(settled)))
    left, right = st.columns(2)
    with left:
        show_my_tasks(board)
    with right:
        show_without_contact(board)
    show_freshness(board.summary)


show_dashboard()

"""Dashboard: outstanding and overdue per currency, aging, DSO, my tasks needing action,
accounts without a contact, data freshness."""

import pandas as pd
import streamlit as st

from billabex_core.queries import AGING_BUCKETS, CurrencyFigures, Dashboard, Summary, dashboard
from billabex_ui import call, current_user, md, money, require_login, show_table, today

require_login()


def show_counts(data: Summary) -> None:
    cols = st.columns(4)
    cols[0].metric("Accounts", f"{data.account_count:,}")
    cols[1].metric("Invoices", f"{data.invoice_count:,}", help=f"and {data.credit_note_count:,} credit notes")
    cols[2].metric(
        "Open tasks", f"{data.open_task_count:,}", help=f"{data.action_required_count:,} need action"
    )
    cols[3].metric("Accounts without contact", f"{data.accounts_without_contact:,}")
    if not data.currencies:
        st.info(
            "No invoice yet. Upload a PDF (Import → Upload) or connect your billing tool (Setup → Integrations)."
        )


def show_currency(currency: str, fig: CurrencyFigures) -> None:
    """One block per currency: amounts in different currencies are never added up."""
    st.subheader(f"Receivables in {currency}")
    c = st.columns(3)
    c[0].metric("Outstanding balance", money(fig.outstanding, currency))
    c[1].metric("Overdue", money(fig.overdue, currency))
    c[2].metric(
        "DSO (90 days)",
        f"{fig.dso_days} days" if fig.dso_days is not None else "—",
        help="Outstanding today ÷ invoiced (incl. tax) over the last 90 days × 90",
    )
    aging = pd.DataFrame(
        {"bucket": list(AGING_BUCKETS), "amount": [float(fig.aging[b]) for b in AGING_BUCKETS]}
    )  # float only for the chart's axis; figures above stay Decimal
    st.bar_chart(aging, x="bucket", y="amount", x_label="Days past due", y_label=currency)


def show_my_tasks(board: Dashboard) -> None:
    tasks = board.my_tasks
    st.subheader("My tasks needing action")
    for task in tasks.rows:
        st.page_link(
            "pages/tasks.py",
            label=f"#{task.id} {md(task.subject)}"
            + (f" — {md(task.account_name)}" if task.account_name else ""),
            query_params={"task": str(task.id)},
        )
    if tasks.total > len(tasks.rows):
        st.caption(f"and {tasks.total - len(tasks.rows):,} more on the Tasks screen.")
    if not tasks.total:
        st.caption("Nothing needs your action. 🎉")


def show_without_contact(board: Dashboard) -> None:
    accounts = board.without_contact
    st.subheader("Accounts without contact")
    for account in accounts.rows:
        st.page_link(
            "pages/accounts.py",
            label=f"{md(account.name)} — {money(account.outstanding_balance, account.currency)}",
            query_params={"account": str(account.id)},
        )
    if accounts.total > len(accounts.rows):
        st.caption(
            f"{len(accounts.rows)} largest balances of {accounts.total:,}; see Accounts → Show: without contact."
        )
    if not accounts.total:
        st.caption("Every account has a valid contact.")


def show_freshness(data: Summary) -> None:
    st.subheader("Data freshness")
    if not data.last_syncs:
        st.caption("No integration yet: everything here comes from uploaded PDFs.")
        return
    show_table(
        {
            "Integration": [name for name, _, _ in data.last_syncs],
            "Provider": [provider for _, provider, _ in data.last_syncs],
            "Last successful sync": [at for _, _, at in data.last_syncs],
        }
    )


def show_dashboard() -> None:
    st.title("Dashboard")
    board = call(dashboard, today=today(), username=current_user())
    if board is None:
        return
    show_counts(board.summary)
    for currency, fig in board.summary.currencies.items():
        show_currency(currency, fig)
    left, right = st.columns(2)
    with left:
        show_my_tasks(board)
    with right:
        show_without_contact(board)
    show_freshness(board.summary)


show_dashboard()

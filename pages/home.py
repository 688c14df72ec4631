"""Dashboard: outstanding and overdue per currency, aging, DSO, my tasks needing action,
accounts without a contact, data freshness."""

import pandas as pd
import streamlit as st

from billabex_core.queries import dashboard
from billabex_core.queries.aging import AGING_BUCKETS
from billabex_ui import call, current_user, money, require_login, today

require_login()
st.title("Dashboard")
board = call(dashboard, today=today(), username=current_user())
if board is not None:
    data = board.summary
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
    for currency, fig in data.currencies.items():
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

    left, right = st.columns(2)
    with left:
        st.subheader("My tasks needing action")
        for task in board.my_tasks.rows:
            st.page_link(
                "pages/tasks.py",
                label=f"#{task.id} {task.subject}" + (f" — {task.account_name}" if task.account_name else ""),
                query_params={"task": str(task.id)},
            )
        if board.my_tasks.total > len(board.my_tasks.rows):
            st.caption(f"and {board.my_tasks.total - len(board.my_tasks.rows):,} more on the Tasks screen.")
        if not board.my_tasks.total:
            st.caption("Nothing needs your action. 🎉")
    with right:
        st.subheader("Accounts without contact")
        for account in board.without_contact.rows:
            st.page_link(
                "pages/accounts.py",
                label=f"{account.name} — {money(account.outstanding_balance, account.currency)}",
                query_params={"account": str(account.id)},
            )
        if board.without_contact.total > len(board.without_contact.rows):
            st.caption(
                f"{len(board.without_contact.rows)} largest balances of {board.without_contact.total:,}; "
                "see Accounts → Show: without contact."
            )
        if not board.without_contact.total:
            st.caption("Every account has a valid contact.")

    st.subheader("Data freshness")
    if data.last_syncs:
        st.dataframe(
            pd.DataFrame(data.last_syncs, columns=["Integration", "Provider", "Last successful sync"]),
            hide_index=True,
        )
    else:
        st.caption("No integration yet: everything here comes from uploaded PDFs.")

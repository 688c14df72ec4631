"""UI benchmark: every screen rendered by AppTest (logged in) on a large SQLite database.

    .venv/bin/python bench/ui.py [--accounts 20000] [--invoices-per-account 10] [--runs 3] [--keep]

Seeds a temporary SQLite database with bulk inserts (SQLAlchemy core executemany; the cached
statuses and balances are computed in the seed, as the status service would store them), then
times each page: the first render of the page in a fresh logged-in session ("cold") and the
median of ``--runs`` reruns ("warm"). The target is every page under 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TODAY = date(2026, 3, 2)
PASSWORD = "bench-password-123"
TARGET_MS = 1500
CHUNK = 20_000


def _chunks(rows: list[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def seed(url: str, accounts: int, per_account: int) -> dict[str, int]:
    """Bulk-insert accounts, contacts, invoices, credit notes, payments, tasks, communications."""
    import sqlalchemy as sa

    from billabex_core.db.engine import get_engine, session_scope
    from billabex_core.models import (
        Account,
        Communication,
        Contact,
        Document,
        Payment,
        Task,
        TaskMessage,
    )
    from billabex_core.services.users import add_user

    rng = random.Random(42)
    now = datetime.now(UTC)
    engine = get_engine(url)
    with session_scope(url) as s:
        add_user(
            session=s,
            username="alice",
            email="alice@example.com",
            name="Alice",
            password=PASSWORD,
            admin=True,
        )

    account_rows, contact_rows, doc_rows, payment_rows = [], [], [], []
    task_rows, message_rows, comm_rows = [], [], []
    doc_id = payment_id = task_id = 0
    for acc_id in range(1, accounts + 1):
        has_contact = acc_id % 10 != 0
        balance, overdue = Decimal("0.00"), 0
        for n in range(per_account):
            doc_id += 1
            due = TODAY + timedelta(days=rng.randint(-240, 60))
            total = Decimal(rng.randint(5_000, 500_000)) / 100
            roll = rng.random()
            paid = (
                total
                if roll < 0.55
                else (total / 2).quantize(Decimal("0.01"))
                if roll < 0.65
                else Decimal("0")
            )
            remaining = total - paid
            status = "paid" if remaining == 0 else "overdue" if due < TODAY else "issued"
            pay_status = "paid" if remaining == 0 else "partially_paid" if paid else "unpaid"
            balance += remaining
            overdue += status == "overdue"
            doc_rows.append(
                {
                    "id": doc_id,
                    "account_id": acc_id,
                    "kind": "invoice",
                    "number": f"F-{acc_id:05d}-{n:03d}",
                    "source": "manual",
                    "issue_date": due - timedelta(days=30),
                    "due_date": due,
                    "currency": "EUR",
                    "total_incl_tax": total,
                    "paid_amount": paid,
                    "credited_amount": Decimal("0.00"),
                    "remaining_amount": remaining,
                    "invoice_status": status,
                    "payment_status": pay_status,
                    "credit_status": None,
                    "validated_at": now,
                    "validated_by": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if paid:
                payment_id += 1
                payment_rows.append(
                    {
                        "id": payment_id,
                        "account_id": acc_id,
                        "document_id": doc_id,
                        "amount": paid,
                        "currency": "EUR",
                        "paid_on": min(due, TODAY),
                        "source": "manual",
                        "created_by": "bench",
                        "created_at": now,
                    }
                )
        if acc_id % 10 == 1:  # an unapplied credit note on one account in ten
            doc_id += 1
            credit = Decimal("25.00")
            balance -= credit
            doc_rows.append(
                {
                    **doc_rows[-1],
                    "id": doc_id,
                    "kind": "credit_note",
                    "number": f"AV-{acc_id:05d}",
                    "total_incl_tax": credit,
                    "paid_amount": Decimal("0.00"),
                    "remaining_amount": credit,
                    "invoice_status": None,
                    "payment_status": None,
                    "credit_status": "open",
                }
            )
        account_rows.append(
            {
                "id": acc_id,
                "name": f"Client {acc_id:05d} SAS",
                "normalized_name": f"client {acc_id:05d}",
                "source": "manual",
                "country": "FR",
                "currency": "EUR",
                "vat": f"FR{acc_id:011d}",
                "siren": f"{acc_id:09d}",
                "paused": acc_id % 50 == 0,
                "outstanding_balance": balance,
                "overdue_count": overdue,
                "contact_count": int(has_contact),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        if has_contact:
            contact_rows.append(
                {
                    "account_id": acc_id,
                    "name": "comptabilite",
                    "email": f"ap{acc_id}@client{acc_id}.example",
                    "language": "fr",
                    "usage": "normal",
                    "is_primary": True,
                    "is_valid": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            comm_rows.append(
                {
                    "account_id": acc_id,
                    "step_key": f"bench-{acc_id}",
                    "scheduled_for": TODAY + timedelta(days=rng.randint(-30, 30)),
                    "status": rng.choice(["scheduled", "sent", "sent", "failed"]),
                    "tone": rng.choice(["courteous", "professional", "firm"]),
                    "language": "fr",
                    "recipients": [f"ap{acc_id}@client{acc_id}.example"],
                    "cc": [],
                    "subject": f"Relance — Client {acc_id:05d}",
                    "body": "Bonjour,\n\nsauf erreur de notre part...",
                    "invoice_ids": [],
                    "created_at": now,
                }
            )
        else:
            task_id += 1
            message = f"Client {acc_id:05d} SAS has no valid contact."
            task_rows.append(
                {
                    "id": task_id,
                    "kind": "missing_contact",
                    "status": "action_required",
                    "subject": f"Provide a contact for Client {acc_id:05d} SAS",
                    "message": message,
                    "account_id": acc_id,
                    "assignees": [],
                    "created_by": "agent",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            message_rows.append({"task_id": task_id, "author": "agent", "body": message, "created_at": now})

    with engine.begin() as conn:
        for model, rows in (
            (Account, account_rows),
            (Contact, contact_rows),
            (Document, doc_rows),
            (Payment, payment_rows),
            (Task, task_rows),
            (TaskMessage, message_rows),
            (Communication, comm_rows),
        ):
            for chunk in _chunks(rows):
                conn.execute(sa.insert(model.__table__), chunk)  # type: ignore[attr-defined]
        conn.execute(sa.text("ANALYZE"))
    return {
        "accounts": len(account_rows),
        "invoices": sum(r["kind"] == "invoice" for r in doc_rows),
        "credit notes": sum(r["kind"] == "credit_note" for r in doc_rows),
        "payments": len(payment_rows),
        "tasks": len(task_rows),
        "communications": len(comm_rows),
    }


def _navigation_mode() -> None:
    """As in tests/ui/conftest.py: AppTest keeps st.navigation mode between runs, like a server."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]


def _logged_in():  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.run()
    at.text_input[0].input("alice")
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def time_page(
    page: str, params: dict[str, str], runs: int, prepare: Callable | None = None
) -> tuple[float, float]:
    """(cold ms, warm median ms) of one page; fails loudly when the page raised."""
    at = _logged_in()
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    if prepare:
        prepare(at)
    start = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - start) * 1000
    if at.exception or at.error or not at.title:
        raise SystemExit(
            f"{page} {params}: {at.exception or [e.value for e in at.error] or 'nothing rendered'}"
        )
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, statistics.median(warm)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--invoices-per-account", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and print its path")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="billabex-bench-ui-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    os.environ.update(
        BILLABEX_DATABASE_URL=url,
        BILLABEX_DATA_DIR=str(workdir / "data"),
        BILLABEX_TODAY=TODAY.isoformat(),
    )
    os.chdir(REPO)
    from billabex_core.config import reset_settings

    reset_settings()
    start = time.perf_counter()
    counts = seed(url, args.accounts, args.invoices_per_account)
    seconds = time.perf_counter() - start
    print(f"seeded in {seconds:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

    _navigation_mode()
    mid = str(args.accounts // 2)
    paused = str(args.accounts // 50 * 50 if args.accounts >= 50 else 1)
    cases: list[tuple[str, str, dict[str, str], Callable | None]] = [
        ("Dashboard", "pages/home.py", {}, None),
        ("Accounts — list", "pages/accounts.py", {}, None),
        (
            "Accounts — sorted by balance",
            "pages/accounts.py",
            {},
            lambda at: at.session_state.__setitem__("acc_sort", "outstanding"),
        ),
        (
            "Accounts — search",
            "pages/accounts.py",
            {},
            lambda at: at.session_state.__setitem__("acc_search", "0999"),
        ),
        ("Account detail", "pages/accounts.py", {"account": mid}, None),
        ("Account detail (paused)", "pages/accounts.py", {"account": paused}, None),
        ("Invoices — list", "pages/invoices.py", {}, None),
        (
            "Invoices — overdue > 90",
            "pages/invoices.py",
            {},
            lambda at: at.session_state.__setitem__("doc_age", "> 90"),
        ),
        ("Invoices — one account", "pages/invoices.py", {"account": mid}, None),
        (
            "Credit notes — list",
            "pages/invoices.py",
            {},
            lambda at: at.session_state.__setitem__("doc_kind", "Credit notes"),
        ),
        (
            "Invoice detail",
            "pages/invoices.py",
            {"document": str(int(mid) * args.invoices_per_account)},
            None,
        ),
        ("Tasks — default filter", "pages/tasks.py", {}, None),
        ("Task detail", "pages/tasks.py", {"task": "1"}, None),
        ("Communications", "pages/communications.py", {}, None),
    ]
    rows = []
    for name, page, params, prepare in cases:
        cold, warm = time_page(page, params, args.runs, prepare)
        rows.append((name, cold, warm))
    width = max(len(r[0]) for r in rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average during the run: {load} ({os.cpu_count()} CPUs)")
    print(f"\n| {'page'.ljust(width)} | cold ms | warm ms | < {TARGET_MS} ms |")
    print(f"|{'-' * (width + 2)}|--------:|--------:|:-------:|")
    for name, cold, warm in rows:
        ok = "yes" if max(cold, warm) < TARGET_MS else "NO"
        print(f"| {name.ljust(width)} | {cold:7.0f} | {warm:7.0f} | {ok:^7} |")
    if args.keep:
        print(f"\ndatabase kept: {url}")
    else:
        import shutil

        from billabex_core.db.engine import dispose_engines

        dispose_engines()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(max(c, w) < TARGET_MS for _, c, w in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

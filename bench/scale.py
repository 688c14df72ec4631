"""Scale benchmark (issue #18 point 4): 20,000 accounts and 200,000 invoices on SQLite and on
PostgreSQL — the daily agent run, each page's warm render, the exports, peak memory, and an index
for every list filter.

    .venv/bin/python bench/scale.py [--db sqlite|postgresql|both] [--pg-url URL]
                                    [--accounts 20000] [--invoices-per-account 10] [--runs 3]

PostgreSQL: ``--pg-url`` (default ``BILLABEX_TEST_PG_URL``) names a server where a private
database is created and dropped. Seeding is bench/ui.py's (bulk inserts, cached balances). The
agent runs twice: the first day plans every account (timed, nothing sent), then the messages
due that day are marked sent in bulk as after a day of work; the next day is the daily run, with
sending into the dry-run outbox. Targets: daily
agent run ≤ 60 s, every page's warm render ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from ui import TODAY, _logged_in, _navigation_mode, seed, time_page  # noqa: E402  (bench/ui.py)

AGENT_TARGET_S, PAGE_TARGET_MS = 60.0, 500.0
PAGES = [
    ("Dashboard", "pages/home.py", {}),
    ("Accounts", "pages/accounts.py", {}),
    ("Account detail", "pages/accounts.py", {"account": "10000"}),
    ("Invoices", "pages/invoices.py", {}),
    ("Invoices of an account", "pages/invoices.py", {"account": "10000"}),
    ("Tasks", "pages/tasks.py", {}),
    ("Communications", "pages/communications.py", {}),
    ("Integrations", "pages/integrations.py", {}),
]
# Every filter of the four lists → the table and column an index must lead with.
LIST_FILTERS = [
    ("accounts", "search by name", "account", "normalized_name"),
    ("accounts", "paused", "account", "paused"),
    ("accounts", "sort by balance", "account", "outstanding_balance"),
    ("invoices", "account", "document", "account_id"),
    ("invoices", "status", "document", "invoice_status"),
    ("invoices", "age (due date)", "document", "due_date"),
    ("invoices", "source", "document", "source"),
    ("tasks", "status", "task", "status"),
    ("tasks", "kind", "task", "kind"),
    ("tasks", "account", "task", "account_id"),
    ("communications", "status", "communication", "status"),
    ("communications", "account", "communication", "account_id"),
    ("communications", "scheduled date", "communication", "scheduled_for"),
]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pg_database(server: str) -> tuple[str, object]:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"billabex_scale_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        from billabex_core.db.engine import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def _sequences(url: str) -> None:
    """bench/ui.py inserts explicit ids: PostgreSQL's sequences must continue after them."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from billabex_core.db.engine import get_engine

    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement is not False:
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false) '
                        f"WHERE pg_get_serial_sequence('\"{table.name}\"', 'id') IS NOT NULL"
                    )
                )


def _signed(url: str) -> None:
    """The organisation's name signs every reminder: without it nothing is sent."""
    from billabex_core.db.engine import session_scope
    from billabex_core.services.org import update_organisation

    with session_scope(url) as session:
        update_organisation(session=session, actor="bench", name="Bench SAS", country="FR")


def _indexes(url: str) -> list[tuple[str, str, str]]:
    import sqlalchemy as sa

    from billabex_core.db.engine import get_engine

    inspector = sa.inspect(get_engine(url))
    out = []
    for listing, label, table, column in LIST_FILTERS:
        leading = [i["name"] for i in inspector.get_indexes(table) if i["column_names"][:1] == [column]]
        leading += ["unique"] * any(
            u["column_names"][:1] == [column] for u in inspector.get_unique_constraints(table)
        )
        out.append((f"{listing}: {label}", f"{table}.{column}", ", ".join(str(n) for n in leading) or "NONE"))
    return out


def _agent(url: str, outbox: Path) -> list[tuple[str, float, str]]:
    """The first day plans every account (timed, nothing sent); the messages due that day are then
    marked sent in bulk, as after a day of work; the next day is the daily run, with sending."""
    import sqlalchemy as sa

    from billabex_core.db.engine import get_engine
    from billabex_core.jobs.agent_run import run_agent
    from billabex_core.mail import OutboxMailer
    from billabex_core.models import Communication

    rows = []
    started = time.perf_counter()
    first = run_agent(today=TODAY, send=False, url=url)
    rows.append(
        (
            "agent run, first day, planning every account",
            time.perf_counter() - started,
            f"{first.planned:,} planned",
        )
    )
    print(f"first day: {rows[-1][1]:.1f} s, {first.planned:,} planned", flush=True)
    table = Communication.__table__  # type: ignore[attr-defined]
    with get_engine(url).begin() as conn:
        conn.execute(
            sa.update(table)
            .where(table.c.status == "scheduled", table.c.scheduled_for <= TODAY)
            .values(status="sent", sent_on=TODAY, channel="outbox")
        )
    started = time.perf_counter()
    daily = run_agent(today=TODAY + timedelta(1), send=True, url=url, mailer=OutboxMailer(outbox))
    detail = f"{daily.planned:,} planned, {daily.sent:,} sent, {daily.failed} failed"
    rows.append(("agent run, next day (daily, with sending)", time.perf_counter() - started, detail))
    return rows


def _exports(url: str) -> tuple[float, int]:
    from sqlmodel import Session

    from billabex_core.db.engine import get_engine
    from billabex_core.services.export import EXPORTERS, export_rows, to_csv

    started, total = time.perf_counter(), 0
    with Session(get_engine(url)) as session:
        for entity in EXPORTERS:
            rows = export_rows(session=session, entity=entity)
            to_csv(rows)
            total += len(rows)
    return time.perf_counter() - started, total


def _page(name: str, page: str, params: dict[str, str], runs: int) -> tuple[str, float, float, str]:
    """(name, cold ms, warm ms, error): a page that fails is reported, the other pages still timed."""
    try:
        cold, warm = time_page(page, params, runs)
    except ValueError:  # AppTest could not rerun the session (a widget's label changed language)
        try:
            cold, warm = _new_sessions(page, params, runs)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            return name, float("nan"), float("nan"), f"{type(exc).__name__}: {exc}"
        name += " (warm: a new session each run)"
    except Exception as exc:  # noqa: BLE001 - reported in the table
        return name, float("nan"), float("nan"), f"{type(exc).__name__}: {exc}"
    print(f"page {name}: cold {cold:.0f} ms, warm {warm:.0f} ms", flush=True)
    return name, cold, warm, ""


def _new_sessions(page: str, params: dict[str, str], runs: int) -> tuple[float, float]:
    """(first, median of the next ``runs``) renders of the page, each in a new logged-in session of
    this warm process: the caches of the process and the database are warm, not the session."""
    times = []
    for _ in range(runs + 1):
        at = _logged_in()
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception}")
    return times[0], statistics.median(times[1:])


def bench(url: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    from billabex_core.config import reset_settings

    os.environ["BILLABEX_DATABASE_URL"] = url
    reset_settings()
    loads = [os.getloadavg()[0]]
    started = time.perf_counter()
    counts = seed(url, args.accounts, args.invoices_per_account)
    _sequences(url)
    _signed(url)
    result: dict[str, object] = {"seed": (time.perf_counter() - started, counts)}
    result["indexes"] = _indexes(url)
    loads.append(os.getloadavg()[0])
    result["agent"] = _agent(url, workdir / "outbox")
    loads.append(os.getloadavg()[0])
    result["peak_after_agent"] = _peak_mb()
    result["export"] = _exports(url)
    result["peak_after_export"] = _peak_mb()
    print(f"{url.split(':')[0]}: agent {result['agent']}, export {result['export']}", flush=True)
    mid = str(args.accounts // 2)
    result["pages"] = [_page(name, page, {k: mid for k in params}, args.runs) for name, page, params in PAGES]
    result["peak"] = _peak_mb()
    result["loads"] = [*loads, os.getloadavg()[0]]  # 1-minute load: start, before and after the agent, end
    return result


def report(name: str, r: dict) -> None:
    seconds, counts = r["seed"]
    print(f"\n## {name}\n\nseeded in {seconds:.0f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(
        "load average (1 min) at the start, before and after the agent runs, at the end: "
        + ", ".join(f"{x:.1f}" for x in r["loads"])
    )
    print("\n| measure | value | target | ok |\n|---|---:|---:|:-:|")
    for label, secs, detail in r["agent"]:
        target = f"{AGENT_TARGET_S:.0f} s" if "daily" in label else "—"
        ok = ("yes" if secs <= AGENT_TARGET_S else "NO") if "daily" in label else ""
        print(f"| {label} ({detail}) | {secs:.1f} s | {target} | {ok} |")
    for page, cold, warm, error in r["pages"]:
        if error:
            print(f"| page {page}: FAILED ({error}) | — | {PAGE_TARGET_MS:.0f} ms | NO |")
            continue
        print(
            f"| page {page}: warm render (cold {cold:.0f} ms) | {warm:.0f} ms | {PAGE_TARGET_MS:.0f} ms | {'yes' if warm <= PAGE_TARGET_MS else 'NO'} |"
        )
    seconds, rows = r["export"]
    print(f"| export, every entity to CSV ({rows:,} rows) | {seconds:.1f} s | — | |")
    print(
        f"| peak memory (process, after agent / export / pages) | {r['peak_after_agent']:.0f} / {r['peak_after_export']:.0f} / {r['peak']:.0f} MB | — | |"
    )
    print("\n| list filter | column | index |\n|---|---|---|")
    for label, column, index in r["indexes"]:
        print(f"| {label} | {column} | {index} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("BILLABEX_TEST_PG_URL"))
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--invoices-per-account", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.chdir(REPO)
    _navigation_mode()
    results = {}
    for db in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        workdir = Path(tempfile.mkdtemp(prefix=f"billabex-scale-{db}-"))
        os.environ.update(BILLABEX_DATA_DIR=str(workdir / "data"), BILLABEX_TODAY=TODAY.isoformat())
        if db == "sqlite":
            url, drop = f"sqlite:///{workdir / 'scale.db'}", (lambda: None)
        elif not args.pg_url:
            print("PostgreSQL skipped: no --pg-url nor BILLABEX_TEST_PG_URL")
            continue
        else:
            url, drop = _pg_database(args.pg_url)
        try:
            results[db] = bench(url, args, workdir)
        finally:
            drop()  # type: ignore[operator]
            shutil.rmtree(workdir, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmachine: {os.cpu_count()} CPUs, load average at the end {load}")
    for db, r in results.items():
        report(db, r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

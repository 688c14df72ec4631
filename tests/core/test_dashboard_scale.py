"""The dashboard's figures at 200,000 invoices and the Communications calendar at tens of thousands
of planned messages (docs/reliability.md, Scale): each reads a covering index, never the wide rows
(migrations 0018, 0019)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from billabex_core.db.engine import get_engine
from billabex_core.queries.communications import calendar, due_today
from billabex_core.queries.dashboard import summary


def test_the_figures_read_the_covering_index(db_url, session: Session) -> None:
    engine = get_engine(db_url)
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        summary(session=session, today=date(2026, 3, 2))
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    [(figures, parameters)] = [(s, p) for s, p in statements if "GROUP BY document.currency" in s]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(
                str(row) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {figures}", parameters)
            )
            assert "COVERING INDEX ix_document_figures" in plan
        indexes = {i["name"]: i["column_names"] for i in sa.inspect(conn).get_indexes("document")}
    assert indexes["ix_document_figures"][:2] == ["currency", "kind"]


def test_the_communications_calendar_reads_the_planned_index(db_url, session: Session) -> None:
    engine = get_engine(db_url)
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        calendar(session=session, start=date(2026, 3, 2))
        due_today(session=session, today=date(2026, 3, 2))
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    counts = [(s, p) for s, p in statements if "GROUP BY communication.scheduled_for" in s]
    assert len(counts) == 2
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            for statement, parameters in counts:
                plan = " ".join(
                    str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
                assert "COVERING INDEX ix_communication_planned" in plan
        indexes = {i["name"]: i["column_names"] for i in sa.inspect(conn).get_indexes("communication")}
    assert indexes["ix_communication_planned"] == ["status", "scheduled_for", "held", "account_id"]

"""The dashboard's figures at 200,000 invoices (docs/reliability.md, Scale): one pass over a
covering index, never over the wide document rows (migration 0018)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from billabex_core.db.engine import get_engine
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

"""Two users at once (issue #18 point 3): validating the same draft — one wins, the other gets a
clear message; nothing is doubled (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from billabex_core.errors import BillabexError
from billabex_core.models import Document
from billabex_core.services import drafts, imports
from tests.core.jobs.faults import race as _race

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "extraction"


def test_two_users_validate_the_same_draft(session, db_url, today) -> None:
    draft = imports.upload_pdf(
        session=session, data=(FIXTURES / "fr_invoice.pdf").read_bytes(), file_name="f.pdf", actor="a"
    ).draft
    session.commit()
    version = draft.version

    def validate(actor: str):
        return lambda s: drafts.validate_draft(
            session=s, draft_id=draft.id, actor=actor, today=today, version=version
        )

    outcomes = _race(validate("alice"), validate("bob"))
    errors = [o for o in outcomes if isinstance(o, BillabexError)]
    assert len(errors) == 1, outcomes
    assert str(errors[0]) and "\n" not in str(errors[0])
    session.expire_all()
    assert len(session.exec(select(Document)).all()) == 1


def test_two_agent_runs_with_send_at_the_same_moment(db_url, monkeypatch) -> None:
    """Two `agent run --send` started together: one sends, the other is refused with one line;
    every message reaches the server once."""
    from tests.core.jobs.faults import DAY, cli, seed_due_messages, smtp_server

    seed_due_messages(db_url, 6)
    smtp, controller, env = smtp_server(delay=1.0)  # the first run sends for 6 s: the runs overlap
    try:
        runs = [cli(db_url, "agent", "run", "--today", DAY.isoformat(), "--send", env=env) for _ in range(2)]
        results = [(run.wait(timeout=120), run.stderr.read().decode() if run.stderr else "") for run in runs]
    finally:
        controller.stop()
    assert sorted(code for code, _ in results) == [0, 1], results
    refused = next(err for code, err in results if code == 1)
    assert refused.startswith("error: an agent run is already running") and refused.count("\n") == 1
    assert len(smtp.message_ids) == len(set(smtp.message_ids)) == 6

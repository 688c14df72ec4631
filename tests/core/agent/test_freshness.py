"""Fresh data before sending (domain.md §6b, issue #13): an account fed by an integration is not
reminded while that integration's last successful sync is older than the limit (real time,
whatever day the run is pinned to) or its last sync failed; the held messages say why, one task
tells the admins, and everything goes out once the data are fresh again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.connectors.records import AccountRecord, ContactRecord, DocumentRecord, Entity
from billabex_core.db.engine import get_engine
from billabex_core.db.types import utcnow
from billabex_core.errors import ValidationError
from billabex_core.jobs import reminders
from billabex_core.jobs.agent_run import run_agent
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import (
    Communication,
    CommunicationStatus,
    Integration,
    SyncRun,
    SyncStatus,
    Task,
    TaskKind,
)
from billabex_core.services.integrations import add_integration
from billabex_core.services.org import set_setting
from billabex_core.services.users import add_user
from tests.core.agent.test_synced import FakeConnector

DAY = date(2026, 3, 2)


@pytest.fixture
def books(session, db_url, org):  # type: ignore[no-untyped-def]
    """An integration called books, synced once (now), feeding Acme SAS with one late invoice."""
    add_user(
        session=session, username="ada", email="ada@team.example", name="Ada", password="x" * 12, admin=True
    )
    integration = add_integration(
        session=session, provider="pennylane", name="books", config={"api_token": "t"}, actor="alice"
    )
    session.commit()
    fake = FakeConnector(
        {
            Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS", country="FR", currency="EUR")],
            Entity.CONTACT: [ContactRecord("p1", "c1", "ap@acme.example", name="Compta", language="fr")],
            Entity.INVOICE: [
                DocumentRecord(
                    "i1",
                    "c1",
                    Entity.INVOICE,
                    "F-1",
                    "EUR",
                    Decimal("80.00"),
                    due_date=DAY - timedelta(days=9),
                )
            ],
        }
    )
    run_integration_sync(
        engine=get_engine(db_url), integration_id=integration.id, today=DAY, connector_factory=lambda *_: fake
    )
    return integration.id


def _age(session, integration_id: int, hours: float) -> None:  # type: ignore[no-untyped-def]
    session.expire_all()
    integration = session.get(Integration, integration_id)
    integration.last_success_at = utcnow() - timedelta(hours=hours)
    session.commit()


def _row(session) -> Communication:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.exec(select(Communication).order_by(Communication.id)).first()


def _held_tasks(session) -> list[Task]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(Task).where(Task.kind == TaskKind.ANOMALY, Task.subject.startswith("Reminders held"))
    return list(session.exec(query.order_by(Task.id)))


def test_stale_data_hold_the_reminders_and_one_task_tells_the_admins(session, db_url, books, smtp) -> None:  # type: ignore[no-untyped-def]
    _age(session, books, 30)
    for _ in range(2):
        report = run_agent(today=DAY, send=True, url=db_url)
        assert report.sent == 0 and smtp.messages == []
    row = _row(session)
    assert row.status == CommunicationStatus.SCHEDULED
    assert row.held == "held: the data of books are 30 h old (limit 24 h)"
    [task] = _held_tasks(session)
    assert task.subject == "Reminders held: the data of books are not fresh" and task.assignees == ["ada"]
    with pytest.raises(ValidationError, match="30 h old"):
        reminders.send_now(session=session, communication_id=row.id, actor="ada", today=DAY)
    _age(session, books, 1)  # a sync succeeded an hour ago
    assert run_agent(today=DAY, send=True, url=db_url).sent == 1
    assert _row(session).held is None
    [closed] = _held_tasks(session)
    assert not closed.status.is_open


def test_the_limit_is_a_setting(session, db_url, books, smtp) -> None:  # type: ignore[no-untyped-def]
    _age(session, books, 30)
    set_setting(session=session, key="reminders.freshness_hours", value="48", actor="alice")
    session.commit()
    assert run_agent(today=DAY, send=True, url=db_url).sent == 1
    with pytest.raises(ValidationError, match=r"reminders\.freshness_hours"):
        set_setting(session=session, key="reminders.freshness_hours", value="0", actor="alice")


def test_a_failed_last_sync_holds_the_reminders(session, db_url, books, smtp) -> None:  # type: ignore[no-untyped-def]
    session.add(SyncRun(integration_id=books, status=SyncStatus.FAILED, finished_at=utcnow()))
    session.commit()
    run_agent(today=DAY, send=True, url=db_url)
    assert smtp.messages == [] and _row(session).held == "held: the last sync of books failed"


@pytest.mark.parametrize(
    ("pinned", "hours", "sent"),
    [(date(2026, 3, 3), 2, 1), (date(2031, 6, 3), 2, 1), (DAY, 25, 0), (date(2026, 3, 3), 25, 0)],
)
def test_the_age_is_wall_clock_time_whatever_day_the_run_is_pinned_to(
    session, db_url, books, smtp, monkeypatch, pinned, hours, sent
) -> None:  # type: ignore[no-untyped-def]
    """A run pinned years after the sync does not make fresh data stale, nor a run pinned to the
    sync's own day make 25-hour-old data fresh."""
    monkeypatch.setenv("BILLABEX_TODAY", pinned.isoformat())
    _age(session, books, hours)
    assert run_agent(today=pinned, send=True, url=db_url).sent == sent == len(smtp.messages)

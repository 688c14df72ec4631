"""Synced data and the agent (issue #12 points 1 and 4): an invoice synced in another currency
than its account's opens its anomaly task and is never reminded; a contact whose e-mail is
corrected at the billing tool is valid again once synced, and the bounced step goes out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.connectors.records import AccountRecord, ContactRecord, DocumentRecord, Entity, RecordPage
from billabex_core.db.engine import get_engine
from billabex_core.jobs.agent_run import run_agent
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Communication, CommunicationStatus, Contact, Document, Task, TaskKind
from billabex_core.services.integrations import add_integration

DAY = date(2026, 2, 2)


class FakeConnector:
    """A provider in memory: one page per entity."""

    ENTITIES = (Entity.ACCOUNT, Entity.CONTACT, Entity.INVOICE)
    requests = 0

    def __init__(self, pages: dict[Entity, list]) -> None:
        self._pages = pages

    def pages(self, entity, *, cursor, full=False):
        yield RecordPage(self._pages.get(entity, []), cursor=f"{entity.value}-done")

    def close(self) -> None:
        pass


def _provider(email: str) -> FakeConnector:
    def invoice(ext: str, number: str, currency: str, due: date) -> DocumentRecord:
        return DocumentRecord(ext, "c1", Entity.INVOICE, number, currency, Decimal("120.00"), due_date=due)

    return FakeConnector(
        {
            Entity.ACCOUNT: [AccountRecord("c1", "Acme SAS", country="FR", currency="EUR")],
            Entity.CONTACT: [ContactRecord("p1", "c1", email, name="Compta", language="fr")],
            Entity.INVOICE: [
                invoice("i1", "F-EUR", "EUR", date(2026, 1, 20)),
                invoice("i2", "F-USD", "USD", date(2026, 2, 10)),  # its pre-due day would be 5 February
            ],
        }
    )


@pytest.fixture
def synced(session, db_url, org):
    integration = add_integration(
        session=session, provider="pennylane", name="books", config={"api_token": "token"}, actor="alice"
    )
    session.commit()

    def sync(email: str, day: date = DAY):
        fake = _provider(email)
        return run_integration_sync(
            engine=get_engine(db_url),
            integration_id=integration.id,
            today=day,
            connector_factory=lambda *_: fake,
        )

    return sync


def _tasks(session, kind: TaskKind) -> list[Task]:
    session.expire_all()
    return list(session.exec(select(Task).where(Task.kind == kind).order_by(Task.id)))


def test_a_synced_invoice_in_another_currency_opens_its_task_and_is_never_reminded(
    session, db_url, synced
) -> None:
    synced("ap@acme.example")
    [task] = _tasks(session, TaskKind.ANOMALY)
    assert task.subject == "Currency mismatch on Acme SAS" and task.status.is_open
    assert "F-USD" in task.message and "USD" in task.message and "EUR" in task.message
    synced("ap@acme.example")  # the same document synced again: still one task
    assert [t.id for t in _tasks(session, TaskKind.ANOMALY)] == [task.id]
    run_agent(today=DAY, url=db_url)
    run_agent(today=date(2026, 2, 5), url=db_url)
    usd = session.exec(select(Document).where(Document.number == "F-USD")).one()
    rows = session.exec(select(Communication)).all()
    assert rows and all(usd.id not in r.invoice_ids and "F-USD" not in r.body for r in rows)
    assert not any(r.step_key.startswith(f"pre:{usd.id}:") for r in rows)


def test_a_contact_corrected_at_the_billing_tool_is_valid_again(session, db_url, synced, smtp) -> None:
    synced("bounce@acme.example")
    report = run_agent(today=DAY, send=True, url=db_url)
    assert (report.sent, report.bounced) == (0, 1)
    [invalid] = _tasks(session, TaskKind.INVALID_CONTACT)
    assert _tasks(session, TaskKind.MISSING_CONTACT) == []  # one cause, one task
    synced("bounce@acme.example", date(2026, 2, 3))  # unchanged at the provider: still invalid
    assert not session.exec(select(Contact)).one().is_valid
    synced("ap@acme.example", date(2026, 2, 3))  # corrected at the billing tool
    session.expire_all()
    contact = session.exec(select(Contact)).one()
    assert contact.is_valid and contact.invalid_reason is None
    assert not session.get(Task, invalid.id).status.is_open
    assert run_agent(today=date(2026, 2, 3), send=True, url=db_url).sent == 1
    [(rcpts, _)] = smtp.messages
    assert rcpts == ["ap@acme.example"]
    sent = session.exec(select(Communication).where(Communication.status == CommunicationStatus.SENT)).one()
    assert (sent.step_key, sent.scheduled_for) == ("overdue:1:1", date(2026, 2, 3))


def test_a_new_user_syncing_the_demo_then_running_the_agent(session, db_url, org, tmp_path) -> None:
    """The issue's first try (demo Pennylane sync, then ``agent run --send``): no message dated in
    the past, no final or formal notice, no first message that refers to an earlier one, and one
    message per account at most, not a backlog."""
    from billabex_core.mail import OutboxMailer
    from billabex_sandbox.pennylane import PennylaneSandbox

    today = date(2026, 3, 2)
    with PennylaneSandbox(seed=11, customers=27, invoices=200, rate_limit=False, today=today) as sandbox:
        integration = add_integration(
            session=session,
            provider="pennylane",
            name="demo",
            config=sandbox.connector_config(page_size=50),
            actor="alice",
        )
        session.commit()
        run_integration_sync(engine=get_engine(db_url), integration_id=integration.id, today=today)
    report = run_agent(today=today, send=True, url=db_url, mailer=OutboxMailer(tmp_path / "outbox"))
    session.expire_all()
    rows = session.exec(select(Communication)).all()
    sent = [r for r in rows if r.status == CommunicationStatus.SENT]
    assert report.sent == len(sent) > 0
    assert len({r.account_id for r in sent}) == len(sent)  # one message per account
    assert all(r.scheduled_for == today for r in sent)
    scheduled = [r for r in rows if r.status == CommunicationStatus.SCHEDULED]
    assert all(r.scheduled_for > today for r in scheduled)
    assert {r.account_id for r in sent} <= {r.account_id for r in scheduled}  # each has its next one
    for row in rows:
        text = f"{row.subject}\n{row.body}".lower()
        assert not any(w in text for w in ("mise en demeure", "dernier rappel", "final", "letzte", "último"))
        if row.status == CommunicationStatus.SENT:  # the first message each account receives
            assert not any(w in text for w in ("précédent", "previous", "vorherig", "anterior", "precedente"))


def test_no_contact_task_while_the_integration_has_not_finished_a_sync(session, db_url, synced) -> None:
    """Found trying the demo as a new user: the first sync was interrupted after the customers,
    before their contacts, and the daily run opened "Provide a contact" for every account. Until
    the integration's sync has once run to the end, its accounts get no task; then they do."""
    from billabex_core.db.types import utcnow
    from billabex_core.models import Account, Integration, SyncRun, SyncStatus

    synced("ap@acme.example")
    session.expire_all()
    account = session.exec(select(Account)).one()
    for contact in session.exec(select(Contact)):
        session.delete(contact)  # as if the run died before writing the contacts
    account.contact_count = 0
    integration = session.get(Integration, account.integration_id)
    integration.last_success_at = None
    session.add_all([account, integration])
    session.commit()
    run_agent(today=DAY, url=db_url)
    assert _tasks(session, TaskKind.MISSING_CONTACT) == []
    integration = session.get(Integration, account.integration_id)
    integration.last_success_at = utcnow()
    session.add(SyncRun(integration_id=integration.id, status=SyncStatus.RUNNING, started_at=utcnow()))
    session.commit()
    run_agent(today=DAY, url=db_url)  # a sync running now: still none
    assert _tasks(session, TaskKind.MISSING_CONTACT) == []
    for run in session.exec(select(SyncRun).where(SyncRun.status == SyncStatus.RUNNING)):
        run.status = SyncStatus.SUCCEEDED
        session.add(run)
    session.commit()
    run_agent(today=DAY, url=db_url)
    [task] = _tasks(session, TaskKind.MISSING_CONTACT)
    assert task.account_id == account.id

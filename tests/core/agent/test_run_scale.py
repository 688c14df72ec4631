"""What keeps the daily agent run within its time at scale (docs/reliability.md, Scale): the plan's
input is read in a few set-based queries that bind no list of accounts, the plan is stored in bulk
without an ORM object per message, and after a send only the accounts that got a message are
planned again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from billabex_core.db.engine import get_engine
from billabex_core.jobs import agent_run
from billabex_core.models import Communication, CommunicationStatus
from billabex_core.queries import followups
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact

ACCOUNTS = 40
ON = date(2026, 1, 2)


@pytest.fixture
def accounts(session, org, add_document) -> list[int]:
    """ACCOUNTS accounts with a contact: the odd ones owe an overdue invoice, the even ones one due
    in March (a pre-due reminder planned for later)."""
    ids = []
    for n in range(ACCOUNTS):
        account = create_account(session=session, name=f"Client {n:02d}", actor="t", country="FR")
        due = date(2026, 1, 30) if n % 2 else date(2026, 3, 31)
        add_document(account, f"F-{n}", "100.00", due=due, on=ON)
        add_contact(
            session=session,
            account_id=account.id,
            email=f"ap{n}@client.example",
            language="en",
            actor="t",
            today=ON,
        )
        ids.append(account.id)
    session.commit()
    return ids


class _Statements:
    def __init__(self) -> None:
        self.parameters: list[int] = []  # bound parameters of each statement

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.parameters.append(0 if executemany else len(parameters or ()))


@pytest.fixture
def statements(db_url) -> Iterator[_Statements]:
    seen = _Statements()
    engine = get_engine(db_url)
    sa.event.listen(engine, "before_cursor_execute", seen)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", seen)


def test_the_plan_input_is_read_in_a_few_queries_binding_no_list_of_accounts(
    session, accounts, statements
) -> None:
    states = followups.account_states(session=session, today=date(2026, 2, 2), org_country="FR")
    assert len(states) == ACCOUNTS
    assert len(statements.parameters) <= 10  # accounts, invoices, disputes, promises, contacts, history, pins
    assert max(statements.parameters) < ACCOUNTS  # every account: a subquery, not its ids


def test_a_stored_plan_leaves_no_orm_row_in_the_session(session, accounts) -> None:
    counts = agent_run.plan_accounts(session=session, today=date(2026, 2, 2))
    assert counts.planned == ACCOUNTS
    assert not [o for o in session.identity_map.values() if isinstance(o, Communication)]
    session.commit()
    stored = session.exec(select(Communication.step_key, Communication.status)).all()
    assert len(stored) == ACCOUNTS and {status for _, status in stored} == {CommunicationStatus.SCHEDULED}


def test_after_a_send_only_the_accounts_that_got_a_message_are_planned_again(
    session, db_url, accounts, smtp, monkeypatch
) -> None:
    asked: list[list[int] | None] = []
    states = followups.account_states

    def spy(**kwargs):
        ids = kwargs.get("account_ids")
        asked.append(None if ids is None else sorted(ids))
        return states(**kwargs)

    monkeypatch.setattr(followups, "account_states", spy)
    report = agent_run.run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    overdue = [account_id for n, account_id in enumerate(accounts) if n % 2]
    assert report.sent == len(overdue) == len(smtp.messages)
    assert asked == [None, sorted(overdue)]  # everyone once, then the accounts that got a message
    assert asked and agent_run.run_agent(today=date(2026, 2, 2), send=True, url=db_url).sent == 0
    assert asked[2:] == [None]  # nothing sent: no second plan
    session.expire_all()
    next_steps = session.exec(
        select(Communication.step_key).where(Communication.step_key.like("overdue:%:2"))
    ).all()
    assert len(next_steps) == len(overdue)  # each account that got a message has its next one


def test_every_column_the_plan_writes_counts_as_a_change() -> None:
    from dataclasses import replace

    from billabex_core.services.plan_store import _WRITTEN, _Row, _written

    row = _Row(1, 1, "overdue:1:1")
    changed = {
        "status": CommunicationStatus.CANCELLED,
        "scheduled_for": date(2026, 2, 2),
        "recipients": ["a@b.example"],
    }
    for name in _WRITTEN:
        value = changed.get(name, [7] if isinstance(getattr(row, name), list) else "changed")
        assert _written(replace(row, **{name: value})) != _written(row), name


def test_escalation_suggestions_flush_once_per_task(session, accounts) -> None:
    flushes: list[int] = []
    sa.event.listen(session, "after_flush", lambda *_: flushes.append(1))
    report = agent_run.AgentReport(today=date(2026, 6, 1))
    agent_run._escalation_suggestions(session, date(2026, 6, 1), report)
    assert report.tasks_opened == ACCOUNTS // 2  # the odd accounts: unpaid since January 30
    assert len(flushes) <= report.tasks_opened + 1  # not the previous task's message and audit again

"""What goes out, to whom and when (domain.md §6b; issue #12 points 2, 4, 5 and 8), end to end:
``run_agent`` on a database, delivering to a real SMTP server (aiosmtpd) that refuses ``bounce@``
addresses with a 550."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import Account, Communication, CommunicationStatus, Contact, Task, TaskKind
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact, update_contact
from billabex_core.services.org import update_organisation
from tests.core.agent.conftest import ORG_NAME

SENT, SCHEDULED, FAILED = CommunicationStatus.SENT, CommunicationStatus.SCHEDULED, CommunicationStatus.FAILED


def _account(session, name: str, country: str = "FR") -> Account:
    account = create_account(session=session, name=name, actor="alice", country=country)
    session.commit()
    return account


def _contact(session, account: Account, email: str, language: str = "fr", **optional) -> Contact:
    contact = add_contact(
        session=session,
        account_id=account.id,
        email=email,
        language=language,
        actor="alice",
        today=date(2025, 1, 2),
        **optional,
    )
    session.commit()
    return contact


def _rows(session, *where) -> list[Communication]:
    session.expire_all()
    return list(session.exec(select(Communication).where(*where).order_by(Communication.id)))


def _open_tasks(session) -> list[Task]:
    session.expire_all()
    return [t for t in session.exec(select(Task).order_by(Task.id)) if t.status.is_open]


# -- point 5: a first run on long-overdue accounts ---------------------------------------------


def test_a_first_run_sends_one_first_message_per_account_dated_the_run_day(
    session, db_url, org, add_document, smtp
) -> None:
    """The reported bug: accounts 200 days overdue that never got a reminder were planned "final
    notice" messages dated months ago, all sent by one run. Now each account gets ONE message,
    dated the run day, worded as a first message, and its next message is planned."""
    today = date(2026, 3, 2)
    accounts = []
    for name, slug in (("ACME SAS", "acme"), ("Globex SARL", "globex")):
        account = _account(session, name)
        add_document(account, f"{slug}-1", "900.00", due=today - timedelta(days=200), on=today)
        add_document(account, f"{slug}-2", "100.00", due=today - timedelta(days=20), on=today)
        _contact(session, account, f"ap@{slug}.example")
        accounts.append(account)
    report = run_agent(today=today, send=True, url=db_url)
    assert report.sent == 2 and len(smtp.messages) == 2  # one each, not a backlog
    for message in smtp.parsed():
        body = message.get_content()
        assert "Dernier rappel" not in message["Subject"] and "mise en demeure" not in body
        assert "précédent" not in body and "relance" not in body.lower()  # a first message
        assert "200 jours de retard" in body and "20 jours de retard" in body
        assert "plus de 60 jours" not in body
        assert body.rstrip().endswith(ORG_NAME)
    sent = _rows(session, Communication.status == SENT)
    assert [(c.step_key.split(":")[2], c.scheduled_for, c.sent_on) for c in sent] == [("1", today, today)] * 2
    # in the same run, each account's next message is planned (firm cadence: 3 business days)
    planned = _rows(session, Communication.status == SCHEDULED)
    assert sorted((c.account_id, c.scheduled_for) for c in planned) == [
        (a.id, date(2026, 3, 5)) for a in accounts
    ]
    assert run_agent(today=today, send=True, url=db_url).sent == 0 and len(smtp.messages) == 2


def test_no_scheduled_message_is_ever_dated_before_the_run_day(session, db_url, org, add_document) -> None:
    account = _account(session, "ACME SAS")
    add_document(account, "F-1", "100.00", due=date(2025, 6, 30), on=date(2026, 3, 2))
    add_document(account, "F-2", "100.00", due=date(2026, 3, 5), on=date(2026, 3, 2))  # pre-due day passed
    _contact(session, account, "ap@acme.example")
    run_agent(today=date(2026, 3, 4), url=db_url)
    rows = _rows(session)
    assert [(r.step_key, r.scheduled_for, r.status) for r in rows] == [
        ("overdue:1:1", date(2026, 3, 4), SCHEDULED)
    ]


def test_an_invoice_arriving_after_its_pre_due_day_gets_its_first_overdue_message(
    session, db_url, org, add_document
) -> None:
    account = _account(session, "ACME SAS")
    add_document(account, "F-1", "100.00", due=date(2026, 3, 16), on=date(2026, 3, 13))
    _contact(session, account, "ap@acme.example")
    run_agent(today=date(2026, 3, 13), url=db_url)
    [row] = _rows(session)
    assert (row.step_key, row.scheduled_for, row.status) == ("overdue:1:1", date(2026, 3, 17), SCHEDULED)
    assert "1 jour de retard" in row.body


# -- point 2: the customer's business days ------------------------------------------------------


def test_a_german_customer_is_not_reminded_on_good_friday(session, db_url, org, add_document, smtp) -> None:
    """FR organisation; Good Friday (2026-04-03) is a working day in France, a holiday in Germany."""
    muster, acme = _account(session, "Muster GmbH", "DE"), _account(session, "ACME SAS", "FR")
    for account, email, language in ((muster, "ap@muster.example", "de"), (acme, "ap@acme.example", "fr")):
        add_document(account, f"{account.name[:3]}-1", "100.00", due=date(2026, 3, 31), on=date(2026, 3, 2))
        _contact(session, account, email, language)
    # nobody ran the agent on 1 and 2 April; it runs on Good Friday
    assert run_agent(today=date(2026, 4, 3), send=True, url=db_url).sent == 1
    assert smtp.to("ap@muster.example") == [] and len(smtp.to("ap@acme.example")) == 1
    [waiting] = _rows(session, Communication.account_id == muster.id)
    assert (waiting.status, waiting.scheduled_for) == (SCHEDULED, date(2026, 4, 7))  # after Easter Monday
    assert run_agent(today=date(2026, 4, 6), send=True, url=db_url).sent == 0  # Easter Monday
    assert run_agent(today=date(2026, 4, 7), send=True, url=db_url).sent == 1
    [german] = smtp.to("ap@muster.example")
    assert "7 Tage überfällig" in german.get_content()
    rows = _rows(session, Communication.account_id == muster.id)
    assert [(r.status, r.sent_on or r.scheduled_for) for r in rows] == [
        (SENT, date(2026, 4, 7)),
        (SCHEDULED, date(2026, 4, 21)),  # 10 business days later, nothing slipped
    ]


def test_the_worker_delivers_on_a_french_holiday_to_a_customer_working_that_day(
    db_url, session, org, add_document, monkeypatch, tmp_path
) -> None:
    """8 May is a holiday in France, not in Germany: the German customer's message goes out on its day."""
    from billabex_core.db.engine import get_engine
    from billabex_core.jobs import worker
    from billabex_core.mail import OutboxMailer

    muster, acme = _account(session, "Muster GmbH", "DE"), _account(session, "ACME SAS", "FR")
    for account, email in ((muster, "ap@muster.example"), (acme, "ap@acme.example")):
        add_document(account, f"{account.name[:3]}-1", "100.00", due=date(2026, 5, 7), on=date(2026, 5, 1))
        _contact(session, account, email)
    run_agent(today=date(2026, 5, 7), url=db_url)
    monkeypatch.setenv("BILLABEX_TODAY", "2026-05-08")
    monkeypatch.setattr(worker, "run_agent", lambda **kw: run_agent(mailer=OutboxMailer(tmp_path), **kw))
    assert worker.run_daily_agent(get_engine(db_url), last_day=None) == date(2026, 5, 8)
    rows = {r.account_id: r for r in _rows(session, Communication.step_key.like("overdue:%:1"))}
    assert (rows[muster.id].status, rows[muster.id].sent_on) == (SENT, date(2026, 5, 8))
    assert (rows[acme.id].status, rows[acme.id].scheduled_for) == (SCHEDULED, date(2026, 5, 11))


# -- point 4: bounces ---------------------------------------------------------------------------


def test_a_bounced_step_did_not_happen_and_is_due_at_once_when_the_contact_is_fixed(
    session, db_url, org, account, add_document, smtp
) -> None:
    add_document(account, "F-2", "50.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    contact = _contact(session, account, "bounce@acme.example")
    report = run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    assert (report.sent, report.failed, report.bounced) == (0, 1, 1)
    [failed] = _rows(session)
    assert failed.status == FAILED and failed.step_key != "overdue:1:1"  # the step is free again
    assert [t.kind for t in _open_tasks(session)] == [TaskKind.INVALID_CONTACT]  # one cause, one task
    assert run_agent(today=date(2026, 2, 3), send=True, url=db_url).sent == 0  # nobody to write to
    assert _rows(session, Communication.status == SCHEDULED) == []
    update_contact(
        session=session, contact_id=contact.id, actor="alice", email="ap@acme.example", today=date(2026, 2, 4)
    )
    session.commit()
    assert _open_tasks(session) == []
    assert run_agent(today=date(2026, 2, 5), send=True, url=db_url).sent == 1
    [again] = _rows(session, Communication.step_key == "overdue:1:1")
    assert (again.status, again.scheduled_for, again.recipients) == (
        SENT,
        date(2026, 2, 5),
        ["ap@acme.example"],
    )
    [received] = smtp.to("ap@acme.example")
    assert "précédent" not in received.get_content()  # the bounced one never reached anybody
    [following] = _rows(session, Communication.status == SCHEDULED)
    assert (following.step_key, following.scheduled_for) == ("overdue:1:2", date(2026, 2, 19))


def test_one_recipient_bouncing_of_two_is_still_a_step(
    session, db_url, org, account, add_document, smtp
) -> None:
    add_document(account, "F-2", "50.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    _contact(session, account, "bounce@acme.example", is_primary=True)
    _contact(session, account, "ap@acme.example")
    report = run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    assert (report.sent, report.bounced) == (1, 1)
    [sent] = _rows(session, Communication.status == SENT)
    assert sent.step_key == "overdue:1:1" and "550" in sent.error
    assert [t.kind for t in _open_tasks(session)] == [TaskKind.INVALID_CONTACT]


# -- point 8: copy-only contacts ----------------------------------------------------------------


def test_copy_only_contacts_alone_receive_nothing_and_a_task_asks_for_a_main_contact(
    session, db_url, org, account, add_document, smtp
) -> None:
    add_document(account, "F-2", "50.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    _contact(session, account, "cfo@acme.example", usage="copy_only")
    assert run_agent(today=date(2026, 2, 2), send=True, url=db_url).sent == 0
    assert _rows(session) == [] and smtp.messages == []
    [task] = _open_tasks(session)
    assert (task.kind, task.subject) == (TaskKind.MISSING_CONTACT, "Provide a main contact for ACME SAS")
    _contact(session, account, "ceo@acme.example", usage="copy_only")
    assert run_agent(today=date(2026, 2, 3), url=db_url).tasks_opened == 0
    assert [t.id for t in _open_tasks(session)] == [task.id]  # still asking, once
    _contact(session, account, "ap@acme.example")  # not primary: the copy-only one was added first
    assert _open_tasks(session) == []
    assert run_agent(today=date(2026, 2, 4), send=True, url=db_url).sent == 1
    [(rcpts, _)] = smtp.messages
    [row] = _rows(session, Communication.status == SENT)
    assert row.recipients == ["ap@acme.example"] and sorted(row.cc) == [
        "ceo@acme.example",
        "cfo@acme.example",
    ]
    assert sorted(rcpts) == ["ap@acme.example", "ceo@acme.example", "cfo@acme.example"]


# -- the signature ------------------------------------------------------------------------------


def test_a_fresh_install_with_nothing_due_is_not_a_failed_run(session, db_url, smtp) -> None:
    """Found as a new user: the first daily run of an empty install said "failed" (no name to sign
    with) although nothing was due. Nothing due: no error; the task still asks for the name."""
    report = run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    assert report.errors == [] and report.sent == 0
    tasks = [t for t in _open_tasks(session) if t.kind == TaskKind.ANOMALY]
    assert [t.subject for t in tasks] == ["Set the organisation's name in Settings"]


def test_nothing_goes_out_unsigned(session, db_url, account, add_document, smtp) -> None:
    """The signature is the organisation's name: without one, messages wait and a task asks for it."""
    add_document(account, "F-2", "50.00", due=date(2026, 1, 30), on=date(2026, 1, 2))
    _contact(session, account, "ap@acme.example")
    report = run_agent(today=date(2026, 2, 2), send=True, url=db_url)
    assert report.sent == 0 and smtp.messages == [] and "org.name" in report.errors[0]
    [row] = _rows(session)
    assert row.status == SCHEDULED
    tasks = [t for t in _open_tasks(session) if t.kind == TaskKind.ANOMALY]
    assert [t.subject for t in tasks] == ["Set the organisation's name in Settings"]
    run_agent(today=date(2026, 2, 3), send=True, url=db_url)
    assert len([t for t in _open_tasks(session) if t.kind == TaskKind.ANOMALY]) == 1  # asked once
    update_organisation(session=session, actor="alice", name=ORG_NAME)
    session.commit()
    assert run_agent(today=date(2026, 2, 4), send=True, url=db_url).sent == 1
    [message] = smtp.parsed()
    assert message.get_content().rstrip().endswith(ORG_NAME) and ORG_NAME in message["From"]
    assert [t for t in _open_tasks(session) if t.kind == TaskKind.ANOMALY] == []  # its cause is gone

"""The daily digest (domain.md §6b, issue #12 point 9): referents hear of the agent's actions on
their accounts (tasks opened, messages sent or bounced, payments recorded); with no referent,
the administrators. Once a day per recipient, through the same mailer (a real SMTP server)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from billabex_core.db.engine import get_engine
from billabex_core.jobs import worker
from billabex_core.jobs.agent_run import run_agent
from billabex_core.jobs.digest import send_digests
from billabex_core.models import Account, CommunicationStatus, Digest, Document, User
from billabex_core.services.accounts import create_account
from billabex_core.services.contacts import add_contact, save_referent
from billabex_core.services.payments import record_payment

TODAY = date(2026, 2, 2)


def _setup(session, add_document) -> tuple[Account, Account]:
    acme = create_account(session=session, name="ACME SAS", actor="alice", country="FR")
    globex = create_account(session=session, name="Globex SARL", actor="alice", country="FR")
    for account, email in ((acme, "ap@acme.example"), (globex, "bounce@globex.example")):
        add_document(account, f"{account.name[:3]}-1", "120.00", due=date(2026, 1, 20), on=TODAY)
        add_contact(
            session=session, account_id=account.id, email=email, language="fr", actor="alice", today=TODAY
        )
    add_document(acme, "ACM-2", "80.00", due=date(2026, 3, 20), on=TODAY)
    save_referent(
        session=session,
        account_id=acme.id,
        name="Alice",
        email="alice@team.example",
        language="en",
        actor="t",
    )
    session.add(User(username="bob", email="bob@team.example", name="Bob", password_hash="x", is_admin=True))
    session.add(User(username="carol", email="carol@team.example", name="Carol", password_hash="x"))
    session.commit()
    return acme, globex


def _pay(session, number: str, amount: str) -> None:
    session.expire_all()
    doc = session.exec(select(Document).where(Document.number == number)).one()
    record_payment(
        session=session, document_id=doc.id, amount=amount, paid_on=TODAY, actor="alice", today=TODAY
    )
    session.commit()


def test_referents_and_admins_get_one_digest_of_their_accounts(
    session, db_url, org, add_document, smtp
) -> None:
    _setup(session, add_document)
    _pay(session, "ACM-2", "30.00")
    run_agent(today=TODAY, send=True, url=db_url)
    reminders = len(smtp.messages)
    report = send_digests(today=TODAY, url=db_url)
    assert (report.built, report.sent, report.failed) == (2, 2, 0)
    [alice] = smtp.to("alice@team.example")
    body = alice.get_content()
    assert "ACME SAS" in body and "Globex" not in body
    assert "Message sent: Payment reminder: invoice ACM-1 → ap@acme.example" not in body  # fr text, en digest
    assert "Message sent: Facture ACM-1 arrivée à échéance → ap@acme.example" in body
    assert "Payment recorded: €30.00 ACM-2" in body
    assert alice["Subject"].strip() == "Collections on 2 February 2026: 1 message sent, 1 payment"
    [bob] = smtp.to("bob@team.example")  # the admin, for the account without a referent
    body = bob.get_content()
    assert "Globex SARL" in body and "ACME" not in body
    assert "Address refused: bounce@globex.example: 550 5.1.1 no such user" in body
    assert "Task opened: Fix the e-mail of bounce (Globex SARL)" in body
    assert smtp.to("carol@team.example") == []
    assert len(smtp.messages) == reminders + 2
    # exactly once a day per recipient, even when run again
    again = send_digests(today=TODAY, url=db_url)
    assert (again.built, again.sent) == (0, 0) and len(smtp.messages) == reminders + 2
    # the next day tells only what is new
    _pay(session, "ACM-1", "120.00")
    later = send_digests(today=date(2026, 2, 3), url=db_url)
    assert (later.built, later.sent) == (1, 1)
    [_, second] = smtp.to("alice@team.example")
    assert "Payment recorded: €120.00 ACM-1" in second.get_content()
    assert "€30.00" not in second.get_content() and "Message sent" not in second.get_content()
    assert [d.status for d in session.exec(select(Digest))] == [CommunicationStatus.SENT] * 3


def test_the_worker_sends_the_digest_once_a_day(
    session, db_url, org, add_document, smtp, monkeypatch
) -> None:
    _setup(session, add_document)
    monkeypatch.setenv("BILLABEX_TODAY", TODAY.isoformat())
    engine = get_engine(db_url)
    assert worker.run_daily_agent(engine, last_day=None) == TODAY
    assert len(smtp.to("alice@team.example")) == 1 and len(smtp.to("bob@team.example")) == 1
    count = len(smtp.messages)
    worker.run_daily_agent(engine, last_day=None)  # a restart the same day sends nothing twice
    assert len(smtp.messages) == count

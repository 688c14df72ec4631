"""Reminders under the team's control (domain.md §6b, issue #13), on SQLite and PostgreSQL, with a
real SMTP server: approval mode, approve, bulk approve, skip with a reason, edit kept by the plan,
send now exactly once, the invoice's PDF attached, the CLI — every action in the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from billabex_core.cli import main
from billabex_core.errors import ConflictError, ValidationError
from billabex_core.jobs import reminders
from billabex_core.jobs.agent_run import run_agent
from billabex_core.models import AuditEvent, Communication, CommunicationStatus, DocumentKind
from billabex_core.services import communication_actions as actions
from billabex_core.services.contacts import add_contact
from billabex_core.services.documents import DocumentInput, create_manual_document
from billabex_core.services.files import store_pdf
from billabex_core.services.org import set_setting
from billabex_core.services.payments import record_payment
from billabex_core.services.plan_store import REVIEW

DAY = date(2026, 3, 2)  # a Monday
AWAITING, SCHEDULED = CommunicationStatus.AWAITING_APPROVAL, CommunicationStatus.SCHEDULED
SENT, CANCELLED = CommunicationStatus.SENT, CommunicationStatus.CANCELLED
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _invoice(session, account, number: str, total: str, due: date, *, pdf: bytes | None = None):  # type: ignore[no-untyped-def]
    incl = Decimal(total)
    outcome = create_manual_document(
        session=session,
        account=account,
        data=DocumentInput(
            kind=DocumentKind.INVOICE,
            number=number,
            issue_date=due - timedelta(days=30),
            due_date=due,
            currency="EUR",
            total_excl_tax=incl,
            tax_amount=Decimal("0"),
            total_incl_tax=incl,
        ),
        actor="alice",
        today=date(2026, 1, 2),
        file_sha256=store_pdf(pdf) if pdf else None,
        file_name="scan.pdf" if pdf else None,
    )
    session.commit()
    return outcome.document


@pytest.fixture
def overdue(session, org, account):  # type: ignore[no-untyped-def]
    """ACME SAS: F-1 (with its PDF) 30 days late, two contacts who may receive reminders."""
    doc = _invoice(session, account, "F-1", "120.00", DAY - timedelta(days=30), pdf=PDF)
    for email in ("ap@acme.example", "cfo@acme.example"):
        add_contact(session=session, account_id=account.id, email=email, language="fr", actor="t", today=DAY)
    session.commit()
    return doc


def _rows(session) -> list[Communication]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(select(Communication).order_by(Communication.id)))


def _events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _approval(session) -> None:  # type: ignore[no-untyped-def]
    set_setting(session=session, key="reminders.mode", value="approval", actor="alice")
    session.commit()


def test_approval_mode_holds_a_due_message_until_a_person_approves_it(session, db_url, overdue, smtp) -> None:  # type: ignore[no-untyped-def]
    _approval(session)
    report = run_agent(today=DAY, send=True, url=db_url)
    [row] = _rows(session)
    assert (row.status, report.sent, smtp.messages) == (AWAITING, 0, [])
    actions.approve(session=session, communication_id=row.id, actor="alice")
    session.commit()
    assert _rows(session)[0].status == SCHEDULED
    assert run_agent(today=DAY, send=True, url=db_url).sent == 1
    [sent, following] = _rows(session)
    assert sent.status == SENT and len(smtp.to("ap@acme.example")) == 1
    assert following.status == SCHEDULED and following.scheduled_for > DAY  # not due: not waiting yet
    [event] = _events(session, "communication.approved")
    assert (event.actor, event.entity_id) == ("alice", row.id)


def test_a_message_planned_for_later_waits_only_once_it_is_due(session, db_url, org, account) -> None:  # type: ignore[no-untyped-def]
    _approval(session)
    _invoice(session, account, "F-9", "50.00", DAY + timedelta(days=20))
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    [pre] = _rows(session)
    assert pre.status == SCHEDULED and pre.scheduled_for > DAY
    run_agent(today=pre.scheduled_for, url=db_url)
    assert _rows(session)[0].status == AWAITING


def test_bulk_approve_approves_the_listed_messages_not_sent_yet(session, db_url, org, account, smtp) -> None:  # type: ignore[no-untyped-def]
    _approval(session)
    from billabex_core.services.accounts import create_account

    other = create_account(session=session, name="Globex", actor="alice", country="FR")
    session.commit()
    for acc, number in ((account, "F-1"), (other, "G-1")):
        _invoice(session, acc, number, "10.00", DAY - timedelta(days=5))
        add_contact(
            session=session,
            account_id=acc.id,
            email=f"ap@{number}.example",
            language="fr",
            actor="t",
            today=DAY,
        )
    session.commit()
    run_agent(today=DAY, url=db_url)
    ids = [r.id for r in _rows(session)]
    assert actions.approve_many(session=session, communication_ids=[*ids, 999], actor="bob") == 2
    session.commit()
    assert run_agent(today=DAY, send=True, url=db_url).sent == 2
    assert [e.details["bulk"] for e in _events(session, "communication.approved")] == [True, True]


def test_a_skipped_step_is_cancelled_with_its_reason_and_never_planned_again(
    session, db_url, overdue
) -> None:  # type: ignore[no-untyped-def]
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    with pytest.raises(ValidationError, match="say why"):
        actions.skip(session=session, communication_id=row.id, reason="  ", actor="alice")
    actions.skip(
        session=session, communication_id=row.id, reason="customer called, pays Friday", actor="alice"
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    run_agent(today=DAY + timedelta(days=1), url=db_url)
    skipped, following = _rows(session)
    assert (skipped.status, skipped.skipped_by, skipped.skip_reason) == (
        CANCELLED,
        "alice",
        "customer called, pays Friday",
    )
    assert following.step_key == row.step_key[:-1] + "2" and following.status == SCHEDULED
    assert "précédent" not in following.body  # nothing reached the customer: not a follow-up
    [event] = _events(session, "communication.skipped")
    assert (event.actor, event.details["reason"]) == ("alice", "customer called, pays Friday")
    with pytest.raises(ValidationError, match="cancelled"):
        actions.approve(session=session, communication_id=row.id, actor="alice")


def test_an_edit_is_kept_by_the_next_plans(session, db_url, overdue, smtp) -> None:  # type: ignore[no-untyped-def]
    _approval(session)
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    friday = DAY + timedelta(days=4)
    reminders.edit(
        session=session,
        communication_id=row.id,
        actor="alice",
        today=DAY,
        scheduled_for=friday,
        to=["cfo@acme.example"],
        cc=["ap@acme.example"],
        subject="F-1 : point sur le règlement",
        body="Bonjour,\n\nUn mot sur la facture F-1.\n\nDupont Industries SAS",
    )
    session.commit()
    for day in (DAY, DAY + timedelta(days=1)):
        run_agent(today=day, send=True, url=db_url)
        [kept] = _rows(session)
        assert kept.status == SCHEDULED and kept.scheduled_for == friday  # an edit is an approval
        assert (kept.recipients, kept.cc, kept.subject) == (
            ["cfo@acme.example"],
            ["ap@acme.example"],
            "F-1 : point sur le règlement",
        )
        assert kept.body.startswith("Bonjour,\n\nUn mot")
    assert smtp.messages == []
    run_agent(today=friday, send=True, url=db_url)
    [received] = smtp.to("cfo@acme.example")
    assert received["Subject"] == "F-1 : point sur le règlement" and received["Cc"] == "ap@acme.example"
    [event] = _events(session, "communication.edited")
    assert event.actor == "alice" and set(event.details["changed"]) == {
        "date",
        "recipients",
        "subject",
        "body",
    }


def test_a_new_date_alone_rewords_the_message_for_that_day(session, db_url, overdue) -> None:  # type: ignore[no-untyped-def]
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    assert "30 jours de retard" in row.body
    saturday = DAY + timedelta(days=5)
    reminders.edit(session=session, communication_id=row.id, actor="alice", today=DAY, scheduled_for=saturday)
    session.commit()
    [moved] = _rows(session)
    assert moved.scheduled_for == DAY + timedelta(days=7)  # Monday: the customer's next business day
    assert "37 jours de retard" in moved.body
    with pytest.raises(ValidationError, match="past"):
        actions.edit(
            session=session, communication_id=row.id, actor="a", today=DAY, scheduled_for=DAY - timedelta(1)
        )
    with pytest.raises(ValidationError, match="not a contact"):
        actions.edit(session=session, communication_id=row.id, actor="a", today=DAY, to=["x@evil.example"])


def test_an_edited_text_waits_for_a_person_when_its_invoices_change(session, db_url, org, account) -> None:  # type: ignore[no-untyped-def]
    first = _invoice(session, account, "F-1", "100.00", DAY - timedelta(days=20))
    _invoice(session, account, "F-2", "100.00", DAY - timedelta(days=10))
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    reminders.edit(
        session=session, communication_id=row.id, actor="alice", today=DAY, body="F-1 et F-2 : merci."
    )
    record_payment(
        session=session, document_id=first.id, amount="100.00", paid_on=DAY, actor="alice", today=DAY
    )
    session.commit()
    run_agent(today=DAY, send=True, url=db_url)
    [waiting] = _rows(session)
    assert (waiting.status, waiting.held, waiting.body) == (AWAITING, REVIEW, "F-1 et F-2 : merci.")
    actions.approve(session=session, communication_id=row.id, actor="alice")
    session.commit()
    run_agent(today=DAY, url=db_url)
    assert (_rows(session)[0].status, _rows(session)[0].held) == (SCHEDULED, None)


def test_send_now_delivers_once_with_the_invoice_pdf_and_plans_the_next(
    session, db_url, overdue, smtp
) -> None:  # type: ignore[no-untyped-def]
    _approval(session)
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    outcome = reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)
    assert (outcome.status, outcome.channel) == (SENT, "smtp")
    [message] = smtp.to("ap@acme.example")
    [pdf] = list(message.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content_type(), pdf.get_content()) == (
        "F-1.pdf",
        "application/pdf",
        PDF,
    )
    with pytest.raises(ValidationError, match="sent"):
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)
    assert run_agent(today=DAY, send=True, url=db_url).sent == 0 and len(smtp.messages) == 1
    assert [r.status for r in _rows(session)] == [SENT, SCHEDULED]  # the next message is planned
    assert [e.actor for e in _events(session, "communication.send_now")] == ["alice"]


def test_send_now_racing_another_sender_sends_once(session, db_url, overdue, smtp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Between the checks and the claim, another process claims the message: send now refuses."""
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    from billabex_core.db.engine import session_scope
    from billabex_core.services.communications import claim

    checks = reminders._check_sendable

    def checked_then_taken(s, communication_id, actor, today):  # type: ignore[no-untyped-def]
        out = checks(s, communication_id, actor, today)
        s.commit()
        with session_scope(db_url) as other:
            assert claim(session=other, communication_id=communication_id, by="elsewhere:1:x")
        return out

    monkeypatch.setattr(reminders, "_check_sendable", checked_then_taken)
    with pytest.raises(ConflictError, match="being sent or was sent"):
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)
    assert smtp.messages == []
    with pytest.raises(ValidationError, match="sending"):
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)


def test_send_now_needs_the_organisation_name(session, db_url, account, smtp) -> None:  # type: ignore[no-untyped-def]
    _invoice(session, account, "F-1", "10.00", DAY - timedelta(days=3))
    add_contact(
        session=session, account_id=account.id, email="ap@acme.example", language="fr", actor="t", today=DAY
    )
    session.commit()
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    with pytest.raises(ValidationError, match="organisation's name"):
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)
    assert smtp.messages == []


def test_cli_approve_skip_send(session, db_url, overdue, smtp, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BILLABEX_TODAY", DAY.isoformat())
    _approval(session)
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    assert main(["--db", db_url, "communication", "approve", str(row.id)]) == 0
    assert f"communication #{row.id} approved" in capsys.readouterr().out
    assert main(["--db", db_url, "communication", "send", str(row.id)]) == 0
    assert f"communication #{row.id} sent (smtp)" in capsys.readouterr().out
    assert main(["--db", db_url, "communication", "send", str(row.id)]) == 2  # sent already
    assert "is sent" in capsys.readouterr().err
    following = _rows(session)[-1]
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_url, "communication", "skip", str(following.id)])
    assert exit_info.value.code == 2  # --reason is required
    assert (
        main(["--db", db_url, "communication", "skip", str(following.id), "--reason", "paid by cheque"]) == 0
    )
    assert _rows(session)[-1].skip_reason == "paid by cheque"
    assert main(["--db", db_url, "communication", "approve", "424242"]) == 1
    assert len(smtp.messages) == 1
    assert {e.actor for e in _events(session, "communication.skipped")} == {"cli"}


def test_send_now_refuses_a_message_written_for_a_later_day(session, db_url, overdue, smtp) -> None:  # type: ignore[no-untyped-def]
    """Its text speaks of that day (days overdue): sent earlier it would not be true; moving its
    date to today rewrites it for today, then it can go."""
    run_agent(today=DAY, url=db_url)
    [row] = _rows(session)
    reminders.edit(
        session=session,
        communication_id=row.id,
        actor="alice",
        today=DAY,
        scheduled_for=DAY + timedelta(days=3),
    )
    session.commit()
    with pytest.raises(ValidationError, match="planned for 2026-03-05"):
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY)
    reminders.edit(session=session, communication_id=row.id, actor="alice", today=DAY, scheduled_for=DAY)
    session.commit()
    assert (
        reminders.send_now(session=session, communication_id=row.id, actor="alice", today=DAY).status == SENT
    )
    [message] = smtp.to("ap@acme.example")
    assert "30 jours de retard" in message.get_body().get_content()

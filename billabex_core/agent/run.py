"""``agent run``: statuses, tasks, the follow-up plan, and exactly-once delivery.

Each phase is its own transaction:
1. statuses as of the day (the accounts whose invoices crossed their due date), credit left on
   manual credit notes applied, missing-contact and escalation-suggestion tasks;
2. the plan: per account, the next communications stored as ``scheduled`` rows keyed by an
   idempotency key (``step_key``); rows no longer in the plan are cancelled;
3. with ``send``: every scheduled row due on or before the day is claimed (``scheduled`` →
   ``sending`` by a conditional UPDATE, committed) before it is delivered, then marked sent or
   failed. A row left ``sending`` by a crash is marked failed for a person to check — never
   delivered twice.
"""

from __future__ import annotations

import smtplib
import socket
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from billabex_core.agent.mailer import Mailer, build_message, default_mailer
from billabex_core.agent.templates import Line, languages, render
from billabex_core.config import get_settings
from billabex_core.db.engine import session_scope
from billabex_core.db.types import utcnow
from billabex_core.domain.business_days import supported
from billabex_core.domain.names import suggested_language
from billabex_core.domain.plan import (
    AccountState,
    OpenInvoice,
    PlannedMessage,
    Recipient,
    SentStep,
    plan_account,
)
from billabex_core.models import (
    Account,
    Communication,
    CommunicationStatus,
    Contact,
    ContactUsage,
    Document,
    DocumentKind,
    Source,
    Task,
    TaskKind,
)
from billabex_core.services import audit, tasks
from billabex_core.services.contacts import mark_invalid
from billabex_core.services.credits import apply_available_credit
from billabex_core.services.org import get_organisation
from billabex_core.services.status import refresh_overdue

ESCALATION_AGE_DAYS = 90
# Failures before the SMTP server accepted anything: the message can safely be tried again.
NOT_SENT = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
)
DELIVERED = (CommunicationStatus.SENT, CommunicationStatus.SENDING, CommunicationStatus.FAILED)


@dataclass
class AgentReport:
    today: date
    accounts_recomputed: int = 0
    tasks_opened: int = 0
    planned: int = 0
    cancelled: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    errors: list[str] = field(default_factory=list)


def run_agent(
    *, today: date, send: bool = False, url: str | None = None, mailer: Mailer | None = None
) -> AgentReport:
    report = AgentReport(today=today)
    with session_scope(url) as session:
        _statuses_and_tasks(session, today, report)
    with session_scope(url) as session:
        _plan(session, today, report)
    if send:
        _deliver_due(url, today, mailer or default_mailer(), report)
    return report


# Phase 1 -----------------------------------------------------------------------------------


def _statuses_and_tasks(session: Session, today: date, report: AgentReport) -> None:
    report.accounts_recomputed = refresh_overdue(session=session, today=today)
    with_credit = session.exec(
        select(Document.account_id)
        .where(
            Document.kind == DocumentKind.CREDIT_NOTE,
            Document.source == Source.MANUAL,
            col(Document.remaining_amount) > 0,
        )
        .distinct()
    ).all()
    for account_id in with_credit:
        apply_available_credit(session=session, account_id=account_id, today=today, actor=audit.AGENT)
    for account in session.exec(select(Account).where(Account.contact_count == 0)):
        if not _ever_asked(session, TaskKind.MISSING_CONTACT, account.id):  # type: ignore[arg-type]
            tasks.ensure_missing_contact_task(session=session, account=account)
            report.tasks_opened += 1
    _escalation_suggestions(session, today, report)


def _ever_asked(session: Session, kind: TaskKind, account_id: int) -> bool:
    """The daily pass asks once: a task people closed or cancelled is not opened again by it.
    (Events still reopen the missing-contact task: deleting or invalidating the last contact.)"""
    return (
        session.exec(select(Task.id).where(Task.kind == kind, Task.account_id == account_id).limit(1)).first()
        is not None
    )


def _escalation_suggestions(session: Session, today: date, report: AgentReport) -> None:
    """Escalations are never automatic (domain.md §6): the agent only suggests them as a task."""
    cutoff = date.fromordinal(today.toordinal() - ESCALATION_AGE_DAYS)
    rows = session.exec(
        select(Account.id, Account.name, sa.func.min(Document.due_date))
        .join(Document, col(Document.account_id) == col(Account.id))
        .where(
            Document.kind == DocumentKind.INVOICE,
            col(Document.remaining_amount) > 0,
            col(Document.due_date) < cutoff,
            col(Account.paused).is_(False),
        )
        .group_by(Account.id, Account.name)
    ).all()
    for account_id, name, oldest in rows:
        if not _ever_asked(session, TaskKind.ESCALATION, account_id):
            tasks.open_task(
                session=session,
                kind=TaskKind.ESCALATION,
                account_id=account_id,
                actor=audit.AGENT,
                subject=f"Consider a formal notice for {name}",
                message=(
                    f"{name} has an invoice unpaid since {oldest} (more than {ESCALATION_AGE_DAYS} days). "
                    "The agent never escalates by itself: decide whether to send a formal notice."
                ),
            )
            report.tasks_opened += 1


# Phase 2 -----------------------------------------------------------------------------------


def _states(session: Session, today: date, org_country: str) -> list[AccountState]:
    zone = ZoneInfo(get_settings().timezone)
    accounts = {a.id: a for a in session.exec(select(Account).where(col(Account.outstanding_balance) > 0))}
    if not accounts:
        return []
    ids = list(accounts)
    invoices: dict[int, list[OpenInvoice]] = defaultdict(list)
    for d in session.exec(
        select(Document).where(
            col(Document.account_id).in_(ids),
            Document.kind == DocumentKind.INVOICE,
            col(Document.remaining_amount) > 0,
            col(Document.due_date).is_not(None),
        )
    ):
        invoices[d.account_id].append(
            OpenInvoice(
                d.id,
                d.number,
                d.due_date,
                min(d.created_at.astimezone(zone).date(), today),  # run "as of" a past day: arrived by then
                d.remaining_amount,
                d.currency,
            )
        )
    recipients: dict[int, list[Recipient]] = defaultdict(list)
    for c in session.exec(
        select(Contact).where(
            col(Contact.account_id).in_(ids),
            col(Contact.is_valid).is_(True),
            Contact.usage != ContactUsage.DO_NOT_CONTACT,
        )
    ):
        recipients[c.account_id].append(
            Recipient(
                c.id,
                c.name,
                c.email,
                c.language,
                c.is_primary,  # type: ignore[arg-type]
                c.usage == ContactUsage.COPY_ONLY,
            )
        )
    history: dict[int, list[SentStep]] = defaultdict(list)
    for m in session.exec(
        select(Communication).where(
            col(Communication.account_id).in_(ids),
            col(Communication.status).in_(DELIVERED),
        )
    ):
        sent_on = m.sent_on or m.scheduled_for
        history[m.account_id].append(SentStep(m.step_key, sent_on, m.step_key.startswith("overdue:")))
    return [
        AccountState(
            account_id=a.id,
            name=a.name,  # type: ignore[arg-type]
            country=a.country if supported(a.country) else org_country,  # type: ignore[arg-type]
            balance=a.outstanding_balance,
            paused=a.paused,
            invoices=tuple(invoices[a.id]),
            recipients=tuple(recipients[a.id]),
            history=tuple(history[a.id]),
        )
        for a in accounts.values()
    ]


def _plan(session: Session, today: date, report: AgentReport) -> None:
    org = get_organisation(session=session)
    planned: dict[str, tuple[AccountState, PlannedMessage]] = {}
    for state in _states(session, today, org.country):
        for message in plan_account(state, today=today, pre_due_days=org.pre_due_business_days):
            planned[message.step_key] = (state, message)
    for row in session.exec(
        select(Communication).where(Communication.status == CommunicationStatus.SCHEDULED)
    ):
        if row.step_key not in planned:
            row.status, row.error = (
                CommunicationStatus.CANCELLED,
                "no longer needed (paid, paused or no contact)",
            )
            report.cancelled += 1
    rows = {
        c.step_key: c
        for c in session.exec(select(Communication).where(col(Communication.step_key).in_(list(planned))))
    }
    invoices = {inv.id: inv for state, _ in planned.values() for inv in state.invoices}
    for key, (state, message) in planned.items():
        row = rows.get(key) or Communication(account_id=state.account_id, step_key=key)
        if row.status in DELIVERED:
            continue  # sent, being sent or failed: never planned again
        _fill(row, state, message, [invoices[i] for i in message.invoice_ids], org)
        session.add(row)
        report.planned += 1
    session.flush()


def _fill(
    row: Communication, state: AccountState, message: PlannedMessage, lines: list[OpenInvoice], org
) -> None:  # type: ignore[no-untyped-def]
    first = message.to[0]
    language = (
        first.language
        if first.language in languages()
        else suggested_language(state.country, org.default_language)
    )
    subject, body = render(
        language=language,
        template="pre_due" if not message.overdue else message.tone.value,
        recipient_name=first.name,
        sender=org.name or "Accounts receivable",
        lines=[Line(i.number, i.due_date, i.remaining, i.currency) for i in lines],
    )
    row.scheduled_for, row.status, row.tone, row.language = (
        message.scheduled_for,
        CommunicationStatus.SCHEDULED,
        message.tone,
        language,
    )
    row.recipients = [r.email for r in message.to]
    row.cc = [r.email for r in message.cc]
    row.subject, row.body, row.invoice_ids, row.error = subject[:300], body, list(message.invoice_ids), None


# Phase 3 -----------------------------------------------------------------------------------


def _deliver_due(url: str | None, today: date, mailer: Mailer, report: AgentReport) -> None:
    with session_scope(url) as session:
        stuck = session.exec(
            select(Communication).where(Communication.status == CommunicationStatus.SENDING)
        ).all()
        for row in stuck:
            row.status = CommunicationStatus.FAILED
            row.error = "interrupted during delivery: check the mailbox before sending it again by hand"
            report.failed += 1
        due = session.exec(
            select(Communication.id)
            .where(
                Communication.status == CommunicationStatus.SCHEDULED,
                col(Communication.scheduled_for) <= today,
            )
            .order_by(col(Communication.scheduled_for), col(Communication.id))
        ).all()
        org = get_organisation(session=session)
        sender = org.sender_email or "billabex@localhost"
    for comm_id in due:
        with session_scope(url) as session:  # the claim is committed before anything is sent
            claimed = session.execute(
                sa.update(Communication)
                .where(
                    col(Communication.id) == comm_id,
                    col(Communication.status) == CommunicationStatus.SCHEDULED,
                )
                .values(status=CommunicationStatus.SENDING)
            ).rowcount
        if not claimed:
            continue
        with session_scope(url) as session:
            _deliver_one(session, comm_id, sender, mailer, today, report)


def _deliver_one(
    session: Session, comm_id: int, sender: str, mailer: Mailer, today: date, report: AgentReport
) -> None:
    row = session.get(Communication, comm_id)
    assert row is not None
    message = build_message(
        step_key=row.step_key, sender=sender, to=row.recipients, cc=row.cc, subject=row.subject, body=row.body
    )
    try:
        delivery = mailer.deliver(message)
    except NOT_SENT as exc:  # the server was never given the message: it stays due, sent on a later run
        row.status, row.error = (
            CommunicationStatus.SCHEDULED,
            f"not sent yet: {type(exc).__name__}: {exc}"[:1000],
        )
        report.errors.append(f"{row.step_key}: {row.error}")
        return
    except Exception as exc:  # noqa: BLE001 - unknown state: recorded on the row, never sent again
        row.status, row.error = CommunicationStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000]
        report.failed += 1
        report.errors.append(f"{row.step_key}: {row.error}")
        return
    everyone = set(row.recipients) | set(row.cc)
    if delivery.bounced:
        for contact in session.exec(
            select(Contact).where(
                Contact.account_id == row.account_id, col(Contact.email).in_(list(delivery.bounced))
            )
        ):
            mark_invalid(
                session=session,
                contact_id=contact.id,
                reason=delivery.bounced[contact.email],  # type: ignore[arg-type]
                actor=audit.AGENT,
                today=today,
            )
            report.bounced += 1
    if set(delivery.bounced) >= everyone:
        row.status, row.error = CommunicationStatus.FAILED, "every recipient bounced"
        report.failed += 1
        return
    row.status, row.sent_at, row.sent_on, row.channel = (
        CommunicationStatus.SENT,
        utcnow(),
        today,
        delivery.channel,
    )
    row.error = "; ".join(f"{a}: {t}" for a, t in {**delivery.bounced, **delivery.deferred}.items()) or None
    report.sent += 1
    audit.record(
        session=session,
        actor=audit.AGENT,
        action="communication.sent",
        entity="communication",
        entity_id=row.id,
        account_id=row.account_id,
        channel=delivery.channel,
        step_key=row.step_key,
        recipients=row.recipients,
        location=delivery.location,
    )

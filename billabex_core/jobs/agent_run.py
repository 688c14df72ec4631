"""``agent run``: statuses, tasks, the follow-up plan, and exactly-once delivery (docs/agent.md).

Each phase is its own transaction:
1. statuses as of the day (the accounts whose invoices crossed their due date), credit left on
   manual credit notes applied, missing-contact (or main-contact) and escalation-suggestion tasks;
2. the plan: per account, the next communications stored as ``scheduled`` rows keyed by an
   idempotency key (``step_key``), never dated before the day; rows no longer in the plan are
   cancelled;
3. with ``send``: every scheduled row due on or before the day, whose customer works that day,
   is claimed (``scheduled`` → ``sending`` by a conditional UPDATE, committed) before it is
   delivered, then marked sent or failed. A claim records who (``host:pid:run``) and when; a row
   left ``sending`` by a run that died (a stale claim: ``jobs.claims``) is marked failed for a
   person to check — never delivered twice. One run at a time (``jobs.lease``). Nothing goes
   out unsigned: without the organisation's name (Settings) the messages wait and a task asks
   for it;
4. after a send, the plan again: each account that just got a message has its next one.

Reads go through ``queries.followups``, writes through the services; the rules of the plan are
``domain.plan`` and the delivery is ``billabex_core.mail``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import formataddr

from sqlmodel import Session

from billabex_core import task_subjects as subjects
from billabex_core.db.engine import get_engine, session_scope
from billabex_core.db.types import utcnow
from billabex_core.domain.plan import AccountState, PlannedMessage, plan_account
from billabex_core.errors import NotFoundError
from billabex_core.jobs import claims, lease
from billabex_core.mail import NOT_SENT, Mailer, build_message, default_mailer
from billabex_core.messages import Template
from billabex_core.models import TaskKind, TaskStatus
from billabex_core.queries import communications as communication_queries
from billabex_core.queries import followups, freshness
from billabex_core.services import audit, communications, promises, stale_tasks, tasks
from billabex_core.services.credits import apply_available_credit
from billabex_core.services.files import read_pdf
from billabex_core.services.org import get_organisation
from billabex_core.services.plan_store import PlanCounts, PlanOptions
from billabex_core.services.status import refresh_overdue

ESCALATION_AGE_DAYS = 90
DEFAULT_FROM_ADDRESS = "billabex@localhost"
NAME_TASK = subjects.ORG_NAME.format()
AGENT_JOB = "agent"  # its job_state row: one run at a time, and the last run
# The run's errors, joined by "; " as its last error (a screen reads each back in the user's language).
UNSIGNED = Template(
    "agent.unsigned", "nothing sent: the organisation's name (org.name) signs every reminder and is not set"
)


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
    awaiting_approval: int = 0  # due messages waiting for a person's approval after the run
    errors: list[str] = field(default_factory=list)
    planned_keys: set[str] = field(default_factory=set, repr=False)  # a key planned twice counts once
    delivered_to: set[int] = field(default_factory=set, repr=False)  # accounts a delivery was tried for


def run_agent(
    *, today: date, send: bool = False, url: str | None = None, mailer: Mailer | None = None
) -> AgentReport:
    """One run at a time (a lease on ``job_state`` ``agent``): a second raises ``ConflictError``
    naming who runs and since when. The outcome is recorded as the job's last run."""
    held = lease.acquire(get_engine(url), job=AGENT_JOB, what="an agent run")
    ok, error, done = False, None, None
    try:
        with claims.claimer() as me:
            report = _run(today, send, url, mailer, _Claims(me, held.renew))
        ok, done = not report.errors and not report.failed, today.isoformat()  # the day's run is done
        error = "; ".join(report.errors[:3]) or (f"{report.failed} failed" if report.failed else None)
        return report
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        held.release(ok=ok, error=error, day=done)


@dataclass(frozen=True)
class _Claims:
    by: str  # host:pid:run, recorded on each claim
    renew: Callable[[], None]  # the run's lease, renewed before each claim


def _run(today: date, send: bool, url: str | None, mailer: Mailer | None, me: _Claims) -> AgentReport:
    report = AgentReport(today=today)
    with session_scope(url) as session:
        _statuses_and_tasks(session, today, report)
    with session_scope(url) as session:
        _plan(session, today, report)
    if send:
        _deliver_due(url, today, mailer or default_mailer(), report, me)
        if report.delivered_to:  # the next message of the accounts that got one (the others' is stored)
            with session_scope(url) as session:
                _plan(session, today, report, sorted(report.delivered_to))
    with session_scope(url) as session:
        report.awaiting_approval = communication_queries.due_today(session=session, today=today).awaiting
    return report


# Phase 1 -----------------------------------------------------------------------------------


def _statuses_and_tasks(session: Session, today: date, report: AgentReport) -> None:
    report.accounts_recomputed = refresh_overdue(session=session, today=today)
    promises.settle_promises(session=session, today=today)
    for account_id in followups.accounts_with_manual_credit(session=session):
        apply_available_credit(session=session, account_id=account_id, today=today, actor=audit.AGENT)
    # The daily pass asks once: a task people closed or cancelled is not opened again by it.
    # (Events still reopen the missing-contact task: deleting or invalidating the last contact.)
    # Accounts whose integration has not finished a sync yet are left alone: half-written data
    # (contacts come after customers) would open "Provide a contact" tasks for every account.
    asked = followups.accounts_asked(session=session, kind=TaskKind.MISSING_CONTACT)
    asked |= freshness.accounts_being_synced(session=session)
    for account in followups.accounts_without_contact(session=session):
        if account.id not in asked and tasks.ensure_missing_contact_task(session=session, account=account):
            report.tasks_opened += 1
    for account in followups.accounts_without_main_contact(session=session):
        if account.id not in asked and tasks.ensure_main_contact_task(session=session, account=account):
            report.tasks_opened += 1
    _escalation_suggestions(session, today, report)


def _escalation_suggestions(session: Session, today: date, report: AgentReport) -> None:
    """Escalations are never automatic (domain.md §6): the agent only suggests them as a task."""
    asked = followups.accounts_asked(session=session, kind=TaskKind.ESCALATION)
    asked |= freshness.accounts_being_synced(session=session)
    cutoff = today - timedelta(days=ESCALATION_AGE_DAYS)
    for late in followups.long_overdue_accounts(session=session, due_before=cutoff):
        if late.account_id in asked:
            continue
        with session.no_autoflush:  # each task is flushed once, by open_task (a first day opens thousands)
            _suggest_escalation(session, late)
        report.tasks_opened += 1


def _suggest_escalation(session: Session, late: followups.LongOverdue) -> None:
    tasks.open_task(
        session=session,
        kind=TaskKind.ESCALATION,
        account_id=late.account_id,
        actor=audit.AGENT,
        subject=subjects.ESCALATION.format(name=late.name),
        message=subjects.ESCALATION_TEXT.format(
            name=late.name, date=late.oldest_due, days=ESCALATION_AGE_DAYS
        ),
    )


# Phase 2 -----------------------------------------------------------------------------------


def _plan(
    session: Session, today: date, report: AgentReport, account_ids: Sequence[int] | None = None
) -> None:
    counts = plan_accounts(session=session, today=today, account_ids=account_ids)
    report.planned_keys |= counts.keys
    report.planned = len(report.planned_keys)
    report.cancelled += counts.cancelled


def plan_accounts(*, session: Session, today: date, account_ids: Sequence[int] | None = None) -> PlanCounts:
    """Plan every account (or these ones, after a person's action) as of ``today`` and store it:
    approval mode, the days people chose, and the accounts held by stale synced data (one task per
    stale integration tells the admins)."""
    org = get_organisation(session=session)
    stale = freshness.stale_integrations(session=session, now=utcnow(), limit_hours=org.freshness_hours)
    holds = freshness.held_accounts(session=session, stale=stale)
    states = followups.account_states(
        session=session, today=today, org_country=org.country, account_ids=account_ids
    )
    plan: list[tuple[AccountState, PlannedMessage]] = [
        (state, message)
        for state in states
        for message in plan_account(state, today=today, pre_due_days=org.pre_due_business_days)
    ]
    options = PlanOptions(
        today=today,
        approval=org.reminders_mode == "approval",
        holds={account_id: reason for account_id, (_, reason) in holds.items()},
        accounts=None if account_ids is None else frozenset(account_ids),
    )
    counts = communications.store_plan(session=session, plan=plan, org=org, options=options)
    if account_ids is None:
        holding = freshness.integrations_holding_messages(session=session)
        stale_tasks.tell_admins(session=session, stale=[s for s in stale if s.id in holding])
    return counts


# Phase 3 -----------------------------------------------------------------------------------


def _deliver_due(url: str | None, today: date, mailer: Mailer, report: AgentReport, me: _Claims) -> None:
    with session_scope(url) as session:
        report.failed += communications.fail_interrupted(session=session, stale=claims.is_stale)
        org = get_organisation(session=session)
        due = followups.due_communications(
            session=session, today=today, org_country=org.country, approval=org.reminders_mode == "approval"
        )
        if not _signed(session, org.name):
            if due:  # a fresh install with nothing due is not a failed run (its task says what to do)
                report.errors.append(UNSIGNED.format())
            return
        sender = formataddr((org.name.strip(), org.sender_email or DEFAULT_FROM_ADDRESS))
    for comm_id in due:
        me.renew()  # a run whose lease was taken over claims nothing more
        with session_scope(url) as session:  # the claim is committed before anything is sent
            claimed = communications.claim(session=session, communication_id=comm_id, by=me.by)
        if claimed:
            with session_scope(url) as session:
                _deliver_one(session, comm_id, sender, mailer, today, report)


def _signed(session: Session, name: str) -> bool:
    """The organisation's name signs every message (domain.md §6b): without it nothing goes out
    and a task asks for it, closed once it is set."""
    asking = followups.open_task_ids(session=session, kind=TaskKind.ANOMALY, subject=NAME_TASK)
    if name.strip():
        for task_id in asking:
            tasks.set_status(
                session=session,
                task_id=task_id,
                status=TaskStatus.CLOSED,
                actor=audit.AGENT,
                note="Name set.",
            )
        return True
    if not asking:
        tasks.open_task(
            session=session,
            kind=TaskKind.ANOMALY,
            actor=audit.AGENT,
            subject=NAME_TASK,
            message=subjects.ORG_NAME_TEXT.format(),
        )
    return False


def _deliver_one(
    session: Session, comm_id: int, sender: str, mailer: Mailer, today: date, report: AgentReport
) -> None:
    out = followups.outgoing(session=session, communication_id=comm_id)
    report.delivered_to.add(out.account_id)
    message = build_message(
        step_key=out.step_key,
        sender=sender,
        to=out.recipients,
        cc=out.cc,
        subject=out.subject,
        body=out.body,
        attachments=attachments(out.attachments),
    )
    try:
        delivery = mailer.deliver(message)
    except NOT_SENT as exc:  # the server was never given the message: it stays due, sent on a later run
        row = communications.reschedule(
            session=session, communication_id=comm_id, error=f"not sent yet: {type(exc).__name__}: {exc}"
        )
        report.errors.append(f"{out.step_key}: {row.error}")
        return
    except Exception as exc:  # noqa: BLE001 - unknown state: recorded on the row, never sent again
        row = communications.mark_failed(
            session=session, communication_id=comm_id, error=f"{type(exc).__name__}: {exc}"
        )
        report.failed += 1
        report.errors.append(f"{out.step_key}: {row.error}")
        return
    recorded = communications.record_delivery(
        session=session,
        communication_id=comm_id,
        today=today,
        channel=delivery.channel,
        bounced=delivery.bounced,
        deferred=delivery.deferred,
        location=delivery.location,
    )
    report.bounced += recorded.bounced
    if recorded.sent:
        report.sent += 1
    else:
        report.failed += 1


def attachments(stored: Sequence[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """The invoices' PDFs from the file store; one missing from the store is left out (the
    Communications screen says so before it goes)."""
    out = []
    for name, sha256 in stored:
        try:
            out.append((name, read_pdf(sha256)))
        except NotFoundError:
            continue
    return out


deliver_claimed = _deliver_one  # "send now" (jobs.reminders) delivers one claimed message the same way

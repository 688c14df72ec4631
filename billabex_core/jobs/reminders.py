"""People steering the reminders from a screen or the CLI (domain.md §6b), where the plan or the
mailer is needed: the action, then the account re-planned in the same transaction so the
Communications screen shows the outcome at once.

- ``edit``: the change is kept, the account re-planned (the date a business day of the customer;
  the text as of the new date unless the person wrote it).
- ``dispute`` / ``resolve`` and ``promise`` / ``cancel_promise``: the invoice leaves (or comes back
  to) the reminders now, not at the next run.
- ``send_now``: one message delivered at once, exactly once like any send (claimed and committed
  first); refused while the organisation's name is unset or the account's synced data are stale.
  It counts as the person's approval. The account's next message is planned after it.
- ``run_now``: the agent's run with delivery, for administrators.

Each takes the screen's ``session`` (``billabex_ui.call``); ``send_now`` and ``run_now`` only read
its database URL and commit in their own transactions, as a delivery must.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.utils import formataddr
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from billabex_core.db.engine import session_scope
from billabex_core.db.types import utcnow
from billabex_core.errors import ConflictError, ValidationError
from billabex_core.jobs import claims
from billabex_core.jobs.agent_run import (
    DEFAULT_FROM_ADDRESS,
    AgentReport,
    deliver_claimed,
    plan_accounts,
    run_agent,
)
from billabex_core.mail import Mailer, default_mailer
from billabex_core.models import Communication, CommunicationStatus, Dispute, Promise
from billabex_core.queries import communications as communication_queries
from billabex_core.queries import freshness
from billabex_core.services import audit, communication_actions, communications, disputes, promises, roles
from billabex_core.services.org import get_organisation


def _url(session: Session) -> str:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return engine.url.render_as_string(hide_password=False)


def _replan(session: Session, account_id: int, today: date) -> None:
    session.flush()
    plan_accounts(session=session, today=today, account_ids=[account_id])


def edit(
    *, session: Session, communication_id: int, actor: str, today: date, **changes: Any
) -> Communication:
    """``communication_actions.edit``, then the account's plan with the edit in it."""
    row = communication_actions.edit(
        session=session, communication_id=communication_id, actor=actor, today=today, **changes
    )
    _replan(session, row.account_id, today)
    session.refresh(row)
    return row


def dispute(*, session: Session, document_id: int, reason: str, actor: str, today: date) -> Dispute:
    made = disputes.dispute_invoice(session=session, document_id=document_id, reason=reason, actor=actor)
    _replan(session, made.account_id, today)
    return made


def resolve(*, session: Session, dispute_id: int, actor: str, today: date, note: str = "") -> Dispute:
    done = disputes.resolve_dispute(session=session, dispute_id=dispute_id, actor=actor, note=note)
    _replan(session, done.account_id, today)
    return done


def promise(
    *,
    session: Session,
    document_id: int,
    amount: Any,
    promised_for: date,
    actor: str,
    today: date,
    note: str = "",
) -> Promise:
    made = promises.record_promise(
        session=session,
        document_id=document_id,
        amount=amount,
        promised_for=promised_for,
        actor=actor,
        today=today,
        note=note,
    )
    _replan(session, made.account_id, today)
    return made


def cancel_promise(
    *, session: Session, promise_id: int, actor: str, today: date, reason: str = ""
) -> Promise:
    done = promises.cancel_promise(
        session=session, promise_id=promise_id, actor=actor, today=today, reason=reason
    )
    _replan(session, done.account_id, today)
    return done


@dataclass(frozen=True)
class SendOutcome:
    communication_id: int
    status: CommunicationStatus
    channel: str | None
    error: str | None


def _check_sendable(session: Session, communication_id: int, actor: str, today: date) -> tuple[int, str]:
    """Refuse what must not go out now; approve it (the person sends it as it is). Returns the
    account and the sender."""
    row = communication_actions.planned_row(session=session, communication_id=communication_id)
    if row.scheduled_for > today:
        raise ValidationError(
            f"not sent: it is planned for {row.scheduled_for.isoformat()} and its text is written for that day; "
            "edit its date to today to send it now",
            field="scheduled_for",
            code="send.future",
            params={"date": row.scheduled_for},
        )
    org = get_organisation(session=session)
    if not org.name.strip():
        raise ValidationError(
            "not sent: the organisation's name signs every reminder and is not set (Settings → Company name)",
            field="org.name",
            code="send.no_org_name",
        )
    hold = freshness.account_hold(
        session=session, account_id=row.account_id, now=utcnow(), limit_hours=org.freshness_hours
    )
    if hold:
        raise ValidationError(
            f"not sent, {hold}: sync it first",
            field="communication",
            code="send.stale",
            params={"reason": hold.removeprefix("held: ")},
        )
    if row.approved_by is None or row.status != CommunicationStatus.SCHEDULED:
        communication_actions.approve(session=session, communication_id=communication_id, actor=actor)
    audit.record(
        session=session,
        actor=actor,
        action="communication.send_now",
        entity="communication",
        entity_id=row.id,
        account_id=row.account_id,
        step_key=row.step_key,
    )
    return row.account_id, formataddr((org.name.strip(), org.sender_email or DEFAULT_FROM_ADDRESS))


def send_now(
    *, session: Session, communication_id: int, actor: str, today: date, mailer: Mailer | None = None
) -> SendOutcome:
    """Deliver one message at once, exactly once (claimed and committed before it is sent)."""
    url = _url(session)
    with session_scope(url) as s:
        account_id, sender = _check_sendable(s, communication_id, actor, today)
    report = AgentReport(today=today)
    with claims.claimer() as me:
        with session_scope(url) as s:
            if not communications.claim(session=s, communication_id=communication_id, by=me):
                raise ConflictError(
                    f"communication {communication_id} is being sent or was sent already",
                    code="send.claimed",
                    params={"communication": communication_id},
                )
        with session_scope(url) as s:
            deliver_claimed(s, communication_id, sender, mailer or default_mailer(), today, report)
    with session_scope(url) as s:
        plan_accounts(session=s, today=today, account_ids=[account_id])  # its next message
        row = s.get(Communication, communication_id)
        assert row is not None
        return SendOutcome(communication_id, row.status, row.channel, row.error)


def run_now(*, session: Session, actor: str, today: date, mailer: Mailer | None = None) -> AgentReport:
    """The agent's run with delivery, started by an administrator ("Run now")."""
    url = _url(session)
    with session_scope(url) as s:
        roles.require_admin(session=s, actor=actor)
        audit.record(session=s, actor=actor, action="agent.run_now", entity="agent", day=today)
    return run_agent(today=today, send=True, url=url, mailer=mailer)


def approve_listed(*, session: Session, actor: str, **filters: Any) -> int:
    """Bulk approve: every message of the filtered list (all its pages) not sent yet."""
    ids = communication_queries.actionable_ids(session=session, **filters)
    return communication_actions.approve_many(session=session, communication_ids=ids, actor=actor)

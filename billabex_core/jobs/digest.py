"""The daily digest to the team (domain.md §6b), sent by the worker after the day's agent run.

1. Build: the actions of the last days (``queries.digest.activity``), grouped by account, go to
   each account's referents (the administrators for an account without one). Each recipient's
   digest covers what happened since its previous one (at most ``MAX_WINDOW`` back; a first
   digest covers the last day), and is stored once per day and recipient — its key
   ``digest:<day>:<e-mail>`` is unique. Nothing happened on a recipient's accounts: no digest.
2. Deliver, exactly once, through the same mailer as the reminders: each scheduled digest is
   claimed (``sending``, committed) before it is handed to the mail server; a crash leaves it
   ``sending`` and the next run marks it failed (once the claim is stale: ``jobs.claims``)
   instead of sending it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formataddr

from sqlmodel import Session

from billabex_core.db.engine import get_engine, session_scope
from billabex_core.db.types import utcnow
from billabex_core.jobs import claims, lease
from billabex_core.mail import NOT_SENT, Mailer, build_message, default_mailer
from billabex_core.models import CommunicationStatus
from billabex_core.queries import digest as reads
from billabex_core.services import audit
from billabex_core.services import digest as digests
from billabex_core.services.org import get_organisation

MAX_WINDOW = timedelta(days=7)
FIRST_WINDOW = timedelta(days=1)
DEFAULT_FROM_ADDRESS = "billabex@localhost"
DIGEST_JOB = "digest"  # its job_state row


@dataclass
class DigestReport:
    today: date
    built: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_digests(*, today: date, url: str | None = None, mailer: Mailer | None = None) -> DigestReport:
    """One run at a time (lease ``digest``), recorded as the job's last run."""
    held = lease.acquire(get_engine(url), job=DIGEST_JOB, what="the digests")
    report, error, done = DigestReport(today=today), None, None
    try:
        with claims.claimer() as me:
            with session_scope(url) as session:
                report.failed += digests.fail_interrupted(session=session, stale=claims.is_stale)
                report.built = _build(session, today, utcnow())
            _deliver(url, today, mailer or default_mailer(), report, me)
        error, done = "; ".join(report.errors[:3]) or None, today.isoformat()
        return report
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        held.release(ok=error is None and not report.failed, error=error, day=done)


def _build(session: Session, today: date, until: datetime) -> int:
    earliest = until - MAX_WINDOW
    events = reads.activity(
        session=session, since=earliest, until=until, task_authors=(audit.AGENT, audit.SYNC)
    )
    per_account = reads.by_account(events)
    readers = reads.recipients(session=session, account_ids=per_account)
    covered = reads.covered_until(session=session, emails=[r.email for r in readers])
    names = reads.account_names(session=session, ids=per_account)
    built = 0
    for reader in readers:
        since = max(covered.get(reader.email, until - FIRST_WINDOW), earliest)
        sections = [
            (names.get(account_id, str(account_id)), fresh)
            for account_id in sorted(reader.account_ids, key=lambda a: names.get(a, ""))
            if (fresh := [e for e in per_account.get(account_id, []) if e.at > since])
        ]
        if not sections:
            continue
        text = digests.compose(language=reader.language, name=reader.name, day=today, sections=sections)
        stored = digests.store_digest(
            session=session, day=today, email=reader.email, text=text, covered_from=since, covered_until=until
        )
        built += stored is not None
    return built


def _deliver(url: str | None, today: date, mailer: Mailer, report: DigestReport, me: str) -> None:
    with session_scope(url) as session:
        due = digests.due_digests(session=session, today=today)
        org = get_organisation(session=session)
        sender = formataddr((org.name.strip(), org.sender_email or DEFAULT_FROM_ADDRESS))
    for digest_id in due:
        with session_scope(url) as session:  # the claim is committed before anything is sent
            claimed = digests.claim(session=session, digest_id=digest_id, by=me)
        if claimed:
            with session_scope(url) as session:
                _deliver_one(session, digest_id, sender, mailer, report)


def _deliver_one(session: Session, digest_id: int, sender: str, mailer: Mailer, report: DigestReport) -> None:
    row = digests.get_digest(session=session, digest_id=digest_id)
    message = build_message(
        step_key=row.key, sender=sender, to=[row.recipient], cc=[], subject=row.subject, body=row.body
    )
    status, channel, error = CommunicationStatus.SENT, None, None
    try:
        delivery = mailer.deliver(message)
        channel = delivery.channel
        if delivery.bounced:
            status, error = CommunicationStatus.FAILED, "; ".join(delivery.bounced.values())
    except NOT_SENT as exc:  # never handed over: tried again on the next run
        status, error = CommunicationStatus.SCHEDULED, f"not sent yet: {type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - unknown state: recorded, never sent again
        status, error = CommunicationStatus.FAILED, f"{type(exc).__name__}: {exc}"
    digests.record(session=session, digest_id=digest_id, status=status, channel=channel, error=error)
    if status == CommunicationStatus.SENT:
        report.sent += 1
    elif status == CommunicationStatus.FAILED:
        report.failed += 1
    if error:
        report.errors.append(f"{row.key}: {error}")

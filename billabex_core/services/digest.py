"""The daily digest e-mail (domain.md §6b): the write side.

Each team member responsible for accounts (their referents; the administrators for accounts
without one) gets, once a day, one e-mail listing what the agent and the sync did on those
accounts since their previous digest: tasks opened, messages sent, addresses refused, payments
recorded. Nothing happened: no e-mail.

- ``store_digest``: the day's row of one recipient, keyed ``digest:<day>:<e-mail>`` (unique), with
  its text and the window it covers; ``None`` when that recipient already has the day's row.
- ``claim`` / ``record`` / ``fail_interrupted``: exactly once, as for reminders — claimed
  (``sending``) and committed before delivery, never delivered twice after a crash.
Texts are data: ``digest_texts.json`` (fr, en, de, es, it, nl).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.errors import NotFoundError
from billabex_core.models import CommunicationStatus, Digest
from billabex_core.money import format_money

KINDS = ("sent", "bounced", "task", "payment")  # the order of a digest's lines and summary
ERROR_LENGTH = 1000


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, Any]]:
    texts: dict[str, dict[str, Any]] = json.loads(
        Path(__file__).with_name("digest_texts.json").read_text(encoding="utf-8")
    )
    return texts


def digest_key(day: date, email: str) -> str:
    return f"digest:{day.isoformat()}:{email.lower()}"


def _line(texts: Mapping[str, Any], event: Any, locale: str) -> str:
    if event.kind == "payment":
        amount = format_money(event.amount, event.currency or "EUR", locale=locale)
        return "- " + texts["payment"].format(amount=amount, text=event.text).rstrip()
    return "- " + texts[event.kind].format(text=event.text)


def compose(
    *, language: str | None, name: str, day: date, sections: Sequence[tuple[str, Sequence[Any]]]
) -> tuple[str, str, str]:
    """(language, subject, body): ``sections`` are (account name, its events) in order."""
    chosen = language if language in _texts() else "en"
    texts = _texts()[chosen]
    locale = texts["locale"]
    events = [e for _, evs in sections for e in evs]
    counts = {kind: sum(e.kind == kind for e in events) for kind in KINDS}
    summary = ", ".join(
        texts[f"count_{kind}"]["one" if n == 1 else "many"].format(n=n) for kind, n in counts.items() if n
    )
    parts = [texts["greeting"].format(name=name), texts["intro"]]
    for account, evs in sections:
        ordered = sorted(evs, key=lambda e: (KINDS.index(e.kind), e.at))
        parts.append("\n".join([account, *(_line(texts, e, locale) for e in ordered)]))
    parts.append(texts["footer"])
    subject = texts["subject"].format(day=format_date(day, format="long", locale=locale), summary=summary)
    return chosen, subject[:300], "\n\n".join(parts)


def store_digest(
    *,
    session: Session,
    day: date,
    email: str,
    text: tuple[str, str, str],
    covered_from: datetime,
    covered_until: datetime,
) -> Digest | None:
    """The day's digest of one recipient, scheduled; ``None`` if the day already has one."""
    key = digest_key(day, email)
    if session.exec(select(Digest.id).where(Digest.key == key)).first() is not None:
        return None
    language, subject, body = text
    row = Digest(
        key=key,
        day=day,
        recipient=email.lower(),
        language=language,
        subject=subject,
        body=body,
        covered_from=covered_from,
        covered_until=covered_until,
    )
    session.add(row)
    session.flush()
    return row


def due_digests(*, session: Session, today: date) -> list[int]:
    query = select(Digest.id).where(Digest.status == CommunicationStatus.SCHEDULED, col(Digest.day) <= today)
    return [digest_id for digest_id in session.exec(query.order_by(col(Digest.id))) if digest_id is not None]


def fail_interrupted(
    *, session: Session, stale: Callable[[str | None, datetime | None], bool] | None = None
) -> int:
    """Digests a dead run left ``sending`` (``stale(claimed_by, claimed_at)``, default all): maybe
    delivered, so failed, never sent twice; a live claim is left alone."""
    stuck = session.exec(select(Digest).where(Digest.status == CommunicationStatus.SENDING)).all()
    recovered = 0
    for row in stuck:
        if stale is None or stale(row.claimed_by, row.claimed_at):
            row.status, row.error = CommunicationStatus.FAILED, "interrupted during delivery"
            recovered += 1
    return recovered


def claim(*, session: Session, digest_id: int, by: str | None = None) -> bool:
    """``scheduled`` → ``sending`` (who, when) by one conditional UPDATE; False when someone else took it."""
    result = session.connection().execute(
        sa.update(Digest)
        .where(col(Digest.id) == digest_id, col(Digest.status) == CommunicationStatus.SCHEDULED)
        .values(status=CommunicationStatus.SENDING, claimed_by=by, claimed_at=utcnow())
    )
    return result.rowcount == 1


def get_digest(*, session: Session, digest_id: int) -> Digest:
    row = session.get(Digest, digest_id)
    if row is None:
        raise NotFoundError("digest", digest_id)
    return row


def record(
    *, session: Session, digest_id: int, status: CommunicationStatus, channel: str | None, error: str | None
) -> Digest:
    """What became of a delivery: ``sent``, ``failed``, or ``scheduled`` again (never handed over)."""
    row = get_digest(session=session, digest_id=digest_id)
    row.status, row.channel = status, channel
    row.error = error[:ERROR_LENGTH] if error else None
    if status == CommunicationStatus.SENT:
        row.sent_at = utcnow()
    return row

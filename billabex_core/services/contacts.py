"""Contacts (people at the customer who receive reminders) and internal referents.

A contact needs a name, an e-mail and a language; the name defaults to the e-mail's local part
(comptabilite@acme.com → "comptabilite"). Adding a valid contact closes the account's
missing-contact task; deleting or invalidating the last one opens it again. Deleting a contact
closes its "fix this contact" task.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from billabex_core import task_subjects as subjects
from billabex_core.clock import business_today
from billabex_core.db.types import utcnow
from billabex_core.domain.contacts import has_main_contact
from billabex_core.domain.names import default_name
from billabex_core.errors import ConflictError, NotFoundError, ValidationError
from billabex_core.models import LANGUAGES, Account, Contact, ContactUsage, Referent, Source, Task, TaskKind
from billabex_core.services import audit, tasks
from billabex_core.services.status import recompute_account

CONTACT_FIELDS = ("name", "email", "language", "role", "phone", "notes", "usage", "is_primary")


def check_email(value: str | None, *, field: str = "email") -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError("e-mail is required", field=field, code="required")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(
            f"invalid e-mail {text!r}: {exc}",
            field=field,
            code="contact.email_invalid",
            params={"value": text},
        ) from None


def check_language(value: str | None) -> str:
    code = (value or "").strip().lower()
    if code not in LANGUAGES:
        raise ValidationError(
            f"language is required: one of {', '.join(LANGUAGES)}",
            field="language",
            code="language.required",
            params={"choices": ", ".join(LANGUAGES)},
        )
    return code


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "email" in values:
        out["email"] = check_email(values["email"])
    if "name" in values:
        name = " ".join(str(values["name"] or "").split())
        out["name"] = name[:200] if name else default_name(str(out.get("email") or values.get("email") or ""))
    if "language" in values:
        out["language"] = check_language(values["language"])
    for key in ("role", "phone", "notes"):
        if key in values:
            text = str(values[key] or "").strip()
            out[key] = text or None
    if "usage" in values:
        try:
            out["usage"] = ContactUsage(values["usage"] or ContactUsage.NORMAL)
        except ValueError:
            raise ValidationError(
                f"unknown contact usage {values['usage']!r}",
                field="usage",
                code="contact.usage",
                params={"value": str(values["usage"])},
            ) from None
    if "is_primary" in values:
        out["is_primary"] = bool(values["is_primary"])
    return out


def get_contact(*, session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFoundError("contact", contact_id)
    return contact


def list_contacts(*, session: Session, account_id: int) -> list[Contact]:
    query = select(Contact).where(Contact.account_id == account_id)
    return list(session.exec(query.order_by(col(Contact.is_primary).desc(), col(Contact.id))))


def _after_change(session: Session, account_id: int, actor: str, today: date | None) -> Account:
    account = recompute_account(session=session, account_id=account_id, today=today or business_today())
    if account.contact_count > 0 and not has_main_contact(
        list_contacts(session=session, account_id=account_id)
    ):
        tasks.ensure_main_contact_task(session=session, account=account, actor=audit.AGENT)
    elif account.contact_count > 0:
        tasks.close_for_cause(
            session=session,
            kind=TaskKind.MISSING_CONTACT,
            account_id=account_id,
            actor=actor,
            note="A contact was added to the account.",
        )
    else:
        tasks.ensure_missing_contact_task(session=session, account=account, actor=audit.AGENT)
    return account


def _single_primary(session: Session, contact: Contact) -> None:
    if not contact.is_primary:
        return
    for other in list_contacts(session=session, account_id=contact.account_id):
        if other.id != contact.id and other.is_primary:
            other.is_primary = False


def add_contact(
    *,
    session: Session,
    account_id: int,
    email: str,
    language: str,
    actor: str,
    name: str | None = None,
    today: date | None = None,
    source: Source = Source.MANUAL,
    integration_id: int | None = None,
    external_id: str | None = None,
    **optional: object,
) -> Contact:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    values = _clean({"email": email, "name": name, "language": language, **optional})
    if not list_contacts(session=session, account_id=account_id):
        values["is_primary"] = True  # the first contact is primary, whatever the form's box said
    contact = Contact(account_id=account_id, integration_id=integration_id, external_id=external_id, **values)
    session.add(contact)
    session.flush()
    _single_primary(session, contact)
    audit.record(
        session=session,
        actor=actor,
        action="contact.added",
        entity="contact",
        entity_id=contact.id,
        account_id=account_id,
        email=contact.email,
        source=source.value,
    )
    _after_change(session, account_id, actor, today)
    return contact


def _check_version(contact: Contact, version: int | None) -> None:
    if version is not None and contact.version != version:
        raise ConflictError(
            f"the contact {contact.name} was changed by someone else since you opened it: "
            "reload it to see their changes, then edit again",
            code="contact.changed",
            params={"name": contact.name},
        )


def _flush(session: Session, contact: Contact) -> None:
    """Flush with the version check of the database: a write on a stale row is refused."""
    name = contact.name
    try:
        session.flush()
    except StaleDataError:
        raise ConflictError(
            f"the contact {name} was changed by someone else at the same time: reload it, then edit again",
            code="contact.changed_now",
            params={"name": name},
        ) from None


def update_contact(
    *,
    session: Session,
    contact_id: int,
    actor: str,
    today: date | None = None,
    version: int | None = None,
    **changes: object,
) -> Contact:
    """Edit a contact. Correcting a bounced contact's e-mail makes it valid again. ``version`` is the
    one the person saw: a contact changed since (by someone else) is refused (``ConflictError``)."""
    contact = get_contact(session=session, contact_id=contact_id)
    _check_version(contact, version)
    values = _clean({k: v for k, v in changes.items() if k in CONTACT_FIELDS})
    before = {k: getattr(contact, k) for k in values}
    corrected = "email" in values and values["email"] != before.get("email")
    revalidated = not contact.is_valid and bool(corrected or changes.get("mark_valid"))
    with session.no_autoflush:  # written once, by _flush, where a stale row becomes a ConflictError
        for key, value in values.items():
            setattr(contact, key, value)
        if revalidated:
            contact.is_valid, contact.invalid_reason = True, None
        contact.updated_at = utcnow()
    _flush(session, contact)
    if revalidated:
        tasks.close_for_cause(
            session=session,
            kind=TaskKind.INVALID_CONTACT,
            account_id=contact.account_id,
            contact_id=contact.id,
            actor=actor,
            note="The contact was corrected.",
        )
    _single_primary(session, contact)
    _flush(session, contact)
    audit.record(
        session=session,
        actor=actor,
        action="contact.updated",
        entity="contact",
        entity_id=contact.id,
        account_id=contact.account_id,
        before=before,
        after=values,
    )
    _after_change(session, contact.account_id, actor, today)
    return contact


def delete_contact(
    *, session: Session, contact_id: int, actor: str, today: date | None = None, version: int | None = None
) -> int:
    """Delete a contact; returns its id. Its open "fix this contact" task is closed (its cause has
    gone) and its tasks no longer point to it; the last valid one gone, the missing-contact task opens."""
    contact = get_contact(session=session, contact_id=contact_id)
    _check_version(contact, version)
    account_id = contact.account_id
    tasks.close_for_cause(
        session=session,
        kind=TaskKind.INVALID_CONTACT,
        account_id=account_id,
        contact_id=contact_id,
        actor=actor,
        note=f"The contact {contact.name} <{contact.email}> was deleted.",
    )
    for task in session.exec(select(Task).where(Task.contact_id == contact_id)):
        task.contact_id = None  # the thread keeps the task; the contact is gone
    session.flush()
    session.delete(contact)
    _flush(session, contact)
    audit.record(
        session=session,
        actor=actor,
        action="contact.deleted",
        entity="contact",
        entity_id=contact_id,
        account_id=account_id,
        email=contact.email,
    )
    _after_change(session, account_id, actor, today)
    return contact_id


def mark_invalid(
    *, session: Session, contact_id: int, reason: str, actor: str, today: date | None = None
) -> Contact:
    """A hard bounce: the contact is skipped until fixed, and an "invalid contact" task asks for it."""
    contact = get_contact(session=session, contact_id=contact_id)
    contact.is_valid, contact.invalid_reason = False, reason[:500]
    contact.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="contact.invalid",
        entity="contact",
        entity_id=contact.id,
        account_id=contact.account_id,
        reason=reason,
    )
    account = session.get(Account, contact.account_id)
    tasks.open_task(
        session=session,
        kind=TaskKind.INVALID_CONTACT,
        account_id=contact.account_id,
        contact_id=contact.id,
        subject=subjects.INVALID_CONTACT.format(
            contact=contact.name, account=account.name if account else ""
        ),
        message=subjects.INVALID_CONTACT_TEXT.format(email=contact.email, reason=reason),
        actor=actor,
    )
    _after_change(session, contact.account_id, actor, today)
    return contact


# Internal referents ------------------------------------------------------------------------


def list_referents(*, session: Session, account_id: int) -> list[Referent]:
    query = select(Referent).where(Referent.account_id == account_id)
    return list(session.exec(query.order_by(col(Referent.is_primary).desc(), col(Referent.id))))


def save_referent(
    *,
    session: Session,
    account_id: int,
    name: str,
    email: str,
    language: str,
    actor: str,
    is_primary: bool = False,
    referent_id: int | None = None,
) -> Referent:
    if session.get(Account, account_id) is None:
        raise NotFoundError("account", account_id)
    values = _clean({"email": email, "name": name, "language": language, "is_primary": is_primary})
    if referent_id is None:
        referent = Referent(account_id=account_id, **values)
        session.add(referent)
    else:
        found = session.get(Referent, referent_id)
        if found is None or found.account_id != account_id:
            raise NotFoundError("referent", referent_id)
        referent = found
        for key, value in values.items():
            setattr(referent, key, value)
    session.flush()
    if referent.is_primary:
        for other in list_referents(session=session, account_id=account_id):
            if other.id != referent.id:
                other.is_primary = False
    audit.record(
        session=session,
        actor=actor,
        action="referent.saved",
        entity="referent",
        entity_id=referent.id,
        account_id=account_id,
        email=referent.email,
    )
    return referent


def delete_referent(*, session: Session, referent_id: int, actor: str) -> int:
    referent = session.get(Referent, referent_id)
    if referent is None:
        raise NotFoundError("referent", referent_id)
    session.delete(referent)
    audit.record(
        session=session,
        actor=actor,
        action="referent.deleted",
        entity="referent",
        entity_id=referent_id,
        account_id=referent.account_id,
    )
    return referent_id

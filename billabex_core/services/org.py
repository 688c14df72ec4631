"""The organisation's settings: who "we" are (the seller), defaults for currency, terms, language."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from billabex_core.db.types import utcnow
from billabex_core.errors import ValidationError
from billabex_core.models import LANGUAGES, Organisation
from billabex_core.money import check_currency, normalise_siren, normalise_vat
from billabex_core.services import audit
from billabex_core.services.contacts import check_email

ORG_ID = 1
MAX_DAYS = 365


def get_organisation(*, session: Session) -> Organisation:
    org = session.get(Organisation, ORG_ID)
    if org is None:
        org = Organisation(id=ORG_ID)
        session.add(org)
        session.flush()
    return org


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _name(value: object, key: str) -> str:
    return " ".join(str(value or "").split())[:200]


def _country(value: object, key: str) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValidationError(f"invalid country code {value!r}", field=key)
    return code


def _language(value: object, key: str) -> str:
    if not isinstance(value, str) or value not in LANGUAGES:
        raise ValidationError(f"unsupported language {value!r}", field=key)
    return value


def _days(value: object, key: str) -> int:
    """A whole number of days between 0 and ``MAX_DAYS`` (a form gives an int or its text)."""
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(f"{key} must be a whole number of days", field=key) from None
    if not 0 <= number <= MAX_DAYS:
        raise ValidationError(f"{key} must be between 0 and {MAX_DAYS}", field=key)
    return number


# Each setting that can be changed, with the function that checks and normalises its new value.
SETTINGS: dict[str, Callable[[object, str], object]] = {
    "name": _name,
    "country": _country,
    "default_currency": lambda value, key: check_currency(_text(value), field=key),
    "default_language": _language,
    "payment_terms_days": _days,
    "pre_due_business_days": _days,
    "vat": lambda value, key: normalise_vat(_text(value), field=key),
    "siren": lambda value, key: normalise_siren(_text(value), field=key),
    "sender_email": lambda value, key: check_email(_text(value), field=key) if value else None,
}


def update_organisation(*, session: Session, actor: str, **changes: object) -> Organisation:
    """Change some settings (keyword per setting, see ``SETTINGS``); every value is checked first."""
    unknown = [key for key in changes if key not in SETTINGS]
    if unknown:
        raise ValidationError(f"unknown setting {unknown[0]}", field=unknown[0])
    clean = {key: SETTINGS[key](value, key) for key, value in changes.items()}
    org = get_organisation(session=session)
    before = {key: getattr(org, key) for key in clean}
    for key, value in clean.items():
        setattr(org, key, value)
    org.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="organisation.updated",
        entity="organisation",
        entity_id=org.id,
        before=before,
        after=clean,
    )
    return org

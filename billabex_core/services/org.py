"""The organisation's settings: who "we" are (the seller), defaults for currency, terms, language,
the payment details printed on reminders (IBAN, BIC) and how reminders go out (``reminders_mode``)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from stdnum import bic, iban
from stdnum.exceptions import ValidationError as StdnumError

from billabex_core.db.types import utcnow
from billabex_core.errors import ValidationError
from billabex_core.models import LANGUAGES, Organisation
from billabex_core.money import check_currency, normalise_siren, normalise_vat
from billabex_core.services import audit
from billabex_core.services.auth import MAX_IDLE_HOURS, MIN_IDLE_HOURS
from billabex_core.services.contacts import check_email

ORG_ID = 1
MAX_DAYS = 365
# ``automatic``: due reminders go out by themselves; ``approval``: a person approves each one
# first (domain.md §6b; the approval itself is built by the agent, this is only the setting).
REMINDER_MODES = ("automatic", "approval")


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
        raise ValidationError(
            f"invalid country code {value!r}", field=key, code="country.invalid", params={"value": value}
        )
    return code


def _language(value: object, key: str) -> str:
    if not isinstance(value, str) or value not in LANGUAGES:
        raise ValidationError(
            f"unsupported language {value!r}",
            field=key,
            code="language.unsupported",
            params={"value": value, "choices": ", ".join(LANGUAGES)},
        )
    return value


def _iban(value: object, key: str) -> str | None:
    """An IBAN (checksum verified by python-stdnum), stored compact; empty clears it."""
    text = (_text(value) or "").strip()
    if not text:
        return None
    try:
        return str(iban.validate(text))
    except StdnumError:
        raise ValidationError(
            f"invalid IBAN {value!r}", field=key, code="iban.invalid", params={"value": value}
        ) from None


def _bic(value: object, key: str) -> str | None:
    """A BIC (SWIFT code, 8 or 11 characters), stored compact; empty clears it."""
    text = (_text(value) or "").strip()
    if not text:
        return None
    try:
        return str(bic.validate(text))
    except StdnumError:
        raise ValidationError(
            f"invalid BIC {value!r}", field=key, code="bic.invalid", params={"value": value}
        ) from None


def _reminders_mode(value: object, key: str) -> str:
    mode = str(value or "").strip().lower()
    if mode not in REMINDER_MODES:
        raise ValidationError(
            f"{key} must be one of {', '.join(REMINDER_MODES)}, not {value!r}",
            field=key,
            code="setting.choice",
            params={"value": str(value), "choices": ", ".join(REMINDER_MODES)},
        )
    return mode


def _days(value: object, key: str) -> int:
    """A whole number of days between 0 and ``MAX_DAYS`` (a form gives an int or its text)."""
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationError(
            f"{key} must be a whole number of days",
            field=key,
            code="days.not_whole",
            params={"limit": MAX_DAYS},
        ) from None
    if not 0 <= number <= MAX_DAYS:
        raise ValidationError(
            f"{key} must be between 0 and {MAX_DAYS}",
            field=key,
            code="days.range",
            params={"limit": MAX_DAYS},
        )
    return number


MAX_FRESHNESS_HOURS = 24 * 30
REFERENCE_FIELDS = ("invoice",)  # placeholders of the payment reference


def _payment_reference(value: object, key: str) -> str | None:
    """The reference customers quote on their transfer; ``{invoice}`` stands for the numbers of
    the invoices a reminder lists. Empty: the invoice numbers."""
    text = " ".join(str(value or "").split())
    if not text:
        return None
    if len(text) > 140:
        raise ValidationError(
            f"{key} is longer than 140 characters", field=key, code="text.too_long", params={"limit": 140}
        )
    try:
        text.format(**{name: "" for name in REFERENCE_FIELDS})
    except (KeyError, IndexError, ValueError):
        raise ValidationError(
            f"{key}: the only placeholder is {{invoice}}", field=key, code="reference.placeholder"
        ) from None
    return text


def _hours(value: object, key: str) -> int:
    try:
        number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_FRESHNESS_HOURS:
        raise ValidationError(
            f"{key} must be a whole number of hours from 1 to {MAX_FRESHNESS_HOURS}",
            field=key,
            code="hours.range",
            params={"low": 1, "high": MAX_FRESHNESS_HOURS},
        )
    return number


def _idle_hours(value: object, key: str) -> int:
    """A login idle this long is logged out (``services.auth``): whole hours, 1 to 24."""
    try:
        number = -1 if isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        number = -1
    if not MIN_IDLE_HOURS <= number <= MAX_IDLE_HOURS:
        raise ValidationError(
            f"the idle timeout is a whole number of hours from {MIN_IDLE_HOURS} to {MAX_IDLE_HOURS}",
            field=key,
            code="hours.range",
            params={"low": MIN_IDLE_HOURS, "high": MAX_IDLE_HOURS},
        )
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
    "iban": _iban,
    "bic": _bic,
    "reminders_mode": _reminders_mode,
    "payment_reference": _payment_reference,
    "freshness_hours": _hours,
    "idle_timeout_hours": _idle_hours,
}

# The settings' public names (the CLI's ``settings show|set``, docs/cli.md) → their column.
SETTING_KEYS: dict[str, str] = {
    "org.name": "name",
    "org.country": "country",
    "org.vat": "vat",
    "org.siren": "siren",
    "org.currency": "default_currency",
    "org.language": "default_language",
    "org.payment_terms_days": "payment_terms_days",
    "org.iban": "iban",
    "org.bic": "bic",
    "reminders.mode": "reminders_mode",
    "reminders.pre_due_business_days": "pre_due_business_days",
    "reminders.payment_reference": "payment_reference",
    "reminders.freshness_hours": "freshness_hours",
    "sender.email": "sender_email",
    "security.idle_timeout_hours": "idle_timeout_hours",
}


def update_organisation(*, session: Session, actor: str, **changes: object) -> Organisation:
    """Change some settings (keyword per setting, see ``SETTINGS``); every value is checked first."""
    unknown = [key for key in changes if key not in SETTINGS]
    if unknown:
        raise ValidationError(
            f"unknown setting {unknown[0]}",
            field=unknown[0],
            code="setting.unknown",
            params={"value": unknown[0]},
        )
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


def settings_view(*, session: Session) -> dict[str, object]:
    """Every setting by its public name (``SETTING_KEYS``)."""
    org = get_organisation(session=session)
    return {key: getattr(org, column) for key, column in SETTING_KEYS.items()}


def set_setting(*, session: Session, key: str, value: object, actor: str) -> object:
    """Change one setting by its public name; returns the value stored. A bad key or value raises
    a ``ValidationError`` whose message and field name the key."""
    column = SETTING_KEYS.get(key)
    if column is None:
        raise ValidationError(
            f"unknown setting {key!r} (one of {', '.join(SETTING_KEYS)})",
            field=key,
            code="setting.unknown",
            params={"value": key},
        )
    try:
        org = update_organisation(session=session, actor=actor, **{column: value})
    except ValidationError as exc:
        raise ValidationError(f"{key}: {exc.message}", field=key, code=exc.code, params=exc.params) from None
    return getattr(org, column)

"""The organisation's settings: who "we" are (the seller), defaults for currency, terms, language."""

from __future__ import annotations

from sqlmodel import Session

from billabex_core.db.types import utcnow
from billabex_core.errors import ValidationError
from billabex_core.models import LANGUAGES, Organisation
from billabex_core.money import check_currency, normalise_siren, normalise_vat
from billabex_core.services import audit

ORG_ID = 1


def get_organisation(*, session: Session) -> Organisation:
    org = session.get(Organisation, ORG_ID)
    if org is None:
        org = Organisation(id=ORG_ID)
        session.add(org)
        session.flush()
    return org


def update_organisation(*, session: Session, actor: str, **changes: object) -> Organisation:
    org = get_organisation(session=session)
    clean: dict[str, object] = {}
    for key, value in changes.items():
        if key == "name":
            clean[key] = " ".join(str(value or "").split())[:200]
        elif key == "country":
            code = str(value or "").strip().upper()
            if len(code) != 2 or not code.isalpha():
                raise ValidationError(f"invalid country code {value!r}", field="country")
            clean[key] = code
        elif key == "default_currency":
            clean[key] = check_currency(str(value), field=key)
        elif key == "default_language":
            if value not in LANGUAGES:
                raise ValidationError(f"unsupported language {value!r}", field=key)
            clean[key] = value
        elif key in ("payment_terms_days", "pre_due_business_days"):
            number = int(value)  # type: ignore[call-overload]
            if not 0 <= number <= 365:
                raise ValidationError(f"{key} must be between 0 and 365", field=key)
            clean[key] = number
        elif key == "vat":
            clean[key] = normalise_vat(value)  # type: ignore[arg-type]
        elif key == "siren":
            clean[key] = normalise_siren(value)  # type: ignore[arg-type]
        elif key == "sender_email":
            from billabex_core.services.contacts import check_email

            clean[key] = check_email(value, field=key) if value else None  # type: ignore[arg-type]
        else:
            raise ValidationError(f"unknown setting {key}", field=key)
    before = {k: getattr(org, k) for k in clean}
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

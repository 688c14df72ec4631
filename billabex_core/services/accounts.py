"""Accounts: create, match (SIREN → VAT → external id → normalised name), edit, pause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from billabex_core.db.types import utcnow
from billabex_core.domain.names import normalise_name
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import Account, Source
from billabex_core.money import check_currency, normalise_siren, normalise_vat
from billabex_core.services import audit

EDITABLE_FIELDS = ("name", "address", "country", "currency", "vat", "siren", "language")
FUZZY_THRESHOLD = 85.0


def _clean_country(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValidationError(
            f"invalid country code: {value!r} (expected ISO 3166-1 alpha-2, e.g. FR)",
            field="country",
            code="country.invalid",
            params={"value": value},
        )
    return code


def _clean_language(value: str | None) -> str | None:
    from billabex_core.models import LANGUAGES

    if not value:
        return None
    code = value.strip().lower()[:2]
    if code not in LANGUAGES:
        raise ValidationError(
            f"unsupported language: {value!r} (one of {', '.join(LANGUAGES)})",
            field="language",
            code="language.unsupported",
            params={"value": value, "choices": ", ".join(LANGUAGES)},
        )
    return code


def clean_account_fields(**fields: Any) -> dict[str, Any]:
    """Validate and normalise the editable fields of an account (used on create and edit)."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            name = " ".join(str(value or "").split())
            if not name:
                raise ValidationError("account name is required", field="name", code="required")
            out["name"] = name[:200]
            out["normalized_name"] = normalise_name(name)
        elif key == "vat":
            out["vat"] = normalise_vat(value)
        elif key == "siren":
            out["siren"] = normalise_siren(value)
        elif key == "currency":
            out["currency"] = check_currency(value)
        elif key == "country":
            out["country"] = _clean_country(value)
        elif key == "language":
            out["language"] = _clean_language(value)
        elif key == "address":
            out["address"] = " ".join(str(value).split())[:500] if value else None
        else:
            raise ValidationError(
                f"unknown account field: {key}",
                field=key,
                code="account.field_unknown",
                params={"value": key},
            )
    return out


def get_account(*, session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    return account


def create_account(
    *,
    session: Session,
    name: str,
    actor: str,
    currency: str = "EUR",
    source: Source = Source.MANUAL,
    integration_id: int | None = None,
    external_id: str | None = None,
    **fields: object,
) -> Account:
    values = clean_account_fields(name=name, currency=currency, **fields)
    account = Account(source=source, integration_id=integration_id, external_id=external_id, **values)
    session.add(account)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="account.created",
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        name=account.name,
        source=str(source),
    )
    return account


@dataclass(frozen=True)
class AccountMatch:
    account: Account
    method: str  # siren | vat | external_id | name | fuzzy
    score: float  # 100 for exact methods

    @property
    def exact(self) -> bool:
        return self.method != "fuzzy"


def match_account(
    *,
    session: Session,
    name: str | None = None,
    siren: str | None = None,
    vat: str | None = None,
    integration_id: int | None = None,
    external_id: str | None = None,
    fuzzy: bool = True,
) -> AccountMatch | None:
    """The best existing account for these identifiers, in the order of domain.md §2."""
    for method, clause in (
        ("siren", Account.siren == siren if siren else None),
        ("vat", Account.vat == vat if vat else None),
        (
            "external_id",
            (Account.integration_id == integration_id) & (Account.external_id == external_id)
            if integration_id and external_id
            else None,
        ),
        ("name", Account.normalized_name == normalise_name(name) if name and normalise_name(name) else None),
    ):
        if clause is None:
            continue
        found = session.exec(select(Account).where(clause).order_by(col(Account.id))).first()
        if found is not None:
            return AccountMatch(found, method, 100.0)
    if fuzzy and name:
        suggestions = suggest_accounts(session=session, name=name, limit=1)
        if suggestions:
            return suggestions[0]
    return None


def suggest_accounts(*, session: Session, name: str, limit: int = 5) -> list[AccountMatch]:
    """Accounts whose normalised name is close to ``name`` (rapidfuzz WRatio ≥ 85)."""
    key = normalise_name(name)
    if not key:
        return []
    rows = session.exec(select(Account.id, Account.normalized_name)).all()
    choices = {row[0]: row[1] for row in rows}
    hits = process.extract(key, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=FUZZY_THRESHOLD)
    result = []
    for _choice, score, account_id in hits:
        account = session.get(Account, account_id)
        if account is not None:
            result.append(AccountMatch(account, "fuzzy", round(float(score), 1)))
    return result


def update_account(*, session: Session, account_id: int, actor: str, **changes: object) -> Account:
    """Edit a manual account's information. Synced accounts belong to their billing tool."""
    account = get_account(session=session, account_id=account_id)
    if account.source != Source.MANUAL:
        raise ValidationError(
            f"account {account.name!r} is synced from {account.source.value}: edit it there",
            field="source",
            code="account.synced",
            params={"name": account.name, "source": account.source.value},
        )
    values = clean_account_fields(**{k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
    before = {k: getattr(account, k) for k in values if k != "normalized_name"}
    for key, value in values.items():
        setattr(account, key, value)
    account.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="account.updated",
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        before=before,
        after={k: v for k, v in values.items() if k != "normalized_name"},
    )
    return account


def set_paused(
    *, session: Session, account_id: int, paused: bool, actor: str, reason: str | None = None
) -> Account:
    account = get_account(session=session, account_id=account_id)
    if paused and not (reason or "").strip():
        raise ValidationError(
            "say why the follow-ups are paused", field="reason", code="account.pause_reason"
        )
    account.paused = paused
    account.paused_reason = reason.strip()[:500] if paused and reason else None
    account.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="account.paused" if paused else "account.resumed",
        entity="account",
        entity_id=account.id,
        account_id=account.id,
        reason=reason,
    )
    return account

"""Integrations: connections to billing tools (domain.md §7, docs/sync.md).

Credentials are encrypted at rest (``billabex_core.secrets``) and decrypted only here, in the
core, to build a connector: no function returns them, no log line or audit event holds them.
Screens and the CLI see ``IntegrationView`` (public settings only). Running a sync is the sync
job's business (``jobs.sync_runs``), which takes the decrypted config from ``connector_config``;
the demo sandbox is started by the Integrations page, never by the core.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from billabex_core import redaction, secrets
from billabex_core.connectors import CONNECTORS, ConnectionInfo, Connector
from billabex_core.db.types import utcnow
from billabex_core.errors import NotFoundError, ValidationError
from billabex_core.models import Integration, Source, SyncCursor, SyncRun, SyncStatus
from billabex_core.services import audit
from billabex_core.services import integration_company as company
from billabex_core.services.roles import require_admin

PLANNED: dict[str, str] = {}  # providers of the CLI contract not built yet (none left)
DEMO_NAME = "Demo Pennylane"
DEMO_NAMES = {"pennylane": DEMO_NAME, "zoho_books": "Demo Zoho Books", "netsuite": "Demo NetSuite"}
MIN_SCHEDULE, MAX_SCHEDULE = 5, 7 * 24 * 60


def provider_class(provider: str) -> type[Connector]:
    key = (provider or "").strip().lower()
    if key in CONNECTORS:
        return CONNECTORS[key]
    if key in PLANNED:
        raise ValidationError(
            f"{PLANNED[key]} integration is not available yet",
            field="provider",
            code="integration.planned",
            params={"provider": PLANNED[key]},
        )
    raise ValidationError(
        f"unknown provider {provider!r} (one of {', '.join([*CONNECTORS, *PLANNED])})",
        field="provider",
        code="integration.provider",
        params={"value": provider},
    )


def providers() -> dict[str, str]:
    """Available providers, name → display name."""
    return {name: cls.display_name for name, cls in CONNECTORS.items()}


@dataclass(frozen=True)
class RunView:
    id: int
    status: SyncStatus
    full: bool
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, dict[str, int]]
    errors: list[str]
    requests: int


@dataclass(frozen=True)
class IntegrationView:
    """What a screen or ``integration list`` shows: never a secret."""

    id: int
    name: str
    provider: str
    enabled: bool
    schedule_minutes: int
    excluded_customer_ids: list[str]
    settings: dict[str, Any]  # the config without its secret keys
    last_success_at: datetime | None
    last_error: str | None
    running: bool
    last_run: RunView | None = None
    secret_keys: list[str] = field(default_factory=list)

    def data_age(self, now: datetime | None = None) -> timedelta | None:
        return None if self.last_success_at is None else (now or utcnow()) - self.last_success_at


def _run_view(run: SyncRun) -> RunView:
    return RunView(
        id=run.id or 0,
        status=run.status,
        full=run.full,
        started_at=run.started_at,
        finished_at=run.finished_at,
        counts=dict(run.counts),
        errors=list(run.errors),
        requests=run.requests,
    )


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text or len(text) > 100:
        raise ValidationError(
            "the integration name is required (at most 100 characters)", field="name", code="integration.name"
        )
    return text


def _clean_schedule(minutes: int) -> int:
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not MIN_SCHEDULE <= minutes <= MAX_SCHEDULE
    ):
        raise ValidationError(
            f"the schedule must be between {MIN_SCHEDULE} minutes and one week",
            field="schedule_minutes",
            code="integration.schedule",
            params={"low": MIN_SCHEDULE},
        )
    return minutes


def _remember_secrets(provider: str, config: Mapping[str, Any]) -> None:
    """This process redacts the config's secret values from errors, storage and logs from now on."""
    redaction.remember(config.get(key) for key in provider_class(provider).SECRET_KEYS)


def _store_config(session: Session, integration: Integration, config: Mapping[str, Any]) -> None:
    """Validate with the connector, claim the company it names (one integration per company),
    keep the excluded ids in their column, encrypt the rest."""
    _remember_secrets(integration.provider.value, config)
    clean = provider_class(integration.provider.value).validate_config(config)
    old = _config(integration) if integration.config_encrypted else {}
    company.on_config_stored(session=session, integration=integration, old=old, new=clean)
    integration.excluded_customer_ids = list(clean.pop("excluded_customer_ids", []) or [])
    integration.config_encrypted = secrets.encrypt(json.dumps(clean, sort_keys=True))


def _config(integration: Integration) -> dict[str, Any]:
    config = dict(json.loads(secrets.decrypt(integration.config_encrypted)))
    _remember_secrets(integration.provider.value, config)
    return config


def connector_config(integration: Integration) -> dict[str, Any]:
    """The decrypted config a connector needs (core only: never shown, never logged)."""
    return {**_config(integration), "excluded_customer_ids": list(integration.excluded_customer_ids)}


def _view(session: Session, integration: Integration) -> IntegrationView:
    secret_keys = provider_class(integration.provider.value).SECRET_KEYS
    try:
        settings = {k: v for k, v in _config(integration).items() if k not in secret_keys}
    except Exception:  # noqa: BLE001 - a changed secret key must not break the list
        settings = {}
    last = session.exec(
        select(SyncRun).where(SyncRun.integration_id == integration.id).order_by(col(SyncRun.id).desc())
    ).first()
    return IntegrationView(
        id=integration.id or 0,
        name=integration.name,
        provider=integration.provider.value,
        enabled=integration.enabled,
        schedule_minutes=integration.schedule_minutes,
        excluded_customer_ids=[str(i) for i in integration.excluded_customer_ids],
        settings=settings,
        last_success_at=integration.last_success_at,
        last_error=integration.last_error,
        running=integration.sync_running(),
        last_run=_run_view(last) if last is not None else None,
        secret_keys=sorted(secret_keys),
    )


def add_integration(
    *,
    session: Session,
    provider: str,
    name: str,
    config: Mapping[str, Any],
    actor: str,
    schedule_minutes: int = 60,
    enabled: bool = True,
) -> IntegrationView:
    """Add a connection (administrators)."""
    require_admin(session=session, actor=actor)
    cls = provider_class(provider)
    clean_name = _clean_name(name)
    if session.exec(select(Integration).where(Integration.name == clean_name)).first() is not None:
        raise ValidationError(
            f"an integration named {clean_name!r} already exists",
            field="name",
            code="integration.name_taken",
            params={"value": clean_name},
        )
    integration = Integration(
        name=clean_name,
        provider=Source(cls.provider),
        config_encrypted="",
        enabled=enabled,
        schedule_minutes=_clean_schedule(schedule_minutes),
    )
    _store_config(session, integration, config)
    session.add(integration)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="integration.created",
        entity="integration",
        entity_id=integration.id,
        name=clean_name,
        provider=cls.provider,
    )
    return _view(session, integration)


def get_integration(*, session: Session, integration_id: int) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFoundError("integration", integration_id)
    return integration


def find_integration(*, session: Session, name: str) -> IntegrationView:
    integration = session.exec(select(Integration).where(Integration.name == " ".join(name.split()))).first()
    if integration is None:
        raise ValidationError(
            f"no integration named {name!r} (see `integration list`)",
            field="name",
            code="integration.unknown",
            params={"value": name},
        )
    return _view(session, integration)


def list_integrations(*, session: Session, enabled_only: bool = False) -> list[IntegrationView]:
    query = select(Integration).order_by(col(Integration.name))
    if enabled_only:
        query = query.where(col(Integration.enabled).is_(True))
    return [_view(session, i) for i in session.exec(query)]


def update_integration(
    *,
    session: Session,
    integration_id: int,
    actor: str,
    name: str | None = None,
    config: Mapping[str, Any] | None = None,
    excluded_customer_ids: list[str] | None = None,
    enabled: bool | None = None,
    schedule_minutes: int | None = None,
) -> IntegrationView:
    """Change settings (administrators). ``config`` holds only the keys to change (e.g. a new
    ``api_token``); a secret left empty keeps the stored one."""
    require_admin(session=session, actor=actor)
    integration = get_integration(session=session, integration_id=integration_id)
    changed: list[str] = []
    if name is not None and _clean_name(name) != integration.name:
        clean = _clean_name(name)
        if session.exec(select(Integration).where(Integration.name == clean)).first() is not None:
            raise ValidationError(
                f"an integration named {clean!r} already exists",
                field="name",
                code="integration.name_taken",
                params={"value": clean},
            )
        integration.name = clean
        changed.append("name")
    if config or excluded_customer_ids is not None:
        merged = connector_config(integration)
        merged.update({k: v for k, v in (config or {}).items() if v not in (None, "")})
        if excluded_customer_ids is not None:
            merged["excluded_customer_ids"] = excluded_customer_ids
        _store_config(session, integration, merged)
        changed.extend(
            sorted(
                {*(config or {}), *(["excluded_customer_ids"] if excluded_customer_ids is not None else [])}
            )
        )
    if enabled is not None and enabled != integration.enabled:
        integration.enabled = enabled
        changed.append("enabled")
    if schedule_minutes is not None and schedule_minutes != integration.schedule_minutes:
        integration.schedule_minutes = _clean_schedule(schedule_minutes)
        changed.append("schedule_minutes")
    if changed:
        integration.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action="integration.updated",
            entity="integration",
            entity_id=integration.id,
            fields=changed,  # names only: values may be secrets
        )
    return _view(session, integration)


def set_enabled(*, session: Session, integration_id: int, enabled: bool, actor: str) -> IntegrationView:
    return update_integration(session=session, integration_id=integration_id, enabled=enabled, actor=actor)


def test_connection(*, session: Session, integration_id: int, actor: str) -> ConnectionInfo:
    """One cheap authenticated call with the stored credentials (administrators)."""
    require_admin(session=session, actor=actor)
    integration = get_integration(session=session, integration_id=integration_id)
    cls = provider_class(integration.provider.value)
    with cls(connector_config(integration)) as connector:
        info = connector.test_connection()
    company.claim(session=session, integration=integration, company_id=info.company_id)
    session.flush()
    return info


def test_new_connection(
    *, session: Session, provider: str, config: Mapping[str, Any], actor: str
) -> ConnectionInfo:
    """Test credentials before saving them (the Add form; administrators)."""
    require_admin(session=session, actor=actor)
    cls = provider_class(provider)
    _remember_secrets(cls.provider, config)
    with cls(cls.validate_config(config)) as connector:
        info = connector.test_connection()
    company.check_free(session=session, provider=cls.provider, company_id=info.company_id)
    return info


def reset_cursors(*, session: Session, integration_id: int, actor: str) -> int:
    """Forget the sync position: the next sync is a full scan (administrators)."""
    require_admin(session=session, actor=actor)
    cursors = list(session.exec(select(SyncCursor).where(SyncCursor.integration_id == integration_id)))
    for cursor in cursors:
        session.delete(cursor)
    audit.record(
        session=session,
        actor=actor,
        action="integration.reset",
        entity="integration",
        entity_id=integration_id,
    )
    return len(cursors)


def sync_history(*, session: Session, integration_id: int, limit: int = 20) -> list[RunView]:
    runs = session.exec(
        select(SyncRun)
        .where(SyncRun.integration_id == integration_id)
        .order_by(col(SyncRun.id).desc())
        .limit(limit)
    )
    return [_run_view(r) for r in runs]


def connect_demo(*, session: Session, actor: str, base_url: str, api_token: str) -> IntegrationView:
    """Create (or re-point) the "Demo Pennylane" integration to a running demo sandbox.

    The caller starts the sandbox (the Integrations page, through ``billabex_sandbox``) and
    passes its base URL and the token it accepts: the core never starts one itself.
    Administrators only.
    """
    require_admin(session=session, actor=actor)
    config = {"api_token": api_token, "base_url": base_url}
    existing = session.exec(select(Integration).where(Integration.name == DEMO_NAME)).first()
    if existing is None:
        return add_integration(
            session=session, provider="pennylane", name=DEMO_NAME, config=config, actor=actor
        )
    return update_integration(session=session, integration_id=existing.id or 0, config=config, actor=actor)


def connect_provider_demo(
    *, session: Session, actor: str, provider: str, config: Mapping[str, Any]
) -> IntegrationView:
    """Create (or re-point) "Demo Zoho Books" / "Demo NetSuite" to a running demo sandbox whose
    connector config the caller passes (the Integrations page, through ``billabex_sandbox``).
    Administrators only."""
    require_admin(session=session, actor=actor)
    name = DEMO_NAMES.get(provider)
    if name is None or provider == "pennylane":
        raise ValidationError(
            f"no demo for {provider!r} here (Pennylane: connect_demo)",
            field="provider",
            code="integration.no_demo",
            params={"value": provider},
        )
    existing = session.exec(select(Integration).where(Integration.name == name)).first()
    if existing is None:
        return add_integration(session=session, provider=provider, name=name, config=config, actor=actor)
    return update_integration(session=session, integration_id=existing.id or 0, config=config, actor=actor)

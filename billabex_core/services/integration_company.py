"""One integration per billing company (issue #17, point 5).

Two integrations of the same company would sync every document twice and plan every reminder
twice. So each integration stores its provider's id of the company (``provider_company_id``,
unique per provider in the database: index ``uq_integration_company``):

- Zoho Books: ``organization_id`` and NetSuite: the account id (``1234567_SB1`` and
  ``1234567-sb1`` are one account) are in the config: claimed when it is stored.
- Pennylane: the token decides the company, which only ``GET /me`` says: claimed at the first
  connection — "Test connection", or the first sync, before any record is written — and
  forgotten when the token or the base URL changes (checked again at the next connection).

A claim of a company another integration holds is a ``ValidationError`` naming that integration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from billabex_core.connectors import Connector
from billabex_core.errors import ValidationError
from billabex_core.models import Integration

CONFIG_KEYS = {"zoho_books": "organization_id", "netsuite": "account_id"}  # the id is in the config
CONNECTION_KEYS = ("api_token", "base_url")  # Pennylane: a change may mean another company
LABELS = {
    "pennylane": "Pennylane company",
    "zoho_books": "Zoho Books organization",
    "netsuite": "NetSuite account",
}


def normalised(provider: str, company_id: object) -> str | None:
    if company_id is None or not str(company_id).strip():
        return None
    text = str(company_id).strip()
    return text.upper().replace("-", "_") if provider == "netsuite" else text


def from_config(provider: str, config: Mapping[str, Any]) -> str | None:
    key = CONFIG_KEYS.get(provider)
    return normalised(provider, config.get(key)) if key else None


def _holder(
    session: Session, provider: str, company_id: str, integration_id: int | None
) -> Integration | None:
    query = select(Integration).where(
        Integration.provider == provider, Integration.provider_company_id == company_id
    )
    if integration_id is not None:
        query = query.where(Integration.id != integration_id)
    return session.exec(query).first()


def _taken(provider: str, company_id: str, holder: str) -> ValidationError:
    label = LABELS.get(provider, "company")
    return ValidationError(
        f"this {label} ({company_id}) is already connected as {holder!r}: a second integration would "
        "sync every document and plan every reminder twice",
        field=CONFIG_KEYS.get(provider, "api_token"),
        code="integration.company_taken",
        params={"provider": label.rsplit(" ", 1)[0], "company": company_id, "holder": holder},
    )


def check_free(
    *, session: Session, provider: str, company_id: object, integration_id: int | None = None
) -> None:
    """``ValidationError`` when another integration holds this company."""
    company = normalised(provider, company_id)
    if company is None:
        return
    holder = _holder(session, provider, company, integration_id)
    if holder is not None:
        raise _taken(provider, company, holder.name)


def claim(*, session: Session, integration: Integration, company_id: object) -> None:
    """Record the integration's company, unless another integration holds it."""
    provider = integration.provider.value
    check_free(session=session, provider=provider, company_id=company_id, integration_id=integration.id)
    integration.provider_company_id = normalised(provider, company_id)


def on_config_stored(
    *, session: Session, integration: Integration, old: Mapping[str, Any], new: Mapping[str, Any]
) -> None:
    """After a config is validated: claim the id it holds, or forget a Pennylane company whose
    token or base URL changed."""
    provider = integration.provider.value
    if provider in CONFIG_KEYS:
        claim(session=session, integration=integration, company_id=from_config(provider, new))
    elif any(old.get(key) != new.get(key) for key in CONNECTION_KEYS):
        integration.provider_company_id = None


def confirming(
    factory: Callable[[str, dict[str, Any]], Connector], *, engine: Engine, integration_id: int
) -> Callable[[str, dict[str, Any]], Connector]:
    """The sync's connector factory, confirming the company before the first page is read."""

    def make(provider: str, config: dict[str, Any]) -> Connector:
        connector = factory(provider, config)
        try:
            confirm(engine=engine, integration_id=integration_id, connector=connector, config=config)
        except BaseException:
            connector.close()
            raise
        return connector

    return make


def confirm(*, engine: Engine, integration_id: int, connector: Connector, config: Mapping[str, Any]) -> None:
    """Make sure the integration's company is known and its own (one ``/me`` for a Pennylane
    integration whose company is not known yet; nothing once it is). In-memory connectors of
    tests (not ``Connector`` subclasses) have no company."""
    with Session(engine) as session:
        integration = session.get(Integration, integration_id)
        if integration is None or integration.provider_company_id is not None:
            return
        provider = integration.provider.value
        company = from_config(provider, config)
        if company is None:
            if not isinstance(connector, Connector):
                return
            company = normalised(provider, connector.test_connection().company_id)
        if company is None:
            return
        claim(session=session, integration=integration, company_id=company)
        try:
            session.commit()
        except IntegrityError:  # another integration claimed it meanwhile (two first syncs at once)
            session.rollback()
            holder = _holder(session, provider, company, integration_id)
            raise _taken(provider, company, holder.name if holder else "another integration") from None

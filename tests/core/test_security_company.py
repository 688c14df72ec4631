"""The same billing company connected twice (issue #17, point 5), on SQLite and PostgreSQL.

Each integration stores its provider's company id (Pennylane: ``company.id`` of ``/me``, learnt at
the first connection; Zoho Books: ``organization_id``; NetSuite: the account id) and a second
integration of the same company is refused, with a message naming the first: it would double every
document and plan every reminder twice.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from billabex_core.db.engine import get_engine
from billabex_core.errors import ValidationError
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Document, Integration, SyncStatus
from billabex_core.services import integrations
from billabex_sandbox.pennylane import PennylaneSandbox

ZOHO = {
    "client_id": "cid",
    "client_secret": "secret-1",
    "refresh_token": "refresh-1",
    "organization_id": "20071",
}
NETSUITE = {
    "account_id": "1234567_SB1",
    "consumer_key": "ck",
    "consumer_secret": "cs-1",
    "token_id": "ti",
    "token_secret": "ts-1",
}


def _add(session: Session, provider: str, name: str, config: dict) -> integrations.IntegrationView:
    view = integrations.add_integration(
        session=session, provider=provider, name=name, config=config, actor="cli"
    )
    session.commit()
    return view


def _company(session: Session, integration_id: int) -> str | None:
    session.expire_all()
    return session.get(Integration, integration_id).provider_company_id


def test_a_zoho_organisation_is_connected_once(session: Session) -> None:
    first = _add(session, "zoho_books", "Zoho EU", ZOHO)
    assert _company(session, first.id) == "20071"
    with pytest.raises(ValidationError, match="already connected as 'Zoho EU'") as caught:
        _add(
            session, "zoho_books", "Zoho again", {**ZOHO, "client_id": "other", "refresh_token": "refresh-2"}
        )
    assert caught.value.field == "organization_id"
    session.rollback()
    _add(session, "zoho_books", "Zoho other org", {**ZOHO, "organization_id": "20072"})


def test_a_netsuite_account_is_connected_once_whatever_its_spelling(session: Session) -> None:
    first = _add(session, "netsuite", "NetSuite", NETSUITE)
    assert _company(session, first.id) == "1234567_SB1"
    with pytest.raises(ValidationError, match="already connected as 'NetSuite'"):
        _add(session, "netsuite", "NetSuite 2", {**NETSUITE, "account_id": "1234567-sb1"})
    session.rollback()


def test_changing_an_integration_onto_a_connected_company_is_refused(session: Session) -> None:
    _add(session, "zoho_books", "A", ZOHO)
    other = _add(session, "zoho_books", "B", {**ZOHO, "organization_id": "555"})
    with pytest.raises(ValidationError, match="already connected as 'A'"):
        integrations.update_integration(
            session=session, integration_id=other.id, config={"organization_id": "20071"}, actor="cli"
        )
    session.rollback()


def test_the_database_refuses_a_second_integration_of_a_company(session: Session, db_url: str) -> None:
    _add(session, "zoho_books", "A", ZOHO)
    row = {
        "name": "raw",
        "provider": "zoho_books",
        "config_encrypted": "x",
        "enabled": True,
        "schedule_minutes": 60,
        "excluded_customer_ids": [],
        "provider_company_id": "20071",
        "created_at": sa.func.now(),
        "updated_at": sa.func.now(),
    }
    with pytest.raises(IntegrityError), get_engine(db_url).begin() as conn:
        conn.execute(sa.insert(Integration.__table__).values(**row))
    with get_engine(db_url).begin() as conn:  # another provider may have the same id
        conn.execute(sa.insert(Integration.__table__).values(**{**row, "provider": "netsuite"}))


@pytest.fixture
def sandbox() -> Iterator[PennylaneSandbox]:
    with PennylaneSandbox(seed=9, customers=3, invoices=10, rate_limit=False) as box:
        yield box


def _documents(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Document)).one()


def test_a_pennylane_company_is_learnt_at_the_first_connection_and_synced_once(
    session: Session, db_url: str, sandbox: PennylaneSandbox
) -> None:
    engine = get_engine(db_url)
    first = _add(session, "pennylane", "Pennylane", sandbox.connector_config())
    assert _company(session, first.id) is None  # unknown until Pennylane says (GET /me)
    assert run_integration_sync(engine=engine, integration_id=first.id).status == SyncStatus.SUCCEEDED
    assert _company(session, first.id) == "424242"
    synced = _documents(session)
    assert synced > 0
    # the same company again, under another name (the same token, or another token of it)
    second = _add(session, "pennylane", "Pennylane bis", sandbox.connector_config())
    result = run_integration_sync(engine=engine, integration_id=second.id)
    assert result.status == SyncStatus.FAILED
    assert "already connected as 'Pennylane'" in result.errors[0]
    assert _documents(session) == synced  # nothing doubled
    session.expire_all()
    assert "already connected as 'Pennylane'" in (session.get(Integration, second.id).last_error or "")
    with pytest.raises(ValidationError, match="already connected as 'Pennylane'"):
        integrations.test_connection(session=session, integration_id=second.id, actor="cli")
    session.rollback()
    with pytest.raises(ValidationError, match="already connected as 'Pennylane'"):
        integrations.test_new_connection(
            session=session, provider="pennylane", config=sandbox.connector_config(), actor="cli"
        )


def test_a_new_token_is_checked_again(session: Session, db_url: str, sandbox: PennylaneSandbox) -> None:
    engine = get_engine(db_url)
    view = _add(session, "pennylane", "Pennylane", sandbox.connector_config())
    integrations.test_connection(session=session, integration_id=view.id, actor="cli")
    session.commit()
    assert _company(session, view.id) == "424242"
    sandbox.add_token("another-token-of-it", ["customers:readonly", "customer_invoices:readonly"])
    integrations.update_integration(
        session=session, integration_id=view.id, config={"api_token": "another-token-of-it"}, actor="cli"
    )
    session.commit()
    assert _company(session, view.id) is None  # the token may belong to another company now
    run_integration_sync(engine=engine, integration_id=view.id)
    assert _company(session, view.id) == "424242"

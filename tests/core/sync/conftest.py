"""Fixtures for the sync tests: a Pennylane sandbox over HTTP and an integration pointing to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import Session, func, select

from billabex_core.db.engine import get_engine
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.models import Account, Contact, CreditApplication, Document, DocumentKind, Payment
from billabex_core.services.integrations import add_integration
from billabex_core.sync import SyncResult
from billabex_sandbox.pennylane import PennylaneSandbox


@pytest.fixture
def pennylane_sandbox() -> Iterator[PennylaneSandbox]:
    with PennylaneSandbox(seed=11, customers=12, invoices=160, rate_limit=False, contract=True) as sandbox:
        yield sandbox
    assert sandbox.contract_violations == []  # every reply served was one Pennylane's OpenAPI allows


@pytest.fixture
def integration_id(session: Session, pennylane_sandbox: PennylaneSandbox) -> int:
    view = add_integration(
        session=session,
        provider="pennylane",
        name="demo",
        config=pennylane_sandbox.connector_config(page_size=20),
        actor="alice",
    )
    session.commit()
    return view.id


@pytest.fixture
def sync(db_url: str, integration_id: int, today: Any) -> Callable[..., SyncResult]:
    def run(**kwargs: Any) -> SyncResult:
        return run_integration_sync(
            engine=get_engine(db_url), integration_id=integration_id, today=today, **kwargs
        )

    return run


def table_counts(session: Session) -> dict[str, int]:
    session.expire_all()

    def n(model: Any, *where: Any) -> int:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    return {
        "account": n(Account),
        "contact": n(Contact),
        "invoice": n(Document, Document.kind == DocumentKind.INVOICE),
        "credit_note": n(Document, Document.kind == DocumentKind.CREDIT_NOTE),
        "payment": n(Payment),
        "credit_application": n(CreditApplication),
    }


@pytest.fixture(name="table_counts")
def table_counts_fixture() -> Callable[[Session], dict[str, int]]:
    return table_counts

"""A sync started from a screen runs on a background thread (jobs/background.py): the call returns
at once, the sync ends on its own, a member is refused before any thread starts, and a second
start while it runs follows the same sync."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from billabex_core.errors import PermissionDeniedError
from billabex_core.jobs import background
from billabex_core.models import Contact, SyncRun
from billabex_core.services import integrations, users
from billabex_sandbox.pennylane import PennylaneSandbox


@pytest.fixture
def team(session: Session) -> Session:
    for name, admin in (("ada", True), ("bob", False)):
        users.add_user(
            session=session,
            username=name,
            email=f"{name}@example.com",
            name=name,
            password="x" * 12,
            admin=admin,
        )
    session.commit()
    return session


def test_sync_now_runs_on_after_the_call_returns(team: Session) -> None:
    with PennylaneSandbox(seed=3, customers=6, invoices=30, rate_limit=False) as sandbox:
        made = integrations.add_integration(
            session=team,
            provider="pennylane",
            name="P",
            config=sandbox.connector_config(page_size=5),
            actor="ada",
        )
        team.commit()
        with pytest.raises(PermissionDeniedError):
            background.start_sync(session=team, integration_id=made.id, actor="bob")
        assert background.live_sync(made.id) is None  # refused before any thread
        live = background.start_sync(session=team, integration_id=made.id, actor="ada")
        again = background.start_sync(session=team, integration_id=made.id, actor="ada")
        assert again is live or again.done  # the running one is followed, not a second run
        assert live.finished.wait(120), "the sync did not end"
    assert live.error is None and live.result is not None and live.result.ok
    team.expire_all()
    assert team.exec(select(SyncRun)).first().finished_at is not None
    assert team.exec(select(Contact)).first() is not None
    background.forget(made.id)
    assert background.live_sync(made.id) is None

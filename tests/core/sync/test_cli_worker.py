"""`integration`, `sync` and `worker` commands, the integrations service and the schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from billabex_core.cli import main
from billabex_core.db.engine import get_engine
from billabex_core.jobs.worker import next_due, run_due
from billabex_core.models import AuditEvent, Integration, SyncRun, SyncStatus
from billabex_core.services import integrations


@pytest.fixture
def cli(db_url, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_integration_add_and_list_never_show_secrets(cli, session, pennylane_sandbox) -> None:
    config = json.dumps(pennylane_sandbox.connector_config(excluded_customer_ids=[1003]))
    code, out, _ = cli("integration", "add", "pennylane", "--name", "demo", "--config", config)
    assert code == 0 and "demo" in out
    stored = session.exec(select(Integration)).one()
    token = pennylane_sandbox.token
    assert token not in stored.config_encrypted and stored.excluded_customer_ids == ["1003"]
    assert integrations.connector_config(stored)["api_token"] == token  # decrypted inside the core only
    for args in (("integration", "list"), ("integration", "list", "--json")):
        code, out, _ = cli(*args)
        assert code == 0 and "demo" in out and token not in out
    listed = json.loads(cli("integration", "list", "--json")[1])[0]
    assert (
        listed["settings"]["base_url"] == pennylane_sandbox.base_url and "api_token" not in listed["settings"]
    )
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "integration")).all()
    assert events and all(token not in json.dumps(e.details) for e in events)


@pytest.mark.parametrize(
    ("provider", "config", "message"),
    [
        ("zoho_books", "{}", "error: the Zoho Books client_id is required"),
        ("netsuite", "{}", "error: the NetSuite account_id is required"),
        ("pennylane", "{nope", "error: --config is not valid JSON"),
        ("pennylane", "{}", "error: the Pennylane API token (api_token) is required"),
        ("sage", "{}", "error: unknown provider 'sage'"),
    ],
)
def test_integration_add_bad_input_exits_2(cli, provider, config, message) -> None:
    code, _, err = cli("integration", "add", provider, "--name", "x", "--config", config)
    assert code == 2 and err.startswith(message) and err.count("\n") == 1


def test_sync_command_prints_counts_and_fails_with_one_line(cli, pennylane_sandbox) -> None:
    config = json.dumps(pennylane_sandbox.connector_config())
    assert cli("integration", "add", "pennylane", "--name", "demo", "--config", config)[0] == 0
    code, out, _ = cli("sync", "demo")
    assert code == 0 and ("demo: partial" in out or "demo: succeeded" in out)
    assert "invoice" in out and "created" in out and "unchanged" in out and "failed" in out
    assert cli("sync", "nope")[0] == 2 and cli("sync")[0] == 2
    pennylane_sandbox.fail_next(50, status=401)
    code, out, err = cli("sync", "demo", "--full")
    assert code == 1 and err.startswith("error: demo: Pennylane rejected the API credentials")
    assert err.count("\n") == 1 and "Traceback" not in err
    pennylane_sandbox.clear_faults()
    code, out, _ = cli("sync", "--all")
    assert code == 0 and "demo:" in out


def test_next_due_backs_off_after_failures() -> None:
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    assert next_due(last_started=None, schedule_minutes=60, failures=0) is None
    assert next_due(last_started=start, schedule_minutes=60, failures=0) == start + timedelta(hours=1)
    assert next_due(last_started=start, schedule_minutes=60, failures=2) == start + timedelta(hours=4)
    assert next_due(last_started=start, schedule_minutes=60, failures=30) == start + timedelta(days=1)


def test_worker_survives_a_failing_provider(cli, session, db_url, pennylane_sandbox, caplog) -> None:
    good = json.dumps(pennylane_sandbox.connector_config())
    bad = json.dumps(pennylane_sandbox.connector_config(api_token="revoked"))
    assert cli("integration", "add", "pennylane", "--name", "broken", "--config", bad)[0] == 0
    assert cli("integration", "add", "pennylane", "--name", "good", "--config", good)[0] == 0
    code, out, _ = cli("worker", "--once")
    assert code == 0 and "broken: failed" in out and "good: " in out
    runs = {r.integration_id: r.status for r in session.exec(select(SyncRun)).all()}
    assert len(runs) == 2 and SyncStatus.FAILED in runs.values()
    assert run_due(get_engine(db_url)) == 0  # nothing is due again yet
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert run_due(get_engine(db_url), now=later) == 1  # the good one; the broken one backs off
    assert any("broken failed" in r.message for r in caplog.records)

"""Secrets and files (issue #17, point 10): no token in a stored error, a log line or the command
line; ``data/`` readable by its owner only; an SMTP password only over TLS."""

from __future__ import annotations

import io
import json
import logging
import smtplib
import stat
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from billabex_core import redaction
from billabex_core.cli import main
from billabex_core.config import get_settings, reset_settings
from billabex_core.db.engine import get_engine
from billabex_core.errors import ConfigurationError, ConnectorError
from billabex_core.jobs.sync_runs import run_integration_sync
from billabex_core.mail.delivery import OutboxMailer, SmtpMailer, build_message
from billabex_core.models import AuditEvent, Integration, SyncRun, SyncStatus
from billabex_core.services import integrations
from billabex_core.services.files import store_pdf
from billabex_sandbox.pennylane import PennylaneSandbox


@pytest.fixture(autouse=True)
def _fresh_redaction() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


@pytest.fixture
def sandbox() -> Iterator[PennylaneSandbox]:
    with PennylaneSandbox(seed=5, customers=4, invoices=12, rate_limit=False) as box:
        yield box


def _everything_stored(session: Session) -> str:
    session.expire_all()
    rows = [
        *(i.last_error or "" for i in session.exec(select(Integration))),
        *(json.dumps(r.errors) for r in session.exec(select(SyncRun))),
        *(json.dumps(e.details) for e in session.exec(select(AuditEvent))),
    ]
    return "\n".join(rows)


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)


@pytest.mark.parametrize("status", [400, 422])
def test_a_provider_echoing_the_request_puts_no_token_anywhere(
    session: Session, db_url: str, sandbox: PennylaneSandbox, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    caplog.set_level(logging.DEBUG)
    view = integrations.add_integration(
        session=session, provider="pennylane", name="Echo", config=sandbox.connector_config(), actor="cli"
    )
    session.commit()
    sandbox.fail_next(1, status=status, kind="echo")
    result = run_integration_sync(engine=get_engine(db_url), integration_id=view.id)
    assert result.status == SyncStatus.FAILED and result.errors
    assert sandbox.request_count >= 1  # the echo was served
    stored = _everything_stored(session)
    assert f"HTTP {status}" in stored  # the failure is recorded, with its status
    for where in (stored, "\n".join(result.errors), _logged(caplog)):
        assert sandbox.token not in where
    # the token comes back in the error code the connector reads: redacted, not dropped silently
    assert "[redacted]" in "\n".join(result.errors)


def test_a_stored_error_is_redacted_whoever_writes_it(
    session: Session, db_url: str, sandbox: PennylaneSandbox
) -> None:
    view = integrations.add_integration(
        session=session, provider="pennylane", name="Raw", config=sandbox.connector_config(), actor="cli"
    )
    session.commit()
    leak = f"answer: Authorization: Bearer {sandbox.token}; again {sandbox.token}"
    with get_engine(db_url).begin() as conn:  # below the ORM, as the sync engine writes
        conn.execute(sa.update(Integration.__table__).values(last_error=leak))
        conn.execute(
            sa.insert(SyncRun.__table__).values(
                integration_id=view.id,
                full=False,
                status="failed",
                started_at=sa.func.now(),
                counts={},
                errors=[leak],
                requests=0,
            )
        )
        conn.execute(
            sa.insert(AuditEvent.__table__).values(
                at=sa.func.now(),
                actor="sync",
                action="sync.failed",
                entity="integration",
                details={"error": leak, "api_token": sandbox.token},
            )
        )
    stored = _everything_stored(session)
    assert sandbox.token not in stored and stored.count("[redacted]") >= 4


def test_connector_errors_and_logs_never_carry_a_known_secret(caplog: pytest.LogCaptureFixture) -> None:
    redaction.remember(["zoho-refresh-1000.abcdef", "s3cr3t-client"])
    error = ConnectorError("Zoho said: refresh_token=zoho-refresh-1000.abcdef client s3cr3t-client")
    assert "abcdef" not in str(error) and "s3cr3t" not in str(error)
    caplog.set_level(logging.INFO)
    logging.getLogger("billabex_core.test").info("sent %s", "Zoho-oauthtoken 1000.xyz123 and s3cr3t-client")
    try:
        raise RuntimeError("boom with zoho-refresh-1000.abcdef")
    except RuntimeError:
        logging.getLogger("billabex_core.test").exception("failed")
    assert "s3cr3t" not in _logged(caplog) and "xyz123" not in _logged(caplog)
    assert "abcdef" not in _logged(caplog)


# -- integration add --config-file -------------------------------------------------------------------


def _added(db_url: str) -> dict[str, Any]:
    with Session(get_engine(db_url)) as s:
        integration = s.exec(select(Integration)).one()
        return integrations.connector_config(integration)


def test_config_file_keeps_the_token_off_the_command_line(db_url: str, tmp_path: Path, capsys) -> None:
    config = {"api_token": "from-a-file-123456", "base_url": "http://127.0.0.1:9/api"}
    path = tmp_path / "pennylane.json"
    path.write_text(json.dumps(config))
    assert (
        main(["--db", db_url, "integration", "add", "pennylane", "--name", "F", "--config-file", str(path)])
        == 0
    )
    assert _added(db_url)["api_token"] == "from-a-file-123456"
    assert "from-a-file" not in capsys.readouterr().out


def test_config_file_dash_reads_standard_input(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"api_token": "from-stdin-123456"}'))
    assert main(["--db", db_url, "integration", "add", "pennylane", "--name", "S", "--config-file", "-"]) == 0
    assert _added(db_url)["api_token"] == "from-stdin-123456"


def test_config_stays_available_and_the_two_exclude_each_other(db_url: str, tmp_path: Path, capsys) -> None:
    assert (
        main(
            [
                "--db",
                db_url,
                "integration",
                "add",
                "pennylane",
                "--name",
                "C",
                "--config",
                '{"api_token": "inline-123"}',
            ]
        )
        == 0
    )
    with pytest.raises(SystemExit) as both:
        main(
            [
                "--db",
                db_url,
                "integration",
                "add",
                "pennylane",
                "--name",
                "D",
                "--config",
                "{}",
                "--config-file",
                "-",
            ]
        )
    with pytest.raises(SystemExit) as neither:
        main(["--db", db_url, "integration", "add", "pennylane", "--name", "D"])
    assert both.value.code == 2 and neither.value.code == 2
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                db_url,
                "integration",
                "add",
                "pennylane",
                "--name",
                "D",
                "--config-file",
                str(tmp_path / "none.json"),
            ]
        )
        == 2
    )
    assert "cannot read --config-file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert (
        main(
            [
                "--db",
                db_url,
                "integration",
                "add",
                "pennylane",
                "--name",
                "D",
                "--config-file",
                str(tmp_path / "bad.json"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "is not valid JSON" in err and err.count("\n") == 1


# -- data/ is private ----------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_folder_0700_and_its_files_0600(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BILLABEX_SECRET_KEY", raising=False)
    monkeypatch.setenv("BILLABEX_DATA_DIR", str(tmp_path / "fresh" / "data"))
    reset_settings()
    data = get_settings().data_dir
    engine = get_engine()  # the default SQLite database in data/
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT 1"))
    from billabex_core import secrets

    secrets.encrypt("x")  # generates data/.secret_key
    secrets.cookie_key()
    digest = store_pdf(b"%PDF-1.4 uploaded")
    mail = build_message(step_key="k1", sender="a@b.c", to=["d@e.f"], cc=[], subject="s", body="b")
    OutboxMailer(data / "outbox").deliver(mail)
    engine.dispose()
    files = [
        data / "billabex.db",
        data / ".secret_key",
        data / ".cookie_key",
        data / "files" / digest[:2] / f"{digest}.pdf",
        *(data / "outbox").iterdir(),
    ]
    folders = [data, data / "files", data / "files" / digest[:2], data / "outbox"]
    assert {str(f): _mode(f) for f in folders} == {str(f): 0o700 for f in folders}
    assert {str(f): _mode(f) for f in files} == {str(f): 0o600 for f in files}


def test_an_existing_wide_open_data_folder_is_tightened(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "old" / "data"
    data.mkdir(parents=True, mode=0o755)
    (data / "billabex.db").touch(mode=0o644)
    data.chmod(0o755)
    (data / "billabex.db").chmod(0o644)
    monkeypatch.setenv("BILLABEX_DATA_DIR", str(data))
    reset_settings()
    get_engine().dispose()
    assert (_mode(data), _mode(data / "billabex.db")) == (0o700, 0o600)


# -- SMTP: a password only over TLS ----------------------------------------------------------------------


class _FakeSMTP:
    calls: list[str] = []

    def __init__(self, host: str, port: int, timeout: float = 30, context: Any = None) -> None:
        self.calls.append(f"connect {type(self).__name__}")

    def __enter__(self) -> _FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append("quit")

    def close(self) -> None:
        self.calls.append("close")

    def starttls(self, context: Any = None) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.calls.append("login")

    def send_message(self, message: EmailMessage) -> dict:
        self.calls.append("send")
        return {}


class _FakeSMTPSSL(_FakeSMTP):
    pass


def _smtp_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    for key, value in {
        "SMTP_HOST": "mail.example.com",
        "SMTP_USER": "billing",
        "SMTP_PASSWORD": "pw-123456",
        **env,
    }.items():
        monkeypatch.setenv(f"BILLABEX_{key}", value)
    reset_settings()
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", _FakeSMTPSSL)
    _FakeSMTP.calls = []
    return get_settings()


def _message() -> EmailMessage:
    return build_message(step_key="k", sender="a@b.c", to=["d@e.f"], cc=[], subject="s", body="b")


def test_smtp_login_without_tls_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _smtp_settings(monkeypatch)
    with pytest.raises(ConfigurationError, match="never sends a password in clear"):
        SmtpMailer(settings).deliver(_message())
    assert _FakeSMTP.calls == []  # refused before connecting


def test_smtp_login_after_starttls_or_over_smtps(monkeypatch: pytest.MonkeyPatch) -> None:
    SmtpMailer(_smtp_settings(monkeypatch, SMTP_STARTTLS="true", SMTP_PORT="587")).deliver(_message())
    assert _FakeSMTP.calls == ["connect _FakeSMTP", "starttls", "login", "send", "quit"]
    SmtpMailer(_smtp_settings(monkeypatch, SMTP_STARTTLS="false", SMTP_SSL="true", SMTP_PORT="465")).deliver(
        _message()
    )
    assert _FakeSMTP.calls == ["connect _FakeSMTPSSL", "login", "send", "quit"]


def test_smtp_without_login_may_stay_in_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _smtp_settings(monkeypatch, SMTP_USER="")
    SmtpMailer(settings).deliver(_message())
    assert _FakeSMTP.calls == ["connect _FakeSMTP", "send", "quit"]

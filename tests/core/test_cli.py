"""The command line contract (shared/spec/cli.md): exit codes, messages, output shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from billabex_core.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "billabex_core", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_init_user_export_roundtrip(db_url: str) -> None:
    assert run("--db", db_url, "init").returncode == 0
    assert run("--db", db_url, "init").returncode == 0  # idempotent
    made = run(
        "--db", db_url, "user", "add", "ada", "--email", "ada@example.com", "--name", "Ada L", "--admin"
    )
    assert made.returncode == 0, made.stderr
    assert "password: " in made.stdout
    dup = run("--db", db_url, "user", "add", "ada", "--email", "ada@example.com", "--name", "Ada L")
    assert dup.returncode == 2 and dup.stderr.strip() == "error: user ada already exists"
    assert "Traceback" not in dup.stderr
    piped = run(
        "--db",
        db_url,
        "user",
        "add",
        "bob",
        "--email",
        "b@example.com",
        "--name",
        "Bob",
        "--password-stdin",
        stdin="a-long-enough-password\n",
    )
    assert piped.returncode == 0 and "password:" not in piped.stdout
    out = run("--db", db_url, "export", "accounts")
    assert out.returncode == 0 and json.loads(out.stdout) == []


def test_bad_input_exit_2_one_line(db_url: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["--db", db_url, "user", "add", "x y", "--email", "bad", "--name", "X"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid username") and err.count("\n") == 1
    with pytest.raises(SystemExit) as info:
        main(["--db", db_url, "export", "nope"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["--db", db_url])
    assert info.value.code == 2


def test_ensure_admin_only_once(db_url: str) -> None:
    first = run("--db", db_url, "user", "ensure-admin")
    assert first.returncode == 0 and "username: admin" in first.stdout and "password:" in first.stdout
    again = run("--db", db_url, "user", "ensure-admin")
    assert again.returncode == 0 and "password" not in again.stdout


def test_export_csv_neutralises(session, db_url: str) -> None:
    from billabex_core.services.accounts import create_account

    create_account(session=session, name="@evil", actor="t")
    session.commit()
    out = run("--db", db_url, "export", "accounts", "--format", "csv")
    assert out.returncode == 0
    assert out.stdout.splitlines()[1].split(",")[1] == "'@evil"


def test_every_command_has_help_and_docs() -> None:
    """Meta-test: every CLI command answers --help and is documented in docs/cli.md."""
    from billabex_core.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    docs = (ROOT / "docs" / "cli.md").read_text()
    for name in commands:
        assert f"`{name}" in docs, f"command {name} is not documented in docs/cli.md"
        with pytest.raises(SystemExit) as info:
            main([name, "--help"])
        assert info.value.code == 0


FIXTURE = ROOT / "tests" / "fixtures" / "extraction" / "fr_invoice.pdf"


def test_import_validate_and_duplicate(db_url: str, tmp_path: Path) -> None:
    draft = run("--db", db_url, "import", str(FIXTURE), "--json")
    assert draft.returncode == 0, draft.stderr
    assert json.loads(draft.stdout)["status"] == "pending"
    done = run("--db", db_url, "import", str(FIXTURE), "--validate", "--json")
    result = json.loads(done.stdout)
    assert (
        result["status"] == "validated"
        and result["account_created"]
        and result["outstanding_balance"] == "1000.00"
    )
    again = run("--db", db_url, "import", str(FIXTURE), "--validate")
    assert again.returncode == 1
    assert (
        again.stderr.strip()
        == f"error: duplicate: this PDF was already imported as invoice F-2026-0042 (document #{result['document_id']})"
    )
    invoices = json.loads(run("--db", db_url, "export", "invoices").stdout)
    assert [(i["number"], i["remaining_amount"], i["paid_amount"]) for i in invoices] == [
        ("F-2026-0042", "1000.00", "481.47")
    ]
    bad = tmp_path / "x.pdf"
    bad.write_text("hello")
    refused = run("--db", db_url, "import", str(bad))
    assert refused.returncode == 2 and refused.stderr.strip() == f"error: not a PDF file: {bad}"

"""The ``extract`` command: JSON contract, batch form, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from billabex_core.cli import main
from billabex_core.extraction import FIELD_NAMES

from .conftest import FIXTURES


def test_single_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(FIXTURES / "fr_invoice.pdf"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"kind", "source", "fields", "warnings"}
    assert list(out["fields"]) == list(FIELD_NAMES)
    assert set(out["fields"]["number"]) == {"value", "confidence", "page", "bbox"}
    assert out["fields"]["total_incl_tax"]["value"] == "1481.47"


def test_single_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"not a pdf")
    assert main(["extract", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: not a PDF file") and err.count("\n") == 1


def test_batch_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    files = [str(FIXTURES / "de_invoice.pdf"), str(bad), str(FIXTURES / "nl_invoice.pdf")]
    assert main(["extract", *files, "--json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == files
    assert "error" in lines[1] and "kind" in lines[0] and "kind" in lines[2]


def test_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(FIXTURES / "es_invoice.pdf")]) == 0
    out = capsys.readouterr().out
    assert "A-2026/031" in out and "invoice" in out


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["extract", "--help"])
    assert info.value.code == 0
    assert "--json" in capsys.readouterr().out

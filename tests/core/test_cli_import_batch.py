"""``import FILE [FILE ...] [--validate] [--json]`` with several files and ZIPs (cli.md): one
JSON line per file (per ZIP entry), exit 1 at the end if any failed; a single file keeps the
output of a single import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from billabex_core.cli import main
from tests.batch_samples import cii_xml, facturx_pdf, invoice_pdf, zip_of


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "P-1.pdf": invoice_pdf("P-1"),
        "FX-1.pdf": facturx_pdf("FX-1"),
        "bad.txt": b"not an invoice",
        "batch.zip": zip_of(
            {"P-2.pdf": invoice_pdf("P-2"), "../evil.pdf": b"%PDF-", "X-1.xml": cii_xml("X-1")}
        ),
    }
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_several_files_and_a_zip_one_line_each(db_url, files, capsys) -> None:
    paths = [str(files[n]) for n in ("P-1.pdf", "bad.txt", "batch.zip", "FX-1.pdf")]
    code = main(["--db", db_url, "import", *paths, "--json"])
    lines = _lines(capsys.readouterr().out)
    assert code == 1  # some files failed, the others were imported
    zip_name = str(files["batch.zip"])
    assert [(x["file"], x["outcome"]) for x in lines] == [
        (paths[0], "read"),
        (paths[1], "refused"),
        (f"{zip_name}/P-2.pdf", "read"),
        (f"{zip_name}/../evil.pdf", "refused"),
        (f"{zip_name}/X-1.xml", "read"),
        (paths[3], "read"),
    ]
    assert lines[0]["status"] == "pending" and lines[0]["number"] == "P-1" and lines[0]["draft_id"]
    assert lines[1]["error"] == "not a PDF file"
    assert "unsafe name" in lines[3]["error"]
    assert len({x["batch_id"] for x in lines}) == 1
    # again: every file is a duplicate naming its draft; exit 1
    code = main(["--db", db_url, "import", str(files["P-1.pdf"]), str(files["FX-1.pdf"]), "--json"])
    again = _lines(capsys.readouterr().out)
    assert code == 1 and [x["outcome"] for x in again] == ["duplicate", "duplicate"]
    assert again[0]["existing_draft_id"] == lines[0]["draft_id"]
    assert (
        again[0]["error"]
        == f"duplicate: this file is already waiting for review (draft #{lines[0]['draft_id']})"
    )


def test_validate_a_batch_then_reimport_names_the_documents(db_url, files, capsys) -> None:
    paths = [str(files["FX-1.pdf"]), str(files["batch.zip"])]
    code = main(["--db", db_url, "import", *paths, "--validate", "--json"])
    lines = _lines(capsys.readouterr().out)
    assert code == 1  # the unsafe entry of the ZIP
    validated = [x for x in lines if x.get("status") == "validated"]
    assert [x["number"] for x in validated] == ["FX-1", "P-2", "X-1"]
    # one buyer: one account, created by the first document
    assert [x["account_created"] for x in validated] == [True, False, False]
    assert len({x["account_id"] for x in validated}) == 1
    code = main(["--db", db_url, "import", str(files["FX-1.pdf"]), str(files["P-1.pdf"])])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith(f"{files['P-1.pdf']}: draft ") and out.strip().endswith("created (invoice P-1)")
    doc = validated[0]["document_id"]
    assert err.strip() == (
        f"error: duplicate: this file was already imported as invoice FX-1 (document #{doc}): {files['FX-1.pdf']}"
    )


def test_a_batch_where_everything_is_read_exits_0(db_url, tmp_path, capsys) -> None:
    archive = tmp_path / "ok.zip"
    archive.write_bytes(zip_of({"a.pdf": invoice_pdf("A-1"), "b.pdf": invoice_pdf("A-2")}))
    assert main(["--db", db_url, "import", str(archive)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[0] for line in out] == [f"{archive}/a.pdf", f"{archive}/b.pdf"]


def test_a_single_file_keeps_the_single_output(db_url, files, capsys) -> None:
    assert main(["--db", db_url, "import", str(files["P-1.pdf"]), "--json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert set(single) == {"draft_id", "status", "existing", "kind", "number"}
    assert main(["--db", db_url, "import", str(files["bad.txt"])]) == 2
    assert capsys.readouterr().err.strip() == f"error: not a PDF file: {files['bad.txt']}"

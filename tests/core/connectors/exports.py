"""What `export` prints after a sync, in the shape the provider lifecycle tests compare with each
sandbox's own state: documents (number, total, paid, credited, remaining), payment rows, accounts
and contacts by external id. Derived rows (the "settled in <provider>" lines, ``implied:``
applications, ``billing:`` contacts) are left out: they follow rules of their own."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from billabex_core.cli import main

Doc = tuple[str, Decimal, Decimal]  # number, total, remaining


def export(db_url: str, capsys: Any, entity: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["--db", db_url, "export", entity, "--format", "json"]) == 0
    return list(json.loads(capsys.readouterr().out))


def exported(db_url: str, capsys: Any) -> dict[str, Any]:
    """The synced rows as exported; every invoice's settlement identity and status checked."""
    invoices = export(db_url, capsys, "invoices")
    for row in invoices:
        paid, credited = Decimal(row["paid_amount"]), Decimal(row["credited_amount"])
        total, left = Decimal(row["total_incl_tax"]), Decimal(row["remaining_amount"])
        assert paid + credited == total - left, row["number"]
        assert (row["invoice_status"] == "paid") == (left == 0), row["number"]
    accounts = export(db_url, capsys, "accounts")
    return {
        "invoices": {
            r["external_id"]: (r["number"], Decimal(r["total_incl_tax"]), Decimal(r["remaining_amount"]))
            for r in invoices
            if r["external_id"]
        },
        "credit_notes": {
            r["external_id"]: (r["number"], Decimal(r["total_incl_tax"]), Decimal(r["remaining_amount"]))
            for r in export(db_url, capsys, "credit-notes")
            if r["external_id"]
        },
        "payments": {
            r["external_id"]: Decimal(r["amount"])
            for r in export(db_url, capsys, "payments")
            if r["external_id"] and not r["external_id"].startswith("settled:")
        },
        "accounts": {r["external_id"]: r["name"] for r in accounts if r["external_id"] and not r["paused"]},
        "contacts": {
            r["external_id"]: r["email"].lower()
            for r in export(db_url, capsys, "contacts")
            if r["external_id"] and not r["external_id"].startswith("billing:")
        },
    }


def last_run_changed_nothing(db_url: str) -> bool:
    from sqlmodel import Session, col, select

    from billabex_core.db.engine import get_engine
    from billabex_core.models import SyncRun

    with Session(get_engine(db_url)) as s:
        run = s.exec(select(SyncRun).order_by(col(SyncRun.id).desc())).first()
        assert run is not None
        return all(
            not (c.get("created") or c.get("updated") or c.get("deleted") or c.get("failed"))
            for c in run.counts.values()
        )


def assert_same(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Section by section, the ids missing, extra or different (a readable failure)."""
    for section, want in expected.items():
        have = got[section]
        diff = {
            "missing": sorted(set(want) - set(have))[:5],
            "extra": sorted(set(have) - set(want))[:5],
            "different": [(k, have[k], want[k]) for k in sorted(set(have) & set(want)) if have[k] != want[k]][
                :5
            ],
        }
        assert not any(diff.values()), (section, diff)

"""An index for every list filter (issue #18 point 4), on SQLite and PostgreSQL: the filters that
bench/scale.py lists each lead an index of their table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCALE = Path(__file__).resolve().parents[2] / "bench" / "scale.py"


def test_every_list_filter_has_an_index(db_url) -> None:
    spec = importlib.util.spec_from_file_location("bench_scale", SCALE)
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    missing = [(label, column) for label, column, index in scale._indexes(db_url) if index == "NONE"]
    assert missing == []

"""The structure rules of docs/architecture.md, measured as ``bench/structure.py`` measures them.

import-linter (``make test`` runs ``lint-imports``) checks the layers between packages; these
tests check what it cannot: no cycle between the parts of ``billabex_core`` counting imports
inside functions, the size limits, and that every ``# type: ignore`` says why.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _structure() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_structure", ROOT / "bench" / "structure.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


STRUCTURE = _structure()
FIGURES = STRUCTURE.measure()


def test_no_import_cycle_between_parts_of_the_core() -> None:
    assert FIGURES["cycles"] == []


def test_the_sync_engine_imports_no_service() -> None:
    assert FIGURES["sync_to_services"] == 0


def test_no_module_over_400_lines() -> None:
    assert FIGURES["big_modules"] == []


def test_no_function_over_60_lines() -> None:
    assert FIGURES["long_functions"] == []


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    unexplained = []
    for path in STRUCTURE.source_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "# type: ignore" in line and not re.search(r"# type: ignore\[[a-z-, ]+\]\s+#\s*\S", line):
                unexplained.append(f"{path.relative_to(ROOT)}:{number}")
    assert unexplained == []


def test_the_measure_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The script is not blind: a cycle, a long function and a big module are found."""
    core = tmp_path / "billabex_core"
    for part in ("a", "b"):
        (core / part).mkdir(parents=True)
        (core / part / "__init__.py").write_text("")
    (core / "a" / "x.py").write_text("def f():\n    from billabex_core.b import y\n")
    (core / "b" / "y.py").write_text("from billabex_core.a import x\n" + "\n" * 400)
    body = "\n".join(f"    v{i} = {i}" for i in range(61))
    (core / "b" / "z.py").write_text(f"def long():\n{body}\n")
    original = STRUCTURE.ROOT
    STRUCTURE.ROOT = tmp_path
    try:
        figures = STRUCTURE.measure()
    finally:
        STRUCTURE.ROOT = original
    assert figures["cycles"] == [["a", "b"]]
    assert [name for name, _ in figures["big_modules"]] == ["billabex_core/b/y.py"]
    assert [name.split(" ")[-1] for name, _ in figures["long_functions"]] == ["long"]

"""Structure figures of ``billabex_core`` (and the screens), read with ``ast``.

One command: ``python bench/structure.py`` prints a table — import cycles between the parts of
``billabex_core`` (imports inside functions counted), imports from ``sync/`` to ``services/``,
modules over 400 lines, functions over 60 lines, and ``# type: ignore`` comments. Migrations and
tests are left out, as the structure rules say.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ("billabex_core", "billabex_ui", "billabex_sandbox", "pages")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def source_files() -> list[Path]:
    files = [ROOT / "app.py"] if (ROOT / "app.py").exists() else []
    for tree in TREES:
        if (ROOT / tree).is_dir():
            files += sorted((ROOT / tree).rglob("*.py"))
    return [f for f in files if "migrations" not in f.parts]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_statements(path: Path) -> list[list[str]]:
    """Every import statement of a file, at any depth (imports inside functions count), each as
    the modules it may bring in (``from a import b`` may be module ``a`` or module ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [[alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append([base, *(f"{base}.{alias.name}" for alias in node.names)])
    return found


def imported_modules(path: Path) -> list[str]:
    return [module for statement in import_statements(path) for module in statement]


def part_of(module: str) -> str | None:
    """The part of billabex_core a module belongs to (``services``, ``sync``, ...)."""
    bits = module.split(".")
    if bits[0] != "billabex_core":
        return None
    return bits[1] if len(bits) > 1 else None


def part_graph(files: list[Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in files:
        here = part_of(module_name(path))
        if here is None:
            continue
        for target in imported_modules(path):
            there = part_of(target)
            if there and there != here and (ROOT / "billabex_core" / there).exists():
                graph[here].add(there)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one part (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", length))
    return found


def measure() -> dict[str, object]:
    files = source_files()
    core = [f for f in files if f.parts[len(ROOT.parts)] == "billabex_core"]
    graph = part_graph(core)
    sync_to_services = sum(
        1
        for f in core
        if part_of(module_name(f)) == "sync"
        for statement in import_statements(f)
        if any(part_of(t) == "services" for t in statement)
    )
    big_modules = [
        (str(f.relative_to(ROOT)), n)
        for f in files
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    functions = [fn for f in files for fn in long_functions(f)]
    ignores = sum(f.read_text(encoding="utf-8").count("# type: ignore") for f in core)
    return {
        "cycles": cycles(graph),
        "sync_to_services": sync_to_services,
        "big_modules": big_modules,
        "long_functions": functions,
        "type_ignores": ignores,
    }


def main() -> int:
    figures = measure()
    rows = [
        ("import cycles between parts of billabex_core", len(figures["cycles"])),
        ("imports from sync/ to services/", figures["sync_to_services"]),
        (f"modules over {MAX_MODULE_LINES} lines", len(figures["big_modules"])),
        (f"functions over {MAX_FUNCTION_LINES} lines", len(figures["long_functions"])),
        ("'# type: ignore' in billabex_core", figures["type_ignores"]),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}} | value")
    print(f"{'-' * width}-|------")
    for name, value in rows:
        print(f"{name:<{width}} | {value}")
    for cycle in figures["cycles"]:
        print("cycle:", " <-> ".join(cycle))
    for name, n in figures["big_modules"]:
        print(f"module {name}: {n} lines")
    for name, n in sorted(figures["long_functions"], key=lambda x: -x[1]):
        print(f"function {name}: {n} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every error of the core that a screen may show carries a code (``BillabexError.code``): the
screens show ``error.<code>`` in the user's language, never the English message. Only the CLI
(``billabex_core/cli``), which speaks English, may raise an error without one.

The scan reads the source (every call of an error class outside ``cli/``) and resolves each name
through the module it is written in, so that two classes of the same name (the connectors' own
``PermissionDeniedError``) are told apart."""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import textwrap
from pathlib import Path

from billabex_core.errors import BillabexError
from billabex_core.messages import Template

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "billabex_core"


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "cli" in parts or "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


def _resolve(node: ast.expr, scope: dict[str, object]) -> object:
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, scope)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _takes_code(cls: type) -> bool:
    return "code" in inspect.signature(cls).parameters


def _is_template(node: ast.expr, scope: dict[str, object], init: ast.FunctionDef) -> bool:
    """A ``messages.Template`` of the module, or a parameter of ``__init__`` typed as one."""
    if isinstance(_resolve(node, scope), Template):
        return True
    if isinstance(node, ast.Subscript):  # QUOTA[...]: a mapping of templates
        table = _resolve(node.value, scope)
        return isinstance(table, dict) and all(isinstance(v, Template) for v in table.values())
    typed = {a.arg: ast.unparse(a.annotation) for a in init.args.args if a.annotation is not None}
    return isinstance(node, ast.Name) and typed.get(node.id) == "Template"


def _sets_code(cls: type) -> bool:
    """A class whose own ``__init__`` does not take a code gives its parent one (``code=``, or a
    ``messages.Template``, which carries its code) or sets ``self.code``."""
    if "__init__" not in cls.__dict__:
        return True  # its parent's __init__ is checked as a class of its own
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    init = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    scope = vars(sys.modules[cls.__module__])
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and any(k.arg == "code" for k in node.keywords):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
            and any(_is_template(a, scope, init) for a in node.args)
        ):
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr == "code" for t in node.targets
        ):
            return True
    return False


def uncoded_calls() -> list[str]:
    """``path:line: Class`` of every call of an error class that leaves the code unset."""
    found = []
    for name, path in _modules():
        module = importlib.import_module(name)
        scope = vars(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            cls = _resolve(node.func, scope)
            if not (isinstance(cls, type) and issubclass(cls, BillabexError)):
                continue
            if _takes_code(cls) and not any(k.arg == "code" for k in node.keywords):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {cls.__name__}")
    return found


def _subclasses(cls: type[BillabexError]) -> list[type[BillabexError]]:
    out: list[type[BillabexError]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def uncoded_classes() -> list[str]:
    for name, _path in _modules():
        importlib.import_module(name)
    return sorted(
        f"{cls.__module__}.{cls.__name__}"
        for cls in _subclasses(BillabexError)
        if cls.__module__.startswith("billabex_core.")
        and ".cli" not in cls.__module__
        and not _takes_code(cls)
        and not _sets_code(cls)
    )


def test_every_error_the_core_raises_outside_the_cli_has_a_code() -> None:
    assert uncoded_calls() == []


def test_every_error_class_that_takes_no_code_sets_one() -> None:
    assert uncoded_classes() == []


class _Coded(BillabexError):
    def __init__(self, what: str) -> None:
        super().__init__(f"bad {what}", code="x.bad", params={"what": what})


class _Uncoded(BillabexError):
    def __init__(self, what: str) -> None:
        super().__init__(f"bad {what}")


def test_the_scan_tells_a_class_that_sets_a_code() -> None:
    assert _sets_code(_Coded) and not _sets_code(_Uncoded)
    assert not _takes_code(_Coded) and _takes_code(BillabexError)


def test_the_scan_sees_a_call_without_a_code() -> None:
    from billabex_core import errors

    tree = ast.parse('ValidationError("x", field="y")\nValidationError("x", code="c")')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    scope = vars(errors)
    resolved = [_resolve(c.func, scope) for c in calls]
    assert resolved == [errors.ValidationError, errors.ValidationError]
    assert [any(k.arg == "code" for k in c.keywords) for c in calls] == [False, True]

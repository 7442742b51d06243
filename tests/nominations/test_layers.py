"""The call for nominations comes before the jury: nothing it loads may load the jury's code."""

from __future__ import annotations

import ast
from pathlib import Path

import kommunpris

SRC = Path(kommunpris.__file__).parent


def _module_file(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (SRC / relative / "__init__.py", SRC / relative.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(name: str, path: Path) -> set[str]:
    """The kommunpris modules a module imports when it is loaded (not under TYPE_CHECKING, not
    inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and not _is_type_checking(node):
                visit(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body + node.orelse + node.finalbody)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)

    visit(ast.parse(path.read_text()).body)
    return {n for n in found if n.startswith("kommunpris.") and _module_file(n) is not None}


def _loaded_by(start: str) -> dict[str, str]:
    """Every kommunpris module loading `start` loads, each with the module that imports it."""
    seen = {start: ""}
    todo = [start]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        assert path is not None, name
        parents = [".".join(name.split(".")[:i]) for i in range(2, name.count(".") + 1)]
        for imported in [*parents, *_imports(name, path)]:
            if imported not in seen and _module_file(imported) is not None:
                seen[imported] = name
                todo.append(imported)
    return seen


def _chain(seen: dict[str, str], name: str) -> list[str]:
    chain = [name]
    while seen[chain[-1]]:
        chain.append(seen[chain[-1]])
    return chain[::-1]


def test_nominations_code_loads_nothing_of_the_jury():
    modules = sorted(
        "kommunpris." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in (SRC / "nominations").rglob("*.py")
        if "migrations" not in path.parts
    )
    starts = ["kommunpris.permissions.nominations", *(m.removesuffix(".__init__") for m in modules)]
    into_jury = {}
    for start in starts:
        seen = _loaded_by(start)
        jury = sorted(n for n in seen if n.startswith("kommunpris.jury"))
        if jury:
            into_jury[start] = " → ".join(_chain(seen, jury[0]))
    assert into_jury == {}


def test_the_import_graph_sees_an_import_of_the_jury():
    # The check above would pass by finding nothing; the jury's own permissions load the jury.
    assert "kommunpris.jury.models" in _loaded_by("kommunpris.permissions.jury")

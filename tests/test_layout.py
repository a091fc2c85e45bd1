"""The package layout holds: stages import only the shared layer below them, never each
other, and no import hides inside a function to dodge a cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import newsdesk

PACKAGE = Path(newsdesk.__file__).resolve().parent
STAGES = {"ingest", "stories", "write", "verify", "publish"}
SHARED = {
    "language",
    "records",
    "store",
    "config",
    "errors",
    "engine",
    "compute",
    "dumps",
    "retrying",
}
TOP = {"api", "cli", "desk", "__init__", "__main__"}
ALLOWED = {("verify", "newsdesk.write.base")}
"""The one sanctioned crossing: the gate sends flagged sentences back through the writer's
revision protocol."""


def imports(path: Path) -> Iterator[tuple[str, bool]]:
    """Every ``newsdesk`` module ``path`` imports, and whether the import sits in a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "newsdesk" or name.startswith("newsdesk."):
                yield name, id(node) in nested


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def edges() -> Iterator[tuple[str, str, str, bool]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        source = relative.parts[0].removesuffix(".py")
        for target, nested in imports(path):
            yield str(relative), source, target, nested


def test_every_module_is_in_a_known_layer() -> None:
    names = {
        p.name.removesuffix(".py")
        for p in PACKAGE.iterdir()
        if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert names <= STAGES | SHARED | TOP, names - (STAGES | SHARED | TOP)


def test_stages_import_only_the_shared_layer() -> None:
    crossings = [
        f"{path} imports {target}"
        for path, source, target, _ in edges()
        if source in STAGES
        and layer(target) not in SHARED | {source}
        and (source, target) not in ALLOWED
    ]
    assert crossings == []


def test_the_shared_layer_imports_no_stage() -> None:
    upward = [
        f"{path} imports {target}"
        for path, source, target, _ in edges()
        if source in SHARED and layer(target) not in SHARED
    ]
    assert upward == []


def test_no_import_of_newsdesk_hides_in_a_function() -> None:
    hidden = [f"{path} imports {target}" for path, _, target, nested in edges() if nested]
    assert hidden == []


def test_the_packages_form_no_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for _, source, target, _ in edges():
        if layer(target) != source and source != "__init__":
            graph.setdefault(source, set()).add(layer(target))
    seen: dict[str, int] = {}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        if seen.get(node) == 1:
            raise AssertionError(f"import cycle: {' -> '.join((*trail, node))}")
        if seen.get(node) == 2:
            return
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, (*trail, node))
        seen[node] = 2

    for node in sorted(graph):
        visit(node, ())

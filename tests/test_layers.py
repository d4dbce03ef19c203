"""The package's import graph: layers only point down and no module imports itself back.

Built from the source with ``ast`` (imports inside functions count too: a lazy import is still a
dependency), so the test sees what a reader sees.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import from its own layer or any layer below, never above.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "settings", "schema", "schema_docs", "jsonsafe", "indicators", "periods", "i18n", "chart_render",
     "themes", "data"),
    ("engines",),
    ("workspace",),
    ("ingest", "resonance"),
    ("signals",),
    ("index",),
    ("chain",),
    ("companies",),
    ("pipeline", "update"),
    ("demo",),
    ("publish",),
    ("web", "cli"),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "dramascope").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """module → the package modules it imports (``from a import b`` counts ``a.b`` when that is a module)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "dramascope":
                    graph[name].add(target)
    return graph


def _layer_of(module: str) -> int:
    top = module.split(".")[1] if "." in module else module
    for rank, members in enumerate(LAYERS):
        if top in members:
            return rank
    raise AssertionError(f"{module}: its package {top!r} is in no layer of tests/test_layers.py")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_package_is_in_a_layer():
    for module in import_graph():
        if module != "dramascope":
            _layer_of(module)


def test_imports_only_point_down():
    upward = sorted(f"{a} -> {b}" for a, targets in import_graph().items() if a != "dramascope"
                    for b in targets if _layer_of(b) > _layer_of(a))
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


def test_no_import_cycles_between_modules():
    cycles = _cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_no_import_cycles_between_packages():
    graph = import_graph()
    packages: dict[str, set[str]] = {}
    for a, targets in graph.items():
        pa = a.split(".")[1] if "." in a else a
        for b in targets:
            pb = b.split(".")[1] if "." in b else b
            if pa != pb:
                packages.setdefault(pa, set()).add(pb)
    cycles = _cycles(packages)
    assert not cycles, "package cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_checker_sees_an_upward_import_and_a_cycle():
    graph = {"dramascope.signals.x": {"dramascope.web.app"}, "dramascope.web.app": {"dramascope.signals.x"}}
    assert _layer_of("dramascope.web.app") > _layer_of("dramascope.signals.x")
    assert _cycles(graph) == [["dramascope.signals.x", "dramascope.web.app"]]

"""The package's import graph: layers only point down and no module imports itself back.

Built from the source with ``ast`` (imports inside functions count too: a lazy import is still a
dependency), so the test sees what a reader sees.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import from its own layer or any layer below, never above.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "settings", "schema", "jsonsafe", "indicators", "periods", "i18n", "chart_render",
     "themes", "data", "csv_safety", "output_files", "writer_lock", "snapshots", "name_keys", "paging"),
    ("engines",),
    ("workspace", "read_state"),
    ("ingest", "resonance"),
    ("signals",),
    ("index",),
    ("chain",),
    ("companies",),
    ("pipeline", "update", "precompute"),
    ("demo",),
    ("publish", "schema_docs"),
    ("web", "cli", "__main__"),
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


# -- the engine contract: only engines/ touches a connection or asks which engine it is ---------------

CONNECTION_ATTRIBUTES = {"con", "session"}
"""Attributes that hold an engine's connection (the Ibis backend, the Spark session)."""
ENGINE_ONLY_ATTRIBUTES = {"raw"}
"""Attributes of an engine object that hold a driver connection (``raw`` is also an ordinary name for
unparsed text elsewhere, so it counts only when read off something called engine)."""
ENGINE_KINDS = {"duckdb", "spark"}
DATABASE_CLIENTS = {"duckdb", "pyspark"}


def _names_an_engine(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return text in ("engine", "eng") or text.endswith((".engine", "._engine"))


def engine_leaks(source: str, where: str = "<source>") -> list[str]:
    """Places in ``source`` that reach past the Engine interface: a connection attribute, an engine's
    driver, a comparison with an engine's name or kind, an isinstance test on a concrete engine class,
    or an import of a database client."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            if node.attr in CONNECTION_ATTRIBUTES:
                found.append(f"{line}: .{node.attr} ({ast.unparse(node)})")
            elif node.attr in ENGINE_ONLY_ATTRIBUTES and _names_an_engine(node.value):
                found.append(f"{line}: .{node.attr} ({ast.unparse(node)})")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "name" and _names_an_engine(s.value) for s in sides) \
                    or any(isinstance(s, ast.Constant) and s.value in ENGINE_KINDS for s in sides):
                found.append(f"{line}: asks which engine ({ast.unparse(node)})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance" \
                and len(node.args) == 2 and any(n.endswith("Engine") and n != "Engine"
                                                for n in re.findall(r"\w+", ast.unparse(node.args[1]))):
            found.append(f"{line}: asks which engine ({ast.unparse(node)})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) \
                else [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            if any(m.split(".")[0] in DATABASE_CLIENTS for m in modules) \
                    or any(m.startswith("dramascope.engines.") and m.split(".")[2] not in ("base", "Engine",
                                                                                        "UpsertCounts", "open_engine")
                           for m in modules):
                found.append(f"{line}: imports {', '.join(modules)}")
    return found


def test_only_engines_touch_a_connection_or_ask_which_engine():
    leaks = []
    for module, path in sorted(_modules().items()):
        if module.split(".")[1:2] != ["engines"]:
            leaks += engine_leaks(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert not leaks, "reaching past the Engine interface (add an Engine method instead):\n" + "\n".join(leaks)


def test_the_engine_checker_sees_each_kind_of_leak():
    leaks = [
        "ws.engine.con.execute(e)", "engine.session.sql(q)", "ws.engine.raw.execute(q)",
        "x = ws.engine.name == 'spark'", "y = 'duckdb' != settings.engine",
        "isinstance(ws.engine, SparkEngine)", "from pyspark.sql import functions",
        "import duckdb", "from dramascope.engines.duckdb_engine import DuckDBEngine",
        "from dramascope.engines import spark_engine",
    ]
    for source in leaks:
        assert engine_leaks(source), source
    fine = ["chunk.raw", "ws.engine.count(t)", "ws.engine.scalar(e)", "decl.name == 'titles'",
            "isinstance(x, Engine)", "from dramascope.engines import Engine, open_engine", "engine.name",
            "from dramascope.engines.base import UpsertCounts"]
    for source in fine:
        assert not engine_leaks(source), source

"""The rooms of ``sim`` and the one direction their imports point in.

Every module of ``sim`` belongs to a room (a subpackage, or one of the few top-level modules);
a room may import only the rooms below it. The test reads imports with ``ast``, so it sees
imports inside functions too, and also checks that no two modules import each other in a
circle and that modules stay small.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The rooms from the bottom up: a room may import the rooms of the layers below its own.
LAYERS = [
    ["statemachines"],
    ["sim.errors"],
    ["sim.events"],
    ["sim.engine"],
    ["sim.io"],
    ["sim.scenarios", "sim.scale"],
    ["sim.traffic"],
    ["sim.coverage", "sim.testing", "sim.pictures"],
    ["sim.web"],
    ["sim.platform"],
    ["sim.cli"],
]
ALLOWED: dict[str, set[str]] = {
    room: {below for lower in LAYERS[:depth] for below in lower}
    for depth, layer in enumerate(LAYERS)
    for room in layer
}
#: The servers do not need Hypothesis (the command line does, for ``devicesim fuzz`` only,
#: and imports it when that command runs).
ALLOWED["sim.web"].discard("sim.testing")
ALLOWED["sim.platform"].discard("sim.testing")
#: Top-level modules of ``sim`` that gather the rooms for users: they may import any room.
GATHERERS = {"sim", "sim.__main__", "sim.pytest_plugin"}
#: Data tables may be longer than the modules that work on them.
TABLES = ("catalogue", "table")
MAX_LINES = 300


def modules() -> Iterator[tuple[str, Path]]:
    for package in ("sim", "statemachines"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def room(module: str) -> str:
    if module in GATHERERS:
        return module
    if module.startswith("statemachines"):
        return "statemachines"
    parts = module.split(".")
    return ".".join(parts[:2])


def imports(module: str, path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            # ``from sim.cli import render`` imports the module sim.cli.render.
            found |= {
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULE_NAMES
                else node.module
                for alias in node.names
            }
    return {name for name in found if name.split(".")[0] in ("sim", "statemachines")}


MODULES = dict(modules())
MODULE_NAMES = set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    here = room(module)
    if here in GATHERERS:
        return
    wrong = sorted(
        name
        for name in imports(module, MODULES[module])
        if room(name) != here and room(name) not in ALLOWED[here]
    )
    assert not wrong, f"{module} ({here}) imports {wrong}, outside {sorted(ALLOWED[here])}"


def test_no_import_cycles() -> None:
    graph = {m: {i for i in imports(m, p) if i in MODULES} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state and module not in GATHERERS:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module: str) -> None:
    path = MODULES[module]
    if any(word in path.stem for word in TABLES):
        return
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"


def test_every_room_says_what_it_owns() -> None:
    for package in sorted({p.parent for p in MODULES.values() if p.name == "__init__.py"}):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
        assert "may import" in doc, (
            f"{package.relative_to(ROOT)}/__init__.py: say what the room owns and may import"
        )


def test_no_module_name_is_shared() -> None:
    stems: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        if path.name not in ("__init__.py", "__main__.py"):
            stems.setdefault(path.stem, []).append(module)
    shared = {stem: names for stem, names in stems.items() if len(names) > 1}
    assert not shared, f"module names used twice: {shared}"


def test_every_exception_lives_in_sim_errors() -> None:
    found = []
    for module, path in MODULES.items():
        if module == "sim.errors" or module.startswith("statemachines"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                (
                    b.id
                    if isinstance(b, ast.Name)
                    else b.attr
                    if isinstance(b, ast.Attribute)
                    else ""
                ).endswith(("Error", "Exception"))
                for b in node.bases
            ):
                found.append(f"{module}.{node.name}")
    assert found == []


def test_only_the_fuzz_command_imports_testing_and_only_when_it_runs() -> None:
    """Hypothesis is slow to import: every other command starts without it."""
    for module, path in MODULES.items():
        if room(module) != "sim.cli":
            continue
        tree = ast.parse(path.read_text())
        at_top = [
            node.module
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim.testing")
        ]
        anywhere = {name for name in imports(module, path) if room(name) == "sim.testing"}
        assert not at_top, f"{module} imports {at_top} when it is loaded"
        assert not anywhere or module == "sim.cli.fuzz_command", f"{module} imports {anywhere}"

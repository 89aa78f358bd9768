"""A set of scenario files: collecting them, selecting with ``-k``, running them.

Collection takes ``*.yaml`` and ``*.yml`` files under the given paths (files are taken as
given). Selection follows pytest's ``-k``: words matched case-insensitively against the path,
the name and the tags, combined with and, or, not and parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import ScenarioError, UsageError
from sim.scenarios.load import load_scenario
from sim.scenarios.model import Scenario
from sim.scenarios.results import Result
from sim.scenarios.runner import run_scenario

SUFFIXES = (".yaml", ".yml")
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def collect(paths: Sequence[str | Path]) -> list[Path]:
    """Scenario files under ``paths``, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return list(dict.fromkeys(found))


def matcher(expression: str | None) -> Callable[[str], bool]:
    """A predicate for ``-k EXPR`` (None matches everything)."""
    if not expression:
        return lambda text: True
    pieces = []
    for token in _TOKEN.findall(expression):
        if token in ("and", "or", "not", "(", ")"):
            pieces.append(token)
        else:
            pieces.append(f"({token.casefold()!r} in text)")
    code = " ".join(pieces)
    try:
        compiled = compile(code, "<-k>", "eval")
    except SyntaxError as exc:
        raise UsageError(f"-k: cannot parse {expression!r}") from exc
    return lambda text: bool(eval(compiled, {"__builtins__": {}}, {"text": text.casefold()}))


@dataclass
class SuiteResult:
    """Results of the scenarios that ran, and the files that could not be read."""

    results: list[Result] = field(default_factory=list)
    invalid: list[ScenarioError] = field(default_factory=list)
    deselected: int = 0

    @property
    def failed(self) -> list[Result]:
        """The scenarios that failed."""
        return [r for r in self.results if not r.passed]


def load_all(files: Iterable[Path]) -> Iterator[Scenario | ScenarioError]:
    """Each file read, or the error that says why it could not be."""
    for path in files:
        try:
            yield load_scenario(path)
        except ScenarioError as error:
            yield error


def run_all(
    files: Sequence[Path], *, keyword: str | None = None, first_failure: bool = False
) -> SuiteResult:
    """Read, select and run scenario files."""
    wanted = matcher(keyword)
    suite = SuiteResult()
    for item in load_all(files):
        if isinstance(item, ScenarioError):
            suite.invalid.append(item)
            continue
        if not wanted(f"{item.path} {item.name} {' '.join(item.tags)}"):
            suite.deselected += 1
            continue
        suite.results.append(run_scenario(item))
        if first_failure and suite.failed:
            break
    return suite

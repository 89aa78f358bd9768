"""pytest plugin: every scenario file is a test item, reported as ``devicesim run`` reports it.

Registered through the ``pytest11`` entry point, so any project that installs the package
gets it. Which folders hold scenarios is the ini option ``devicesim_scenarios`` (default
``scenarios``, relative to the rootdir). Tags become keywords, so ``pytest -k data-quota``
selects by tag. An invalid file is a collection error whose message is the one-line
``path:line:col: ...`` that ``devicesim validate`` prints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.errors import ScenarioError, ScenarioFailed
from sim.scenarios.load import load_scenario
from sim.scenarios.model import Scenario
from sim.scenarios.runner import run_scenario
from sim.scenarios.suite import SUFFIXES

INI = "devicesim_scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ini option naming the scenario folders."""
    parser.addini(
        INI,
        type="linelist",
        default=["scenarios"],
        help="folders whose *.yaml / *.yml files are devicesim scenarios",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect YAML files under the configured scenario folders."""
    if file_path.suffix not in SUFFIXES:
        return None
    roots = [(parent.config.rootpath / folder).resolve() for folder in parent.config.getini(INI)]
    if any(file_path.resolve().is_relative_to(root) for root in roots):
        scenario_file: pytest.Collector = ScenarioFile.from_parent(parent, path=file_path)
        return scenario_file
    return None


class ScenarioFile(pytest.File):
    """One scenario file: one item, or a collection error naming file, line and column."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            scenario = load_scenario(Path(os.path.relpath(self.path)))
        except ScenarioError as error:
            raise self.CollectError(str(error)) from None
        yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioItem(pytest.Item):
    """Running one scenario."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.extra_keyword_matches.update(scenario.tags)

    def runtest(self) -> None:
        result = run_scenario(self.scenario)
        if not result.passed:
            lines = [line for failure in result.failures for line in failure.lines()]
            raise ScenarioFailed(self.scenario.name, lines, path=str(self.scenario.path))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return "\n".join(excinfo.value.lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.scenario.name}"

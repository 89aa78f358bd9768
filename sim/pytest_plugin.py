"""The pytest plugin's entry point (``pytest11``); the plugin lives in ``sim.scenarios``.

Kept here so that ``-p sim.pytest_plugin`` and the registered entry point stay stable.
"""

from sim.scenarios.plugin import (
    ScenarioFile,
    ScenarioItem,
    pytest_addoption,
    pytest_collect_file,
)

__all__ = ["ScenarioFile", "ScenarioItem", "pytest_addoption", "pytest_collect_file"]

"""What running a scenario gives: per step what happened and the states after it, and the
failures, each with where it was written, the device it is about and the causes behind it.
Plain data: the CLI, the pytest plugin, coverage and templates read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.engine.fleet import Fleet
from sim.engine.trace import TraceEntry
from sim.scenarios.model import Scenario, ScenarioStep


@dataclass
class Failure:
    """One failed check: where it was written, what was wrong, and why the state is what it is.

    ``device`` and ``endpoint`` name the device it is about (None for organisation-level
    checks); the text names it when ``named`` (a scenario with more than one device)."""

    where: str
    step: int | None
    message: str
    causes: list[str] = field(default_factory=list)
    device: str | None = None
    endpoint: int | None = None
    named: bool = False

    @property
    def text(self) -> str:
        """What was wrong, with the device it is about when the scenario has several."""
        if self.named and self.device is not None:
            return f"device {self.device} (endpoint {self.endpoint}): {self.message}"
        return self.message

    def lines(self) -> list[str]:
        """The failure as the CLI and the pytest plugin print it."""
        head = f"{self.where}: " + (f"step {self.step}: " if self.step else "") + self.text
        return [head, *(f"    because {cause}" for cause in self.causes)]


@dataclass
class StepReport:
    """What one step did: its trace entries (the event and anything it set off), and every
    device's machines, views and attributes after it (by alias), as expectations name them."""

    step: ScenarioStep
    entries: list[TraceEntry]
    states: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Result:
    """The outcome of one scenario."""

    scenario: Scenario
    failures: list[Failure] = field(default_factory=list)
    steps: list[StepReport] = field(default_factory=list)
    seconds: float = 0.0
    #: Everything the fleet did, set-up included: what coverage counts.
    trace: list[TraceEntry] = field(default_factory=list)
    #: Every device's states after the set-up, before the first step (see ``StepReport``).
    start: dict[str, dict[str, str]] = field(default_factory=dict)
    #: The fleet as the run left it: what "what if" questions (a preview) are asked of.
    fleet: Fleet | None = None
    #: The payloads the steps sent (built or given as ``event_json``), by the event key of
    #: their trace entry: what a report shows when an event is hovered.
    payloads: dict[tuple[int | None, int, float | None], Mapping[str, Any]] = field(
        default_factory=dict
    )

    @property
    def passed(self) -> bool:
        """True when every check held."""
        return not self.failures

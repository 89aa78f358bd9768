"""The model of a scenario: set-up devices, steps, expectations (plain data, no I/O).

A scenario replays a sequence of events against devices set up in known states and asserts
states per step and at the end (see docs/scenarios.md for the format). ``sim.scenario_file``
reads one from YAML; ``sim.runner`` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.engine.initial import InitialState

DEFAULT_ORGANISATION = 1
FIRST_ENDPOINT = 1001
#: The alias of the one device a scenario without ``setup.devices`` has.
IMPLICIT_DEVICE = "device"


@dataclass(frozen=True)
class Expectation:
    """``subject``'s ``name`` must be ``state``; ``where`` is the ``path:line:col`` of it."""

    subject: str
    name: str
    state: str
    where: str


@dataclass
class ScenarioStep:
    """One step: an event (by catalogue name, as JSON, or from a file), a wait, or a set."""

    number: int
    where: str
    action: str
    label: str
    device: str | None = None
    type_id: int | None = None
    variant: str = ""
    service_profile: str | None = None
    subject: str | None = None
    after: float = 1.0
    seconds: float = 0.0
    quota: dict[str, Any] = field(default_factory=dict)
    event_json: dict[str, Any] | None = None
    events_file: Path | None = None
    sets: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None
    outcome_where: str = ""
    expect: list[Expectation] = field(default_factory=list)


@dataclass
class Scenario:
    """A whole scenario file, checked."""

    path: Path
    name: str
    description: str
    tags: list[str]
    mode: str
    start: float
    organisation: int
    devices: dict[str, int]
    profiles: dict[str, int]
    initial: InitialState
    expiries: dict[tuple[str, str], float]
    steps: list[ScenarioStep]
    expect: list[Expectation]

    @property
    def strict(self) -> bool:
        """Strict mode: an unexpected inconsistent event fails the scenario."""
        return self.mode == "strict"


@dataclass
class Setup:
    """What ``setup`` declares: aliases, ids and the initial state they start in."""

    start: float = 0.0
    organisation: int = DEFAULT_ORGANISATION
    devices: dict[str, int] = field(default_factory=dict)
    profiles: dict[str, int] = field(default_factory=dict)
    initial: InitialState = field(default_factory=InitialState)
    #: (device alias, data_quota or sms_quota) -> when the set-up quota expires.
    expiries: dict[tuple[str, str], float] = field(default_factory=dict)

"""An editable scenario: what the playground works on.

A session is a set-up, a script of steps (as a scenario file writes them) and a position in it:
the steps before the position have happened. Sending an event cuts the script at the position
and appends the step, so undo and redo, and stepping a loaded scenario backwards and forwards,
are the same move. Every question is answered by running the scenario up to the position
through the ordinary runner, so the playground can never disagree with ``devicesim run``: in
lenient mode (an impossible event is followed, with a warning), unless a loaded scenario is
strict, whose impossible events are kept out as the lesson teaches. ``saved()`` writes the
session as a scenario that ``devicesim run`` passes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.engine.trace import SET_TYPE
from sim.engine.vocabulary import MACHINES, VIEWS
from sim.errors import ScenarioError, UsageError
from sim.events.catalogue import EventType
from sim.io.safe_yaml import load_document
from sim.scenarios.load import read_scenario
from sim.scenarios.results import Result
from sim.scenarios.writer import scenario_text

#: What the playground opens with: one in-service device, its organisation and a service
#: profile for the profile events to name.
PLAYGROUND_SETUP: dict[str, Any] = {
    "organisation": {"id": 100, "name": "Playground"},
    "service_profiles": {"profile": {"id": 7}},
    "devices": {"device": {"endpoint": 1001, "service_profile": "profile"}},
}
#: Who an organisation-level entity event is about when the playground sends one.
SUBJECTS = {"cloudconnect": "385", "openvpn": "jane@example.com", "user": "jane@example.com"}
#: Keys of a loaded step that check states: a session shows them instead. (``outcome`` stays:
#: a strict lesson says which of its events are impossible.)
CHECKS = ("expect", "expect_organisation")
#: How the runner says a strict scenario met an impossible event nobody expected.
_UNEXPECTED = "unexpected inconsistent event"
#: A step that changes nothing: a scenario needs one, and the set-up alone is asked of it.
_NOTHING = {"wait": "0s"}
_ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


@dataclass
class Session:
    """A scenario being played: set-up, script, position, and the device events go to."""

    name: str = "Playground"
    description: str = "Played in the devicesim playground."
    setup: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(PLAYGROUND_SETUP))
    script: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0
    start: str | None = None
    mode: str = "lenient"
    #: Where the scenario's relative files (``events_file``) are found.
    path: Path = Path("playground.yaml")
    selected: str = "device"
    #: The last run, and the position it ran to: every answer until the session changes.
    _run_at: tuple[int, Result] | None = field(default=None, repr=False)

    def document(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """The scenario document of the set-up and ``steps``."""
        document: dict[str, Any] = {"name": self.name, "description": self.description}
        document |= {"mode": self.mode} | ({"start": self.start} if self.start else {})
        return document | {"setup": self.setup, "steps": steps}

    def _run(self, steps: list[dict[str, Any]]) -> Result:
        result = self._attempt(steps)
        if result.failures:
            raise UsageError(result.failures[0].message)
        return result

    def _attempt(self, steps: list[dict[str, Any]]) -> Result:
        from sim.scenarios.runner import run_scenario  # the runner needs the whole engine

        text = scenario_text(self.document(steps or [_NOTHING]))
        return run_scenario(read_scenario(text, self.path))

    def result(self) -> Result:
        """The scenario run up to the position (remembered until the session changes)."""
        if self._run_at is None or self._run_at[0] != self.position:
            self._run_at = (self.position, self._run(self.script[: self.position]))
        return self._run_at[1]

    @property
    def devices(self) -> dict[str, int]:
        """Every device alias and its endpoint id."""
        return self.result().scenario.devices

    def states(self) -> dict[str, dict[str, str]]:
        """Every device's machines, views and attributes at the position."""
        result = self.result()
        return result.steps[-1].states if self.position and result.steps else result.start

    def send(self, step: dict[str, Any]) -> None:
        """Play a step at the position (the script after it is dropped); a step the scenario
        format refuses leaves the session as it was (ScenarioError or UsageError)."""
        steps = [*self.script[: self.position], step]
        tried = self._attempt(steps)
        if tried.failures and tried.failures[0].message.startswith(_UNEXPECTED):
            # Strict: the event is refused, and the step says that it is impossible.
            steps[-1] = {**step, "outcome": "inconsistent"}
        result = self._run(steps)
        self.script, self.position = steps, len(steps)
        self._run_at = (self.position, result)

    def event_step(self, etype: EventType, variant: str) -> dict[str, Any]:
        """The step that sends ``etype`` (in ``variant``) to the selected device."""
        step: dict[str, Any] = {"event": etype.name}
        if etype.scope == "endpoint":
            step["device"] = self.selected
        if etype.scope == "service_profile" and not self.setup.get("service_profiles"):
            self.setup["service_profiles"] = copy.deepcopy(PLAYGROUND_SETUP["service_profiles"])
            self._run_at = None
        if etype.subject == "entity":
            step["subject"] = SUBJECTS[etype.machines[0]]
        if variant == "rejected":
            step["rejected"] = True
        elif variant and variant != etype.default_variant:
            step["variant"] = variant
        return step

    def undo(self) -> bool:
        """Step back; False when at the start."""
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def redo(self) -> bool:
        """Step forward through the script; False when at its end. A step that cannot run
        (a loaded scenario's recording that is missing) leaves the position where it was."""
        if self.position >= len(self.script):
            return False
        self.position += 1
        try:
            self.result()
        except (ScenarioError, UsageError):
            self.position -= 1
            raise
        return True

    def add_device(self, alias: str, state: Mapping[str, str]) -> None:
        """Set up another device (in service unless ``state`` says otherwise) and select it."""
        if not _ALIAS.fullmatch(alias):
            raise UsageError(
                f"device name {alias!r}: letters, digits, - and _, starting with a letter"
            )
        devices = self.setup.setdefault("devices", {})
        if alias in self.devices:
            raise UsageError(f"there is a device {alias!r} already")
        ids = [*self.devices.values(), 1000]
        entry: dict[str, Any] = {"endpoint": max(ids) + 1}
        if self.setup.get("service_profiles"):
            entry["service_profile"] = next(iter(self.setup["service_profiles"]))
        if state:
            entry["state"] = dict(state)
        before = copy.deepcopy(self.setup)
        devices[alias] = entry
        self._run_at = None
        try:
            self.result()
        except (ScenarioError, UsageError):
            self.setup = before
            self._run_at = None
            raise
        self.selected = alias

    def select(self, alias: str) -> None:
        """Send device events to another device."""
        if alias not in self.devices:
            raise UsageError(f"no device {alias!r}; the devices are {', '.join(self.devices)}")
        self.selected = alias


def load_session(path: Path) -> Session:
    """A session of a scenario file: its set-up, and its steps (checks removed) to step
    through from the start."""
    document = load_document(str(path))
    if not isinstance(document, dict) or not isinstance(document.get("steps"), list):
        raise UsageError(f"{path}: not a scenario")
    script = [
        {key: value for key, value in step.items() if key not in CHECKS}
        for step in document["steps"]
        if isinstance(step, dict)
    ]
    session = Session(
        name=str(document.get("name", path.stem)),
        description=str(document.get("description", "")).strip(),
        setup=document.get("setup") or {},
        script=script,
        start=str(document["start"]) if document.get("start") else None,
        mode="strict" if document.get("mode", "strict") == "strict" else "lenient",
        path=path,
    )
    session.selected = next(iter(session.devices))
    return session


def saved(session: Session) -> str:
    """The session up to its position as a scenario file that ``devicesim run`` passes: each
    step with its outcome and the states it changed, and every device's states at the end."""
    result = session.result()
    several = len(result.start) > 1
    before = result.start
    steps = []
    for raw, report in zip(session.script[: session.position], result.steps, strict=True):
        step = dict(raw)
        events = [e for e in report.entries if not e.synthesised and e.type_id != SET_TYPE]
        if events and ("event" in raw or "event_json" in raw):
            step["outcome"] = events[0].outcome
        changed = {
            alias: {name: value for name, value in states.items() if before[alias][name] != value}
            for alias, states in report.states.items()
        }
        changed = {alias: values for alias, values in changed.items() if values}
        if changed:
            step["expect"] = changed if several else next(iter(changed.values()))
        steps.append(step)
        before = report.states
    document = session.document(steps or [_NOTHING])
    document["expect"] = {
        alias: {name: states[name] for name in (*VIEWS, *MACHINES)}
        for alias, states in session.states().items()
    }
    return scenario_text(document)

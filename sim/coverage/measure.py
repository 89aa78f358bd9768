"""Transition coverage: which states, transitions and rules a set of runs exercised.

Counted from the trace: every transition a step used (no-op rows included: "a repeated
Update location is a valid no-op" is behaviour worth a test), every rule that changed
something, every precondition that refused an event, and the states devices started in.
The universe is the machine tables and the rule table, so coverage follows the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sim.engine.machines import RUNNERS
from sim.engine.rules import PRECONDITIONS, RULES
from sim.engine.state import DeviceState
from sim.engine.trace import TraceEntry
from sim.engine.vocabulary import DEVICE_NAMES, MACHINES, STATE_ATTRIBUTES, attribute_text
from sim.scenarios.results import Result

Transition = tuple[str, str]  # (source state, trigger)


def rules_of(machine: str) -> list[str]:
    """The rules that change ``machine`` and the preconditions of events that drive it."""
    found = [rule.name for rule in RULES if any(m == machine for m, _ in rule.effects)]
    for precondition in PRECONDITIONS:
        if any(m == machine for m, _ in precondition.triggers):
            found.append(precondition.name)
    return found


ALL_RULES = [rule.name for rule in RULES] + [p.name for p in PRECONDITIONS]
_DESTS = {name: {(s, t): d for s, t, d in runner.moves()} for name, runner in RUNNERS.items()}


def label(transition: Transition, machine: str) -> str:
    """``source --trigger--> dest`` for reports."""
    source, trigger = transition
    return f"{source} --{trigger}--> {_DESTS[machine][transition]}"


@dataclass
class Coverage:
    """What was exercised, per machine."""

    states: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    transitions: dict[str, set[Transition]] = field(default_factory=lambda: defaultdict(set))
    rules: set[str] = field(default_factory=set)
    #: The values the device attributes people read took (``STATE_ATTRIBUTES``).
    attributes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_trace(self, entries: Iterable[TraceEntry]) -> None:
        """Count the transitions, rules, states and attribute values of trace entries."""
        for entry in entries:
            for machine, source, trigger in entry.moves:
                self.transitions[machine].add((source, trigger))
                self.states[machine] |= {source, _DESTS[machine][(source, trigger)]}
            self.rules.update(entry.checks)
            for item in entry.changes:
                if item.change.machine in STATE_ATTRIBUTES:
                    self.attributes[item.change.machine] |= {item.change.source, item.change.dest}

    def add_device(self, state: DeviceState) -> None:
        """Count the states and attribute values a device started in."""
        for machine in MACHINES:
            self.states[machine].add(getattr(state, machine))
        for name in STATE_ATTRIBUTES:
            self.attributes[name].add(attribute_text(getattr(state, name)))

    def add_state(self, machine: str, state: str) -> None:
        """Count one state of an organisation-level machine."""
        self.states[machine].add(state)

    def report(self) -> dict[str, Any]:
        """Per machine and in total: covered, total and missed states, transitions, rules."""
        machines = {name: self._machine(name) for name in RUNNERS}
        total = {
            part: {
                "covered": sum(m[part]["covered"] for m in machines.values())
                if part != "rules"
                else len(self.rules & set(ALL_RULES)),
                "total": sum(m[part]["total"] for m in machines.values())
                if part != "rules"
                else len(ALL_RULES),
            }
            for part in ("states", "transitions", "rules")
        }
        total["rules"]["missed"] = [r for r in ALL_RULES if r not in self.rules]
        attributes = {
            name: _part(DEVICE_NAMES[name], self.attributes[name], str) for name in STATE_ATTRIBUTES
        }
        return {"machines": machines, "total": total, "attributes": attributes}

    def _machine(self, name: str) -> dict[str, Any]:
        runner = RUNNERS[name]
        transitions = [(s, t) for s, t, _ in runner.moves()]
        rules = rules_of(name)
        return {
            "states": _part(runner.states, self.states[name], str),
            "transitions": _part(transitions, self.transitions[name], lambda t: label(t, name)),
            "rules": _part(rules, self.rules, str),
        }


def _part(universe: Iterable[Any], covered: set[Any], show: Any) -> dict[str, Any]:
    everything = list(dict.fromkeys(universe))
    missed = [show(item) for item in everything if item not in covered]
    return {"covered": len(everything) - len(missed), "total": len(everything), "missed": missed}


def coverage_of(results: Iterable[Result]) -> Coverage:
    """What a set of scenario runs exercised: their traces and their set-up states."""
    coverage = Coverage()
    for result in results:
        coverage.add_trace(result.trace)
        for device in result.scenario.initial.devices.values():
            coverage.add_device(device.state)
        for organisation in result.scenario.initial.organisations.values():
            coverage.add_state("organisation", organisation.organisation)
            for switches in organisation.service_profiles.values():
                for machine, state in switches.items():
                    coverage.add_state(machine, state)
    return coverage

"""Running a scenario: drive a fleet step by step and check every expectation.

Each step's event is built as the platform would send it and applied through the same parser
and engine as a real replay. A failing expectation reports where it was written, expected vs
actual, and the causes behind the actual state (the steps and rules that last changed it).
The first failing step ends the scenario: later states would only repeat the same story.
"""

from __future__ import annotations

import time
from os import PathLike
from pathlib import Path
from typing import Any

from sim.engine.digest import TraceDigest
from sim.engine.fleet import Fleet
from sim.engine.machines import RUNNERS
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.trace import TraceEntry
from sim.engine.views import refusal_reason
from sim.engine.vocabulary import DEVICE_NAMES, MACHINES, STATE_ATTRIBUTES, VIEWS
from sim.engine.why import Device as WhyDevice
from sim.engine.why import explain
from sim.errors import DeviceSimError
from sim.events.build import build_event, timestamp
from sim.events.catalogue import CATALOGUE, UNKNOWN_REFUSAL
from sim.io.replay import replay
from sim.scenarios.event_step import AUTO_REASON
from sim.scenarios.load import load_scenario
from sim.scenarios.model import Expectation, Scenario, ScenarioStep
from sim.scenarios.results import Failure, Result, StepReport


class _Run:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.fleet = Fleet(scenario.initial, lenient=not scenario.strict, trace=True)
        self.now = scenario.start
        self.next_id = 1
        self.step_of: list[int] = []
        self.result = Result(scenario)

    @property
    def trace(self) -> list[TraceEntry]:
        assert self.fleet.trace is not None
        return self.fleet.trace

    def start(self) -> None:
        self.fleet.advance_to(self.scenario.start)
        for (alias, quota), moment in self.scenario.expiries.items():
            self.fleet.schedule_expiry(self.scenario.devices[alias], quota, moment)
        self._mark(0)
        self.result.start = self._states()

    def _fail(
        self,
        where: str,
        step: int | None,
        message: str,
        causes: list[str] | None = None,
        device: str | None = None,
    ) -> None:
        """Record a failure about ``device`` (an alias; None for the organisation)."""
        endpoint = self.scenario.devices.get(device) if device else None
        named = len(self.scenario.devices) > 1
        failure = Failure(where, step, message, causes or [], device, endpoint, named)
        self.result.failures.append(failure)

    def _mark(self, number: int) -> None:
        self.step_of += [number] * (len(self.trace) - len(self.step_of))

    def run_step(self, step: ScenarioStep) -> bool:
        before = len(self.trace)
        try:
            ACTIONS[step.action](self, step)
        except (ValueError, DeviceSimError) as exc:  # an impossible set, an unreadable file
            self._fail(step.where, step.number, str(exc), device=step.device)
            return False
        self._mark(step.number)
        entries = self.trace[before:]
        self.result.steps.append(StepReport(step, entries, self._states()))
        self._check_outcome(step, entries)
        for expectation in step.expect:
            self._check(expectation, step.number)
        return not self.result.failures

    def _states(self) -> dict[str, dict[str, str]]:
        return {
            alias: {name: self.fleet.value(endpoint, name) for name in DEVICE_NAMES}
            for alias, endpoint in self.scenario.devices.items()
        }

    def _event(self, step: ScenarioStep) -> None:
        assert step.type_id is not None
        self.now += step.after
        scope = CATALOGUE[step.type_id].scope
        endpoint = (
            self.scenario.devices[step.device] if scope == "endpoint" and step.device else None
        )
        variant = step.variant
        if variant == f"rejected:{AUTO_REASON}":
            variant = f"rejected:{self._reason(endpoint)}"
        quota: dict[str, Any] = {"volume": step.quota["volume"]} if "volume" in step.quota else {}
        if "expiry" in step.quota:
            quota["expiryDate"] = timestamp(self.now + step.quota["expiry"])
        event = build_event(
            step.type_id, event_id=self._id(), time=self.now, organisation=self.scenario.organisation,
            endpoint=endpoint, variant=variant, quota=quota,
            service_profile=self.scenario.profiles.get(step.service_profile or ""), subject=step.subject,
        )  # fmt: skip
        self._send(event)

    def _send(self, event: dict[str, Any]) -> None:
        """Apply an event as the platform sends it, keeping its payload for reports."""
        self.result.payloads[self.fleet.apply(event).event_key] = event

    def _reason(self, endpoint: int | None) -> str:
        """The reason the platform would give for refusing a data session now."""
        if endpoint is None:
            return UNKNOWN_REFUSAL
        return refusal_reason(self.fleet.state(endpoint), self.fleet.context(endpoint))

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _event_json(self, step: ScenarioStep) -> None:
        assert step.event_json is not None
        self.now += step.after
        self._send({"id": self._id(), "timestamp": timestamp(self.now)} | step.event_json)

    def _events_file(self, step: ScenarioStep) -> None:
        assert step.events_file is not None
        digest = TraceDigest()
        self.fleet.ledger.sink = digest
        try:
            replay([step.events_file], fleet=self.fleet)
        finally:
            self.fleet.ledger.sink = None
        self.trace.extend(digest.entries())
        self.now = max(self.now, self.fleet.clock.now or self.now)

    def _wait(self, step: ScenarioStep) -> None:
        self.now += step.seconds
        self.fleet.advance_to(self.now)

    def _set(self, step: ScenarioStep) -> None:
        for machine, state in step.sets.items():
            endpoint = self.scenario.devices[step.device] if step.device else None
            profile = self.scenario.profiles.get(step.service_profile or "")
            self.fleet.set_state(
                endpoint, machine, state, organisation=self.scenario.organisation,
                profile=profile, by="scenario",
            )  # fmt: skip

    def _check_outcome(self, step: ScenarioStep, entries: list[TraceEntry]) -> None:
        events = [e for e in entries if not e.synthesised]
        if step.outcome is not None:
            if not events:
                message = f"expected outcome {step.outcome}, but no event was applied"
                self._fail(step.outcome_where, step.number, message, device=step.device)
            elif events[0].outcome != step.outcome:
                why = [*events[0].warnings, *events[0].notes]
                message = f"expected outcome {step.outcome}, got {events[0].outcome}"
                self._fail(step.outcome_where, step.number, message, why, step.device)
            return
        bad = [e for e in events if e.outcome in (INCONSISTENT, INVALID)]
        if bad and self.scenario.strict:
            message = f"unexpected {bad[0].outcome} event ({bad[0].type_name}) in strict mode"
            self._fail(step.where, step.number, message, list(bad[0].warnings), step.device)

    def _actual(self, expectation: Expectation) -> str:
        org = self.fleet.organisations[self.scenario.organisation]
        subject = expectation.subject
        if subject in self.scenario.devices:
            return self.fleet.value(self.scenario.devices[subject], expectation.name)
        if subject == "organisation":
            return org.organisation
        kind, _, key = subject.partition(":")
        if kind == "profile":
            return org.profile(self.scenario.profiles[key])[expectation.name]
        return org.entities.get(kind, {}).get(key, RUNNERS[kind].initial)

    def _check(self, expectation: Expectation, step: int | None) -> None:
        actual = self._actual(expectation)
        if actual != expectation.state:
            message = (
                f"expected {_who(expectation)}{expectation.name} {expectation.state}, got {actual}"
            )
            device = expectation.subject if expectation.subject in self.scenario.devices else None
            self._fail(expectation.where, step, message, self._causes(expectation), device)

    def _causes(self, expectation: Expectation) -> list[str]:
        """Why the device's actual value is what it is: the chains of causes ``devicesim why``
        prints (``sim.engine.why``), with events named by their step."""
        endpoint = self.scenario.devices.get(expectation.subject)
        if endpoint is None or expectation.name not in (*VIEWS, *MACHINES, *STATE_ATTRIBUTES):
            return []
        device = WhyDevice(
            endpoint, self.fleet.state(endpoint), self.fleet.context(endpoint),
            self.scenario.organisation, self.trace,
        )  # fmt: skip
        steps = {id(entry): step for entry, step in zip(self.trace, self.step_of, strict=False)}
        answer = explain(expectation.name, device, lambda entry: _by_step(entry, steps))
        found = [f"{answer.name} is {answer.value}: {answer.reason}"] if answer.reason else []
        return found + [", because ".join(link.text for link in chain) for chain in answer.chains]

    def finish(self) -> Result:
        for expectation in self.scenario.expect:
            self._check(expectation, None)
        return self.result


def _by_step(entry: TraceEntry, steps: dict[int, int]) -> str:
    """An event as a scenario's failures name it: by its step (0 is the set-up)."""
    step = steps.get(id(entry), 0)
    return f"step {step} ({entry.type_name})" if step else f"the set-up ({entry.type_name})"


def _who(expectation: Expectation) -> str:
    return (
        ""
        if ":" not in expectation.subject and expectation.subject != "organisation"
        else f"{expectation.subject} "
    )


ACTIONS = {
    "event": _Run._event,
    "event_json": _Run._event_json,
    "events_file": _Run._events_file,
    "wait": _Run._wait,
    "set": _Run._set,
}


def run_scenario(scenario: Scenario | str | PathLike[str]) -> Result:
    """Run every step (up to the first failing one) and the final checks. A path is loaded
    first (``ScenarioError`` if the file is not valid)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(Path(scenario))
    started = time.perf_counter()
    run = _Run(scenario)
    run.start()
    if all(run.run_step(step) for step in scenario.steps):
        run.finish()
    run.result.seconds = time.perf_counter() - started
    run.result.trace = run.trace
    run.result.fleet = run.fleet
    return run.result

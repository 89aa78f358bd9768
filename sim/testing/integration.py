"""A stateful test base for systems that consume emnify events: ``IntegrationStateMachine``.

Subclass it, implement ``deliver`` and ``observe``; Hypothesis drives your system with events
the model allows and compares what it believes with the model after every step. A mismatch is
shrunk and written as a scenario file that reproduces it. See docs/testing.md.
"""

from __future__ import annotations

import re
import unittest
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from sim.engine.vocabulary import DEVICE_NAMES
from sim.errors import Disagreement
from sim.scenarios.writer import write_scenario
from sim.testing.failure import MISMATCH_HEADER, Mismatch, story, table
from sim.testing.regression import alias, scenario_document
from sim.testing.strategies import GAPS, choose
from sim.testing.walker import Choice, Walker


class _TestCaseWithoutExplaining:
    """``Machine.TestCase`` as Hypothesis builds it, run without its explain phase, whatever
    settings the user assigns: that phase only points at lines of this module, which every
    failure runs, and it took a minute where finding and shrinking the failure take seconds."""

    def __get__(
        self, obj: RuleBasedStateMachine | None, owner: type[RuleBasedStateMachine]
    ) -> type[unittest.TestCase]:
        return _test_case(owner if obj is None else type(obj))


@cache
def _test_case(machine: type[RuleBasedStateMachine]) -> type[unittest.TestCase]:
    class StateMachineTestCase(unittest.TestCase):
        settings = settings(deadline=None, suppress_health_check=list(HealthCheck))

        def runTest(self) -> None:
            __tracebackhide__ = True
            try:
                run_state_machine_as_test(machine, settings=without_explaining(self.settings))
            except Disagreement as failure:
                # The message tells the story; the frames of the harness would only hide it.
                raise failure.with_traceback(None) from None

        runTest.is_hypothesis_test = True  # type: ignore[attr-defined]

    StateMachineTestCase.__name__ = f"{machine.__name__}.TestCase"
    StateMachineTestCase.__qualname__ = f"{machine.__qualname__}.TestCase"
    return StateMachineTestCase


def without_explaining(chosen: settings) -> settings:
    """The user's settings, but for the explain phase."""
    return settings(chosen, phases=[phase for phase in chosen.phases if phase is not Phase.explain])


class IntegrationStateMachine(RuleBasedStateMachine):
    """Property-test a system that consumes emnify events against the model.

    Subclass it and implement ``deliver`` (hand events to the system under test) and
    ``observe`` (what it believes about a device, keyed by machine or view names). Hypothesis
    then fires events the model allows; after each step every device's observed keys are
    compared with the model. On a mismatch the shrunk history is written as a scenario YAML
    file under ``export_dir`` (named in the failure message): it passes under
    ``devicesim run`` and is the regression case to replay against your system.
    """

    #: How many devices (endpoint ids 1001, 1002, ...) the histories involve.
    devices: ClassVar[int] = 2
    #: Include organisation and service-profile events (organisation blocked, quota management).
    organisation_events: ClassVar[bool] = True
    #: Where failing histories are written.
    export_dir: ClassVar[str | Path] = "devicesim-failures"
    #: Their file name, without suffix; empty: from the class name (``webhook-consumer-machine``).
    file_name: ClassVar[str] = ""

    TestCase = _TestCaseWithoutExplaining()  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.walker = Walker(self.devices, organisation_events=self.organisation_events)
        self.deliveries: list[tuple[list[dict[str, Any]], dict[int, dict[str, str]]]] = []

    def deliver(self, events: list[dict[str, Any]]) -> None:
        """Hand these events, in order, to the system under test (e.g. POST them to it)."""
        raise NotImplementedError

    def observe(self, endpoint_id: int) -> dict[str, str]:
        """What the system under test believes about a device: {machine or view: state}."""
        raise NotImplementedError

    @initialize(data_quota_management=st.booleans(), sms_quota_management=st.booleans())
    def quota_management(self, data_quota_management: bool, sms_quota_management: bool) -> None:
        """The story may open with quota management switched on for the devices' profile."""
        sent = self.walker.open_with(data_quota_management, sms_quota_management)
        if sent:
            self.deliveries.append((sent, {}))
            self.deliver(sent)

    @rule(data=st.data())
    def platform_sends(self, data: st.DataObject) -> None:
        """The platform sends one allowed event (and the follow-ups it implies)."""
        sent = self.walker.wait(data.draw(GAPS, label="seconds later"))
        sent += self.walker.fire(data.draw(_choice_strategy(self.walker), label="event"))
        self.deliveries.append((sent, {}))
        self.deliver(sent)

    @invariant()
    def system_agrees_with_the_model(self) -> None:
        """Every key the system reports equals the model's state."""
        __tracebackhide__ = True  # the frame to read is the message, not this method
        mismatches = []
        for endpoint in self.walker.endpoints:
            observed = self.observe(endpoint)
            unknown = sorted(set(observed) - set(DEVICE_NAMES))
            if unknown:
                raise AssertionError(
                    f"observe() returned keys that are no machine or view: {unknown}"
                )
            expected = {key: self.walker.fleet.value(endpoint, key) for key in observed}
            if self.deliveries:
                self.deliveries[-1][1][endpoint] = expected
            mismatches += [
                Mismatch(alias(endpoint), key, value, str(observed[key]))
                for key, value in expected.items()
                if not self.agrees(observed[key], value)
            ]
        if mismatches:
            self.fail("the system disagrees with the model", table(MISMATCH_HEADER + mismatches))

    def agrees(self, observed: Any, expected: str) -> bool:
        """Whether the system's value means the model's state (exact, unless overridden)."""
        return bool(observed == expected)

    def fail(self, finding: str, details: list[str]) -> NoReturn:
        """End the example with ``finding``: the history by name, then ``details``, then
        where the regression case was written."""
        __tracebackhide__ = True
        # Only the final replay of the shrunk example is written: writing every failing
        # example met while shrinking would cost most of the shrinking time.
        written = self._export() if _final_run() else [f"regression scenario: {self.export_dir}"]
        history = [event for events, _ in self.deliveries for event in events]
        raise Disagreement("\n".join([*story(finding, history), "", *details, *written]))

    def export_name(self) -> str:
        """The file name (without suffix) the regression case is written under."""
        return self.file_name or re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()

    def found_by(self) -> str:
        """Who found the regression, as its scenario names it."""
        return type(self).__name__

    def _export(self) -> list[str]:
        """Write the regression scenario; the lines that say where."""
        name = self.found_by()
        description = (
            f"A history on which {name} disagreed with the model, shrunk by Hypothesis. "
            "Every step is a payload as delivered; expectations are the model's states for the keys the system "
            "reported. `devicesim run` passes it; replay the payloads against your system to reproduce the bug."
        )
        document = scenario_document(
            f"Regression found by {name}", description, self.walker.endpoints, self.deliveries
        )
        path = write_scenario(document, Path(self.export_dir) / f"{self.export_name()}.yaml")
        return [f"regression scenario: {path}"]


def _final_run() -> bool:
    """Whether Hypothesis is replaying its final (shrunk) example: only that one is worth
    writing out, and writing every intermediate one would cost most of the shrinking time."""
    try:
        from hypothesis.control import current_build_context

        return bool(current_build_context().is_final)
    except Exception:  # outside a Hypothesis run, or an API that moved: write it
        return True


def _choice_strategy(walker: Walker) -> st.SearchStrategy[Choice]:
    return st.composite(lambda draw: choose(draw, walker))()

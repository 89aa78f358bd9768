"""A stateful test base for systems that consume emnify events: ``IntegrationStateMachine``.

Subclass it, implement ``deliver`` and ``observe``; Hypothesis drives your system with events
the model allows and compares what it believes with the model after every step. A mismatch is
shrunk and written as a scenario file that reproduces it. See docs/testing.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

try:
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("sim.testing needs Hypothesis: pip install 'emnify-devicesim[test]'") from exc

from sim.engine.vocabulary import DEVICE_NAMES
from sim.scenarios.writer import write_scenario
from sim.testing.regression import alias, scenario_document
from sim.testing.strategies import GAPS, choose
from sim.testing.walker import Choice, Walker


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
        sent = self.walker.fire(
            data.draw(_choice_strategy(self.walker), label="event"), data.draw(GAPS, label="gap")
        )
        self.deliveries.append((sent, {}))
        self.deliver(sent)

    @invariant()
    def system_agrees_with_the_model(self) -> None:
        """Every key the system reports equals the model's state."""
        mismatches = []
        for endpoint in self.walker.endpoints:
            observed = self.observe(endpoint)
            expected = {
                key: self.walker.fleet.value(endpoint, key)
                for key in observed
                if key in DEVICE_NAMES
            }
            unknown = sorted(set(observed) - set(DEVICE_NAMES))
            if unknown:
                raise AssertionError(
                    f"observe() returned keys that are no machine or view: {unknown}"
                )
            if self.deliveries:
                self.deliveries[-1][1][endpoint] = expected
            mismatches += [
                f"{alias(endpoint)} {k}: model {v}, system {observed[k]}"
                for k, v in expected.items()
                if observed[k] != v
            ]
        if mismatches:
            # Only the final replay of the shrunk example is written: writing every failing
            # example met while shrinking would cost most of the shrinking time.
            path = self._export() if _final_run() else Path(self.export_dir)
            raise AssertionError(
                "system disagrees with the model: "
                + "; ".join(mismatches)
                + f"\nregression scenario: {path}"
            )

    def _export(self) -> Path:
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()
        description = (
            f"A history on which {type(self).__name__} disagreed with the model, shrunk by Hypothesis. "
            "Every step is a payload as delivered; expectations are the model's states for the keys the system "
            "reported. `devicesim run` passes it; replay the payloads against your system to reproduce the bug."
        )
        document = scenario_document(
            f"Regression found by {type(self).__name__}",
            description,
            self.walker.endpoints,
            self.deliveries,
        )
        return write_scenario(document, Path(self.export_dir) / f"{name}.yaml")


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

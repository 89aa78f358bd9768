"""emnify-devicesim: an executable model of what emnify platform events do to devices.

The public Python API is what ``__all__`` lists; everything else may move::

    import sim
    fleet = sim.replay(["export.jsonl"])           # or events as the platform sends them
    fleet.device(1001)["connectivity"]             # 'Online', 'Attached', 'Offline' or 'Blocked'
    result = sim.run_scenario("scenarios/data-quota/quota-used-up-block.yaml")

The rooms below it (each a subpackage whose docstring says what it owns and may import):
``sim.events`` (catalogue, parsing, building), ``sim.engine`` (state, rules, steps, the
fleet; no I/O), ``sim.io`` (reading files, replay), ``sim.scenarios``, ``sim.coverage``,
``sim.testing`` (Hypothesis strategies, the integration harness) and ``sim.cli``. This
module gathers the public names and may import any room.
"""

from sim.engine.fleet import Fleet
from sim.engine.initial import InitialState
from sim.errors import (
    DeviceSimError,
    EventFormatError,
    InitialStateError,
    InputError,
    ScenarioError,
    StrictReplayError,
)
from sim.events.catalogue import lookup
from sim.events.event import Event
from sim.events.parse import parse_event
from sim.io.initial_file import initial_state
from sim.io.replay import replay
from sim.scenarios.load import load_scenario
from sim.scenarios.runner import run_scenario

__all__ = [
    "DeviceSimError",
    "Event",
    "EventFormatError",
    "Fleet",
    "InitialState",
    "InitialStateError",
    "InputError",
    "ScenarioError",
    "StrictReplayError",
    "initial_state",
    "load_scenario",
    "lookup",
    "parse_event",
    "replay",
    "run_scenario",
]

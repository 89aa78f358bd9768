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
module gathers the public names and may import any room. It imports them when first used,
so that ``devicesim --help`` (which imports ``sim``) does not pay for the whole model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Each public name and the module that defines it.
_HOMES = {
    "DeviceSimError": "sim.errors",
    "Event": "sim.events.event",
    "EventFormatError": "sim.errors",
    "Fleet": "sim.engine.fleet",
    "InitialState": "sim.engine.initial",
    "InitialStateError": "sim.errors",
    "InputError": "sim.errors",
    "ScenarioError": "sim.errors",
    "StrictReplayError": "sim.errors",
    "initial_state": "sim.io.initial_file",
    "load_scenario": "sim.scenarios.load",
    "lookup": "sim.events.catalogue",
    "parse_event": "sim.events.parse",
    "replay": "sim.io.replay",
    "run_scenario": "sim.scenarios.runner",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module when it is first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

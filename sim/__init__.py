"""emnify-devicesim: an executable model of what emnify platform events do to devices.

The public Python API lives here; everything else is an implementation detail::

    from sim import Fleet
    fleet = Fleet(trace=True)
    entry = fleet.apply(event_dict)          # as the platform sends it
    fleet.device(1001)["connectivity"]       # 'Online', 'Attached', 'Offline' or 'Blocked'
"""

from sim.engine.fleet import Fleet
from sim.engine.initial import DeviceSetup, InitialState, OrganisationSetup, initial_state
from sim.engine.outcomes import OUTCOMES
from sim.engine.state import Context, DeviceState
from sim.engine.trace import TraceEntry
from sim.errors import DeviceSimError, EventFormatError, InitialStateError, InputError
from sim.events.catalogue import CATALOGUE, EventType, lookup
from sim.events.parse import Event, parse_event
from sim.io.replay import parse_items, read_all, replay_events

__all__ = [
    "CATALOGUE",
    "OUTCOMES",
    "Context",
    "DeviceSetup",
    "DeviceSimError",
    "DeviceState",
    "Event",
    "EventFormatError",
    "EventType",
    "Fleet",
    "InitialState",
    "InitialStateError",
    "InputError",
    "OrganisationSetup",
    "TraceEntry",
    "initial_state",
    "lookup",
    "parse_event",
    "parse_items",
    "read_all",
    "replay_events",
]

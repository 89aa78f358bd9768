"""The naive baseline: ``transitions`` used the way a user would write it by hand.

One ``Machine`` per device per concern, built when the device is first seen; each event fires
its triggers on those machines, then the same cross-machine rules are checked and their
triggers fired, all through ``transitions``. Same tables, same catalogue, same rules as the
engine; what differs is that nothing is shared or remembered between devices.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from transitions import Machine, MachineError

from sim.engine.rules import RULES, preconditions_for
from sim.engine.state import Context, DeviceState
from sim.engine.vocabulary import MACHINES
from sim.events.catalogue import CATALOGUE, KINDS
from sim.events.event import Event
from statemachines import DEVICE_MACHINES


class _Concern:
    state: str


class NaiveDevice:
    """Eight ``transitions`` machines, one per concern, plus the device attributes."""

    def __init__(self) -> None:
        self.concerns: dict[str, Any] = {}
        defaults = DeviceState()
        for name, table in DEVICE_MACHINES.items():
            concern = _Concern()
            Machine(
                model=concern,
                states=table["states"],
                transitions=table["transitions"],
                initial=getattr(defaults, name),
                auto_transitions=False,
            )
            self.concerns[name] = concern
        self.attributes = {a: getattr(defaults, a) for a in DeviceState._fields[len(MACHINES) :]}

    def snapshot(self) -> DeviceState:
        """The device as a ``DeviceState``, for the rules (which read one)."""
        return DeviceState(*(self.concerns[m].state for m in MACHINES), **self.attributes)

    def fire(self, machine: str, trigger: str) -> bool:
        """Fire a trigger; False when ``transitions`` refuses it."""
        try:
            self.concerns[machine].trigger(trigger)
        except MachineError:
            return False
        return True


def run_baseline(events: Iterable[Event]) -> dict[Any, NaiveDevice]:
    """Apply device events the naive way; returns the devices."""
    devices: dict[Any, NaiveDevice] = {}
    seen: set[int] = set()
    context = Context()
    for event in events:
        if event.id in seen or event.endpoint is None or event.kind_id < 0:
            continue
        seen.add(event.id)
        device = devices.get(event.endpoint)
        if device is None:
            device = devices[event.endpoint] = NaiveDevice()
        kind = KINDS[event.kind_id]
        effect = CATALOGUE[event.type_id].effects[event.variant]
        before = device.snapshot()
        if any(p.broken(before, context) for p in preconditions_for(kind)):
            continue
        for machine, trigger in effect.triggers:
            device.fire(machine, trigger)
        device.attributes.update(effect.sets)
        for rule in RULES:
            if rule.broken(device.snapshot(), context) is not None:
                for machine, trigger in rule.effects:
                    device.fire(machine, trigger)
    return devices

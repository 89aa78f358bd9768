"""What users read of a fleet: its devices, organisations, counts and explanations.

Kept apart from ``sim.engine.fleet``, which applies events: every query here reads the store
(``FleetStore``) and the ledger (``Ledger``) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from sim.engine.initial import InitialState
from sim.engine.organisation_state import OrganisationState
from sim.engine.state import Context, DeviceState
from sim.engine.step import StepResult
from sim.engine.store import FleetStore
from sim.engine.trace import Ledger, TraceEntry
from sim.engine.why import Answer, answers
from sim.engine.why import Device as WhyDevice
from sim.events.catalogue import Kind


class FleetQueries:
    """The read side of ``Fleet``."""

    store: FleetStore
    ledger: Ledger

    @property
    def initial(self) -> InitialState:
        """What the fleet started from."""
        return self.store.initial

    @property
    def organisations(self) -> dict[int | None, OrganisationState]:
        """Organisations by id (None for events that name none)."""
        return self.store.organisations

    @property
    def outcomes(self) -> dict[str, int]:
        """How many events had each outcome."""
        return self.ledger.outcomes

    @property
    def synthesised(self) -> dict[int, int]:
        """How many events of each type the virtual clock synthesised."""
        return self.ledger.synthesised

    @property
    def trace(self) -> list[TraceEntry] | None:
        """One entry per event applied (None unless built with ``trace=True``)."""
        return self.ledger.entries

    def endpoints(self) -> Iterator[Hashable]:
        """Every device key seen or set up, in first-seen order."""
        return self.store.endpoints()

    def __len__(self) -> int:
        return len(self.store.devices)

    def __contains__(self, key: object) -> bool:
        return key in self.store.devices

    def state(self, key: Hashable) -> DeviceState:
        """The raw state of a device (KeyError if never seen)."""
        return self.store.state(key)

    def context(self, key: Hashable) -> Context:
        """What a device reads from its organisation and service profile."""
        return self.store.context(key)

    def device(self, key: Hashable) -> dict[str, str]:
        """Every machine state and derived view of a device, by name."""
        return self.store.device(key)

    def assumed(self, key: Hashable) -> list[str]:
        """The device's machines no event has shown yet (their values are assumptions)."""
        return self.store.assumed(key)

    def value(self, key: Hashable, name: str) -> str:
        """One machine, view or attribute of a device, by the name scenarios use."""
        return self.store.value(key, name)

    def why(self, key: Hashable) -> list[Answer]:
        """Why the device is as it is: for every view that is not the healthy default and every
        machine in a state people ask about, the chain of causes back to the events
        (``sim.engine.why``). Needs ``trace=True``; KeyError for an unknown device."""
        if self.ledger.entries is None:
            raise ValueError("Fleet.why reads the trace: build the fleet with trace=True")
        store = self.store
        device = (key, store.state(key), store.context(key), store.organisation_of(key))
        return answers(WhyDevice(*device, self.ledger.entries))

    def preview(self, key: Hashable, kind: Kind) -> StepResult:
        """What applying an event of ``kind`` to this device would do, without doing it."""
        return self.store.preview(key, kind)

    def snapshot(self) -> dict[str, Any]:
        """The JSON document ``devicesim replay --json`` prints (without the trace): devices
        and organisations in ascending id order, then the counts."""
        return {**self.store.to_json(), **self.ledger.to_json()}

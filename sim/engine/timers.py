"""The fleet's timers: what events set or cancel (the catalogue's ``Timer`` rows), and the
events the virtual clock synthesises when they come due (Device offline, quota expiry)."""

from __future__ import annotations

from collections.abc import Hashable

from sim.engine.clock import Clock
from sim.engine.packing import MEMBER_SHIFT
from sim.engine.store import FleetStore
from sim.engine.trace import DeviceChange, Ledger, TraceEntry
from sim.events.catalogue import CATALOGUE, KIND_IDS, Timer
from sim.events.event import Event


class Timers:
    """Sets timers from events and fires them as the clock moves."""

    def __init__(self, store: FleetStore, ledger: Ledger, clock: Clock) -> None:
        self.store = store
        self.ledger = ledger
        self.clock = clock

    def set_from(self, key: Hashable, event: Event) -> None:
        """Set or cancel the timers an event's variant names."""
        for timer in CATALOGUE[event.type_id].effects[event.variant].timers:
            due = self._due(timer, event)
            if due is None:
                self.clock.cancel(key, timer.fires)
            else:
                self.clock.schedule(key, timer.fires, due)

    @staticmethod
    def _due(timer: Timer, event: Event) -> float | None:
        """When a timer fires; None cancels it (and a quota without an expiry date)."""
        if timer.cancel:
            return None
        if timer.at_quota_expiry:
            expires = event.quota.expires if event.quota else None
            return None if expires is None else max(expires, event.time)
        return event.time + timer.after

    def schedule(self, key: Hashable, type_id: int, moment: float) -> None:
        """Synthesise ``type_id`` for the device at ``moment`` (a quota set up with an expiry)."""
        self.clock.schedule(key, type_id, moment)

    def advance(self, until: float, record: bool) -> list[TraceEntry]:
        """Move the clock to ``until``, applying every timer that comes due on the way."""
        entries: list[TraceEntry] = []
        record = record or self.ledger.entries is not None
        store = self.store
        for due, key, type_id in self.clock.advance(until):
            code = store.devices[key]
            step = store.step(code, KIND_IDS[(type_id, CATALOGUE[type_id].default_variant)])
            store.store_step(key, code, step)
            self.ledger.synthesised[type_id] += 1
            if not record:
                continue
            entry = TraceEntry(
                None, due, type_id, CATALOGUE[type_id].name, key,
                store.members[code >> MEMBER_SHIFT][0], step.outcome,
                tuple(DeviceChange(key, c) for c in step.changes), step.warnings, step.notes,
                synthesised=True, moves=step.moves, checks=step.checks,
            )  # fmt: skip
            entries.append(self.ledger.record(entry))
        return entries

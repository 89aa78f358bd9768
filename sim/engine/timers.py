"""The fleet's virtual clock: timers that events set, and the events they synthesise."""

from __future__ import annotations

from collections.abc import Hashable

from sim.engine.clock import OFFLINE_AFTER
from sim.engine.store import MASK, SHIFT, FleetState
from sim.engine.trace import DeviceChange, TraceEntry
from sim.events.catalogue import CATALOGUE, KIND_IDS, KINDS
from sim.events.parse import Event

#: Quota assignment -> the expiry it schedules; quota deletion -> the expiry it cancels.
_EXPIRY = {56: 60, 58: 61}
_CANCEL_EXPIRY = {57: 60, 59: 61}
#: Kinds the clock synthesises: Device offline, Data quota expired, SMS quota expired.
_TIMER_KIND = {type_id: KIND_IDS[(type_id, "")] for type_id in (49, 60, 61)}
#: Kinds of events that set or cancel a timer.
TIMER_KINDS = frozenset(
    i for i, (t, _) in enumerate(KINDS) if t in {3, 5, *_EXPIRY, *_CANCEL_EXPIRY}
)


class Timers(FleetState):
    """Setting timers from events and firing them as the clock moves."""

    def _set_timers(self, key: Hashable, event: Event) -> None:
        type_id = event.type_id
        if type_id == 5:
            self.clock.schedule(key, 49, event.time + OFFLINE_AFTER)
        elif type_id == 3:
            if event.variant == "accepted":
                self.clock.cancel(key, 49)
        elif type_id in _EXPIRY:
            expires = event.quota.expires if event.quota else None
            if expires is None:
                self.clock.cancel(key, _EXPIRY[type_id])
            else:
                self.clock.schedule(key, _EXPIRY[type_id], max(expires, event.time))
        else:
            self.clock.cancel(key, _CANCEL_EXPIRY[type_id])

    def advance(self, seconds: float) -> list[TraceEntry]:
        """Move the virtual clock forward, firing the timers that come due; report them."""
        return self._advance((self.clock.now or 0.0) + seconds, record=True)

    def advance_to(self, moment: float) -> list[TraceEntry]:
        """Move the virtual clock to ``moment`` (never back), firing the timers due by then."""
        return self._advance(max(moment, self.clock.time), record=True)

    def schedule_expiry(self, key: Hashable, quota: str, moment: float) -> None:
        """Expire the device's data or SMS quota at ``moment`` (a quota set up with an expiry)."""
        self.clock.schedule(key, 60 if quota == "data_quota" else 61, moment)

    def _advance(self, until: float, record: bool = False) -> list[TraceEntry]:
        entries: list[TraceEntry] = []
        record = record or self.trace is not None
        for due, key, type_id in self.clock.advance(until):
            code = self._devices[key]
            member = code >> SHIFT
            step = self.stepper.step(
                code & MASK, self._member_context[member], _TIMER_KIND[type_id]
            )
            self._devices[key] = step.state_id | (member << SHIFT)
            self.synthesised[type_id] += 1
            if not record:
                continue
            entry = TraceEntry(
                None, due, type_id, CATALOGUE[type_id].name, key, self._members[member][0],
                step.outcome, tuple(DeviceChange(key, c) for c in step.changes),
                step.warnings, step.notes, synthesised=True, moves=step.moves, checks=step.checks,
            )  # fmt: skip
            entries.append(entry)
            if self.trace is not None:
                self.trace.append(entry)
        return entries

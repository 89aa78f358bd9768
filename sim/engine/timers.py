"""The fleet's timers: what events set or cancel (the catalogue's ``Timer`` rows), and the
events the virtual clock synthesises when they come due (Device offline, quota expiry)."""

from __future__ import annotations

from collections.abc import Hashable

from sim.engine.clock import Clock
from sim.engine.packing import CONTEXT_SHIFT, MEMBER_SHIFT, STATE_MASK, STATE_SHIFT
from sim.engine.store import FleetStore
from sim.engine.trace import DeviceChange, DeviceView, Ledger, TraceEntry
from sim.events.catalogue import CATALOGUE, SYNTHESISED

#: A timer that fired: when, for which device, the synthesised type id and its outcome.
Fired = tuple[float, Hashable, int, str]


class Timers:
    """Sets timers from events and fires them as the clock moves."""

    def __init__(self, store: FleetStore, ledger: Ledger, clock: Clock) -> None:
        self.store = store
        self.ledger = ledger
        self.clock = clock
        #: When a list: (due, device code, context number, type id) of every timer that
        #: fires, before it does: a partition of a split replay reads it to tell whether an
        #: organisation's status mattered (``partition_watch``).
        self.log: list[tuple[float, int, int, int]] | None = None
        # What firing reads, bound once (the store mutates its containers in place).
        self._devices, self._member_context = store.devices, store.member_context
        self._memo, self._compute = store.stepper.memo, store.stepper.compute
        self._synthesised = ledger.synthesised

    def schedule_expiry(self, key: Hashable, quota: str, moment: float) -> None:
        """Expire the device's data or SMS quota at ``moment`` (a quota set up with an expiry):
        the catalogue's expiry timer of the event types driving that quota."""
        fires = next(
            timer.fires
            for etype in CATALOGUE.values()
            for effect in etype.effects.values()
            for timer in effect.timers
            if timer.at_quota_expiry and quota in etype.machines
        )
        self.clock.schedule(key, fires, moment)

    def advance(
        self, until: float, record: bool, fired: list[Fired] | None = None
    ) -> list[TraceEntry]:
        """Move the clock to ``until``, applying every timer that comes due on the way;
        ``fired`` (if given) gets (time, device, type id, outcome) of each, without the cost
        of a trace entry (for generators)."""
        due_now = self.clock.advance(until)
        if not due_now:
            return []
        record = record or self.ledger.tracing
        devices, member_context, memo = self._devices, self._member_context, self._memo
        synthesised, log, entries = self._synthesised, self.log, []
        for due, key, type_id in due_now:
            code = devices[key]
            member = code >> MEMBER_SHIFT
            context = member_context[member]
            if log is not None:
                log.append((due, code, context, type_id))
            step_key = (
                (code & STATE_MASK) << STATE_SHIFT | context << CONTEXT_SHIFT | SYNTHESISED[type_id]
            )
            step = memo.get(step_key) or self._compute(step_key)
            devices[key] = step.state_id | (member << MEMBER_SHIFT)
            synthesised[type_id] += 1
            if fired is not None:
                fired.append((due, key, type_id, step.outcome))
            if not record:
                continue
            entry = TraceEntry(
                None, due, type_id, CATALOGUE[type_id].name, key,
                self.store.members[member][0], step.outcome,
                tuple(DeviceChange(key, c) for c in step.changes), step.warnings, step.notes,
                synthesised=True, moves=step.moves, checks=step.checks,
                views=tuple(DeviceView(key, *v) for v in step.views),
            )  # fmt: skip
            entries.append(self.ledger.record(entry))
        return entries

"""The fleet: every device, organisation and service profile, and the events applied to them.

This is the engine users drive through the Python API, the replay CLI and the scenario runner.
A device is stored as one integer: the index of its (interned) state plus the index of its
membership (organisation, service profile), whose ``Context`` is kept up to date when an
organisation or profile event changes it. Applying a device event is one memoised step
(``sim.step``); organisation and profile events fan out to the devices they reach.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from sim.engine.organisation_events import OrganisationEvents
from sim.engine.outcomes import (
    DUPLICATE,
    INVALID,
    UNKNOWN,
)
from sim.engine.step import CONTEXT_SHIFT, STATE_SHIFT, Step
from sim.engine.store import MASK, SHIFT
from sim.engine.timers import TIMER_KINDS, Timers
from sim.engine.trace import DeviceChange, TraceEntry
from sim.errors import EventFormatError
from sim.events.catalogue import CATALOGUE, KINDS, RECHECK_KIND
from sim.events.parse import Event, parse_event

_TYPES = dict(CATALOGUE)
_DEVICE_KINDS = frozenset(
    i for i, (t, _) in enumerate(KINDS) if t in _TYPES and _TYPES[t].scope == "endpoint"
)


class Fleet(OrganisationEvents, Timers):
    """Devices keyed by endpoint id, with their organisations, a virtual clock and a trace.

    ``lenient`` follows impossible events to the state they report (with a warning) instead of
    ignoring them; ``trace`` keeps a ``TraceEntry`` per event; ``memo`` is the fast path (off
    only to check it against the ``transitions`` machines).
    """

    def apply(self, event: Event | Mapping[str, Any]) -> TraceEntry:
        """Apply one event (parsed, or a dict as the platform sends it) and report it."""
        if not isinstance(event, Event):
            try:
                event = parse_event(event)
            except EventFormatError as exc:
                return self.reject_invalid(str(exc))
        entry = self._apply(event, record=True)
        assert entry is not None
        if self.trace is not None:
            self.trace.append(entry)
        return entry

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply parsed events in the given order; the hot path of replay."""
        trace = self.trace
        apply = self._apply
        if trace is None:
            for event in events:
                apply(event, False)
        else:
            for event in events:
                entry = apply(event, True)
                assert entry is not None
                trace.append(entry)

    def reject_invalid(self, message: str) -> TraceEntry:
        """Count an event that could not be read, and report it."""
        self.outcomes[INVALID] += 1
        entry = TraceEntry(None, None, -1, "invalid", None, None, INVALID, warnings=(message,))
        if self.trace is not None:
            self.trace.append(entry)
        return entry

    def _apply(self, event: Event, record: bool) -> TraceEntry | None:
        # The replay hot path: one unpack instead of a property lookup per field.
        event_id, time, _, _, organisation, endpoint, sim, _, _, kind_id, _, _, _ = event
        seen = self._seen
        if event_id in seen:
            self.outcomes[DUPLICATE] += 1
            return self._entry(event, None, DUPLICATE) if record else None
        seen.add(event_id)
        clock = self.clock
        if time > clock.time:
            if time >= clock.next_due:
                self._advance(time)
            else:
                clock.time = time
        if kind_id not in _DEVICE_KINDS:
            return self._apply_other(event, record)
        key: Hashable = (
            endpoint if endpoint is not None else f"sim:{sim}" if sim is not None else None
        )
        if key is None:
            return self._audit(
                event, _TYPES[event.type_id], record, "no endpoint or SIM in the event"
            )
        code = self._devices.get(key)
        if code is None:
            code = self._new_device(key, organisation)
        member = code >> SHIFT
        moved: Step | None = None
        if organisation != self._member_org[member] and organisation is not None:
            code, moved = self._move(code, organisation)
            member = code >> SHIFT
        step_key = (
            (code & MASK) << STATE_SHIFT | self._member_context[member] << CONTEXT_SHIFT | kind_id
        )
        step = self._memo.get(step_key) or self.stepper.compute(step_key)
        self._devices[key] = step.state_id | (member << SHIFT)
        self.outcomes[step.outcome] += 1
        if kind_id in TIMER_KINDS:
            self._set_timers(key, event)
        return self._device_entry(event, key, step, moved) if record else None

    def _device_entry(
        self, event: Event, key: Hashable, step: Step, moved: Step | None
    ) -> TraceEntry:
        entry = self._entry(event, key, step.outcome, step, key)
        if moved is None or not moved.changes:
            return entry
        return entry._replace(
            changes=tuple(DeviceChange(key, c) for c in moved.changes) + entry.changes,
            moves=moved.moves + entry.moves,
            checks=moved.checks + entry.checks,
        )

    def _move(self, code: int, organisation: int) -> tuple[int, Step]:
        """A device whose event names another organisation moved there (an endpoint transfer):
        its context changed, so the rules apply again before the event does, whatever the
        event's outcome."""
        member = self._membership(organisation, self._members[code >> SHIFT][1])
        recheck = self.stepper.step(code & MASK, self._member_context[member], RECHECK_KIND)
        return recheck.state_id | (member << SHIFT), recheck

    def _apply_other(self, event: Event, record: bool) -> TraceEntry | None:
        etype = _TYPES.get(event.type_id)
        if etype is None or event.kind_id < 0:
            self.outcomes[UNKNOWN] += 1
            self._organisation(event.organisation).audit[f"unknown type {event.type_id}"] += 1
            return self._entry(event, None, UNKNOWN) if record else None
        return self._apply_organisation(event, etype, record)

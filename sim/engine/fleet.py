"""The fleet: every device, organisation and service profile, and the events applied to them.

This is the engine users drive through the Python API, the replay CLI and the scenario runner.
It is composed of its storage (``FleetStore``), its virtual clock with the timers events set
(``Timers``), the organisation-level events (``OrganisationEvents``) and what it reports
(``Ledger``: outcome counts and the trace). Applying a device event is one memoised step
(``sim.engine.memo``) on the hot path below; organisation and profile events fan out to the
devices they reach.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

from sim.engine.clock import Clock
from sim.engine.fleet_queries import FleetQueries
from sim.engine.initial import InitialState
from sim.engine.organisation_events import OrganisationEvents
from sim.engine.outcomes import DUPLICATE, INCONSISTENT, INVALID, UNKNOWN
from sim.engine.packing import (
    CONTEXT_SHIFT,
    MEMBER_SHIFT,
    STATE_MASK,
    STATE_SHIFT,
    device_code,
)
from sim.engine.step import StepResult
from sim.engine.store import IN_SERVICE, FanOut, FleetStore, joined
from sim.engine.timers import Timers
from sim.engine.trace import Ledger, TraceEntry, entry_for, merged_views
from sim.errors import EventFormatError
from sim.events.catalogue import CATALOGUE, DEVICE_KINDS, RECHECK_KIND, SYNTHESISED, TIMERS
from sim.events.event import Event, Quota
from sim.events.parse import parse_event


class Fleet(FleetQueries):
    """Devices keyed by endpoint id, with their organisations, a virtual clock and a trace.

    ``lenient`` follows impossible events to the state they report (with a warning) instead of
    ignoring them; ``trace`` keeps a ``TraceEntry`` per event (``True``) or passes each to a
    function as it is made (a sink: nothing is kept); ``memo`` is the fast path (off
    only to check it against the ``transitions`` machines). ``assume`` says how a device first
    seen in the events starts: ``"in-service"`` (the default here, for streams that start a
    device's life) or ``"evidence"`` (every machine assumed until an event shows it: for logs
    that start in the middle of devices' lives, the default of ``sim.replay``).
    ``silent_changes`` lets an event prove a change the platform makes without one (a policy
    or organisation unblocked, a quota refilled: domain.md rule 11) instead of being
    inconsistent; it follows ``lenient`` unless given (``sim.replay`` always allows them).
    """

    def __init__(
        self,
        initial: InitialState | None = None,
        *,
        lenient: bool = True,
        trace: bool | Callable[[TraceEntry], object] = False,
        memo: bool = True,
        assume: str = IN_SERVICE,
        silent_changes: bool | None = None,
    ) -> None:
        silent = lenient if silent_changes is None else silent_changes
        self.store = FleetStore(initial, lenient=lenient, memo=memo, assume=assume, silent=silent)
        self._silent = silent
        self.clock = Clock()
        self.ledger = Ledger(None, sink=trace) if callable(trace) else Ledger([] if trace else None)
        self.timers = Timers(self.store, self.ledger, self.clock)
        self.organisation_events = OrganisationEvents(self.store, self.ledger, self.clock)
        #: Event ids applied, each with a one-byte fingerprint of (type, device, time): a
        #: repeated id with the same fingerprint is a retransmission, with another a reused id.
        self._seen: dict[int, int] = {}
        # The containers the hot path reads, bound once: the store mutates them in place.
        self._devices = self.store.devices
        self._member_org = self.store.member_org
        self._member_context = self.store.member_context
        self._loose_sims = self.store.loose_sims
        self._memo = self.store.stepper.memo
        self._compute = self.store.stepper.compute
        self._outcomes = self.ledger.outcomes
        self._set_timers = self.clock.set_timers
        self._advance_clock = self.timers.advance

    # What users do.
    def apply(self, event: Event | Mapping[str, Any]) -> TraceEntry:
        """Apply one event (parsed, or a dict as the platform sends it) and report it."""
        if not isinstance(event, Event):
            try:
                event = parse_event(event)
            except EventFormatError as exc:
                return self.reject_invalid(str(exc))
        entry = self._apply(event, record=True)
        assert entry is not None
        return self.ledger.record(entry)

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply parsed events in the given order; the hot path of replay."""
        apply = self._apply
        if not self.ledger.tracing:
            for event in events:
                apply(event, False)
        else:
            record = self.ledger.record
            for event in events:
                entry = apply(event, True)
                assert entry is not None
                record(entry)

    def attempt(
        self, key: Hashable, kind_id: int, time: float, quota: Quota | None = None
    ) -> StepResult | None:
        """Apply an event of kind ``kind_id`` at ``time`` to a known device if the model
        allows it without a warning; else change nothing and return None. For generators
        walking the model (no payload, no id, no trace): the clock must be advanced first."""
        code = self._devices[key]
        member = code >> MEMBER_SHIFT
        step_key = (code & STATE_MASK) << STATE_SHIFT | self._member_context[
            member
        ] << CONTEXT_SHIFT
        step = self._memo.get(step_key | kind_id) or self._compute(step_key | kind_id)
        if step.outcome in (INCONSISTENT, INVALID) or step.warnings:
            return None
        clock = self.clock
        if time > clock.time:
            clock.time = time
        self._devices[key] = step.state_id | (member << MEMBER_SHIFT)
        self._outcomes[step.outcome] += 1
        if kind_id in TIMERS:
            self._set_timers(key, time, quota, TIMERS[kind_id])
        return step

    def remember(self, event_id: int, type_id: int, endpoint: int | None, sim: int | None,
                 time: float) -> None:  # fmt: skip
        """Know an event applied before this fleet was restored (a saved state's recent ids),
        so that a retransmission of it is a duplicate."""
        self._seen[event_id] = fingerprint(type_id, endpoint, sim, time)

    def reject_invalid(self, message: str) -> TraceEntry:
        """Count an event that could not be read, and report it."""
        self.ledger.outcomes[INVALID] += 1
        entry = TraceEntry(None, None, -1, "invalid", None, None, INVALID, warnings=(message,))
        return self.ledger.record(entry)

    def advance(self, seconds: float) -> list[TraceEntry]:
        """Move the virtual clock forward, firing the timers that come due; report them."""
        return self.timers.advance((self.clock.now or 0.0) + seconds, record=True)

    def advance_to(self, moment: float) -> list[TraceEntry]:
        """Move the virtual clock to ``moment`` (never back), firing the timers due by then."""
        return self.timers.advance(max(moment, self.clock.time), record=True)

    def schedule_expiry(self, key: Hashable, quota: str, moment: float) -> None:
        """Expire the device's data or SMS quota at ``moment`` (a quota set up with an expiry)."""
        self.timers.schedule_expiry(key, quota, moment)

    def set_state(
        self,
        key: Hashable | None,
        machine: str,
        target: str,
        *,
        organisation: int | None = None,
        profile: int | None = None,
        by: str = "",
    ) -> TraceEntry:
        """Move a machine to ``target`` through its own transition (a change the platform
        reports with no event). ``key`` is the device for device machines; ``organisation``
        and ``profile`` name the holder of organisation-level machines; ``by`` says who
        made the change (``scenario``), as the trace and ``why`` tell it. ValueError if no
        transition leads there.
        """
        return self.organisation_events.set_state(key, machine, target, organisation, profile, by)

    # The hot path.
    def _apply(self, event: Event, record: bool) -> TraceEntry | None:
        # One unpack instead of a property lookup per field; store containers read directly.
        event_id, time, type_id, _, organisation, endpoint, sim, _, _, kind_id, _, _, _, _ = event
        seen = self._seen
        mark = hash((type_id, endpoint, sim, time)) & 0xFF  # ``fingerprint``, inlined
        found = seen.get(event_id)
        if found is not None:
            return self._repeated(event, found == mark, record)
        seen[event_id] = mark
        clock = self.clock
        if time < clock.time:
            self.ledger.late += 1
        elif time >= clock.next_due:
            self._advance_clock(time, False)
        else:
            clock.time = time
        if kind_id not in DEVICE_KINDS:
            return self._apply_other(event, record)
        key: Hashable = endpoint if endpoint is not None else self.store.sim_key(sim)
        if key is None:
            why = "no endpoint or SIM in the event"
            return self.organisation_events.audit(event, CATALOGUE[type_id], record, why)
        devices = self._devices
        code = devices.get(key)
        if code is None:
            code = self.store.new_device(key, organisation, sim)
        before: FanOut | None = None
        member = code >> MEMBER_SHIFT
        if (organisation != self._member_org[member] and organisation is not None) or (
            self._loose_sims and sim in self._loose_sims and endpoint is not None
        ):
            before = self._before(event, key)
            code = devices[key]
            member = code >> MEMBER_SHIFT
        step_key = (
            (code & STATE_MASK) << STATE_SHIFT
            | self._member_context[member] << CONTEXT_SHIFT
            | kind_id
        )
        step = self._memo.get(step_key) or self._compute(step_key)
        if step.outcome == INCONSISTENT and self._silent:
            step, before = self._unblocked(event, key, step, before)
            member = devices[key] >> MEMBER_SHIFT
        devices[key] = step.state_id | (member << MEMBER_SHIFT)
        self._outcomes[step.outcome] += 1
        if kind_id in TIMERS:
            self._set_timers(key, time, event.quota, TIMERS[kind_id])
        return self._device_entry(event, key, step, before) if record else None

    def _repeated(self, event: Event, same: bool, record: bool) -> TraceEntry | None:
        """An id seen before: a duplicate when it comes with the ``same`` fingerprint (type,
        device, time), else a reused id (documentation samples reuse ids), applied like any
        event, counted, and said in a warning."""
        if same:
            self._outcomes[DUPLICATE] += 1
            return entry_for(event, None, DUPLICATE) if record else None
        self.ledger.reused_ids += 1
        del self._seen[event.id]
        entry = self._apply(event, record)
        if entry is None:
            return None
        warning = f"event id {event.id} was seen before with another type, device or time: applied"
        return entry._replace(warnings=(*entry.warnings, warning))

    def _device_entry(
        self, event: Event, key: Hashable, step: StepResult, before: FanOut | None
    ) -> TraceEntry:
        entry = entry_for(event, key, step.outcome, step)
        if before is None or not (before.changes or before.views):
            return entry
        return entry._replace(
            changes=(*before.changes, *entry.changes),
            moves=(*before.moves, *entry.moves),
            checks=(*before.checks, *entry.checks),
            views=merged_views((*before.views, *entry.views)),
        )

    def _before(self, event: Event, key: Hashable) -> FanOut | None:
        """What happens to a device before its event: a loose SIM the event puts in the
        endpoint hands over its state (``FleetStore.adopt_sim``); a device whose event names
        another organisation moved there (an endpoint transfer), and its context changed, so
        the rules apply again before the event does, whatever the event's outcome."""
        store = self.store
        before = None
        if event.sim in store.loose_sims and event.endpoint is not None:
            before = store.adopt_sim(key, event.sim)
            for type_id in SYNTHESISED:  # the SIM's own device is gone, and its timers
                self.clock.cancel(f"sim:{event.sim}", type_id)
        code = store.devices[key]
        if event.organisation is not None and event.organisation != store.organisation_of(key):
            member = store.membership(event.organisation, store.members[code >> MEMBER_SHIFT][1])
            recheck = store.step(device_code(code & STATE_MASK, member), RECHECK_KIND)
            store.devices[key] = device_code(recheck.state_id, member)
            before = joined(before, FanOut.of_step(key, recheck))
        return before

    def _unblocked(
        self, event: Event, key: Hashable, step: StepResult, before: FanOut | None
    ) -> tuple[StepResult, FanOut | None]:
        """An event impossible only because its organisation is Blocked proves the
        organisation unblocked (domain.md rule 11): unblock it, then apply the event."""
        proven = self.organisation_events.prove_unblocked(key, event.kind_id)
        if proven is None:
            return step, before
        self.ledger.unblocks.append((event.time, event.id, self.store.organisation_of(key)))
        return self.store.step(self._devices[key], event.kind_id), joined(before, proven)

    def _apply_other(self, event: Event, record: bool) -> TraceEntry | None:
        etype = CATALOGUE.get(event.type_id)
        if etype is None or event.kind_id < 0:
            self.ledger.outcomes[UNKNOWN] += 1
            self.store.organisation(event.organisation).audit[f"unknown type {event.type_id}"] += 1
            return entry_for(event, None, UNKNOWN) if record else None
        return self.organisation_events.apply(event, etype, record)


def fingerprint(type_id: int, endpoint: int | None, sim: int | None, time: float) -> int:
    """One byte of (type, device, time): what tells a retransmission (the same fingerprint)
    from an event that reuses an id (another)."""
    return hash((type_id, endpoint, sim, time)) & 0xFF

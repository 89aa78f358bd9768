"""The fleet: every device, organisation and service profile, and the events applied to them.

This is the engine users drive through the Python API, the replay CLI and the scenario runner.
It is composed of its storage (``FleetStore``), its virtual clock with the timers events set
(``Timers``), the organisation-level events (``OrganisationEvents``) and what it reports
(``Ledger``: outcome counts and the trace). Applying a device event is one memoised step
(``sim.engine.memo``) on the hot path below; organisation and profile events fan out to the
devices they reach.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any

from sim.engine.clock import Clock
from sim.engine.initial import InitialState
from sim.engine.organisation_events import OrganisationEvents
from sim.engine.organisation_state import OrganisationState
from sim.engine.outcomes import DUPLICATE, INVALID, UNKNOWN
from sim.engine.packing import (
    CONTEXT_SHIFT,
    MEMBER_SHIFT,
    STATE_MASK,
    STATE_SHIFT,
    device_code,
)
from sim.engine.state import Context, DeviceState
from sim.engine.step import StepResult
from sim.engine.store import IN_SERVICE, FleetStore
from sim.engine.timers import Timers
from sim.engine.trace import DeviceChange, DeviceView, Ledger, TraceEntry, entry_for
from sim.engine.why import Answer, answers
from sim.engine.why import Device as WhyDevice
from sim.errors import EventFormatError
from sim.events.catalogue import CATALOGUE, DEVICE_KINDS, RECHECK_KIND, TIMERS, Kind
from sim.events.event import Event
from sim.events.parse import parse_event


class Fleet:
    """Devices keyed by endpoint id, with their organisations, a virtual clock and a trace.

    ``lenient`` follows impossible events to the state they report (with a warning) instead of
    ignoring them; ``trace`` keeps a ``TraceEntry`` per event; ``memo`` is the fast path (off
    only to check it against the ``transitions`` machines). ``assume`` says how a device first
    seen in the events starts: ``"in-service"`` (the default here, for streams that start a
    device's life) or ``"evidence"`` (every machine assumed until an event shows it: for logs
    that start in the middle of devices' lives, the default of ``sim.replay``).
    """

    def __init__(
        self,
        initial: InitialState | None = None,
        *,
        lenient: bool = True,
        trace: bool = False,
        memo: bool = True,
        assume: str = IN_SERVICE,
    ) -> None:
        self.store = FleetStore(initial, lenient=lenient, memo=memo, assume=assume)
        self.clock = Clock()
        self.ledger = Ledger([] if trace else None)
        self.timers = Timers(self.store, self.ledger, self.clock)
        self.organisation_events = OrganisationEvents(self.store, self.ledger, self.clock)
        #: Event ids applied, each with a one-byte fingerprint of (type, device, time): a
        #: repeated id with the same fingerprint is a retransmission, with another a reused id.
        self._seen: dict[int, int] = {}
        # The containers the hot path reads, bound once: the store mutates them in place.
        self._devices = self.store.devices
        self._member_org = self.store.member_org
        self._member_context = self.store.member_context
        self._memo = self.store.stepper.memo
        self._compute = self.store.stepper.compute
        self._outcomes = self.ledger.outcomes
        self._set_timers = self.timers.set_from
        self._advance_clock = self.timers.advance

    # What users read.
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
        if self.ledger.entries is None:
            for event in events:
                apply(event, False)
        else:
            record = self.ledger.record
            for event in events:
                entry = apply(event, True)
                assert entry is not None
                record(entry)

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
    ) -> TraceEntry:
        """Move a machine to ``target`` through its own transition (a change the platform
        reports with no event). ``key`` is the device for device machines; ``organisation``
        and ``profile`` name the holder of organisation-level machines. ValueError if no
        transition leads there.
        """
        return self.organisation_events.set_state(key, machine, target, organisation, profile)

    # The hot path.
    def _apply(self, event: Event, record: bool) -> TraceEntry | None:
        # One unpack instead of a property lookup per field; store containers read directly.
        event_id, time, type_id, _, organisation, endpoint, sim, _, _, kind_id, _, _, _ = event
        seen = self._seen
        mark = hash((type_id, endpoint, sim, time)) & 0xFF
        found = seen.get(event_id)
        if found is not None:
            if found == mark:
                self._outcomes[DUPLICATE] += 1
                return entry_for(event, None, DUPLICATE) if record else None
            return self._reused(event, record)
        seen[event_id] = mark
        clock = self.clock
        if time > clock.time:
            if time >= clock.next_due:
                self._advance_clock(time, False)
            else:
                clock.time = time
        if kind_id not in DEVICE_KINDS:
            return self._apply_other(event, record)
        key: Hashable = (
            endpoint if endpoint is not None else f"sim:{sim}" if sim is not None else None
        )
        if key is None:
            why = "no endpoint or SIM in the event"
            return self.organisation_events.audit(event, CATALOGUE[event.type_id], record, why)
        devices = self._devices
        code = devices.get(key)
        if code is None:
            code = self.store.new_device(key, organisation)
        member = code >> MEMBER_SHIFT
        moved: StepResult | None = None
        if organisation != self._member_org[member] and organisation is not None:
            code, moved = self._move(code, organisation)
            member = code >> MEMBER_SHIFT
        step_key = (
            (code & STATE_MASK) << STATE_SHIFT
            | self._member_context[member] << CONTEXT_SHIFT
            | kind_id
        )
        step = self._memo.get(step_key) or self._compute(step_key)
        devices[key] = step.state_id | (member << MEMBER_SHIFT)
        self._outcomes[step.outcome] += 1
        if kind_id in TIMERS:
            self._set_timers(key, event, TIMERS[kind_id])
        return self._device_entry(event, key, step, moved) if record else None

    def _reused(self, event: Event, record: bool) -> TraceEntry | None:
        """An id seen before on another event (documentation samples reuse ids): applied like
        any event, counted, and said in a warning."""
        self.ledger.reused_ids += 1
        del self._seen[event.id]
        entry = self._apply(event, record)
        if entry is None:
            return None
        warning = f"event id {event.id} was seen before with another type, device or time: applied"
        return entry._replace(warnings=(*entry.warnings, warning))

    def _device_entry(
        self, event: Event, key: Hashable, step: StepResult, moved: StepResult | None
    ) -> TraceEntry:
        entry = entry_for(event, key, step.outcome, step)
        if moved is None or not moved.changes:
            return entry
        return entry._replace(
            changes=tuple(DeviceChange(key, c) for c in moved.changes) + entry.changes,
            moves=moved.moves + entry.moves,
            checks=moved.checks + entry.checks,
            views=tuple(DeviceView(key, *v) for v in moved.views) + entry.views,
        )

    def _move(self, code: int, organisation: int) -> tuple[int, StepResult]:
        """A device whose event names another organisation moved there (an endpoint transfer):
        its context changed, so the rules apply again before the event does, whatever the
        event's outcome."""
        store = self.store
        member = store.membership(organisation, store.members[code >> MEMBER_SHIFT][1])
        recheck = store.step(device_code(code & STATE_MASK, member), RECHECK_KIND)
        return device_code(recheck.state_id, member), recheck

    def _apply_other(self, event: Event, record: bool) -> TraceEntry | None:
        etype = CATALOGUE.get(event.type_id)
        if etype is None or event.kind_id < 0:
            self.ledger.outcomes[UNKNOWN] += 1
            self.store.organisation(event.organisation).audit[f"unknown type {event.type_id}"] += 1
            return entry_for(event, None, UNKNOWN) if record else None
        return self.organisation_events.apply(event, etype, record)

"""The fleet: every device, organisation and service profile, and the events applied to them.

This is the engine users drive through the Python API, the replay CLI and the scenario runner.
A device is stored as one integer: the index of its (interned) state plus the index of its
membership (organisation, service profile), whose ``Context`` is kept up to date when an
organisation or profile event changes it. Applying a device event is one memoised step
(``sim.step``); organisation and profile events fan out to the devices they reach.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from sim.catalogue import CATALOGUE, KIND_IDS, KINDS, RECHECK_KIND, EventType
from sim.clock import OFFLINE_AFTER, Clock
from sim.errors import EventFormatError
from sim.events import Event, parse_event
from sim.initial import InitialState, organisation_state
from sim.machines import RUNNERS
from sim.organisation import OrganisationState
from sim.outcomes import (
    APPLIED,
    DUPLICATE,
    INCONSISTENT,
    INVALID,
    OUTCOMES,
    RECORDED,
    UNCHANGED,
    UNKNOWN,
)
from sim.state import MACHINES, Context, DeviceState, describe
from sim.step import CONTEXT_SHIFT, STATE_SHIFT, Change, Move, Step, Stepper, force
from sim.trace import DeviceChange, TraceEntry
from statemachines import ORGANISATION_MACHINES

_SHIFT = 20
_MASK = (1 << _SHIFT) - 1
#: Quota assignment -> (the expiry it schedules, the deletion that cancels it).
_EXPIRY = {56: 60, 58: 61}
_CANCEL_EXPIRY = {57: 60, 59: 61}
_TYPES = dict(CATALOGUE)
#: Kinds the clock synthesises: Device offline, Data quota expired, SMS quota expired.
_TIMER_KIND = {type_id: KIND_IDS[(type_id, "")] for type_id in (49, 60, 61)}
_DEVICE_KINDS = frozenset(
    i for i, (t, _) in enumerate(KINDS) if t in _TYPES and _TYPES[t].scope == "endpoint"
)
_TIMER_KINDS = frozenset(
    i for i, (t, _) in enumerate(KINDS) if t in {3, 5, *_EXPIRY, *_CANCEL_EXPIRY}
)


class _FanOut(NamedTuple):
    """What re-applying the rules to the devices of an organisation or profile did."""

    changes: list[DeviceChange]
    moves: list[Move]
    checks: list[str]


class Fleet:
    """Devices keyed by endpoint id, with their organisations, a virtual clock and a trace.

    ``lenient`` follows impossible events to the state they report (with a warning) instead of
    ignoring them; ``trace`` keeps a ``TraceEntry`` per event; ``memo`` is the fast path (off
    only to check it against the ``transitions`` machines).
    """

    def __init__(
        self,
        initial: InitialState | None = None,
        *,
        lenient: bool = True,
        trace: bool = False,
        memo: bool = True,
    ) -> None:
        self.initial = initial or InitialState()
        self.stepper = (
            Stepper.shared(follow=lenient) if memo else Stepper(follow=lenient, memo=False)
        )
        self._memo = self.stepper.memo
        self.clock = Clock()
        self.outcomes: Counter[str] = Counter(dict.fromkeys(OUTCOMES, 0))
        self.synthesised: Counter[int] = Counter()
        self.trace: list[TraceEntry] | None = [] if trace else None
        self.organisations: dict[int | None, OrganisationState] = {}
        self._devices: dict[Hashable, int] = {}
        #: membership id -> (organisation id, service profile id), and its context id.
        self._members: list[tuple[int | None, int | None]] = []
        self._member_index: dict[tuple[int | None, int | None], int] = {}
        self._member_context: list[int] = []
        self._member_org: list[int | None] = []
        self._seen: set[int] = set()
        pool = self.stepper.pool
        self._default = pool.index(self.initial.defaults)
        self._loose_sim = pool.index(
            self.initial.defaults._replace(sim="Issued", sim_assignment="Unassigned")
        )
        for org_id, setup in self.initial.organisations.items():
            self.organisations[org_id] = organisation_state(setup)
        for key, device in self.initial.devices.items():
            member = self._membership(device.organisation, device.service_profile)
            self._devices[key] = pool.index(device.state) | (member << _SHIFT)

    # -- applying events ---------------------------------------------------------------------

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
        member = code >> _SHIFT
        moved: Step | None = None
        if organisation != self._member_org[member] and organisation is not None:
            code, moved = self._move(code, organisation)
            member = code >> _SHIFT
        step_key = (
            (code & _MASK) << STATE_SHIFT | self._member_context[member] << CONTEXT_SHIFT | kind_id
        )
        step = self._memo.get(step_key) or self.stepper.compute(step_key)
        self._devices[key] = step.state_id | (member << _SHIFT)
        self.outcomes[step.outcome] += 1
        if kind_id in _TIMER_KINDS:
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
        member = self._membership(organisation, self._members[code >> _SHIFT][1])
        recheck = self.stepper.step(code & _MASK, self._member_context[member], RECHECK_KIND)
        return recheck.state_id | (member << _SHIFT), recheck

    def _apply_other(self, event: Event, record: bool) -> TraceEntry | None:
        etype = _TYPES.get(event.type_id)
        if etype is None or event.kind_id < 0:
            self.outcomes[UNKNOWN] += 1
            self._organisation(event.organisation).audit[f"unknown type {event.type_id}"] += 1
            return self._entry(event, None, UNKNOWN) if record else None
        return self._apply_organisation(event, etype, record)

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

    def _apply_organisation(
        self, event: Event, etype: EventType, record: bool
    ) -> TraceEntry | None:
        org = self._organisation(event.organisation)
        effect = etype.effects[""]
        if not effect.triggers:
            return self._audit(event, etype, record)
        machine, trigger = effect.triggers[0]
        if etype.scope == "service_profile":
            if event.service_profile is None:
                return self._audit(event, etype, record, "no service profile id in the description")
            holder: dict[str, str] = org.profile(event.service_profile)
            slot, label = machine, f"service_profile:{event.service_profile}:{machine}"
        elif machine == "organisation":
            holder, slot, label = org.__dict__, "organisation", "organisation"
        else:
            holder = org.entities.setdefault(machine, {})
            slot = event.subject or "default"
            label = f"{machine}:{slot}"
        runner = RUNNERS[machine]
        before = holder.get(slot, runner.initial)
        after = runner.fire(before, trigger)
        warnings: tuple[str, ...] = ()
        outcome = APPLIED if after not in (None, before) else UNCHANGED
        moves: list[Move] = [(machine, before, trigger)] if after is not None else []
        checks: list[str] = []
        if after is None:
            outcome = INCONSISTENT
            warnings = (f"{machine} cannot '{trigger}' from {before}",)
            follow = self.stepper.follow and before not in runner.finals
            after = (runner.reported_state(trigger) or before) if follow else before
        holder[slot] = after
        self.outcomes[outcome] += 1
        changes: list[DeviceChange] = []
        if after != before:
            changes.append(DeviceChange(None, Change(label, before, after, "event", "", trigger)))
            if machine == "organisation" or etype.scope == "service_profile":
                fanned = self._recheck(event.organisation, event.service_profile)
                changes += fanned.changes
                moves += fanned.moves
                checks += fanned.checks
        if not record:
            return None
        return self._entry(
            event,
            None,
            outcome,
            warnings=warnings,
            changes=tuple(changes),
            moves=tuple(moves),
            checks=tuple(checks),
        )

    def _audit(
        self, event: Event, etype: EventType, record: bool, why: str = ""
    ) -> TraceEntry | None:
        self.outcomes[RECORDED] += 1
        self._organisation(event.organisation).audit[etype.name] += 1
        if not record:
            return None
        warnings = (f"{why}: recorded at organisation level",) if why else ()
        return self._entry(event, None, RECORDED, warnings=warnings)

    def _recheck(self, org_id: int | None, profile_id: int | None) -> _FanOut:
        """Re-apply the rules to the devices an organisation or profile change reaches."""
        organisation = self._organisation(org_id)
        affected = set()
        for member, (org, profile) in enumerate(self._members):
            if org == org_id and (profile_id is None or profile == profile_id):
                context = organisation.context(profile)
                self._member_context[member] = self.stepper.context_id(context)
                affected.add(member)
        fanned = _FanOut([], [], [])
        updates: dict[Hashable, int] = {}
        for key, code in self._devices.items():
            member = code >> _SHIFT
            if member in affected:
                step = self.stepper.step(code & _MASK, self._member_context[member], RECHECK_KIND)
                if step.changes:
                    updates[key] = step.state_id | (member << _SHIFT)
                    fanned.changes.extend(DeviceChange(key, c) for c in step.changes)
                    fanned.moves.extend(step.moves)
                    fanned.checks.extend(step.checks)
        self._devices.update(updates)
        return fanned

    def preview(self, key: Hashable, kind: tuple[int, str]) -> Step:
        """What applying an event of ``kind`` to this device would do, without doing it."""
        code = self._devices[key]
        return self.stepper.step(code & _MASK, self._member_context[code >> _SHIFT], KIND_IDS[kind])

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
        if machine in ORGANISATION_MACHINES:
            return self._set_organisation(machine, target, organisation, profile)
        code = self._devices[key]
        member = code >> _SHIFT
        context = self.stepper.contexts[self._member_context[member]]
        forced = force(self.state(key), context, machine, target)
        if forced is None:
            raise ValueError(
                f"no transition of {machine} leads from {self.state(key)[MACHINES.index(machine)]} to {target}"
            )
        state, changes = forced
        self._devices[key] = self.stepper.pool.index(state) | (member << _SHIFT)
        return self._record_set(key, self._members[member][0], machine, changes)

    def _set_organisation(
        self, machine: str, target: str, org_id: int | None, profile: int | None
    ) -> TraceEntry:
        org = self._organisation(org_id)
        holder: dict[str, str] = (
            org.__dict__ if machine == "organisation" else org.profile(profile or 0)
        )
        before = holder[machine]
        trigger = RUNNERS[machine].trigger_to(before, target) if before != target else None
        if before != target and trigger is None:
            raise ValueError(f"no transition of {machine} leads from {before} to {target}")
        holder[machine] = target
        changes = [Change(machine, before, target, "set", "", trigger or "")] if trigger else []
        fanned = (
            self._recheck(org_id, profile if machine != "organisation" else None)
            if trigger
            else _FanOut([], [], [])
        )
        entry = self._record_set(None, org_id, machine, changes)
        return entry._replace(
            changes=entry.changes + tuple(fanned.changes),
            moves=entry.moves + tuple(fanned.moves),
            checks=entry.checks + tuple(fanned.checks),
        )

    def _record_set(
        self, key: Hashable | None, org_id: int | None, machine: str, changes: list[Change]
    ) -> TraceEntry:
        entry = TraceEntry(
            None, self.clock.now, -2, f"set {machine}", key, org_id,
            APPLIED if changes else UNCHANGED, tuple(DeviceChange(key, c) for c in changes),
            synthesised=True, moves=tuple((c.machine, c.source, c.trigger) for c in changes),
            checks=tuple(c.cause.removeprefix("rule:") for c in changes if c.cause.startswith("rule:")),
        )  # fmt: skip
        if self.trace is not None:
            self.trace.append(entry)
        return entry

    # -- the virtual clock -------------------------------------------------------------------

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
            member = code >> _SHIFT
            step = self.stepper.step(
                code & _MASK, self._member_context[member], _TIMER_KIND[type_id]
            )
            self._devices[key] = step.state_id | (member << _SHIFT)
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

    # -- devices and organisations -----------------------------------------------------------

    def _organisation(self, org_id: int | None) -> OrganisationState:
        found = self.organisations.get(org_id)
        if found is None:
            found = self.organisations[org_id] = OrganisationState()
        return found

    def _membership(self, org_id: int | None, profile_id: int | None) -> int:
        key = (org_id, profile_id)
        found = self._member_index.get(key)
        if found is None:
            found = self._member_index[key] = len(self._members)
            self._members.append(key)
            self._member_org.append(org_id)
            context = self._organisation(org_id).context(profile_id)
            self._member_context.append(self.stepper.context_id(context))
        return found

    def _new_device(self, key: Hashable, org_id: int | None) -> int:
        index = self._loose_sim if isinstance(key, str) else self._default
        code = index | (self._membership(org_id, None) << _SHIFT)
        self._devices[key] = code
        return code

    def _entry(
        self,
        event: Event,
        endpoint: Hashable | None,
        outcome: str,
        step: Step | None = None,
        key: Hashable | None = None,
        warnings: tuple[str, ...] = (),
        changes: tuple[DeviceChange, ...] = (),
        moves: tuple[Move, ...] = (),
        checks: tuple[str, ...] = (),
    ) -> TraceEntry:
        if step is not None:
            changes = tuple(DeviceChange(key, c) for c in step.changes)
            warnings = step.warnings
        etype = CATALOGUE.get(event.type_id)
        return TraceEntry(
            event.id, event.time, event.type_id, etype.name if etype else "unknown",
            endpoint, event.organisation, outcome, changes, warnings,
            step.notes if step else (), False, step.moves if step else moves, step.checks if step else checks,
        )  # fmt: skip

    def endpoints(self) -> Iterator[Hashable]:
        """Every device key seen or set up, in first-seen order."""
        return iter(self._devices)

    def __len__(self) -> int:
        return len(self._devices)

    def __contains__(self, key: object) -> bool:
        return key in self._devices

    def state(self, key: Hashable) -> DeviceState:
        """The raw state of a device (KeyError if never seen)."""
        return self.stepper.pool.values[self._devices[key] & _MASK]

    def context(self, key: Hashable) -> Context:
        """What a device reads from its organisation and service profile."""
        return self.stepper.contexts[self._member_context[self._devices[key] >> _SHIFT]]

    def membership(self, key: Hashable) -> tuple[int | None, int | None]:
        """(organisation id, service profile id) of a device."""
        return self._members[self._devices[key] >> _SHIFT]

    def device(self, key: Hashable) -> dict[str, str]:
        """Every machine state and derived view of a device, by name."""
        return describe(self.state(key), self.context(key))

    def snapshot(self) -> dict[str, Any]:
        """The JSON document ``devicesim replay --json`` prints (without the trace)."""
        return {
            "devices": {str(key): self.device(key) for key in self._devices},
            "organisations": {
                str(org_id): org.to_json() for org_id, org in self.organisations.items()
            },
            "outcomes": dict(self.outcomes),
            "synthesised": {str(k): v for k, v in sorted(self.synthesised.items())},
        }

"""Organisation and service-profile events, and changes the platform reports with no event.

They change an organisation-level machine, then the devices they reach get the rules applied
again under their new context (the fan-out); ``set_state`` makes a change through a machine's
own transition, the way a policy or an organisation is unblocked.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple

from sim.engine.machines import RUNNERS
from sim.engine.organisations import PROFILE_MACHINES
from sim.engine.outcomes import (
    APPLIED,
    INCONSISTENT,
    RECORDED,
    UNCHANGED,
)
from sim.engine.step import Change, Move, force
from sim.engine.store import MASK, SHIFT, FleetState
from sim.engine.trace import DeviceChange, TraceEntry
from sim.events.catalogue import RECHECK_KIND, EventType
from sim.events.parse import Event
from statemachines import ORGANISATION_MACHINES


class _FanOut(NamedTuple):
    """What re-applying the rules to the devices of an organisation or profile did."""

    changes: list[DeviceChange]
    moves: list[Move]
    checks: list[str]


class OrganisationEvents(FleetState):
    """Applying organisation-level events and set-steps to a fleet."""

    def _apply_organisation(
        self, event: Event, etype: EventType, record: bool
    ) -> TraceEntry | None:
        org = self._organisation(event.organisation)
        effect = etype.effects[""]
        if not effect.triggers:
            return self._audit(event, etype, record)
        machine, trigger = effect.triggers[0]
        if etype.scope == "service_profile" and event.service_profile is None:
            return self._audit(event, etype, record, "no service profile id in the description")
        holder = org.holder(machine, event.service_profile)
        if etype.scope == "service_profile":
            slot, label = machine, f"service_profile:{event.service_profile}:{machine}"
        elif machine == "organisation":
            slot, label = machine, machine
        else:
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
            member = code >> SHIFT
            if member in affected:
                step = self.stepper.step(code & MASK, self._member_context[member], RECHECK_KIND)
                if step.changes:
                    updates[key] = step.state_id | (member << SHIFT)
                    fanned.changes.extend(DeviceChange(key, c) for c in step.changes)
                    fanned.moves.extend(step.moves)
                    fanned.checks.extend(step.checks)
        self._devices.update(updates)
        return fanned

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
        member = code >> SHIFT
        context = self.stepper.contexts[self._member_context[member]]
        forced = force(self.state(key), context, machine, target)
        if forced is None:
            raise ValueError(
                f"no transition of {machine} leads from {getattr(self.state(key), machine)} to {target}"
            )
        state, changes = forced
        self._devices[key] = self.stepper.pool.index(state) | (member << SHIFT)
        return self._record_set(key, self._members[member][0], machine, changes)

    def _set_organisation(
        self, machine: str, target: str, org_id: int | None, profile: int | None
    ) -> TraceEntry:
        if machine not in ("organisation", *PROFILE_MACHINES):
            raise ValueError(f"{machine} is set by its events only")
        holder = self._organisation(org_id).holder(machine, profile)
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

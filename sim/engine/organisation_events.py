"""Organisation and service-profile events, and changes the platform reports with no event.

They change an organisation-level machine (the organisation's status, a profile's quota
management switch, a breakout, a VPN client, a user); when the organisation or a profile
changed, the devices it reaches get the rules applied again under their new context (the
fan-out). ``set_state`` makes a change through a machine's own transition, the way a policy or
an organisation is unblocked.
"""

from __future__ import annotations

from collections.abc import Hashable

from sim.engine.clock import Clock
from sim.engine.machines import RUNNERS
from sim.engine.outcomes import APPLIED, INCONSISTENT, RECORDED, UNCHANGED
from sim.engine.packing import MEMBER_SHIFT, STATE_MASK, device_code
from sim.engine.rules import SILENT_CHANGES
from sim.engine.step import Change, Move, force
from sim.engine.store import FanOut, FleetStore
from sim.engine.trace import SET_TYPE, DeviceChange, DeviceView, Ledger, TraceEntry, entry_for
from sim.engine.views import view_changes
from sim.engine.vocabulary import MACHINES, SETTABLE_ORGANISATION
from sim.events.catalogue import EventType
from sim.events.event import Event


class OrganisationEvents:
    """Applies organisation-level events and set-steps to a fleet's store."""

    def __init__(self, store: FleetStore, ledger: Ledger, clock: Clock) -> None:
        self.store = store
        self.ledger = ledger
        self.clock = clock

    def apply(self, event: Event, etype: EventType, record: bool) -> TraceEntry | None:
        """Apply an organisation, service-profile or entity event."""
        effect = etype.effects[etype.default_variant]
        if not effect.triggers:
            return self.audit(event, etype, record)
        if etype.subject == "service_profile" and event.service_profile is None:
            return self.audit(event, etype, record, "no service profile id in the description")
        machine, trigger = effect.triggers[0]
        holder = self.store.organisation(event.organisation).holder(machine, event.service_profile)
        slot, label = self._slot(event, etype, machine)
        runner = RUNNERS[machine]
        before = holder.get(slot, runner.initial)
        after = runner.fire(before, trigger)
        warnings: tuple[str, ...] = ()
        outcome = APPLIED if after not in (None, before) else UNCHANGED
        moves: list[Move] = [(machine, before, trigger)] if after is not None else []
        if after is None:
            outcome = INCONSISTENT
            warnings = (f"{machine} cannot '{trigger}' from {before}",)
            follow = self.store.stepper.follow and before not in runner.finals
            after = (runner.reported_state(trigger) or before) if follow else before
        holder[slot] = after
        self.ledger.outcomes[outcome] += 1
        fanned = FanOut([], moves, [], [])
        if after != before:
            fanned.changes.append(
                DeviceChange(None, Change(label, before, after, "event", "", trigger))
            )
            if etype.subject != "entity":
                rechecked = self.store.recheck(event.organisation, event.service_profile)
                fanned.changes.extend(rechecked.changes)
                fanned.moves.extend(rechecked.moves)
                fanned.checks.extend(rechecked.checks)
                fanned.views.extend(rechecked.views)
        if not record:
            return None
        return entry_for(
            event, None, outcome, warnings=warnings, changes=tuple(fanned.changes),
            moves=tuple(fanned.moves), checks=tuple(fanned.checks), views=tuple(fanned.views),
        )  # fmt: skip

    @staticmethod
    def _slot(event: Event, etype: EventType, machine: str) -> tuple[str, str]:
        """Where the machine's state is kept in its holder, and the name a change reports."""
        if etype.subject == "service_profile":
            return machine, f"service_profile:{event.service_profile}:{machine}"
        if etype.subject == "entity":
            slot = event.subject or "default"
            return slot, f"{machine}:{slot}"
        return machine, machine

    def prove_unblocked(self, key: Hashable, kind_id: int) -> FanOut | None:
        """The organisation unblocked silently (domain.md rule 11), when the device's event
        is impossible with it Blocked and possible with it unblocked; None otherwise. The
        devices of the organisation get the rules applied again."""
        store = self.store
        code = store.devices[key]
        member = code >> MEMBER_SHIFT
        context = store.stepper.contexts[store.member_context[member]]
        change = next(c for c in SILENT_CHANGES if c.machine == "organisation")
        active = RUNNERS["organisation"].fire(context.organisation, change.trigger)
        if active in (None, context.organisation):
            return None
        trial_context = store.stepper.context_id(context._replace(organisation=active))
        trial = store.stepper.step(code & STATE_MASK, trial_context, kind_id)
        if trial.outcome == INCONSISTENT:
            return None
        return self.unblock(store.member_org[member])

    def unblock(self, org_id: int | None) -> FanOut | None:
        """Unblock an organisation silently, as an event proved (``prove_unblocked``) or as
        another partition of a split replay found an event proving; None when it is not
        Blocked. Its devices get the rules applied again."""
        before = self.store.organisation(org_id).organisation
        change = next(c for c in SILENT_CHANGES if c.machine == "organisation")
        active = RUNNERS["organisation"].fire(before, change.trigger)
        if active in (None, before):
            return None
        self.store.organisation(org_id).status["organisation"] = active
        fanned = self.store.recheck(org_id, None)
        unblock = Change(
            "organisation", before, active, "event", change.text, change.trigger, inferred=True
        )
        fanned.changes.insert(0, DeviceChange(None, unblock))
        fanned.moves.insert(0, ("organisation", before, change.trigger))
        return fanned

    def audit(
        self, event: Event, etype: EventType, record: bool, why: str = ""
    ) -> TraceEntry | None:
        """Count an event that changes nothing, in the organisation's audit trail."""
        self.ledger.outcomes[RECORDED] += 1
        self.store.organisation(event.organisation).audit[etype.name] += 1
        if not record:
            return None
        warnings = (f"{why}: recorded at organisation level",) if why else ()
        return entry_for(event, None, RECORDED, warnings=warnings)

    def set_state(
        self,
        key: Hashable | None,
        machine: str,
        target: str,
        organisation: int | None,
        profile: int | None,
        by: str,
    ) -> TraceEntry:
        """Move a machine to ``target`` through its own transition (see ``Fleet.set_state``)."""
        if machine not in MACHINES:
            return self._set_organisation(machine, target, organisation, profile, by)
        store = self.store
        code = store.devices[key]
        forced = force(store.state(key), store.context(key), machine, target, by)
        if forced is None:
            raise ValueError(
                f"no transition of {machine} leads from {getattr(store.state(key), machine)} to {target}"
            )
        state, changes = forced
        member = code >> MEMBER_SHIFT
        context = store.context(key)
        seen = view_changes(store.state(key), context, state, context)
        store.devices[key] = device_code(store.stepper.pool.index(state), member)
        fanned = FanOut([], [], [], [DeviceView(key, *v) for v in seen])
        return self._record_set(key, store.members[member][0], machine, changes, fanned)

    def _set_organisation(
        self, machine: str, target: str, org_id: int | None, profile: int | None, by: str
    ) -> TraceEntry:
        if machine not in SETTABLE_ORGANISATION:
            raise ValueError(f"{machine} is set by its events only")
        holder = self.store.organisation(org_id).holder(machine, profile)
        before = holder[machine]
        trigger = RUNNERS[machine].trigger_to(before, target) if before != target else None
        if before != target and trigger is None:
            raise ValueError(f"no transition of {machine} leads from {before} to {target}")
        holder[machine] = target
        if trigger is None:
            return self._record_set(None, org_id, machine, [], FanOut([], [], [], []))
        fanned = self.store.recheck(org_id, profile if machine != "organisation" else None)
        changes = [Change(machine, before, target, "set", by, trigger)]
        return self._record_set(None, org_id, machine, changes, fanned)

    def _record_set(
        self,
        key: Hashable | None,
        org_id: int | None,
        machine: str,
        changes: list[Change],
        fanned: FanOut,
    ) -> TraceEntry:
        moves = tuple((c.machine, c.source, c.trigger) for c in changes) + tuple(fanned.moves)
        checks = tuple(
            c.cause.removeprefix("rule:") for c in changes if c.cause.startswith("rule:")
        ) + tuple(fanned.checks)
        entry = TraceEntry(
            None, self.clock.now, SET_TYPE, f"set {machine}", key, org_id,
            APPLIED if changes else UNCHANGED,
            tuple(DeviceChange(key, c) for c in changes) + tuple(fanned.changes),
            synthesised=True, moves=moves, checks=checks, views=tuple(fanned.views),
        )  # fmt: skip
        return self.ledger.record(entry)

"""What a partition of a split replay notes while an organisation is Blocked in it.

Another partition may prove the organisation unblocked earlier than this one does (its device
acted first). One process would have unblocked it then, for every device. This partition
ends the same anyway when nothing its devices did meanwhile would have gone otherwise with the
organisation Active: every event and timer of theirs steps to the same state and outcome under
both (unblocking itself re-applies rules that only ever take service away, so it changes no
device). So the partition notes, per organisation, when it had it Blocked (``Period``), and
each event, timer or organisation event meanwhile that would have gone otherwise (a hazard);
``sim.engine.partition_rounds`` compares. Checking costs a second memoised step per event,
and only while some organisation is Blocked.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Sequence
from typing import NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.outcomes import INCONSISTENT
from sim.engine.packing import MEMBER_SHIFT, STATE_MASK
from sim.events.catalogue import CATALOGUE, SYNTHESISED
from sim.events.event import ORDER, Event
from statemachines.organisation import ACTIVE, BLOCKED

#: A place in (timestamp, id) order; timers sit before the events of their moment.
Key = tuple[float, float]
_START: Key = (-math.inf, -math.inf)
#: Organisation events that re-apply rules to devices under the organisation's status: a
#: service profile's switch. (Another block of a Blocked organisation changes no device: they
#: were stepped under Blocked all along; an entity's event reaches no device.)
_RECHECKING = frozenset(t for t, etype in CATALOGUE.items() if etype.subject == "service_profile")


class Period(NamedTuple):
    """A time the partition had an organisation Blocked."""

    organisation: int | None
    start: Key
    #: None: still Blocked at the end.
    end: Key | None


#: Something that would have gone otherwise with the organisation Active: where, and which.
Hazard = tuple[Key, int | None]


class Watch:
    """Follows the organisations' statuses of one partition as it replays."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.open: dict[int | None, Key] = {
            org_id: _START
            for org_id, org in fleet.store.organisations.items()
            if org.organisation == BLOCKED
        }
        self.periods: list[Period] = []
        self.hazards: list[Hazard] = []
        self.timers: list[tuple[float, int, int, int]] = []
        self._proofs = 0
        self._log_timers()

    def check(self, event: Event) -> None:
        """Before a device event is applied while some organisation is Blocked: a hazard if
        its organisation is one of them and it would step otherwise were it Active."""
        store = self.fleet.store
        key: Hashable = event.endpoint if event.endpoint is not None else store.sim_key(event.sim)
        code = store.devices.get(key)
        org = store.member_org[code >> MEMBER_SHIFT] if code is not None else event.organisation
        concerned = {org, event.organisation} & self.open.keys()
        if not concerned:
            return
        adopting = event.sim in store.loose_sims and event.endpoint is not None
        moving = event.organisation is not None and event.organisation != org
        if code is None or adopting or moving:
            self._hazard((event.time, event.id), concerned)
            return
        if self._differs(
            code & STATE_MASK, store.member_context[code >> MEMBER_SHIFT], event.kind_id
        ):
            self._hazard((event.time, event.id), concerned)

    def after_run(self) -> None:
        """Close the periods the partition's own proofs ended during a run of its events."""
        unblocks = self.fleet.ledger.unblocks
        for time, event_id, org_id in unblocks[self._proofs :]:
            if org_id in self.open:
                self._close(org_id, (time, event_id))
        self._proofs = len(unblocks)

    def after_stop(self, key: Key) -> None:
        """Open or close periods after an event every partition gets (or an injected proof)."""
        for org_id, org in self.fleet.store.organisations.items():
            blocked = org.organisation == BLOCKED
            if blocked and org_id not in self.open:
                self.open[org_id] = key
            elif not blocked and org_id in self.open:
                self._close(org_id, key)
        self._log_timers()

    def finish(self, shared: Sequence[Event]) -> tuple[list[Period], list[Hazard]]:
        """Every period and hazard: the organisation's own events (in ``shared``, sorted)
        and the timers that would have gone otherwise count too."""
        periods = self.periods + [Period(org, start, None) for org, start in self.open.items()]
        hazards = list(self.hazards)
        contexts = self.fleet.store.stepper.contexts
        for org, start, end in periods:
            low = bisect.bisect_right(shared, start, key=ORDER)
            high = len(shared) if end is None else bisect.bisect_left(shared, end, key=ORDER)
            hazards += [
                ((e.time, e.id), org)
                for e in shared[low:high]
                if e.organisation == org and e.type_id in _RECHECKING
            ]
        for due, code, context, type_id in self.timers:
            if contexts[context].organisation == BLOCKED and self._differs(
                code & STATE_MASK, context, SYNTHESISED[type_id]
            ):
                org = self.fleet.store.members[code >> MEMBER_SHIFT][0]
                hazards.append(((due, -math.inf), org))
        return periods, hazards

    def _differs(self, state: int, context: int, kind: int) -> bool:
        """Whether a step goes otherwise with the organisation Active (a proof aside)."""
        stepper = self.fleet.store.stepper
        blocked = stepper.step(state, context, kind)
        active_context = stepper.contexts[context]._replace(organisation=ACTIVE)
        active = stepper.step(state, stepper.context_id(active_context), kind)
        if blocked.outcome == INCONSISTENT and active.outcome != INCONSISTENT:
            return False  # the event proves the unblock: this partition's own proof
        return (blocked.state_id, blocked.outcome) != (active.state_id, active.outcome)

    def _hazard(self, key: Key, organisations: set[int | None]) -> None:
        self.hazards += [(key, org) for org in organisations]

    def _close(self, org_id: int | None, key: Key) -> None:
        self.periods.append(Period(org_id, self.open.pop(org_id), key))
        self._log_timers()

    def _log_timers(self) -> None:
        """Timers are noted only while some organisation is Blocked."""
        self.fleet.timers.log = self.timers if self.open else None

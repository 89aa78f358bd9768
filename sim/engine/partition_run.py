"""One partition of a replay split by device: its events, the events every partition gets,
and the organisation unblocks other partitions proved (``sim.engine.partition_rounds``).

Events that name no device are applied in every partition (for their effect on its devices)
but counted in the organisations' own partition only, which has no device and replays them
once the unblocks are known, so that the merged counts are one process's counts. While an
organisation is Blocked in the partition, it notes what happened to the organisation's
devices (its ``Watch``): the rounds read that to know whether the partition would have ended
the same had it known of an unblock another partition proved earlier.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.partition_watch import Hazard, Period, Watch
from sim.engine.saved_state import RECENT_WINDOW, RecentEvent, SavedState, capture, restore
from sim.events.event import ORDER, Event, in_order

#: An organisation proved unblocked: (time, id) of the proving event, and the organisation.
Proof = tuple[float, int, int | None]


class Injected(NamedTuple):
    """A proof made in partition ``owner``, applied in the others at its place."""

    time: float
    id: int
    organisation: int | None
    owner: int


class Report(NamedTuple):
    """What the rounds read of a partition's replay: the unblocks it proved itself, when it
    had organisations Blocked, and what touched their devices meanwhile."""

    proofs: list[Proof]
    periods: list[Period]
    hazards: list[Hazard]


class PartitionResult(NamedTuple):
    """What a partition's replay ends with: its state, and its report."""

    state: SavedState
    report: Report


def run_partition(
    own: Sequence[Event],
    shared: Sequence[Event],
    start: SavedState,
    *,
    index: int,
    injected: Sequence[Injected],
    until: float | None,
    lenient: bool = True,
    counted: bool = False,
    remember: bool = True,
) -> PartitionResult:
    """Replay partition ``index``: its devices' events ``own`` and the events every partition
    gets, ``shared`` (both sorted here), on top of ``start``, with the proofs other partitions
    made ``injected`` at their place; the clock moved on to ``until`` at the end (the last
    timestamp of the whole replay, so that timers fire as in one process). Only the
    organisations' own partition is ``counted``: it counts the ``shared`` events. Without
    ``remember`` the state keeps no recent ids (not to be saved: they cost as much to
    gather as a third of the replay)."""
    fleet = restore(start, lenient=lenient)
    ordered = in_order(own)
    everyone = in_order(shared)
    stops: list[tuple[float, int, Event | Injected]] = [(e.time, e.id, e) for e in everyone]
    stops += [(i.time, i.id, i) for i in injected if i.owner != index]
    stops.sort(key=lambda stop: stop[:2])
    counting = _Shared(fleet, counted=counted)
    watch = Watch(fleet)
    done = 0
    for time, event_id, stop in stops:
        # The partition's own events up to the stop go in one run, on the hot path.
        reached = bisect.bisect_left(ordered, (time, event_id), lo=done, key=ORDER)
        _apply_run(fleet, watch, ordered[done:reached])
        done = reached
        if isinstance(stop, Injected):
            _unblock(fleet, stop)
        else:
            counting.apply(stop)
        watch.after_stop((time, event_id))
    _apply_run(fleet, watch, ordered[done:])
    if until is not None:
        fleet.timers.advance(max(until, fleet.clock.time), False)
    since = (fleet.clock.now or 0.0) - RECENT_WINDOW
    # Each id is remembered by one partition: a device's by its own, the others' by the
    # organisations' (``counted``) partition.
    applied = (everyone if counted else ordered) if remember else []
    recent = [*start.recent, *(
        RecentEvent(e.id, e.time, e.type_id, e.endpoint, e.sim) for e in applied if e.time >= since
    )]  # fmt: skip
    report = Report(list(fleet.ledger.unblocks), *watch.finish(everyone))
    return PartitionResult(capture(fleet, recent), report)


def _apply_run(fleet: Fleet, watch: Watch, events: Sequence[Event]) -> None:
    """A run of the partition's own events: one at a time, each checked, while some
    organisation is Blocked; the rest in one call on the hot path."""
    at = 0
    clock = fleet.clock
    while at < len(events) and watch.open:
        event = events[at]
        if clock.time <= event.time >= clock.next_due:  # the timers due first, as _apply does
            fleet.timers.advance(event.time, False)
        watch.check(event)
        fleet.apply_all((event,))
        watch.after_run()
        at += 1
    fleet.apply_all(events[at:])
    watch.after_run()


def _unblock(fleet: Fleet, proof: Injected) -> None:
    """What the proving event did first in its own partition: move the clock to it (firing
    the timers due), then unblock its organisation."""
    clock = fleet.clock
    if proof.time >= clock.next_due:
        fleet.timers.advance(proof.time, False)
    clock.time = max(clock.time, proof.time)
    fleet.organisation_events.unblock(proof.organisation)


class _Shared:
    """Applies events that name no device; in partitions other than 0, takes back what they
    add to the counts (the timers they make due still count: those are this partition's)."""

    def __init__(self, fleet: Fleet, *, counted: bool) -> None:
        self.fleet = fleet
        self.counted = counted

    def apply(self, event: Event) -> None:
        fleet, ledger = self.fleet, self.fleet.ledger
        if self.counted:
            fleet.apply_all([event])
            return
        organisations = fleet.store.organisations
        held = organisations.get(event.organisation)
        audit = Counter(held.audit) if held is not None else Counter[str]()
        outcomes, reused, late = Counter(ledger.outcomes), ledger.reused_ids, ledger.late
        fleet.apply_all([event])
        ledger.outcomes.clear()
        ledger.outcomes.update(outcomes)
        ledger.reused_ids, ledger.late = reused, late
        if event.organisation in organisations:
            organisations[event.organisation].audit = audit

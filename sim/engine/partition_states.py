"""A saved state split into partitions' states, and partitions' states merged into one.

A replay split by device (``sim.engine.routing``) starts each partition from its share of the
starting state (``split``: its devices, their timers and SIMs, every organisation), plus one
partition of the organisations alone, which counts the events every partition gets; it ends
with one state per partition, and ``merge`` makes the state one process would have: devices,
timers, SIMs and counts added up, organisations as the organisations' own partition has them.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TypeVar

from sim.engine.routing import Router, key_node, node_of
from sim.engine.saved_state import (
    DeviceKey,
    RecentEvent,
    SavedOrganisation,
    SavedState,
    capture,
    recent_of,
    restore,
)
from sim.engine.state import DeviceState
from sim.engine.store import by_id
from sim.events.catalogue import DEVICE_KINDS, KINDS
from sim.events.event import ORDER

Counted = TypeVar("Counted", str, int)

#: Event types whose events go to one device's partition (a kind's type decides it).
_DEVICE_TYPES = frozenset(KINDS[kind][0] for kind in DEVICE_KINDS)


def split(saved: SavedState, router: Router) -> list[SavedState]:
    """``saved`` as the states the partitions start from: one per device partition (its
    devices, their timers and SIMs, every organisation without its audit, no counts), then
    the organisations' own (no device: the organisations, their audits and every count)."""
    parts = range(router.partitions)
    devices: list[list[int]] = [[] for _ in parts]
    for row, key in enumerate(saved.device_keys):
        devices[router.partition(key_node(key))].append(row)
    quiet = [org._replace(audit={}) for org in saved.organisations]
    states = [
        dataclasses.replace(
            saved,
            device_keys=[saved.device_keys[row] for row in devices[p]],
            device_states=[saved.device_states[row] for row in devices[p]],
            device_members=[saved.device_members[row] for row in devices[p]],
            loose_sims=[s for s in saved.loose_sims if router.partition(("sim", s)) == p],
            sim_homes=[h for h in saved.sim_homes if router.partition(key_node(h[1])) == p],
            timers=[t for t in saved.timers if router.partition(key_node(t[0])) == p],
            outcomes=dict.fromkeys(saved.outcomes, 0),
            synthesised={},
            reused_ids=0,
            late=0,
            organisations=quiet,
            recent=[r for r in saved.recent if _recent_partition(r, router) == p],
        )
        for p in parts
    ]
    organisations = dataclasses.replace(
        saved, device_keys=[], device_states=[], device_members=[], loose_sims=[], sim_homes=[],
        timers=[], recent=[r for r in saved.recent if _recent_partition(r, router) is None],
    )  # fmt: skip
    return [*states, organisations]


def _recent_partition(event: RecentEvent, router: Router) -> int | None:
    """The partition that remembers a recent id (None: all of them)."""
    if event.type_id not in _DEVICE_TYPES or (event.endpoint is None and event.sim is None):
        return None
    return router.partition(node_of(event))


def merge(states: Sequence[SavedState]) -> SavedState:
    """The partitions' states (the organisations' own last, as ``split`` made them) as one
    process's state, in ``capture``'s canonical order."""
    first = states[0]
    rows: list[tuple[DeviceKey, DeviceState, tuple[int | None, int | None]]] = []
    for state in states:
        for key, number, member in zip(
            state.device_keys, state.device_states, state.device_members, strict=True
        ):
            rows.append((key, state.states[number], state.members[member]))
    rows.sort(key=lambda row: by_id(row[0]))
    table: dict[DeviceState, int] = {}
    members = sorted(
        {m for state in states for m in state.members}, key=lambda m: (by_id(m[0]), by_id(m[1]))
    )
    member_number = {m: n for n, m in enumerate(members)}
    for _, device, _ in rows:
        table.setdefault(device, len(table))
    timers = sorted(
        (timer for state in states for timer in state.timers),
        key=lambda timer: (timer[2], by_id(timer[0])),
    )
    return dataclasses.replace(
        first,
        clock=max((s.clock for s in states if s.clock is not None), default=None),
        states=list(table),
        members=members,
        device_keys=[key for key, _, _ in rows],
        device_states=[table[device] for _, device, _ in rows],
        device_members=[member_number[member] for _, _, member in rows],
        loose_sims=sorted({s for state in states for s in state.loose_sims}),
        sim_homes=sorted({h for state in states for h in state.sim_homes}),
        organisations=_organisations(states),
        timers=timers,
        outcomes=_added([s.outcomes for s in states]),
        synthesised=dict(sorted(_added([s.synthesised for s in states]).items())),
        reused_ids=sum(s.reused_ids for s in states),
        late=sum(s.late for s in states),
        recent=_recent(states),
    )


def _added(counts: Sequence[Mapping[Counted, int]]) -> dict[Counted, int]:
    """Counts added up, keys in the order first seen."""
    total: Counter[Counted] = Counter()
    for count in counts:
        total.update(count)
    return {key: total[key] for key in dict.fromkeys(key for c in counts for key in c)}


def _organisations(states: Sequence[SavedState]) -> list[SavedOrganisation]:
    """Every organisation: as the organisations' own partition has it (it alone applied their
    events with every unblock in place, and counted them), with the service profiles the
    device partitions opened for their devices."""
    found = {org.id: org for org in states[-1].organisations}
    for state in states[:-1]:
        for org in state.organisations:
            held = found.get(org.id)
            if held is None:
                found[org.id] = org
                continue
            profiles = {**org.service_profiles, **held.service_profiles}
            found[org.id] = held._replace(service_profiles=dict(sorted(profiles.items())))
    return [found[org_id] for org_id in sorted(found, key=by_id)]


def _recent(states: Sequence[SavedState]) -> list[RecentEvent]:
    """The partitions' recent ids (each partition's own, each in order) as one list."""
    merged = sorted(itertools.chain.from_iterable(s.recent for s in states), key=ORDER)
    return recent_of(merged, max((s.clock for s in states if s.clock is not None), default=None))


def unblocked(saved: SavedState, organisations: Sequence[int | None]) -> SavedState:
    """A partition's state with organisations unblocked that another partition proved
    unblocked (and nothing touched since): their devices get the rules applied again."""
    fleet = restore(saved)
    for org_id in organisations:
        fleet.organisation_events.unblock(org_id)
    return capture(fleet, saved.recent)

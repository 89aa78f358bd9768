"""A fleet's whole state as plain columns, to save after a replay and continue from later.

A daily job should not replay a year of events every day: it replays yesterday's events on
top of the state it saved the day before. ``capture`` reads everything a later event can
depend on (devices with their observed and assumed machines, memberships, organisations with
their profiles, entities and audit, loose SIMs, pending timers, the virtual clock, the counts,
and the ids of recent events, to recognise their retransmissions) into a ``SavedState`` of
plain values; ``restore`` builds a ``Fleet`` that goes on exactly as the captured one would.
States are stored once each and devices refer to them by number, so the columns stay small
for a million devices. Reading and writing a file is ``sim.io.state_file``'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.initial import InitialState
from sim.engine.organisation_state import OrganisationState
from sim.engine.packing import MEMBER_SHIFT, device_code
from sim.engine.state import DeviceState
from sim.engine.store import IN_SERVICE, by_id
from sim.engine.trace import TraceEntry
from sim.engine.vocabulary import ENTITY_MACHINES, MACHINES, PROFILE_MACHINES, states
from sim.events.catalogue import SYNTHESISED
from sim.events.event import ORDER

#: The layout of ``SavedState``: a file of another number is refused, never guessed at.
STATE_FORMAT = 1
#: How far back (in seconds of event time) event ids are kept to recognise a retransmission:
#: two days, so that a daily export overlapping the previous one by a day is read once.
RECENT_WINDOW = 2 * 86400.0

#: A device's key: an endpoint id, or ``sim:<id>`` for a SIM seen without one.
DeviceKey = int | str


class SavedOrganisation(NamedTuple):
    """One organisation: its status, its profiles' switches, its entities and its audit."""

    id: int | None
    status: str
    service_profiles: dict[int, dict[str, str]]
    entities: dict[str, dict[str, str]]
    audit: dict[str, int]


class RecentEvent(NamedTuple):
    """An event within ``RECENT_WINDOW`` of the clock: what recognises its retransmission."""

    id: int
    time: float
    type_id: int
    endpoint: int | None
    sim: int | None


@dataclass(frozen=True)
class SavedState:
    """A fleet as columns: device ``i`` is ``device_keys[i]`` in state
    ``states[device_states[i]]`` and membership ``members[device_members[i]]``."""

    format: int
    #: The virtual clock (None before the first event).
    clock: float | None
    #: How a device first seen starts, as the replay was told (its assumed machines included).
    defaults: DeviceState
    states: list[DeviceState]
    #: (organisation id, service profile id), in the order they were first used.
    members: list[tuple[int | None, int | None]]
    device_keys: list[DeviceKey]
    device_states: list[int]
    device_members: list[int]
    loose_sims: list[int]
    #: (SIM id, the endpoint it was handed over to).
    sim_homes: list[tuple[int, DeviceKey]]
    organisations: list[SavedOrganisation]
    #: (device, synthesised type id, due), in the order they will fire.
    timers: list[tuple[DeviceKey, int, float]]
    outcomes: dict[str, int]
    synthesised: dict[int, int]
    reused_ids: int
    late: int
    recent: list[RecentEvent]


def recent_of(events: Iterable[RecentEvent], clock: float | None) -> list[RecentEvent]:
    """The events (in the order applied) whose ids still count: within ``RECENT_WINDOW``
    of the clock, the last one of each id (the one a fleet compares a repeat with)."""
    if clock is None:
        return []
    since = clock - RECENT_WINDOW
    last = {event.id: event for event in events if event.time >= since}
    return sorted(last.values(), key=ORDER)


def capture(fleet: Fleet, recent: Iterable[RecentEvent]) -> SavedState:
    """The fleet's whole state; ``recent`` are the events it applied (or was restored with)
    that may still be retransmitted: those within the window are kept. Everything is in a
    canonical order (devices and organisations by id, memberships sorted), so that the same
    state captured from fleets built in different orders (one process, or partitions merged)
    is the same, byte for byte."""
    store = fleet.store
    member_order = sorted(range(len(store.members)), key=lambda m: _membership(store.members[m]))
    renumbered = {old: new for new, old in enumerate(member_order)}
    numbers: dict[DeviceState, int] = {}
    table: list[DeviceState] = []
    keys, codes, members = [], [], []
    for key in sorted(store.devices, key=by_id):
        code = store.devices[key]
        state = store.state_of(code)
        if state not in numbers:
            numbers[state] = len(table)
            table.append(state)
        keys.append(_key(key))
        codes.append(numbers[state])
        members.append(renumbered[code >> MEMBER_SHIFT])
    timers = sorted(fleet.clock.pending(), key=lambda timer: (timer[2], by_id(timer[0])))
    return SavedState(
        STATE_FORMAT, fleet.clock.now, store.defaults, table,
        [store.members[m] for m in member_order], keys, codes, members, sorted(store.loose_sims),
        [(sim, _key(home)) for sim, home in sorted(store.sim_homes.items())],
        [_organisation(org_id, store.organisations[org_id])
         for org_id in sorted(store.organisations, key=by_id)],
        [(_key(device), type_id, due) for device, type_id, due in timers],
        dict(fleet.ledger.outcomes), dict(sorted(fleet.ledger.synthesised.items())),
        fleet.ledger.reused_ids, fleet.ledger.late, recent_of(recent, fleet.clock.now),
    )  # fmt: skip


def _membership(member: tuple[int | None, int | None]) -> tuple[tuple[int, int, str], ...]:
    return by_id(member[0]), by_id(member[1])


def restore(
    saved: SavedState,
    *,
    lenient: bool = True,
    trace: bool | Callable[[TraceEntry], object] = False,
) -> Fleet:
    """A fleet that continues from ``saved`` (from ``capture``, or a file read and
    ``check``ed by ``sim.io.state_file``)."""
    fleet = Fleet(
        InitialState(defaults=saved.defaults), lenient=lenient, trace=trace, assume=IN_SERVICE,
        silent_changes=True,
    )  # fmt: skip
    store = fleet.store
    for org in saved.organisations:
        store.organisations[org.id] = OrganisationState(
            {"organisation": org.status}, org.service_profiles, org.entities, Counter(org.audit)
        )
    for org_id, profile_id in saved.members:
        store.membership(org_id, profile_id)
    pool = store.stepper.pool
    numbers = [pool.index(state) for state in saved.states]
    for key, state, member in zip(
        saved.device_keys, saved.device_states, saved.device_members, strict=True
    ):
        store.devices[key] = device_code(numbers[state], member)
    store.loose_sims.update(saved.loose_sims)
    store.sim_homes.update(saved.sim_homes)
    if saved.clock is not None:
        fleet.clock.time = saved.clock
    for device, type_id, due in saved.timers:
        fleet.clock.schedule(device, type_id, due)
    ledger = fleet.ledger
    ledger.outcomes.update(saved.outcomes)
    ledger.synthesised.update(saved.synthesised)
    ledger.reused_ids, ledger.late = saved.reused_ids, saved.late
    for event in saved.recent:
        fleet.remember(event.id, event.type_id, event.endpoint, event.sim, event.time)
    return fleet


def check(saved: SavedState) -> None:
    """Refuse a state that this version could not continue from: ValueError saying what."""
    if saved.format != STATE_FORMAT:
        raise ValueError(
            f"it is a saved state of format {saved.format}; this devicesim reads format "
            f"{STATE_FORMAT}: replay the events from the start with this version to make one"
        )
    for device in (saved.defaults, *saved.states):
        for machine in MACHINES:
            if getattr(device, machine) not in states(machine):
                raise ValueError(f"{machine} has no state {getattr(device, machine)!r}")
    for org in saved.organisations:
        for machine, state in _organisation_states(org):
            if machine not in _ORGANISATION_MACHINES or state not in states(machine):
                raise ValueError(f"organisation {org.id}: {machine} has no state {state!r}")
    _check_columns(saved)


def _check_columns(saved: SavedState) -> None:
    """The columns agree: as long as each other, numbers within the tables they index."""
    columns = (len(saved.device_keys), len(saved.device_states), len(saved.device_members))
    if len(set(columns)) != 1:
        raise ValueError(f"the device columns differ in length: {columns}")
    if any(not 0 <= n < len(saved.states) for n in saved.device_states) or any(
        not 0 <= n < len(saved.members) for n in saved.device_members
    ):
        raise ValueError("a device refers to a state or membership the file does not hold")
    if any(type_id not in SYNTHESISED for _, type_id, _ in saved.timers):
        raise ValueError("a pending timer fires an event the clock does not synthesise")


_ORGANISATION_MACHINES = frozenset(("organisation", *PROFILE_MACHINES, *ENTITY_MACHINES))


def _organisation_states(org: SavedOrganisation) -> Iterator[tuple[str, str]]:
    """(machine, state) of everything an organisation holds."""
    yield "organisation", org.status
    for switches in org.service_profiles.values():
        yield from switches.items()
    for machine, held in org.entities.items():
        for state in held.values():
            yield machine, state


def _key(key: Hashable) -> DeviceKey:
    if not isinstance(key, int | str):
        raise ValueError(f"device {key!r}: only endpoint ids and sim:<id> keys can be saved")
    return key


def _organisation(org_id: int | None, org: OrganisationState) -> SavedOrganisation:
    return SavedOrganisation(
        org_id, org.organisation, {k: dict(v) for k, v in sorted(org.service_profiles.items())},
        {k: dict(sorted(v.items())) for k, v in sorted(org.entities.items())},
        dict(sorted(org.audit.items())),
    )  # fmt: skip

"""Hypothesis strategies for systems that consume emnify events.

Built on Hypothesis (installed with the package). See docs/testing.md.

- ``events()``: single events in the platform's JSON shape, of any type, valid for the parser.
- ``event_streams()``: time-ordered histories the platform could really have sent, generated
  by walking the model (with the follow-up events the platform sends when a rule ends a data
  session); ``valid=False`` mixes in retransmissions, reordering and impossible events.
- ``scenarios()``: whole scenario documents that ``devicesim run`` accepts.
- ``histories()``: arbitrary sequences, possible or not, malformed payloads included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from sim.engine.vocabulary import DEVICE_NAMES
from sim.events.build import build_event
from sim.events.catalogue import (
    CATALOGUE,
    DATA,
    DATA_QUOTA,
    GENERIC,
    KINDS,
    LIMITS,
    NETWORK_ATTACHMENT,
    SMS_QUOTA,
    STATUS,
    Kind,
    lookup,
)
from sim.testing.regression import scenario_document
from sim.testing.walker import START, Choice, Walker

ORGANISATIONS = (100, 200)
PROFILES = (7, 8)
SUBJECTS = ("alice@example.com", "bob@example.com", "385", "386")
EVENT_KINDS: tuple[Kind, ...] = tuple(KINDS[1:])
#: Type ids the catalogue does not know, for histories with unknown events.
UNKNOWN_TYPES = tuple(t for t in range(100) if t not in CATALOGUE)[:5]
GAPS = st.integers(1, 600)


def _kinds(types: Sequence[int | str] | None) -> list[tuple[int, str]]:
    if types is None:
        return list(EVENT_KINDS)
    wanted = set()
    for key in types:
        etype = lookup(key)
        if etype is None:
            raise ValueError(f"unknown event type {key!r}")
        wanted.add(etype.id)
    return [kind for kind in EVENT_KINDS if kind[0] in wanted]


@st.composite
def events(
    draw: st.DrawFn,
    types: Sequence[int | str] | None = None,
    endpoints: Sequence[int] = (1001, 1002, 1003),
    event_id: int | None = None,
    time: float | None = None,
) -> dict[str, Any]:
    """One event dict as the platform sends it, of one of ``types`` (ids or names)."""
    type_id, variant = draw(st.sampled_from(_kinds(types)))
    endpoint_scoped = CATALOGUE[type_id].scope == "endpoint"
    return build_event(
        type_id,
        event_id=event_id if event_id is not None else draw(st.integers(1, 2**53)),
        time=time if time is not None else START + draw(st.integers(0, 86_400 * 30)),
        organisation=draw(st.sampled_from(ORGANISATIONS)),
        endpoint=draw(st.sampled_from(endpoints)) if endpoint_scoped else None,
        variant=variant,
        service_profile=draw(st.sampled_from(PROFILES)),
        subject=draw(st.sampled_from(SUBJECTS)),
    )


#: How often each kind of event is drawn, in percent, network and data sessions first: that is
#: what real streams are mostly made of, and where shrinking heads. Empty groups pass their
#: share to the next non-empty one.
_GROUPS: tuple[tuple[str, int], ...] = (
    ("traffic", 55),
    ("quota", 20),
    ("status", 15),
    ("organisation", 10),
)
_GROUP_OF = {
    NETWORK_ATTACHMENT: "traffic",
    DATA: "traffic",
    GENERIC: "traffic",
    DATA_QUOTA: "quota",
    SMS_QUOTA: "quota",
    STATUS: "status",
    LIMITS: "status",
}


def _group(choice: Choice) -> str:
    if choice.endpoint is None:
        return "organisation"
    return _GROUP_OF.get(CATALOGUE[choice.type_id].category, "status")


def choose(draw: st.DrawFn, walker: Walker) -> Choice:
    """One allowed event, its kind weighted as in real streams."""
    grouped: dict[str, list[Choice]] = {}
    for choice in walker.choices():
        grouped.setdefault(_group(choice), []).append(choice)
    roll, floor = draw(st.integers(0, 99)), 0
    for name, share in _GROUPS:
        floor += share
        if roll < floor and name in grouped:
            return draw(st.sampled_from(grouped[name]))
    return draw(st.sampled_from(next(grouped[name] for name, _ in _GROUPS if name in grouped)))


def walk(draw: st.DrawFn, devices: int, size: int, organisation_events: bool = True) -> Walker:
    """A walker after ``size`` drawn steps (each step may send follow-up events too). The story
    may open with quota management switched on (52, 54), as many real fleets run."""
    walker = Walker(devices, organisation_events=organisation_events)
    walker.open_with(draw(st.booleans()), draw(st.booleans()))
    for _ in range(size):
        walker.wait(draw(GAPS))
        walker.fire(choose(draw, walker))
    return walker


@st.composite
def event_streams(
    draw: st.DrawFn,
    devices: int = 1,
    min_size: int = 1,
    max_size: int = 30,
    valid: bool = True,
    organisation_events: bool = True,
) -> list[dict[str, Any]]:
    """Histories for ``devices`` devices (endpoints 1001, ...; organisation 100, service profile
    7) that the model accepts without an inconsistent outcome, in time order. ``min_size`` and
    ``max_size`` count steps; follow-ups come on top. ``valid=False`` also retransmits events,
    shuffles some and inserts impossible ones."""
    walker = walk(draw, devices, draw(st.integers(min_size, max_size)), organisation_events)
    history = list(walker.history)
    if valid:
        return history
    for _ in range(draw(st.integers(0, 3))):
        if history:
            history.insert(draw(st.integers(0, len(history))), draw(st.sampled_from(history)))
    if len(history) > 1 and draw(st.booleans()):
        history = draw(st.permutations(history))
    for _ in range(draw(st.integers(0, 3))):
        impossible = draw(
            events(endpoints=walker.endpoints, event_id=walker.next_id, time=walker.now + 1)
        )
        walker.next_id += 1
        history.insert(draw(st.integers(0, len(history))), impossible)
    return history


@st.composite
def scenarios(draw: st.DrawFn, devices: int = 1, max_size: int = 15) -> dict[str, Any]:
    """A scenario document (as loaded from YAML) that ``devicesim run`` accepts and passes."""
    walker = Walker(devices)
    deliveries: list[tuple[list[dict[str, Any]], dict[int, dict[str, str]]]] = [
        (walker.open_with(draw(st.booleans()), draw(st.booleans())), {})
    ]
    for _ in range(draw(st.integers(1, max_size))):
        sent = walker.wait(draw(GAPS))
        sent += walker.fire(choose(draw, walker))
        keys = draw(st.sets(st.sampled_from(sorted(DEVICE_NAMES)), max_size=3))
        deliveries.append(
            (
                sent,
                {e: {k: walker.fleet.value(e, k) for k in sorted(keys)} for e in walker.endpoints},
            )
        )
    return scenario_document(
        "Generated scenario", "Generated by sim.testing.scenarios().", walker.endpoints, deliveries
    )


def malformed() -> st.SearchStrategy[Any]:
    """Values that are not valid events: wrong types, missing or broken fields."""
    broken_fields = st.fixed_dictionaries(
        {"id": st.one_of(st.none(), st.text(max_size=3), st.integers())},
        optional={
            "timestamp": st.one_of(st.text(max_size=12), st.integers(), st.none()),
            "event_type": st.one_of(
                st.integers(-5, 80), st.fixed_dictionaries({"id": st.integers(-5, 80)})
            ),
            "endpoint": st.one_of(
                st.none(), st.text(max_size=3), st.fixed_dictionaries({"id": st.text(max_size=3)})
            ),
            "detail": st.one_of(st.text(max_size=20), st.none()),
        },
    )
    return st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
        broken_fields,
    )


@st.composite
def histories(
    draw: st.DrawFn,
    min_size: int = 0,
    max_size: int = 40,
    devices: int = 3,
    malformed_events: bool = True,
) -> list[Any]:
    """Sequences of events over ``devices`` devices in any order: distinct timestamps and
    ids, occasional retransmissions (same id and payload), unknown types and, if asked,
    malformed payloads. Nothing is guaranteed to be possible."""
    endpoints = tuple(1001 + n for n in range(devices))
    size = draw(st.integers(min_size, max_size))
    offsets = draw(st.lists(st.integers(0, 10**6), min_size=size, max_size=size, unique=True))
    drawn: list[Any] = []
    for number, offset in enumerate(offsets, start=1):
        roll = draw(st.integers(0, 99))
        if roll < 3 and drawn:
            drawn.append(draw(st.sampled_from(drawn)))  # a retransmission
        elif roll < 5:
            unknown = build_event(
                draw(st.sampled_from(UNKNOWN_TYPES)), event_id=number, time=START + offset,
                organisation=100,
            )  # fmt: skip
            drawn.append(unknown)
        elif roll < 7 and malformed_events:
            drawn.append(draw(malformed()))
        else:
            drawn.append(draw(events(endpoints=endpoints, event_id=number, time=START + offset)))
    return drawn

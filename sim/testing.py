"""Hypothesis strategies for emnify events: realistic payloads and event histories.

Import needs Hypothesis (``pip install 'emnify-devicesim[test]'``). ``events()`` draws single
events in the platform's JSON shape; ``histories()`` draws arbitrary sequences of them over a
few devices, including impossible orders, retransmissions, unknown types and malformed
payloads: the raw material for "nothing ever crashes" and order/duplicate properties.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("sim.testing needs Hypothesis: pip install 'emnify-devicesim[test]'") from exc

from sim.builder import build_event
from sim.catalogue import CATALOGUE, KINDS

START = 1_746_086_400.0  # 2025-05-01T08:00:00Z
ORGANISATIONS = (100, 200)
PROFILES = (7, 8)
SUBJECTS = ("alice@example.com", "bob@example.com", "385", "386")
EVENT_KINDS: tuple[tuple[int, str], ...] = KINDS[1:]


def _kinds(types: Sequence[int | str] | None) -> list[tuple[int, str]]:
    if types is None:
        return list(EVENT_KINDS)
    wanted = {t if isinstance(t, int) else _type_id(t) for t in types}
    return [kind for kind in EVENT_KINDS if kind[0] in wanted]


def _type_id(name: str) -> int:
    for etype in CATALOGUE.values():
        if etype.name.casefold() == name.casefold():
            return etype.id
    raise ValueError(f"unknown event type {name!r}")


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
            unknown = build_event(0, event_id=number, time=START + offset, organisation=100)
            unknown["event_type"] = {
                "id": draw(st.sampled_from([24, 35, 47, 62, 99])),
                "description": "?",
            }
            drawn.append(unknown)
        elif roll < 7 and malformed_events:
            drawn.append(draw(malformed()))
        else:
            drawn.append(draw(events(endpoints=endpoints, event_id=number, time=START + offset)))
    return drawn

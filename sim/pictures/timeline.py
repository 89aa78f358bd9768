"""Per-device timelines from a trace: what a report draws as lanes and marks.

A device's timeline is the list of trace entries that touched it (its own events, and the
organisation events and rules that changed it), and for every machine and view a lane: the
state it starts in and the entry after which each new state begins. Built from the trace
alone, so a scenario and a replayed log are drawn the same way; a lane that never changed
shows the device's final state from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, NamedTuple

import orjson

from sim.engine.step import Change
from sim.engine.trace import TraceEntry, format_time
from sim.engine.vocabulary import MACHINES, VIEWS

#: The lanes of a timeline, top to bottom: what a customer sees, then the machines.
LANES = (*VIEWS, *MACHINES)
#: Where a lane's first state begins: before the device's first event.
START = -1

Payload = Callable[[TraceEntry], Mapping[str, Any] | None]


class Timeline(NamedTuple):
    """One device: its entries (JSON-ready) and, per lane, ``[[entry index, state], ...]``."""

    events: list[dict[str, Any]]
    lanes: dict[str, list[tuple[int, str]]]

    def to_json(self) -> dict[str, Any]:
        """The timeline as the report embeds it."""
        return {
            "events": self.events,
            "lanes": {k: list(map(list, v)) for k, v in self.lanes.items()},
        }


def _touched(entry: TraceEntry) -> set[Hashable]:
    """The devices an entry is about or changed."""
    touched = {change.endpoint for change in entry.changes} | {v.endpoint for v in entry.views}
    if entry.endpoint is not None:
        touched.add(entry.endpoint)
    touched.discard(None)
    return touched


def because(change: Change) -> str:
    """Why a change happened, in words a support engineer reads: this event (or what it
    proved), a cross-machine rule, or a set step, with the reason when there is one."""
    if change.cause == "set":
        return f"set by the {change.reason}"
    if change.cause.startswith("rule:"):
        words = f"rule {change.cause.removeprefix('rule:')}"
    else:
        words = "proved by this event" if change.inferred else "this event"
    return f"{words}: {change.reason}" if change.reason else words


def mark(entry: TraceEntry, device: Hashable, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """An entry as a mark on one device's timeline: what hovering it shows."""
    changes = [
        f"{c.change.machine}: {c.change.source} -> {c.change.dest} ({because(c.change)})"
        for c in entry.changes
        if c.endpoint == device or c.endpoint is None
    ]
    changes += [f"{v.view}: {v.source} -> {v.dest}" for v in entry.views if v.endpoint == device]
    return {
        "id": entry.id,
        "time": format_time(entry.time),
        "type": entry.type_id,
        "name": entry.type_name,
        "outcome": entry.outcome,
        "synthesised": entry.synthesised,
        "changes": changes,
        "warnings": list(entry.warnings),
        "refusal": entry.refusal or None,
        # As JSON text, parsed only when hovered: a fleet's page unpacks ten times faster.
        "payload": orjson.dumps(payload).decode() if payload is not None else None,
    }


def timelines(
    trace: Iterable[TraceEntry],
    finals: Mapping[Hashable, Mapping[str, str]],
    payload: Payload,
) -> dict[Hashable, Timeline]:
    """A timeline for every device of ``finals`` (its final states by lane name)."""
    events: dict[Hashable, list[dict[str, Any]]] = {key: [] for key in finals}
    changed: dict[Hashable, dict[str, list[tuple[int, str]]]] = {key: {} for key in finals}
    for entry in trace:
        for device in _touched(entry) & events.keys():
            index = len(events[device])
            events[device].append(mark(entry, device, payload(entry)))
            moved = [(c.change.machine, c.change.source, c.change.dest) for c in entry.changes
                     if c.endpoint == device and c.change.machine in MACHINES]  # fmt: skip
            moved += [(v.view, v.source, v.dest) for v in entry.views if v.endpoint == device]
            for lane, source, dest in moved:
                changed[device].setdefault(lane, [(START, source)]).append((index, dest))
    return {
        device: Timeline(
            events[device],
            {lane: changed[device].get(lane) or [(START, finals[device][lane])] for lane in LANES},
        )
        for device in finals
    }

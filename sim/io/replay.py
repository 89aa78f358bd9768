"""Replaying event inputs: read, parse, order by (timestamp, id), apply.

The platform promises no order, so a replay collects all events first and sorts them; a
retransmitted id is applied once and counted as a duplicate. Events that cannot be read are
counted as ``invalid`` with one message each naming the file and line or index; in strict mode
the first one stops the replay. All of it happens in this process; ``sim.scale`` replays on
several.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tqdm import tqdm

from sim.engine.fleet import Fleet
from sim.engine.initial import InitialState
from sim.engine.store import EVIDENCE
from sim.errors import StrictReplayError
from sim.events.event import Event, in_order
from sim.io.decoding import parse_items, parse_lines, paused_gc
from sim.io.initial_file import initial_state, load_initial
from sim.io.readers import JsonLines, Source, read_events

T = TypeVar("T")


@dataclass
class Replay:
    """What a replay read, and the messages for what it could not."""

    events: list[Event] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def read_all(
    paths: Sequence[str],
    *,
    strict: bool = False,
    progress: bool = False,
    keep_raw: bool = False,
) -> Replay:
    """Read and parse every input, in order; ``InputError`` for an unreadable one.

    Payloads are dropped once read unless ``keep_raw``: the model needs only a few fields.
    """
    replay = Replay()
    with paused_gc():
        for path in paths:
            source, items = read_events(path)
            invalid = _invalid(source, replay, strict)
            if isinstance(items, JsonLines):
                with items.reading():
                    parse_lines(_shown(items.numbered(), source, progress), replay.events,
                                invalid, keep_raw=keep_raw)  # fmt: skip
            else:
                parse_items(_shown(items, source, progress), replay.events, invalid,
                            keep_raw=keep_raw)  # fmt: skip
    return replay


def _shown(items: Iterable[T], source: Source, progress: bool) -> Iterable[T]:
    """``items`` with a progress bar on stderr when ``progress`` (after a second)."""
    if not progress:
        return items
    return tqdm(items, desc=f"reading {source.label}", unit=" events",
                delay=1.0, file=sys.stderr, disable=None)  # fmt: skip


def _invalid(source: Source, into: Replay, strict: bool) -> Callable[[int, str], None]:
    """What to do with an event of ``source`` that cannot be read: note it, or stop."""

    def invalid(position: int, why: str) -> None:
        if strict:
            lines = source.lines and position >= 0
            raise StrictReplayError(
                why,
                path=source.label,
                line=position if lines else None,
                index=position if not lines and position >= 0 else None,
            )
        into.invalid.append(f"{source.where(position)}: {why}")

    return invalid


def replay_events(fleet: Fleet, replay: Replay, *, progress: bool = False) -> Fleet:
    """Sort the parsed events and apply them to ``fleet``; count the invalid ones."""
    for message in replay.invalid:
        fleet.reject_invalid(message)
    with paused_gc():
        events: Iterable[Event] = in_order(replay.events)
        if progress:
            events = tqdm(
                events, desc="applying", unit=" events", delay=1.0, file=sys.stderr, disable=None
            )
        fleet.apply_all(events)
    return fleet


EventSource = str | os.PathLike[str] | Mapping[str, Any] | Event


def replay(
    events_or_paths: EventSource | Iterable[EventSource],
    *,
    initial: InitialState | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    strict: bool = False,
    trace: bool = False,
    fleet: Fleet | None = None,
    assume: str = EVIDENCE,
) -> Fleet:
    """Replay event files and events, as ``devicesim replay`` does, and return the fleet.

    ``events_or_paths`` is a path (JSON, JSON array or JSON Lines; ``-`` is stdin), an event
    (a dict as the platform sends it, or a parsed ``Event``), or any mix of them. Everything
    is ordered by (timestamp, id) before it is applied. ``initial`` is an ``InitialState``, an
    initial-state mapping or the path of an initial-state file. ``strict`` raises
    ``StrictReplayError`` at the first event that cannot be read and leaves impossible events
    unapplied; otherwise unreadable events are counted as ``invalid``. Either way an event
    proves the changes the platform makes without one (a policy or organisation unblocked, a
    quota refilled: domain.md rule 11). ``fleet`` continues an
    existing fleet instead of starting one (``initial``, ``trace`` and ``assume`` are then its
    own). ``assume`` is how a device first seen starts: ``"evidence"`` (its machines assumed
    until events show them) or ``"in-service"``.
    """
    items: Iterable[EventSource] = (
        [events_or_paths]
        if isinstance(events_or_paths, str | os.PathLike | Mapping | Event)
        else events_or_paths
    )
    given, paths = Replay(), []
    for index, item in enumerate(items):
        if isinstance(item, str | os.PathLike):
            paths.append(os.fspath(item))
        elif isinstance(item, Event):
            given.events.append(item)
        else:
            parse_items([(index, item)], given.events, _invalid(_GIVEN, given, strict))
    read = read_all(paths, strict=strict)
    if fleet is None:
        fleet = Fleet(
            _initial(initial), lenient=not strict, trace=trace, assume=assume, silent_changes=True
        )
    merged = Replay(given.events + read.events, given.invalid + read.invalid)
    return replay_events(fleet, merged)


_GIVEN = Source("<events>", lines=False)


def _initial(
    initial: InitialState | Mapping[str, Any] | str | os.PathLike[str] | None,
) -> InitialState | None:
    if initial is None or isinstance(initial, InitialState):
        return initial
    if isinstance(initial, Mapping):
        return initial_state(initial)
    return load_initial(os.fspath(initial))

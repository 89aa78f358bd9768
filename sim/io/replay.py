"""Replaying event inputs: read, parse, order by (timestamp, id), apply.

The platform promises no order, so a replay collects all events first and sorts them; a
retransmitted id is applied once and counted as a duplicate. Events that cannot be read are
counted as ``invalid`` with one message each naming the file and line or index; in strict mode
the first one stops the replay. Large JSON Lines files are decoded by a pool of processes,
one chunk each; ordering and applying stay in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from tqdm import tqdm

from sim.engine.fleet import Fleet
from sim.engine.initial import InitialState
from sim.engine.store import EVIDENCE
from sim.errors import EventFormatError, StrictReplayError
from sim.events.event import Event
from sim.events.parse import parse_event
from sim.io.initial_file import initial_state, load_initial
from sim.io.readers import (
    Chunk,
    Decoded,
    Source,
    chunk_lines,
    decode_lines,
    json_lines_chunks,
    read_events,
)

_ORDER = attrgetter("time", "id")
#: Files at least this large are decoded by several processes when there are several cores.
PARALLEL_BYTES = 32 * 2**20
CHUNK_BYTES = 16 * 2**20
_new_event = tuple.__new__


@dataclass
class Replay:
    """What a replay read, and the messages for what it could not."""

    events: list[Event] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work.

    Replay allocates millions of small acyclic objects; the collector's full passes over them
    cost as much as the parsing itself and free nothing (reference counting does that).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_items(
    items: Iterable[Decoded],
    events: list[Event],
    invalid: Callable[[int, str], None],
    *,
    keep_raw: bool = True,
) -> None:
    """Parse decoded items onto ``events``; call ``invalid(position, why)`` for the others."""
    append = events.append
    for position, raw, error in items:
        if error is None:
            try:
                append(parse_event(raw, keep_raw=keep_raw))
                continue
            except EventFormatError as exc:
                error = str(exc)
        invalid(position, error)


def _parse_chunk(chunk: Chunk) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]], int]:
    """Worker side: events as plain tuples (they cross the process boundary), the invalid
    ones by line number within the chunk, and the chunk's line count."""
    events: list[Event] = []
    invalid: list[tuple[int, str]] = []
    with paused_gc():
        lines = chunk_lines(chunk)
        parse_items(
            decode_lines(lines, 0),
            events,
            lambda at, why: invalid.append((at, why)),
            keep_raw=False,
        )
    return [tuple(event) for event in events], invalid, len(lines) - 1


def _parallel(path: str) -> list[Chunk] | None:
    if path == "-" or not os.path.isfile(path) or os.path.getsize(path) < PARALLEL_BYTES:
        return None
    if len(os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()) < 2:
        return None
    chunks = json_lines_chunks(path, CHUNK_BYTES)
    return chunks if chunks and len(chunks) > 1 else None


def _read_parallel(chunks: list[Chunk], into: Replay, strict: bool, progress: bool) -> None:
    """Decode a big JSON Lines file with a pool of processes, one chunk at a time each."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    workers = min(len(os.sched_getaffinity(0)), 4)
    line = 1
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        decoded: Iterable[tuple[list[tuple[Any, ...]], list[tuple[int, str]], int]]
        decoded = pool.map(_parse_chunk, chunks)
        if progress:
            decoded = tqdm(decoded, total=len(chunks), desc=f"reading {chunks[0].path}", unit=" chunks",
                           delay=1.0, file=sys.stderr, disable=None)  # fmt: skip
        for events, invalid, lines in decoded:
            into.events += [_new_event(Event, values) for values in events]
            for at, why in invalid:
                if strict:
                    raise StrictReplayError(why, path=chunks[0].path, line=line + at)
                into.invalid.append(f"{chunks[0].path}:{line + at}: {why}")
            line += lines


def read_all(
    paths: Sequence[str], *, strict: bool = False, progress: bool = False, keep_raw: bool = False
) -> Replay:
    """Read and parse every input, in order; ``InputError`` for an unreadable one.

    Payloads are dropped once read unless ``keep_raw``: the model needs only a few fields.
    """
    replay = Replay()
    with paused_gc():
        for path in paths:
            chunks = None if keep_raw else _parallel(path)
            if chunks:
                _read_parallel(chunks, replay, strict, progress)
                continue
            source, decoded = read_events(path)
            items: Iterable[Decoded] = decoded
            if progress:
                items = tqdm(items, desc=f"reading {source.label}", unit=" events",
                             delay=1.0, file=sys.stderr, disable=None)  # fmt: skip

            parse_items(items, replay.events, _invalid(source, replay, strict), keep_raw=keep_raw)
    return replay


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
        events: Iterable[Event] = sorted(replay.events, key=_ORDER)
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
            parse_items([(index, item, None)], given.events, _invalid(_GIVEN, given, strict))
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

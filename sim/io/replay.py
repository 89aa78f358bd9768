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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from tqdm import tqdm

from sim.engine.fleet import Fleet
from sim.errors import EventFormatError
from sim.events.parse import Event, parse_event
from sim.io.readers import Chunk, Decoded, chunk_lines, decode_lines, json_lines_chunks, read_events

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


class StrictStop(Exception):
    """The first invalid event of a strict replay."""


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
                message = f"{chunks[0].path}:{line + at}: {why}"
                if strict:
                    raise StrictStop(message)
                into.invalid.append(message)
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

            def invalid(
                position: int, why: str, where: Callable[[int], str] = source.where
            ) -> None:
                message = f"{where(position)}: {why}"
                if strict:
                    raise StrictStop(message)
                replay.invalid.append(message)

            parse_items(items, replay.events, invalid, keep_raw=keep_raw)
    return replay


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

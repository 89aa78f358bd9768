"""Decoding a large JSON Lines file on several processes, one chunk of lines each.

Ordering and applying stay in one process; the workers only decode and parse. Events cross
the process boundary as plain tuples, and the invalid ones as (line within the chunk, why).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from tqdm import tqdm

from sim.errors import StrictReplayError
from sim.events.event import Event
from sim.io.decoding import parse_lines, paused_gc
from sim.io.readers import Chunk, chunk_lines, json_lines_chunks

#: Files at least this large are decoded by several processes when there are several workers.
PARALLEL_BYTES = 32 * 2**20
CHUNK_BYTES = 16 * 2**20
_new_event = tuple.__new__
#: What a worker sends back: events as plain tuples, invalid lines, the chunk's line count.
ChunkResult = tuple[list[tuple[Any, ...]], list[tuple[int, str]], int]


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunks_of(path: str, workers: int) -> list[Chunk] | None:
    """The chunks to decode ``path`` in, or None when one process should read it."""
    if workers < 2 or path == "-" or not os.path.isfile(path):
        return None
    if os.path.getsize(path) < PARALLEL_BYTES:
        return None
    chunks = json_lines_chunks(path, CHUNK_BYTES)
    return chunks if chunks and len(chunks) > 1 else None


def _parse_chunk(chunk: Chunk) -> ChunkResult:
    """Worker side: events as plain tuples, the invalid ones by line number within the
    chunk, and the chunk's line count."""
    events: list[Event] = []
    invalid: list[tuple[int, str]] = []
    with paused_gc():
        lines = chunk_lines(chunk)
        parse_lines(enumerate(lines), events, lambda at, why: invalid.append((at, why)))
    return [tuple(event) for event in events], invalid, len(lines) - 1


def read_parallel(
    chunks: list[Chunk],
    workers: int,
    events: list[Event],
    invalid: Callable[[str], None],
    *,
    strict: bool,
    progress: bool,
) -> None:
    """Decode the chunks of one file with ``workers`` processes, in order, onto ``events``;
    ``invalid`` gets ``file:line: why`` for each line that cannot be read."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    path, line = chunks[0].path, 1
    processes = min(workers, len(chunks))
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method)) as pool:
        decoded: Iterable[ChunkResult] = pool.map(_parse_chunk, chunks)
        if progress:
            decoded = tqdm(decoded, total=len(chunks), desc=f"reading {path}", unit=" chunks",
                           delay=1.0, file=sys.stderr, disable=None)  # fmt: skip
        for parsed, bad, lines in decoded:
            events += [_new_event(Event, values) for values in parsed]
            for at, why in bad:
                if strict:
                    raise StrictReplayError(why, path=path, line=line + at)
                invalid(f"{path}:{line + at}: {why}")
            line += lines

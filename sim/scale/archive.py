"""An archive's files as the pieces workers read: a whole file, or, for a large JSON Lines
file, a chunk of its lines, so that one big file is read by every worker and not by one.

A chunk's unreadable lines come back numbered within the chunk; ``messages`` numbers them
in their file once every chunk's line count is known, as one process would have.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import NamedTuple

from sim.errors import StrictReplayError
from sim.events.event import Event
from sim.io.decoding import parse_lines, paused_gc
from sim.io.parquet_files import is_parquet
from sim.io.readers import Chunk, chunk_lines, json_lines_chunks
from sim.io.replay import read_all

#: JSON Lines files at least this large are read in chunks of about ``CHUNK_BYTES``.
PIECE_BYTES = 32 * 2**20
CHUNK_BYTES = 16 * 2**20


class Piece(NamedTuple):
    """A file, or a chunk of one."""

    path: str
    chunk: Chunk | None = None


class Read(NamedTuple):
    """What a worker read of a piece: the events, and what it could not read."""

    events: list[Event]
    #: A whole file's unreadable events, named as one process names them.
    invalid: list[str]
    #: A chunk's: (line within the chunk, why), and how many lines the chunk has.
    positioned: list[tuple[int, str]]
    lines: int


def pieces(path: str) -> list[Piece]:
    """The pieces ``path`` is read in."""
    if not os.path.isfile(path) or os.path.getsize(path) < PIECE_BYTES or is_parquet(path):
        return [Piece(path)]
    chunks = json_lines_chunks(path, CHUNK_BYTES)
    return [Piece(path, chunk) for chunk in chunks] if chunks else [Piece(path)]


def read_piece(piece: Piece, strict: bool) -> Read:
    """Read one piece (on a worker). A whole file stops at its first unreadable event when
    ``strict``; a chunk's are named by ``messages``."""
    if piece.chunk is None:
        replay = read_all([piece.path], strict=strict)
        return Read(replay.events, replay.invalid, [], 0)
    events: list[Event] = []
    positioned: list[tuple[int, str]] = []
    with paused_gc():
        lines = chunk_lines(piece.chunk)
        parse_lines(enumerate(lines), events, lambda at, why: positioned.append((at, why)))
    return Read(events, [], positioned, len(lines) - 1)


def messages(
    read: Sequence[Piece],
    found: Sequence[tuple[list[str], list[tuple[int, str]], int]],
    strict: bool,
) -> list[str]:
    """Every unreadable event as ``file:line: why``, in the order of the files and their
    lines; ``StrictReplayError`` for the first when ``strict``. ``found`` is each piece's
    (invalid, positioned, lines)."""
    named: list[str] = []
    line = 1
    for index, (piece, (invalid, positioned, lines)) in enumerate(zip(read, found, strict=True)):
        if index == 0 or read[index - 1].path != piece.path:
            line = 1
        for at, why in positioned:
            if strict:
                raise StrictReplayError(why, path=piece.path, line=line + at)
            named.append(f"{piece.path}:{line + at}: {why}")
        named += invalid
        line += lines
    return named

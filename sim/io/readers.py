"""Reading event files and documents from disk or stdin: the I/O edge of the package.

Event input is one JSON object, a JSON array of objects (the webhook's bulk mode, the Event
API's pages) or JSON Lines, gzip-compressed or not, with or without a UTF-8 byte order mark;
``-`` is stdin. A JSON Lines input is handed over as numbered lines (the parser decodes them,
``sim.io.decoding``), a document as its values with their index, so that a bad event can be
named precisely; a file that cannot be read at all (UTF-16, a damaged gzip stream, a folder,
a document that does not parse) raises ``InputError``. Large JSON Lines files can be split
into chunks at line boundaries so that several processes decode them at once.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain, pairwise
from typing import IO, Any, NamedTuple, cast

import orjson

from sim.errors import InputError
from sim.io.parquet_files import is_parquet, parquet_items

#: (position, value): an item of a JSON document and its index (-1 for a single object).
Decoded = tuple[int, Any]


class Source(NamedTuple):
    """Where items come from, to name them in messages: ``file:line`` or ``file[index]``."""

    label: str
    lines: bool

    def where(self, position: int) -> str:
        """The location of the item at ``position`` (a line number or an array index)."""
        if position < 0:
            return self.label
        return f"{self.label}:{position}" if self.lines else f"{self.label}[{position}]"


#: Bytes read at a time, from a file or (uncompressed) from a gzip stream: lines are then
#: split in C over large blocks (the default 8 kB buffer made line iteration 2.5x slower).
_BUFFER = 1 << 20
_GZIP = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _open(path: str, label: str) -> IO[bytes]:
    """The bytes of one input, gunzipped when they are gzip, without a UTF-8 byte order
    mark; ``InputError`` for what cannot be read or is not UTF-8 by its first bytes."""
    raw = _raw(path, label)
    if _peek(raw, 2, label) == _GZIP:
        # Buffered: lines are then split in C, not one ``GzipFile.readline`` call each.
        raw = cast(IO[bytes], io.BufferedReader(gzip.GzipFile(fileobj=raw), _BUFFER))
    stream = raw
    head = _peek(stream, 3, label)
    if head[:2] in _UTF16_BOMS or (len(head) > 1 and head[1] == 0):
        stream.close()
        raise InputError(
            f"{label}: looks like UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)"
        )
    if head == _BOM:
        stream.read(3)
    return stream


def _raw(path: str, label: str) -> IO[bytes]:
    """The file, or standard input (left open when the replay is done with it)."""
    try:
        if path != "-":
            return open(path, "rb", buffering=_BUFFER)
        if sys.stdin is None or sys.stdin.closed:
            raise InputError(f"{label}: standard input is closed")
        try:
            descriptor = sys.stdin.fileno()
        except (AttributeError, OSError):  # a stand-in for stdin, as tests and hosts use
            return io.BufferedReader(io.BytesIO(sys.stdin.buffer.read()))
        return open(descriptor, "rb", closefd=False)
    except OSError as exc:
        raise InputError(f"{label}: cannot read: {exc.strerror or exc}") from exc


def _peek(stream: IO[bytes], size: int, label: str) -> bytes:
    """The next ``size`` bytes without consuming them (``InputError`` for damaged gzip)."""
    try:
        return stream.peek(size)[:size]  # type: ignore[attr-defined,no-any-return]
    except (OSError, EOFError) as exc:
        raise InputError(f"{label}: cannot read: {exc}") from exc


def _object_line(line: bytes) -> bool:
    if not line.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


def _next_line(stream: IO[bytes], seen: list[bytes]) -> bytes:
    """The next non-blank line (b"" at the end); every line read is kept in ``seen``, so
    that lines keep their numbers and a whole document can be put back together."""
    line = stream.readline()
    seen.append(line)
    while line and not line.strip():
        line = stream.readline()
        seen.append(line)
    return line


class JsonLines:
    """The lines of a JSON Lines input numbered from 1: those read to recognise it, then the
    rest of the stream. The parser decodes them (it knows which fields it needs)."""

    def __init__(self, head: list[bytes], stream: IO[bytes], label: str) -> None:
        self.head, self.stream, self.label = head, stream, label

    def numbered(self) -> Iterator[tuple[int, bytes]]:
        """(line number, line) for every line, blank ones included (read inside
        ``reading()``): a plain iterator, as the replay's hot loop runs over it."""
        return enumerate(chain(self.head, self.stream), 1)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Close the stream after the block; a read error in it (a damaged gzip stream)
        becomes ``InputError``."""
        try:
            yield
        except (OSError, EOFError) as exc:
            raise InputError(f"{self.label}: cannot read: {exc}") from exc
        finally:
            self.stream.close()

    def close(self) -> None:
        """Close the stream without reading the rest."""
        self.stream.close()


def read_events(path: str) -> tuple[Source, JsonLines | Iterator[Decoded]]:
    """The source of one input, and its lines (JSON Lines) or its decoded items.

    JSON Lines when the first or the second non-blank line is an event object (a bad first
    line is then reported like any bad line), an array or a single object otherwise; a
    Parquet file's rows are items too.
    """
    label = "<stdin>" if path == "-" else path
    if is_parquet(path):
        return Source(label, False), parquet_items(path, label)
    stream = _open(path, label)
    try:
        seen: list[bytes] = []
        first = _next_line(stream, seen)
        if _object_line(first):
            return Source(label, True), JsonLines(seen, stream, label)
        if not first.lstrip().startswith(b"[") and _object_line(_next_line(stream, seen)):
            return Source(label, True), JsonLines(seen, stream, label)
        rest = b"".join(seen) + stream.read()
    except (OSError, EOFError) as exc:
        stream.close()
        raise InputError(f"{label}: cannot read: {exc}") from exc
    stream.close()
    return Source(label, False), _whole_document(rest, label)


def undecodable(data: bytes, exc: orjson.JSONDecodeError) -> str:
    """Why ``data`` is not JSON, saying so when it is not even UTF-8 text."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        return (
            f"not UTF-8 text (byte 0x{data[bad.start]:02x} at column {bad.start + 1}; "
            "the file may be Latin-1 or another encoding: convert it to UTF-8)"
        )
    return f"not valid JSON ({exc})"


def _whole_document(data: bytes, label: str) -> Iterator[Decoded]:
    if not data.strip():
        return
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"{label}: not JSON, a JSON array or JSON Lines: {undecodable(data, exc)}"
        ) from exc
    if isinstance(document, list):
        yield from enumerate(document)
    else:
        yield -1, document


class Chunk(NamedTuple):
    """A byte range of a JSON Lines file that starts and ends on line boundaries."""

    path: str
    start: int
    end: int


def json_lines_chunks(path: str, size: int) -> list[Chunk] | None:
    """Split a JSON Lines file into chunks of about ``size`` bytes; None if not JSON Lines."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(3)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if head.startswith(_GZIP) or head == _BOM:
        return None
    _, items = read_events(path)
    if not isinstance(items, JsonLines):
        return None
    items.close()
    try:
        total = os.path.getsize(path)
        bounds = [0]
        with open(path, "rb") as stream:
            while bounds[-1] + size < total:
                stream.seek(bounds[-1] + size)
                stream.readline()
                bounds.append(stream.tell())
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    bounds.append(total)
    return [Chunk(path, start, end) for start, end in pairwise(bounds) if end > start]


def chunk_lines(chunk: Chunk) -> list[bytes]:
    """The lines of one chunk (the last may be empty: blank lines are skipped anyway)."""
    try:
        with open(chunk.path, "rb") as stream:
            stream.seek(chunk.start)
            return stream.read(chunk.end - chunk.start).split(b"\n")
    except OSError as exc:
        raise InputError(f"{chunk.path}: cannot read: {exc.strerror or exc}") from exc

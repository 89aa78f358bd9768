"""Reading event files and documents from disk or stdin: the I/O edge of the package.

Event input is one JSON object, a JSON array of objects (the webhook's bulk mode, the Event
API's pages) or JSON Lines; ``-`` is stdin. Every item comes with a position (the line of a
JSON Lines file, the index in an array) so that a bad event can be named precisely; a file
that cannot be read at all raises ``InputError``. Large JSON Lines files can be split into
chunks at line boundaries so that several processes decode them at once.

YAML documents are loaded with on/off/yes/no kept as strings, because ``On`` and ``Off`` are
too close to state names to be turned into booleans.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import IO, Any, NamedTuple

import orjson
import yaml

from sim.errors import InputError

#: (position, decoded value or None, why it could not be decoded or None). A plain tuple:
#: one is made per line of input, so it has to be cheap.
Decoded = tuple[int, Any, "str | None"]


class Source(NamedTuple):
    """Where items come from, to name them in messages: ``file:line`` or ``file[index]``."""

    label: str
    lines: bool

    def where(self, position: int) -> str:
        """The location of the item at ``position`` (a line number or an array index)."""
        if position < 0:
            return self.label
        return f"{self.label}:{position}" if self.lines else f"{self.label}[{position}]"


def _open(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _first_object_line(first: bytes) -> bool:
    if not first.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_events(path: str) -> tuple[Source, Iterator[Decoded]]:
    """The source of one input and its decoded items, in file order."""
    label = "<stdin>" if path == "-" else path
    stream = _open(path)
    first = stream.readline()
    number = 1
    while first and not first.strip():
        first = stream.readline()
        number += 1
    if _first_object_line(first):
        return Source(label, True), _json_lines(stream, first, number)
    with stream:
        rest = first + stream.read()
    return Source(label, False), _whole_document(rest, label)


def _json_lines(stream: IO[bytes], first: bytes, number: int) -> Iterator[Decoded]:
    with stream:
        yield number, orjson.loads(first), None
        yield from decode_lines(stream, number + 1)


def decode_lines(lines: Iterable[bytes], first: int) -> Iterator[Decoded]:
    """Every non-blank line decoded, numbered from ``first``."""
    loads = orjson.loads
    for number, line in enumerate(lines, first):
        try:
            yield number, loads(line), None
        except orjson.JSONDecodeError as exc:
            if line.strip():
                yield number, None, f"not valid JSON ({exc})"


def _whole_document(data: bytes, label: str) -> Iterator[Decoded]:
    if not data.strip():
        return
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{label}: not JSON, a JSON array or JSON Lines ({exc})") from exc
    if isinstance(document, list):
        for index, value in enumerate(document):
            yield index, value, None
    else:
        yield -1, document, None


class Chunk(NamedTuple):
    """A byte range of a JSON Lines file that starts and ends on line boundaries."""

    path: str
    start: int
    end: int


def json_lines_chunks(path: str, size: int) -> list[Chunk] | None:
    """Split a JSON Lines file into chunks of about ``size`` bytes; None if not JSON Lines."""
    source, items = read_events(path)
    close = getattr(items, "close", None)
    if close:
        close()
    if not source.lines:
        return None
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


class _StringBooleansLoader(yaml.SafeLoader):
    """SafeLoader that reads only true/false as booleans (YAML 1.2), never on/off/yes/no."""


_StringBooleansLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StringBooleansLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def yaml_loader() -> type[yaml.SafeLoader]:
    """The safe YAML loader used for every YAML file the package reads."""
    return _StringBooleansLoader


def load_document(path: str) -> Any:
    """A YAML or JSON document (initial state), chosen by extension; JSON is also YAML."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        if path.endswith(".json"):
            return orjson.loads(text)
        return yaml.load(text, Loader=_StringBooleansLoader)
    except (orjson.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot parse: {exc}") from exc

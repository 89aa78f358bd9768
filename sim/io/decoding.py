"""Turning what an input holds into events: the lines of JSON Lines, the values of a document.

A line is decoded straight into an ``Event`` when it has the common shape
(``sim.events.wire``) and the payload need not be kept; otherwise it is decoded into a dict
and read the careful way (``sim.events.parse``), which names what is wrong. Anything that
cannot be read is passed to ``invalid(position, why)``; blank lines are skipped.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import orjson

from sim.errors import EventFormatError
from sim.events.event import Event
from sim.events.parse import parse_event
from sim.events.wire import decode_line
from sim.io.readers import Decoded, undecodable

Invalid = Callable[[int, str], None]


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


def parse_lines(
    numbered: Iterable[tuple[int, bytes]],
    events: list[Event],
    invalid: Invalid,
    *,
    keep_raw: bool = False,
) -> None:
    """Parse numbered lines onto ``events`` (the replay's hot loop)."""
    append = events.append
    decode = _kept if keep_raw else decode_line
    for number, line in numbered:
        event = decode(line)
        if event is None:
            event = _carefully(number, line, invalid, keep_raw)
            if event is None:
                continue
        append(event)


def _kept(line: bytes) -> None:
    """The fast path when the payload must be kept: there is none."""
    return None


def _carefully(number: int, line: bytes, invalid: Invalid, keep_raw: bool) -> Event | None:
    try:
        return parse_event(orjson.loads(line), keep_raw=keep_raw)
    except EventFormatError as exc:
        invalid(number, str(exc))
    except orjson.JSONDecodeError as exc:
        if line.strip():
            invalid(number, undecodable(line, exc))
    return None


def parse_items(
    items: Iterable[Decoded], events: list[Event], invalid: Invalid, *, keep_raw: bool = True
) -> None:
    """Parse the values of a document onto ``events``."""
    append = events.append
    for position, value in items:
        try:
            append(parse_event(value, keep_raw=keep_raw))
        except EventFormatError as exc:
            invalid(position, str(exc))

"""Saved states on disk: ``replay --save-state`` writes one, ``--from-state`` reads it.

The file is one line of text naming what it is and its format (``devicesim saved state,
format 1``: ``head -1`` tells a person, and a file of another format is refused before its
body is read), then the ``SavedState`` columns as MessagePack, compressed with zlib. That is
columnar where it matters (devices are three columns of integers into a table of the few
distinct states), needs nothing the core install does not already have (msgspec decodes it
into the typed columns, so a damaged body is named, not half read), and a million devices
take a few megabytes. Writing goes to a temporary file renamed into place, so a daily job
may read and write the same file and a crash never leaves half a state behind.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path

import msgspec

from sim.engine.fleet import Fleet
from sim.engine.saved_state import (
    RECENT_WINDOW,
    STATE_FORMAT,
    RecentEvent,
    SavedState,
    capture,
    check,
)
from sim.errors import InputError, shown
from sim.events.event import Event, in_order

_HEADER = b"devicesim saved state, format "
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(SavedState)


def save_state(path: str | os.PathLike[str], saved: SavedState) -> None:
    """Write ``saved`` to ``path``, replacing it whole or not at all."""
    target = Path(path)
    body = zlib.compress(_ENCODER.encode(saved), 6)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        os.chmod(temporary, _mode(target))
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER + str(saved.format).encode() + b"\n" + body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode(target: Path) -> int:
    """The permissions the file keeps (or a new file gets, as ``open`` would give it)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def load_state(path: str | os.PathLike[str]) -> SavedState:
    """The state saved in ``path``; ``InputError`` saying why a file is not one this
    version can continue from (missing, another program's, another format, damaged)."""
    label = os.fspath(path)
    try:
        with open(path, "rb") as source:
            header = source.readline(80)
            body = source.read()
    except OSError as exc:
        raise InputError(f"cannot read the saved state: {exc.strerror}", path=label) from exc
    if not header.startswith(_HEADER) or not header.endswith(b"\n"):
        raise InputError(
            f"not a devicesim saved state: it starts with {shown(_text(header[:40]))} "
            "(make one with devicesim replay --save-state)",
            path=label,
        )
    found = header[len(_HEADER) : -1].decode("ascii", "replace")
    if found != str(STATE_FORMAT):
        raise InputError(
            f"a saved state of format {shown(found)}; this devicesim reads format "
            f"{STATE_FORMAT}: replay the events from the start to make one",
            path=label,
        )
    try:
        saved = _DECODER.decode(zlib.decompress(body))
        check(saved)
    except (zlib.error, msgspec.DecodeError, ValueError) as exc:
        raise InputError(f"the saved state is damaged: {exc}", path=label) from exc
    return saved


def saved_after(fleet: Fleet, events: Iterable[Event], previous: SavedState | None) -> SavedState:
    """The state of ``fleet`` after a replay of ``events`` (in any order), which continued
    from ``previous`` (or started empty): the recent ids are the previous state's and those
    of the events within the window, in the order they were applied."""
    since = (fleet.clock.now or 0.0) - RECENT_WINDOW
    applied = in_order(event for event in events if event.time >= since)
    recent = [RecentEvent(e.id, e.time, e.type_id, e.endpoint, e.sim) for e in applied]
    return capture(fleet, [*(previous.recent if previous else ()), *recent])


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")

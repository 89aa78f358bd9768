"""The payloads a scenario brings as the platform sends them (``event_json``, ``events_file``),
checked when the file is read with the replay's own parser and readers, so that ``validate``
refuses what ``run`` could not read and ``run`` does not start a scenario it must abandon.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from sim.errors import DeviceSimError, shown
from sim.events.catalogue import CATALOGUE
from sim.events.parse import parse_event
from sim.io.readers import JsonLines, read_events

#: What a step's own id and timestamp are while its payload is checked (the run gives both).
_PLACEHOLDER = {"id": 0, "timestamp": "2025-01-01T00:00:00Z"}


def plain(value: Any) -> Any:
    """A YAML value as JSON would give it: plain dicts with text keys, and lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def event_json_name(payload: dict[str, Any]) -> str:
    """The catalogue name of a payload's type ('' if unknown); EventFormatError if the
    payload cannot be read."""
    event = parse_event(_PLACEHOLDER | payload, keep_raw=False)
    etype = CATALOGUE.get(event.type_id)
    return etype.name if etype else ""


def events_file_problem(path: Path, name: str) -> str | None:
    """Why ``path`` (written ``name``) cannot be replayed as an events file, or None. Reads
    only as far as it takes to recognise JSON Lines (the rest is read, and bad events
    counted, at run time); a JSON document is decoded whole."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return f"no such events file {shown(name)} (relative to the scenario)"
    if stat.S_ISDIR(mode):
        return f"events file {shown(name)} is a folder"
    if not stat.S_ISREG(mode):
        return f"events file {shown(name)} is not a regular file"
    try:
        _, items = read_events(str(path))
        if isinstance(items, JsonLines):
            items.close()
        else:
            next(items, None)
    except DeviceSimError as exc:
        return f"events file {shown(name)}: {str(exc).removeprefix(f'{path}: ')}"
    return None

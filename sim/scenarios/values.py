"""The values scenario authors write besides names: durations, times, case-free choices.

Names of machines, views and states are ``sim.engine.vocabulary``'s; this module reads the
rest of what a person types (``5m``, ``2025-05-01T08:00:00Z``, ``combined attached``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sim.events.event import parse_time

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def duration(value: object) -> float:
    """Seconds from ``90``, ``30s``, ``5m``, ``2h``, ``1d``; ValueError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a duration such as 30s, 5m, 2h or 1d, got {value!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def moment(value: object) -> float:
    """Seconds since the epoch from an ISO 8601 time (YAML may already have parsed it)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    return parse_time(value)


def canonical(value: object, choices: tuple[str, ...]) -> str | None:
    """The choice ``value`` names, compared case-insensitively, or None. A YAML boolean
    names ``true`` or ``false``."""
    if isinstance(value, bool):
        value = str(value).lower()
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    return next((c for c in choices if c.casefold() == wanted), None)

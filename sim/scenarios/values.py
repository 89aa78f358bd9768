"""The values scenario authors write besides names: durations and case-free choices.

Names of machines, views and states are ``sim.engine.vocabulary``'s; this module reads the
rest of what a person types (``5m``, ``combined attached``); times are ``sim.events.fields``'s.
"""

from __future__ import annotations

import math
import re

from sim.errors import shown

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.ASCII)
#: The longest wait or delay a scenario may write: ten years.
MAX_DURATION = 3650 * 86400.0
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def duration(value: object) -> float:
    """Seconds from ``90``, ``30s``, ``5m``, ``2h``, ``1d``, at most ``MAX_DURATION``;
    ValueError otherwise."""
    seconds = -1.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) if math.isfinite(value) else -1.0
    elif match := _DURATION.match(value) if isinstance(value, str) else None:
        seconds = float(match.group(1)) * _UNIT[match.group(2)]
    if 0 <= seconds <= MAX_DURATION:
        return seconds
    if seconds > MAX_DURATION:
        raise ValueError(f"expected a duration of at most 3650d (10 years), got {shown(value)}")
    raise ValueError(f"expected a duration such as 30s, 5m, 2h or 1d, got {shown(value)}")


def canonical(value: object, choices: tuple[str, ...]) -> str | None:
    """The choice ``value`` names, compared case-insensitively, or None. A YAML boolean
    names ``true`` or ``false``."""
    if isinstance(value, bool):
        value = str(value).lower()
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    return next((c for c in choices if c.casefold() == wanted), None)

"""The JSONPath subset ``devicesim fuzz --map`` reads a consumer's answer with: ``$``, then
``.name``, ``['name']`` or ``[index]`` steps (``$.status``, ``$.device.state``,
``$['data-session']``, ``$.views[0].value``).

That is what pointing at one field of a device's JSON needs; filters, wildcards and slices
would select several values, and a view has one.
"""

from __future__ import annotations

import re
from typing import Any

from sim.errors import UsageError

_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\['([^'\\]*)'\]|\[\"([^\"\\]*)\"\]|\[(\d+)\]")
#: A step of a parsed path: a key of an object or an index of an array.
Step = str | int


def parse_path(text: str) -> tuple[Step, ...]:
    """The steps of a path; UsageError naming where it stops making sense."""
    if not text.startswith("$"):
        raise UsageError(f"{text!r} is no JSONPath: it starts with $ (for example $.status)")
    steps: list[Step] = []
    at = 1
    while at < len(text):
        match = _STEP.match(text, at)
        if match is None:
            raise UsageError(
                f"{text!r}: cannot read the path from {text[at:]!r}; "
                "use .name, ['name'] or [index] steps (for example $.device.status)"
            )
        name, quoted, double, index = match.groups()
        steps.append(
            int(index)
            if index is not None
            else next(s for s in (name, quoted, double) if s is not None)
        )
        at = match.end()
    return tuple(steps)


def read_path(document: Any, steps: tuple[Step, ...]) -> tuple[bool, Any]:
    """(found, value) of the path in a decoded JSON document."""
    value = document
    for step in steps:
        found = (isinstance(value, list) and isinstance(step, int) and step < len(value)) or (
            isinstance(value, dict) and isinstance(step, str) and step in value
        )
        if not found:
            return False, None
        value = value[step]
    return True, value

"""The text ``devicesim replay`` prints: devices and organisations a person can read.

At 80 columns (a pipe, a narrow terminal) each device gets its views and the machines that are
not as an in-service device has them (registration and session show in connectivity); a terminal wide enough for every machine gets them all.
Devices and organisations are in ascending id order, columns never share a header, and
``--device`` / ``--where`` choose the devices shown. Colour marks what needs attention
(``--color``; ``NO_COLOR`` turns ``auto`` off).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from sim.engine.fleet import Fleet
from sim.engine.outcomes import OUTCOMES
from sim.engine.state import DeviceState
from sim.engine.store import by_id
from sim.engine.vocabulary import DEVICE_NAMES, MACHINES, VIEWS
from sim.errors import CommandLineError, suggest

NARROW = 80
#: ANSI colours for the values that need attention (and the one that says all is well).
_COLOURS = {
    "Online": "32", "Allowed": "32", "Attached": "33", "Throttled": "33", "Offline": "2",
    "Blocked": "31", "Denied": "31", "Exhausted": "31", "Expired": "31", "Suspended": "31",
    "Disabled": "31", "Deleted": "31", "inconsistent": "31", "invalid": "31",
}  # fmt: skip
_SHORT = {"data_service": "data", "sms_service": "sms"}
_IN_SERVICE = DeviceState()
#: The machines the 80-column table names when they differ from an in-service device (the
#: registration and the session show in connectivity).
_NOTED = tuple(m for m in MACHINES if m not in ("network", "pdp"))


def use_colour(choice: str, is_terminal: bool) -> bool:
    """``--color``: always, never, or auto (a terminal, unless ``NO_COLOR`` is set)."""
    if choice == "auto":
        return is_terminal and not os.environ.get("NO_COLOR")
    return choice == "always"


def paint(text: str, value: str, colour: bool) -> str:
    """``text`` (a padded cell) coloured for ``value`` when colour is on."""
    code = _COLOURS.get(value)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def parse_where(items: Sequence[str]) -> list[tuple[str, str]]:
    """``--where NAME=STATE`` filters, checked against the machines and views."""
    found = []
    for item in items:
        name, _, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if name not in DEVICE_NAMES:
            raise CommandLineError(
                f"devicesim replay: --where {item!r}: unknown machine or view {name!r}"
                f"{suggest(name, DEVICE_NAMES)}"
            )
        if value not in DEVICE_NAMES[name]:
            raise CommandLineError(
                f"devicesim replay: --where {item!r}: {name} has no state {value!r}"
                f"{suggest(value, DEVICE_NAMES[name])} (one of {', '.join(DEVICE_NAMES[name])})"
            )
        found.append((name, value))
    return found


def chosen(
    fleet: Fleet, devices: Sequence[str], where: Sequence[tuple[str, str]]
) -> list[Hashable]:
    """The devices to show, in ascending id order: those named (all when none is) that match
    every ``--where``."""
    named = {d.strip() for d in devices}
    keys = sorted(fleet.endpoints(), key=by_id)
    return [
        key
        for key in keys
        if (not named or str(key) in named)
        and all(fleet.value(key, name) == value for name, value in where)
    ]


def replay_text(
    fleet: Fleet, keys: Sequence[Hashable], width: int, colour: bool, limit: int = 50
) -> str:
    """Devices (the first ``limit`` of ``keys``), organisations, totals and outcome counts."""
    parts = [_devices(fleet, keys[:limit], width, colour) if keys else "no devices"]
    if len(keys) > limit:
        parts.append(f"... and {len(keys) - limit} more devices (--json prints all)")
    parts += ["", _organisations(fleet, colour, limit), ""]
    seen = Counter(fleet.device(key)["connectivity"] for key in keys)
    totals = ", ".join(paint(f"{n} {k}", k, colour) for k, n in sorted(seen.items()))
    parts.append(f"{_count(len(keys), 'device')}" + (f": {totals}" if totals else ""))
    counts = [(f"{fleet.outcomes[o]} {o}", o if fleet.outcomes[o] else "") for o in OUTCOMES]
    parts += _wrapped("outcomes: ", counts, NARROW, colour)
    if fleet.ledger.reused_ids:
        parts.append(
            f"{_count(fleet.ledger.reused_ids, 'event')} reused an id seen before (applied)"
        )
    if fleet.ledger.late:
        parts.append(
            f"{_count(fleet.ledger.late, 'event')} older than the saved state's clock "
            "(late: applied in their order)"
        )
    return "\n".join(parts)


def _devices(fleet: Fleet, keys: Sequence[Hashable], width: int, colour: bool) -> str:
    wide = [("device", *VIEWS, *MACHINES)]
    wide += [(str(k), *(fleet.device(k)[c] for c in (*VIEWS, *MACHINES))) for k in keys]
    if _width(wide) <= width:
        return _table(wide, colour)
    narrow = [("device", *(_SHORT.get(v, v) for v in VIEWS), "machines not as in service")]
    for key in keys:
        device, state = fleet.device(key), fleet.state(key)
        unusual = [
            f"{m} {device[m]}" for m in _NOTED if getattr(state, m) != getattr(_IN_SERVICE, m)
        ]
        narrow.append((str(key), *(device[v] for v in VIEWS), ", ".join(unusual) or "-"))
    room = width - _width([row[:-1] for row in narrow]) - 2
    clipped = [(*row[:-1], _clip(row[-1], max(room, 12))) for row in narrow]
    return _table(clipped, colour)


def _organisations(fleet: Fleet, colour: bool, limit: int) -> str:
    members = Counter(fleet.store.organisation_of(key) for key in fleet.endpoints())
    ids = sorted(fleet.organisations, key=by_id)
    rows = [("organisation", "status", "devices")]
    for org_id in ids[:limit]:
        status = str(fleet.organisations[org_id].to_json()["organisation"])
        rows.append((str(org_id) if org_id is not None else "-", status, str(members[org_id])))
    more = f"\n... and {len(ids) - limit} more organisations" if len(ids) > limit else ""
    return (_table(rows, colour) + more) if ids else "no organisations"


def _wrapped(head: str, items: Sequence[tuple[str, str]], width: int, colour: bool) -> list[str]:
    """``head`` and the comma-separated items, wrapped to ``width`` on the plain text."""
    lines: list[str] = []
    plain, painted = head, head
    for number, (text, value) in enumerate(items):
        piece = text + ("," if number < len(items) - 1 else "")
        if len(plain) + len(piece) > width and plain.strip():
            lines.append(painted.rstrip())
            plain = painted = "  "
        plain += piece + " "
        painted += paint(text, value, colour) + piece[len(text) :] + " "
    return [*lines, painted.rstrip()]


def _width(rows: Iterable[Sequence[str]]) -> int:
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    return sum(widths) + 2 * (len(widths) - 1)


def _table(rows: Sequence[Sequence[str]], colour: bool) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
    lines = []
    for number, row in enumerate(rows):
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=True)]
        if number:
            cells = [paint(text, cell, colour) for text, cell in zip(cells, row, strict=True)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

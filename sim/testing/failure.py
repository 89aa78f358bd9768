"""How a disagreement between a system under test and the model reads: events by name, in the
order they were delivered, and the model's view beside the system's.

People read this in a pytest failure or at the end of ``devicesim fuzz``; they should see the
story (which events, then what each side believes), not ids of our internals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sim.events.catalogue import CATALOGUE


class Mismatch(NamedTuple):
    """One key of one device on which the system and the model disagree."""

    device: str
    key: str
    model: str
    system: str


#: The header of the side-by-side table of mismatches.
MISMATCH_HEADER = [Mismatch("device", "view", "model", "system")]


def story(finding: str, history: Sequence[dict[str, Any]]) -> list[str]:
    """What was found, after which events: one line per event delivered, in order."""
    count = f"{len(history)} event{'s' if len(history) != 1 else ''}"
    lines = [f"{finding}, after {count}" + (":" if history else "")]
    return lines + [f"  {n:>2}  {describe(event)}" for n, event in enumerate(history, start=1)]


def describe(event: dict[str, Any]) -> str:
    """One delivered event: time, type by name and id, whom it concerns, and the platform's
    own words where they say more than the name (a refusal's reason)."""
    kind = event["event_type"]["id"]
    name = CATALOGUE[kind].name if kind in CATALOGUE else event["event_type"].get("description")
    parts = [event["timestamp"], f"{name} ({kind})"]
    if event.get("endpoint"):
        parts.append(f"device-{event['endpoint']['id']}")
    quota = (event.get("detail") or {}).get("quota") or {}
    if quota.get("expiryDate"):
        parts.append(f"expires {quota['expiryDate']}")
    words = event.get("description") or ""
    if words and words != f"{name}.":
        parts.append(repr(words))
    return "  ".join(parts)


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as aligned columns, two spaces apart."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]

"""What the simulator reports about each event it applied: the trace entry.

One entry per input event (plus one per synthesised event, marked as such): its id and type,
the device, the outcome, every state change with its cause, warnings and notes. This is what
``--trace`` prints, what scenario failures quote, and what ``explain`` narrates.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sim.engine.step import Change


class DeviceChange(NamedTuple):
    """A change of one machine of one device (or of an organisation-level machine)."""

    endpoint: Hashable | None
    change: Change

    def to_json(self) -> dict[str, Any]:
        """The change as the JSON trace shows it."""
        out: dict[str, Any] = {"endpoint": self.endpoint} if self.endpoint is not None else {}
        out |= {
            "machine": self.change.machine,
            "from": self.change.source,
            "to": self.change.dest,
            "cause": self.change.cause,
        }
        if self.change.reason:
            out["reason"] = self.change.reason
        return out


class TraceEntry(NamedTuple):
    """The record of one applied event."""

    id: int | None
    time: float | None
    type_id: int
    type_name: str
    endpoint: Hashable | None
    organisation: int | None
    outcome: str
    changes: tuple[DeviceChange, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    synthesised: bool = False
    #: Transitions used, as (machine, source, trigger), and rules or preconditions that acted:
    #: what coverage counts. Not part of the JSON trace.
    moves: tuple[tuple[str, str, str], ...] = ()
    checks: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The entry as ``devicesim replay --trace`` prints it."""
        out: dict[str, Any] = {
            "id": self.id,
            "timestamp": format_time(self.time),
            "type": {"id": self.type_id, "name": self.type_name},
            "endpoint": self.endpoint,
            "organisation": self.organisation,
            "outcome": self.outcome,
            "changes": [c.to_json() for c in self.changes],
            "warnings": list(self.warnings),
        }
        if self.notes:
            out["notes"] = list(self.notes)
        if self.synthesised:
            out["synthesised"] = True
        return out


def format_time(moment: float | None) -> str | None:
    """ISO 8601 UTC with a Z, or None."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")

"""What the simulator reports about each event it applied: the trace entry.

One entry per input event (plus one per synthesised event, marked as such): its id and type,
the device, the outcome, every state change with its cause, warnings and notes. This is what
``--trace`` prints, what scenario failures quote, and what ``explain`` narrates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sim.engine.outcomes import OUTCOMES, REJECTED
from sim.engine.step import Change, Move, StepResult
from sim.events.catalogue import CATALOGUE
from sim.events.event import Event

#: The type id of a trace entry that records a change made with no event (``Fleet.set_state``).
SET_TYPE = -2


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
        if self.change.inferred:
            out["inferred"] = True
        if self.change.reason:
            out["reason"] = self.change.reason
        return out


class DeviceView(NamedTuple):
    """A view of one device that changed: what a customer sees (connectivity, services)."""

    endpoint: Hashable | None
    view: str
    source: str
    dest: str

    def to_json(self) -> dict[str, Any]:
        """The view change as the JSON trace shows it."""
        return {"endpoint": self.endpoint, "view": self.view, "from": self.source, "to": self.dest}


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
    #: The views that changed with the event, per device.
    views: tuple[DeviceView, ...] = ()
    #: For a refused data session: the code of the reason the platform gave
    #: (``sim.events.catalogue.REFUSALS``).
    refusal: str = ""
    #: The payload's severity (Info, Warn, Critical; empty when it gave none) and alert flag:
    #: what operators filter on.
    severity: str = ""
    alert: bool = False

    @property
    def event_key(self) -> tuple[int | None, int, float | None]:
        """What identifies the event behind the entry: its id, type and time (ids alone are
        reused by documentation samples and by recordings played into a scenario)."""
        return (self.id, self.type_id, self.time)

    def to_json(self) -> dict[str, Any]:
        """The entry as ``devicesim replay --trace`` prints it."""
        out: dict[str, Any] = {
            "id": self.id,
            "timestamp": format_time(self.time),
            "type": {"id": self.type_id, "name": self.type_name},
            "endpoint": self.endpoint,
            "organisation": self.organisation,
            "outcome": self.outcome,
            "severity": self.severity or None,
            "alert": self.alert,
            "changes": [c.to_json() for c in self.changes],
            "warnings": list(self.warnings),
        }
        if self.refusal:
            out["refusal"] = self.refusal
        if self.views:
            out["views"] = [v.to_json() for v in self.views]
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


def entry_for(
    event: Event,
    endpoint: Hashable | None,
    outcome: str,
    step: StepResult | None = None,
    *,
    warnings: tuple[str, ...] = (),
    changes: tuple[DeviceChange, ...] = (),
    moves: tuple[Move, ...] = (),
    checks: tuple[str, ...] = (),
    views: tuple[DeviceView, ...] = (),
) -> TraceEntry:
    """The trace entry of an applied event: from its device step, or from what is given."""
    if step is not None:
        changes = tuple(DeviceChange(endpoint, c) for c in step.changes)
        warnings, moves, checks = step.warnings, step.moves, step.checks
        views = tuple(DeviceView(endpoint, *v) for v in step.views)
    etype = CATALOGUE.get(event.type_id)
    effect = etype.effects.get(event.variant) if etype else None
    refusal = effect.refusal if effect and outcome == REJECTED else ""
    return TraceEntry(
        event.id, event.time, event.type_id, etype.name if etype else "unknown", endpoint,
        event.organisation, outcome, changes, warnings, step.notes if step else (), False,
        moves, checks, views, refusal, event.severity, event.alert,
    )  # fmt: skip


@dataclass
class Ledger:
    """What a fleet reports besides its states: outcome counts, the events its clock
    synthesised, and the trace when one is kept."""

    #: The trace: a list when one is kept, else None.
    entries: list[TraceEntry] | None = None
    #: Where entries go instead of a list, as they are made (a replay writing its trace as
    #: it goes keeps none in memory).
    sink: Callable[[TraceEntry], object] | None = None
    outcomes: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(OUTCOMES, 0)))
    synthesised: Counter[int] = field(default_factory=Counter)
    #: Events applied although their id was seen before on a different event.
    reused_ids: int = 0
    #: Events older than the virtual clock when they came (a replay continued from a saved
    #: state, or events given out of order): applied in the order given.
    late: int = 0
    #: Organisations an event proved unblocked (domain.md rule 11), as (time, event id,
    #: organisation id) of the proving event: where a replay split across partitions compares.
    unblocks: list[tuple[float, int, int | None]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The counts as ``devicesim replay --json`` prints them."""
        return {
            "outcomes": dict(self.outcomes),
            "reused_ids": self.reused_ids,
            "late": self.late,
            "synthesised": {str(k): v for k, v in sorted(self.synthesised.items())},
        }

    @property
    def tracing(self) -> bool:
        """Whether entries are made at all (kept in ``entries`` or passed to ``sink``)."""
        return self.entries is not None or self.sink is not None

    def record(self, entry: TraceEntry) -> TraceEntry:
        """Keep an entry in the trace, or pass it on (when either is wanted); return it."""
        if self.sink is not None:
            self.sink(entry)
        elif self.entries is not None:
            self.entries.append(entry)
        return entry


def merged_views(views: tuple[DeviceView, ...]) -> tuple[DeviceView, ...]:
    """One change per device and view: what was done before the event and by the event is
    one change to a customer (Blocked -> Offline -> Attached reads Blocked -> Attached)."""
    found: dict[tuple[Hashable, str], DeviceView] = {}
    for view in views:
        first = found.get((view.endpoint, view.view), view)
        found[(view.endpoint, view.view)] = first._replace(dest=view.dest)
    return tuple(v for v in found.values() if v.source != v.dest)

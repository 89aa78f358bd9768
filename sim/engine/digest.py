"""A bounded trace of a long stream: the entries that coverage, strict checks and ``why`` read.

A scenario step may replay a recorded file of millions of events (``events_file``), and a
scenario keeps its trace to narrate it, count coverage and explain failures. Keeping an entry
per event would make memory grow with the file; ``TraceDigest`` is the fleet's trace sink
for such a step and keeps, in their order:

- the first entry of each kind of effect (type, outcome, changes, transitions, rule checks
  and view changes, whatever the device): every transition, rule and state that coverage
  counts, and the first inconsistent or invalid event that a strict scenario fails on;
- the last entry that changed each machine of each device and organisation: the causes
  that ``sim.engine.why`` names.

Its size is bounded by the kinds of effect and the devices, not by the events.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sim.engine.trace import TraceEntry


class TraceDigest:
    """The trace sink of a long stream (see the module); ``entries()`` is what it kept."""

    def __init__(self) -> None:
        self.count = 0
        self._first: dict[tuple[Any, ...], tuple[int, TraceEntry]] = {}
        self._last: dict[tuple[Hashable, str], tuple[int, TraceEntry]] = {}

    def __call__(self, entry: TraceEntry) -> None:
        """Take one entry: kept if it is the first of its kind or the latest cause."""
        self.count += 1
        kind = (
            entry.type_id, entry.outcome, entry.synthesised,
            tuple(item.change for item in entry.changes), entry.moves, entry.checks,
            tuple(view[1:] for view in entry.views),
        )  # fmt: skip
        self._first.setdefault(kind, (self.count, entry))
        for item in entry.changes:
            owner = item.endpoint if item.endpoint is not None else ("org", entry.organisation)
            self._last[(owner, item.change.machine)] = (self.count, entry)

    def entries(self) -> list[TraceEntry]:
        """The kept entries, each once, in the order they came."""
        kept = dict(self._first.values()) | dict(self._last.values())
        return [kept[number] for number in sorted(kept)]

"""The virtual clock: time moves with event timestamps, and timers fire synthesised events.

Two timers exist (domain.md rule 6): five minutes after a Delete PDP Context with no new
session the device is offline (49), and a quota past its expiry date expires (60, 61). A timer
is superseded by a newer one of the same kind for the same device, or cancelled outright; both
are lazy (the heap keeps the stale entry, the pending map says whether it still counts).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable

from sim.events.catalogue import Timer
from sim.events.event import Quota

Key = tuple[Hashable, int]


class Clock:
    """Timers keyed by (device, synthesised event type), fired in time order."""

    def __init__(self) -> None:
        #: The virtual time; -inf until the first event. Read ``now`` for None instead.
        self.time = -math.inf
        #: When the next timer is due (inf when none): one comparison on the hot path.
        self.next_due = math.inf
        self._heap: list[tuple[float, int, Hashable, int]] = []
        self._pending: dict[Key, float] = {}
        self._sequence = 0

    def schedule(self, device: Hashable, type_id: int, due: float) -> None:
        """Fire ``type_id`` for ``device`` at ``due`` unless rescheduled or cancelled first."""
        self._pending[(device, type_id)] = due
        self._sequence += 1
        heapq.heappush(self._heap, (due, self._sequence, device, type_id))
        self.next_due = self._heap[0][0]

    def set_timers(
        self, device: Hashable, time: float, quota: Quota | None, timers: tuple[Timer, ...]
    ) -> None:
        """Set or cancel the timers an event's variant names (``catalogue.TIMERS``): due
        ``after`` seconds after the event's ``time``, or at the expiry date of the ``quota``
        it assigns (a quota without one cancels the timer)."""
        expires = None if quota is None else quota.expires
        for fires, cancel, after, at_quota_expiry in timers:
            if cancel or (at_quota_expiry and expires is None):
                self._pending.pop((device, fires), None)
            elif at_quota_expiry and expires is not None:
                self.schedule(device, fires, max(expires, time))
            else:
                self.schedule(device, fires, time + after)

    def cancel(self, device: Hashable, type_id: int) -> None:
        """Forget the pending timer of this kind for this device, if any."""
        self._pending.pop((device, type_id), None)

    def pending(self) -> list[tuple[Hashable, int, float]]:
        """The timers still to fire, as (device, type id, due), in the order they will."""
        found: dict[Key, float] = {}
        for due, _, device, type_id in sorted(self._heap, key=lambda item: item[:2]):
            if self._pending.get((device, type_id)) == due:
                found.setdefault((device, type_id), due)
        return [(device, type_id, due) for (device, type_id), due in found.items()]

    @property
    def now(self) -> float | None:
        """The virtual time, or None before the first event or wait."""
        return None if self.time == -math.inf else self.time

    def advance(self, until: float) -> list[tuple[float, Hashable, int]]:
        """Move the clock to ``until``: (time, device, type id) of each timer due by then, in
        the order they fire (a list, not a generator: this runs for every fifth event)."""
        heap, pending, pop = self._heap, self._pending, heapq.heappop
        fired = []
        while heap and heap[0][0] <= until:
            due, _, device, type_id = pop(heap)
            if pending.get((device, type_id)) == due:
                del pending[(device, type_id)]
                fired.append((due, device, type_id))
        self.next_due = heap[0][0] if heap else math.inf
        self.time = max(self.time, until)
        return fired

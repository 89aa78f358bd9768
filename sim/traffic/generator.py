"""Generating a fleet's history by walking the model: ``Generation``.

A discrete-event loop over virtual time: devices (``sim.traffic.behaviours``' scripts) and
operators (``sim.traffic.operators``) are agents waiting on one heap; each wakes, tries what it
tries, and the model decides what happens. Every event is checked against the model before it
is sent (nothing inconsistent is ever sent), applied to it, and written as a JSON line; what the
platform does by itself comes from the model too: the follow-ups when a rule ends a session
(the catalogue's ``follow_ups``: Generic disconnect, Delete PDP Context) and what its clock
fires (Device offline five minutes after a session, quota expiry). Lines come out in time
order (ids increase with it), in chunks, in memory bounded by the fleet, not the history.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, cast

import orjson

from sim.engine.fleet import Fleet
from sim.engine.initial import InitialState
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.step import StepResult
from sim.engine.timers import Fired
from sim.engine.vocabulary import BLOCK
from sim.events.catalogue import CATALOGUE, KIND_IDS, KINDS, SYNTHESISED, Kind
from sim.events.event import Quota
from sim.events.parse import parse_event
from sim.traffic.behaviours import spread
from sim.traffic.payloads import Identity, Templates, built, stamp, volume_detail
from sim.traffic.profile import THRESHOLD, Profile

#: 2025-05-01T00:00:00Z, in milliseconds: where generated histories start.
START_MS = 1_746_057_600_000
#: The first event id; ids then count up in time order.
FIRST_ID = 10**11
#: Lines handed to the writer at a time.
CHUNK = 4096
#: Bits of a waiting step's key that say in which order it was asked for (ties at one ms).
_ORDER_BITS = 40
_ORDER_MASK = (1 << _ORDER_BITS) - 1
_REFUSED = (INCONSISTENT, INVALID)
_QUOTA_ASSIGNED = KIND_IDS[(56, "block")]
DELETE = KIND_IDS[(5, "")]
OFFLINE = 49
Step = Callable[[Any, int], None]


class Device(Protocol):
    """What the generator reads and writes of a device (``sim.traffic.devices.Device``)."""

    who: Identity
    context_id: int
    carried: float
    left: float | None


class Setup(Protocol):
    """Who is in the fleet (``sim.traffic.fleet_setup.FleetSetup``)."""

    @property
    def devices(self) -> Mapping[int, Device]: ...

    @property
    def organisations(self) -> list[int]: ...

    @property
    def managed(self) -> set[int]: ...

    def profile_of(self, organisation: int) -> int: ...


class Generation:
    """One generated history: iterate ``chunks()`` for its lines; ``counts`` says what was sent."""

    def __init__(
        self,
        profile: Profile,
        setup: Setup,
        initial: InitialState,
        duration: float,
        rng: random.Random,
    ) -> None:
        self.rng = rng
        self.profile = profile
        self.end = START_MS + round(duration * 1000)
        self.now = START_MS
        self.setup = setup
        self.fleet = Fleet(initial, lenient=False, silent_changes=False)
        self.templates = Templates()
        self.lines: list[str] = []
        #: Events sent by devices, by kind id (``counts`` adds them up by type).
        self._sent = [0] * len(KINDS)
        #: The other events sent (by the clock, operators and organisations), by type id.
        self._others: Counter[int] = Counter()
        self._cuts: dict[int, bool] = {}
        self._clock = self.fleet.clock
        self._next_id = FIRST_ID
        # What waits, by when: the heap holds plain ints, (ms << _ORDER_BITS) + the order in
        # which it was asked for, so that keeping it in order compares ints, not tuples.
        self._heap: list[int] = []
        self._waiting: dict[int, tuple[Step, Any]] = {}
        self._order = 0

    def at(self, ms: int, step: Step, subject: Any) -> None:
        """Run ``step(subject, ms)`` when the virtual time reaches ``ms``."""
        self._order = order = self._order + 1
        self._waiting[order] = (step, subject)
        heapq.heappush(self._heap, (ms << _ORDER_BITS) + order)

    @property
    def counts(self) -> Counter[int]:
        """Events sent, by type id."""
        counts = Counter(self._others)
        for kind_id, sent in enumerate(self._sent):
            if sent:
                counts[KINDS[kind_id][0]] += sent
        return counts

    def chunks(self) -> Iterator[list[str]]:
        """The history's lines, in time order, a chunk at a time (``now`` says how far)."""
        heap, clock, lines, end, pop = self._heap, self._clock, self.lines, self.end, heapq.heappop
        waiting, last = self._waiting, self.end << _ORDER_BITS
        while heap and heap[0] < last:
            key = pop(heap)
            ms = key >> _ORDER_BITS
            step, subject = waiting.pop(key & _ORDER_MASK)
            if ms / 1000 >= clock.next_due:
                self.advance(ms)
            step(subject, ms)
            if len(lines) >= CHUNK:
                self.now = ms
                yield lines[:]
                lines.clear()
        self.now = end
        self.advance(end - 1)
        yield lines[:]
        lines.clear()

    def advance(self, ms: int) -> None:
        """Send what the platform's clock fires by ``ms`` (already applied by the model)."""
        fired: list[Fired] = []
        self.fleet.timers.advance(max(ms / 1000, self._clock.time), False, fired)
        devices = self.setup.devices
        for due, endpoint, type_id, outcome in fired:
            if outcome in _REFUSED:
                continue
            device = devices[cast(int, endpoint)]
            at = round(due * 1000)
            kind_id = SYNTHESISED[type_id]
            self.lines.append(self.templates.line(kind_id, self._take_id(), at, device.who))
            self._others[type_id] += 1
            if type_id != OFFLINE:
                self.at(at + self.spread(self.profile.top_up_after), self.top_up, device)

    def _take_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def spread(self, seconds: float) -> int:
        """Milliseconds around ``seconds`` (half to one and a half times)."""
        return max(1, round(spread(self.rng, seconds) * 1000))

    # Sending: every event is checked against the model first.
    def send(self, device: Device, kind_id: int, ms: int, detail: str = "") -> bool:
        """Send an event about a device if the model allows it (``detail``: the event's own,
        for the kinds in ``payloads.OWN_DETAIL``), with the platform's follow-ups if a rule
        ended the device's session."""
        who = device.who
        step = self.fleet.attempt(who.endpoint, kind_id, ms / 1000)
        if step is None:
            return False
        event_id = self._next_id
        self._next_id = event_id + 1
        self.lines.append(self.templates.line(kind_id, event_id, ms, who, detail))
        self._sent[kind_id] += 1
        ends = self._cuts.get(id(step))
        if ends is None:
            ends = self._ends_session(step)
        if ends:
            self.follow_up(device, KINDS[kind_id][0], ms)
        return True

    def _ends_session(self, step: StepResult) -> bool:
        """Whether a rule ended the session in ``step``, remembered for ``send``'s lookup
        (memoised steps live as long as the fleet: their ids are stable keys)."""
        found = self._cuts[id(step)] = any(c.trigger == "cut_off" for c in step.changes)
        return found

    def top_up(self, device: Device, ms: int) -> None:
        """The operator assigns a fresh data quota (after one ran out or expired)."""
        size = self.profile.quota_volume
        # The payload's expiry date has whole seconds: the model must expire the quota then,
        # not at the millisecond the generator would have picked (a replay reads the date).
        expires = (ms + round(self.profile.quota_expires * 1000)) // 1000 * 1000
        until = stamp(expires)[:19] + "Z"
        quota = Quota(BLOCK, expires / 1000)
        step = self.fleet.attempt(device.who.endpoint, _QUOTA_ASSIGNED, ms / 1000, quota)
        if step is None:
            return
        text = (f"Data quota assigned with volume of {size:.6f} MB without daily refill until "
                f"{until} and action on exhaustion set to blocking.")  # fmt: skip
        fields = {"volume": size, "expiryDate": until, "thresholdPercentage": THRESHOLD}
        event = built((56, "block"), self._take_id(), ms, device.who, device.who.organisation,
                      quota=fields, description=text)  # fmt: skip
        self.lines.append(orjson.dumps(event).decode() + "\n")
        self._others[56] += 1
        device.left = size
        if self._ends_session(step):
            self.follow_up(device, 56, ms)

    def organisation_event(self, kind: Kind, ms: int, organisation: int, **fields: Any) -> None:
        """An organisation or service-profile event, with the follow-ups of the sessions it
        ends on every device it reaches."""
        event = built(kind, self._take_id(), ms, None, organisation, **fields)
        entry = self.fleet.apply(parse_event(event))
        if entry.outcome in _REFUSED:
            raise AssertionError(f"the generator sent an impossible event: {entry}")
        self.lines.append(orjson.dumps(event).decode() + "\n")
        self._others[kind[0]] += 1
        ended = (item.endpoint for item in entry.changes if item.change.trigger == "cut_off")
        for endpoint in dict.fromkeys(ended):
            self.follow_up(self.setup.devices[cast(int, endpoint)], kind[0], ms)

    def follow_up(self, device: Device, type_id: int, ms: int) -> None:
        """What the platform sends after a rule ended the device's session, a second apart."""
        for number, kind in enumerate(CATALOGUE[type_id].follow_ups, start=1):
            self.at(ms + 1000 * number, self._follow_up, (device, KIND_IDS[kind]))

    def _follow_up(self, subject: tuple[Device, int], ms: int) -> None:
        device, kind_id = subject
        closing = kind_id == DELETE
        self.send(
            device, kind_id, ms, volume_detail(device.context_id, device.carried) if closing else ""
        )

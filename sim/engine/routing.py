"""Which partition of a fleet an event belongs to, when a replay is split across workers.

Devices never act on each other, so a replay can be split by device, but a device's key is not
one field of its events: a SIM first seen without an endpoint is its own device (``sim:<id>``)
until an event names it in an endpoint, and a SIM can move from one endpoint to another. So the
endpoints and SIMs that events name together are joined (``DeviceLinks``, a union-find), and a
whole group goes to one partition, named after its smallest member. Events that name no device
(organisation, service-profile and entity events, and device events naming neither endpoint
nor SIM) reach every partition: each applies them to its own devices, and one counts them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from operator import attrgetter
from typing import Protocol

from sim.events.catalogue import CATALOGUE, DEVICE_KINDS
from sim.events.event import Event

#: A member of a group: ("endpoint", id) or ("sim", id); tuples order endpoints first.
Node = tuple[str, int]

_ENDPOINT, _SIM = attrgetter("endpoint"), attrgetter("sim")
#: Spreads consecutive ids over partitions (Fibonacci hashing).
_SPREAD = 0x9E3779B97F4A7C15


#: Event types that move an organisation's status machine: between two of them, one proof
#: that the organisation was unblocked is all there can be (``sim.engine.partition_run``).
ORGANISATION_CHANGES = frozenset(
    type_id
    for type_id, etype in CATALOGUE.items()
    for effect in etype.effects.values()
    for machine, _ in effect.triggers
    if machine == "organisation"
)


def status_changes(events: Iterable[Event]) -> list[tuple[float, int, int | None]]:
    """(time, id, organisation) of the events that may change an organisation's status."""
    return [(e.time, e.id, e.organisation) for e in events if e.type_id in ORGANISATION_CHANGES]


def names_device(event: Event) -> bool:
    """Whether the event goes to one device's partition (else it reaches them all)."""
    return event.kind_id in DEVICE_KINDS and (event.endpoint is not None or event.sim is not None)


class Named(Protocol):
    """What names a device: an event, or a saved state's recent id."""

    @property
    def endpoint(self) -> int | None: ...
    @property
    def sim(self) -> int | None: ...


def node_of(event: Named) -> Node:
    """The group member a device event is routed by: its endpoint, else its SIM."""
    if event.endpoint is not None:
        return ("endpoint", event.endpoint)
    assert event.sim is not None
    return ("sim", event.sim)


def key_node(key: Hashable) -> Node:
    """The group member of a device key: an endpoint id, or ``sim:<id>``."""
    if isinstance(key, str) and key.startswith("sim:"):
        return ("sim", int(key[4:]))
    if not isinstance(key, int):
        raise ValueError(f"device {key!r}: only endpoint ids and sim:<id> keys can be routed")
    return ("endpoint", key)


class DeviceLinks:
    """Endpoints and SIMs joined when an event names them together."""

    def __init__(self) -> None:
        self._parent: dict[Node, Node] = {}

    def add_events(self, events: Sequence[Event]) -> None:
        """Join the endpoint and SIM of every event naming both."""
        # Any event naming both joins them (an organisation event naming a device too: a
        # coarser group is never wrong), found in C over the distinct pairs.
        for endpoint, sim in set(zip(map(_ENDPOINT, events), map(_SIM, events), strict=True)):
            if endpoint is not None and sim is not None:
                self.join(("endpoint", endpoint), ("sim", sim))

    def join(self, first: Node, second: Node) -> None:
        """One device group for both (the smaller node becomes the group's name)."""
        a, b = self._root(first), self._root(second)
        if a != b:
            low, high = (a, b) if a < b else (b, a)
            self._parent[high] = low

    def pairs(self) -> list[tuple[Node, Node]]:
        """(node, its group's name) of every node joined to another: what a worker needs to
        route, as plain data (nodes not listed are their own group)."""
        return [(node, self._root(node)) for node in self._parent]

    def _root(self, node: Node) -> Node:
        parent = self._parent
        root = node
        while root in parent:
            root = parent[root]
        while node != root:  # path compression: later lookups are direct
            parent[node], node = root, parent[node]
        return root


class Router:
    """The partition of a device event, from the groups ``DeviceLinks`` found."""

    def __init__(self, groups: Iterable[tuple[Node, Node]], partitions: int) -> None:
        self.partitions = partitions
        self._group = dict(groups)

    def partition(self, node: Node) -> int:
        """The partition of a node's whole group."""
        kind, number = self._group.get(node, node)
        spread = (number * 2 + (kind == "sim")) * _SPREAD & 0xFFFFFFFFFFFFFFFF
        return (spread >> 32) % self.partitions

    def of_event(self, event: Event) -> int | None:
        """The partition of a device event; None for an event every partition gets."""
        return self.partition(node_of(event)) if names_device(event) else None

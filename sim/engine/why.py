"""Why a device is in the state it is: chains of causes from a view back to the events.

"connectivity Attached, because pdp Disconnected, because rule data_service (data quota is
Exhausted and the action on exhaustion is Block), because event 123 Quota used up at
2025-03-01T08:40:00Z". A view names the machines its value comes from
(``sim.engine.views.view_inputs``); each machine's last change in the trace names its cause: the
event, a rule and the event that set it off, what an event proved about the state before it,
or a change reported with no event. ``devicesim why``, ``Fleet.why`` and the scenario runner's
failure messages all build their chains here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

from sim.engine.state import Context, DeviceState
from sim.engine.step import Change
from sim.engine.trace import TraceEntry, format_time
from sim.engine.views import HEALTHY, describe, view_inputs, view_reason
from sim.engine.vocabulary import VIEWS, attribute_text
from statemachines import _quota, endpoint, policy, sim, sim_assignment

#: Machine states a person asking "why" wants explained even when no view shows them.
UNHEALTHY: dict[str, frozenset[str]] = {
    "sim": frozenset({sim.ISSUED, sim.SUSPENDED, sim.FACTORY_TEST, sim.DELETED}),
    "sim_assignment": frozenset({sim_assignment.UNASSIGNED}),
    "endpoint": frozenset({endpoint.DISABLED}),
    "policy": frozenset({policy.BLOCKED}),
    "data_quota": frozenset({_quota.EXHAUSTED, _quota.EXPIRED}),
    "sms_quota": frozenset({_quota.EXHAUSTED, _quota.EXPIRED}),
}

#: How a chain names an event: ``devicesim why`` by id, type and time; scenarios by step.
EventLabel = Callable[[TraceEntry], str]


class Link(NamedTuple):
    """One link of a chain, and the event it names, if any."""

    text: str
    event_id: int | None = None
    time: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The link as ``devicesim why --json`` prints it."""
        out: dict[str, Any] = {"text": self.text}
        if self.event_id is not None:
            out["event"] = self.event_id
        if self.time is not None:
            out["timestamp"] = format_time(self.time)
        return out


class Answer(NamedTuple):
    """Why one view or machine of a device has its value: a chain per input."""

    name: str
    value: str
    #: The view's own reason in words (empty for a machine).
    reason: str
    chains: tuple[tuple[Link, ...], ...]

    def lines(self) -> list[str]:
        """One line per chain: "connectivity Attached, because pdp Disconnected, because ..."."""
        return [
            f"{self.name} {self.value}, because " + ", because ".join(link.text for link in chain)
            for chain in self.chains
        ]

    def to_json(self) -> dict[str, Any]:
        """The answer as ``devicesim why --json`` prints it."""
        out: dict[str, Any] = {"name": self.name, "value": self.value}
        if self.reason:
            out["reason"] = self.reason
        out["because"] = [[link.to_json() for link in chain] for chain in self.chains]
        return out


class Device(NamedTuple):
    """What "why" reads of one device: its key, state, context, organisation and trace."""

    key: Hashable
    state: DeviceState
    context: Context
    organisation: int | None
    entries: Sequence[TraceEntry]


def event_label(entry: TraceEntry) -> str:
    """An event as ``devicesim why`` names it: id, type and time."""
    when = format_time(entry.time)
    if entry.synthesised:
        return f"{entry.type_name} (synthesised by the clock) at {when}"
    return f"event {entry.id} {entry.type_name} at {when}"


def explain(name: str, device: Device, label: EventLabel = event_label) -> Answer:
    """Why the view or machine ``name`` of ``device`` has its current value."""
    state, context = device.state, device.context
    if name in VIEWS:
        value = describe(state, context)[name]
        inputs = view_inputs(name, state, context)
        chains = tuple(_chain(m, _value(m, state, context), device, label) for m in inputs)
        return Answer(name, value, view_reason(name, state, context), chains)
    value = _value(name, state, context)
    return Answer(name, value, "", (_chain(name, value, device, label)[1:],))


def answers(device: Device, label: EventLabel = event_label) -> list[Answer]:
    """An answer for every view that is not the healthy default and every machine in a state
    people ask about (Suspended, Exhausted, ...)."""
    described = describe(device.state, device.context)
    found = [explain(view, device, label) for view in VIEWS if described[view] != HEALTHY[view]]
    found += [
        explain(machine, device, label)
        for machine, values in UNHEALTHY.items()
        if getattr(device.state, machine) in values
    ]
    return found


def _value(name: str, state: DeviceState, context: Context) -> str:
    if name == "organisation":
        return context.organisation
    return attribute_text(getattr(state, name))


def _chain(name: str, value: str, device: Device, label: EventLabel) -> tuple[Link, ...]:
    head = Link(f"{name} {value}")
    found = _last_change(name, device)
    if found is None:
        return head, Link(_never_changed(name, device.state))
    entry, change = found
    event = Link(label(entry), entry.id, entry.time)
    if change.cause.startswith("rule:"):
        return head, Link(f"rule {change.cause.removeprefix('rule:')} ({change.reason})"), event
    if change.inferred:
        return head, Link(f"{label(entry)} proves it ({change.reason})", entry.id, entry.time)
    if change.cause == "set":
        who = f"set by the {change.reason}" if change.reason else "a change reported with no event"
        return head, Link(f"{who} ({label(entry)})", entry.id, entry.time)
    return head, event


def _never_changed(name: str, state: DeviceState) -> str:
    if name in state.assumed:
        return "no event has shown it (assumed)"
    if name == "data_quota_action":
        return "no quota assignment named another action (Block is the default)"
    return "it has not changed since the start"


def _last_change(name: str, device: Device) -> tuple[TraceEntry, Change] | None:
    for entry in reversed(device.entries):
        for item in reversed(entry.changes):
            mine = item.endpoint == device.key or (
                item.endpoint is None and entry.organisation == device.organisation
            )
            if mine and item.change.machine == name:
                return entry, item.change
    return None

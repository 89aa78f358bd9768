"""Searching shortest paths from the default device to every transition and every rule.

For each target (a transition of a device, organisation or profile table, or a rule or
precondition) the search finds a shortest path of steps from the default device: device
events, organisation and service-profile events, and ``set`` steps for the transitions no
event fires. It is A*: the distance within the target machine's own table is the estimate
(one event moves a machine by at most one transition, so it never overestimates). What the
steps are comes from the catalogue and the tables; ``sim.coverage.generate`` writes the paths
as scenario files.
"""

from __future__ import annotations

import heapq
from collections import deque
from functools import cache
from typing import Any, NamedTuple

from sim.coverage.measure import ALL_RULES
from sim.engine.machines import RUNNERS
from sim.engine.memo import Stepper
from sim.engine.outcomes import INCONSISTENT
from sim.engine.state import Context, DeviceState
from sim.engine.step import force
from sim.engine.vocabulary import MACHINES, SETTABLE_ORGANISATION
from sim.events.catalogue import CATALOGUE, KIND_IDS, KINDS, RECHECK_KIND, Trigger, effect_of

#: The machines a device reads from its context (the Context fields have their names).
_CONTEXT_MACHINES = Context._fields
START = (DeviceState(), Context(*(RUNNERS[m].initial for m in _CONTEXT_MACHINES)))
#: Organisation and profile events that move a machine of the context, by type id.
_CONTEXT_EVENTS: dict[int, Trigger] = {
    etype.id: etype.effects[etype.default_variant].triggers[0]
    for etype in CATALOGUE.values()
    if etype.subject in ("organisation", "service_profile")
    and etype.effects[etype.default_variant].triggers
}
_FIRED = {
    trigger
    for etype in CATALOGUE.values()
    for e in etype.effects.values()
    for trigger in e.triggers
}


class Action(NamedTuple):
    """A step of a path: an event kind, or setting a machine to a state."""

    type_id: int = -1
    variant: str = ""
    machine: str = ""
    target: str = ""

    @property
    def organisation_level(self) -> bool:
        """Whether the step reaches every device of the organisation."""
        return self.machine in SETTABLE_ORGANISATION or (
            self.type_id >= 0 and CATALOGUE[self.type_id].scope != "endpoint"
        )


Node = tuple[DeviceState, Context]
Target = tuple[str, ...]  # ("move", machine, source, trigger) or ("rule", name)


class Outcome(NamedTuple):
    node: Node
    moves: tuple[tuple[str, str, str], ...]
    checks: tuple[str, ...]
    inconsistent: bool


def _does_something(kind: tuple[int, str]) -> bool:
    effect = effect_of(kind)
    return not effect.rejected and bool(effect.triggers or effect.sets)


_DEVICE_ACTIONS = [
    Action(t, v) for t, v in KINDS[1:] if CATALOGUE[t].scope == "endpoint" and _does_something((t, v))
]  # fmt: skip
#: ``set`` steps: the transitions of the organisation's and the device's tables that no event
#: fires (an organisation or a policy unblocked), by their destination.
_SET_ACTIONS = list(
    dict.fromkeys(
        Action(machine=machine, target=dest)
        for machine in ("organisation", *MACHINES)
        for source, trigger, dest in RUNNERS[machine].moves()
        if (machine, trigger) not in _FIRED and dest != source
    )
)
_OTHER_ACTIONS = [*(Action(t) for t in _CONTEXT_EVENTS), *_SET_ACTIONS]


def _stepper() -> Stepper:
    return Stepper.shared(follow=False, silent=False)


def apply(node: Node, action: Action) -> Outcome | None:
    """What one step does to a device in its context; None when it does not apply."""
    state, context = node
    stepper = _stepper()
    if action.type_id >= 0 and CATALOGUE[action.type_id].scope == "endpoint":
        step = stepper.step(
            stepper.pool.index(state),
            stepper.context_id(context),
            KIND_IDS[(action.type_id, action.variant)],
        )
        return Outcome((step.state, context), step.moves, step.checks, step.outcome == INCONSISTENT)
    if action.machine in MACHINES:
        return _set_device(node, action)
    if action.machine:
        before: str = getattr(context, action.machine)
        found = RUNNERS[action.machine].trigger_to(before, action.target)
        if found is None:
            return None
        machine, trigger = action.machine, found
    else:
        machine, trigger = _CONTEXT_EVENTS[action.type_id]
        before = getattr(context, machine)
    switched = RUNNERS[machine].fire(before, trigger)
    if switched is None:
        return None
    fields: dict[str, Any] = {machine: switched}
    new_context = context._replace(**fields)
    step = stepper.step(stepper.pool.index(state), stepper.context_id(new_context), RECHECK_KIND)
    return Outcome(
        (step.state, new_context), ((machine, before, trigger), *step.moves), step.checks, False
    )


def _set_device(node: Node, action: Action) -> Outcome | None:
    state, context = node
    if getattr(state, action.machine) == action.target:
        return None
    forced = force(state, context, action.machine, action.target)
    if forced is None:
        return None
    after, changes = forced
    return Outcome(
        (after, context),
        tuple((c.machine, c.source, c.trigger) for c in changes),
        tuple(c.cause.removeprefix("rule:") for c in changes if c.cause.startswith("rule:")),
        False,
    )


@cache
def _distances(machine: str, goal: str) -> dict[str, int]:
    """Transitions needed to reach ``goal`` in the machine's own table, from each state."""
    reverse: dict[str, set[str]] = {}
    for source, _, dest in RUNNERS[machine].moves():
        reverse.setdefault(dest, set()).add(source)
    found, frontier = {goal: 0}, deque([goal])
    while frontier:
        here = frontier.popleft()
        for source in reverse.get(here, ()):
            if source not in found:
                found[source] = found[here] + 1
                frontier.append(source)
    return found


def _estimate(node: Node, target: Target) -> int:
    if target[0] != "move" or (target[1] not in MACHINES and target[1] not in _CONTEXT_MACHINES):
        return 0
    machine, source = target[1], target[2]
    value = getattr(node[0], machine) if machine in MACHINES else getattr(node[1], machine)
    return _distances(machine, source).get(value, 99) + 1


def _reached(outcome: Outcome, target: Target) -> bool:
    if target[0] == "move":
        return target[1:] in outcome.moves
    return target[1] in outcome.checks


def shortest_path(target: Target, limit: int = 8) -> list[Action] | None:
    """A shortest list of steps from the default device whose last step reaches ``target``."""
    queue: list[tuple[int, int, Node, list[Action]]] = [(_estimate(START, target), 0, START, [])]
    seen = {START: 0}
    counter = 0
    while queue:
        _, _, node, path = heapq.heappop(queue)
        for action in _DEVICE_ACTIONS + _OTHER_ACTIONS:
            outcome = apply(node, action)
            if outcome is None:
                continue
            if _reached(outcome, target):
                return [*path, action]
            if outcome.inconsistent or len(path) + 1 >= limit:
                continue
            cost = len(path) + 1
            if seen.get(outcome.node, limit + 1) > cost:
                seen[outcome.node] = cost
                counter += 1
                heapq.heappush(
                    queue,
                    (
                        cost + _estimate(outcome.node, target),
                        counter,
                        outcome.node,
                        [*path, action],
                    ),
                )
    return None


def device_targets() -> list[Target]:
    """Every transition of the device, organisation and profile tables, and every rule."""
    moves = [
        ("move", m, s, t) for m in (*MACHINES, *_CONTEXT_MACHINES) for s, t, _ in RUNNERS[m].moves()
    ]
    return [*moves, *(("rule", name) for name in ALL_RULES)]


def plan() -> tuple[dict[Target, list[Action]], list[Target]]:
    """A shortest path per device-level target, and the targets no path reaches."""
    paths: dict[Target, list[Action]] = {}
    missed: list[Target] = []
    for target in device_targets():
        path = shortest_path(target)
        if path is None:
            missed.append(target)
        else:
            paths[target] = path
    return paths, missed


def kept(paths: dict[Target, list[Action]]) -> dict[Target, list[Action]]:
    """Drop paths that another path repeats or starts with: it reaches their target too."""
    ordered = sorted(paths.items(), key=lambda item: -len(item[1]))
    kept: dict[Target, list[Action]] = {}
    for target, path in ordered:
        if not any(other[: len(path)] == path for other in kept.values()):
            kept[target] = path
    return kept

"""Generating a small set of scenarios that together exercise every transition and every rule.

For each target (a transition of a table, or a rule or precondition) the search finds a
shortest path of steps from the default device: events, organisation and service-profile
events, and ``set`` steps for the transitions no event fires. It is A*: the distance within
the target machine's own table is the estimate (one event moves a machine by at most one
transition, so it never overestimates). Paths are then written as scenario files: device-only
paths side by side, one device per path, a file per machine; paths that need an organisation
or profile event in files of their own, since those events reach every device.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from sim.coverage.measure import ALL_RULES, label
from sim.engine.machines import RUNNERS
from sim.engine.rules import RULES
from sim.engine.state import MACHINES, Context, DeviceState
from sim.engine.step import Stepper, force
from sim.events.catalogue import CATALOGUE, KIND_IDS, KINDS, RECHECK_KIND
from sim.scenarios.writer import write_scenario

ORGANISATION, PROFILE, ALIAS = 1, 7, "fleet"
RULE_NAMES = frozenset(rule.name for rule in RULES)
START = (DeviceState(), Context("Active", "Disabled", "Disabled"))
_PROFILE_EVENTS = {52: ("data_quota_management", "enable"), 53: ("data_quota_management", "disable"),
                   54: ("sms_quota_management", "enable"), 55: ("sms_quota_management", "disable")}  # fmt: skip
#: The machines a device reads from its context (the Context fields have their names).
_CONTEXT_MACHINES = Context._fields


class Action(NamedTuple):
    """A step of a path: an event kind, or setting a machine to a state."""

    type_id: int = -1
    variant: str = ""
    machine: str = ""
    target: str = ""

    @property
    def organisation_level(self) -> bool:
        """Whether the step reaches every device of the organisation."""
        return self.machine == "organisation" or (
            self.type_id >= 0 and CATALOGUE[self.type_id].scope != "endpoint"
        )


Node = tuple[DeviceState, Context]
Target = tuple[str, ...]  # ("move", machine, source, trigger) or ("rule", name)


class Outcome(NamedTuple):
    node: Node
    moves: tuple[tuple[str, str, str], ...]
    checks: tuple[str, ...]
    inconsistent: bool


_DEVICE_ACTIONS = [
    Action(t, v) for t, v in KINDS[1:]
    if CATALOGUE[t].scope == "endpoint" and not v.startswith("rejected") and v != "notice"
]  # fmt: skip
_OTHER_ACTIONS = [
    Action(12),
    *(Action(t) for t in _PROFILE_EVENTS),
    Action(machine="organisation", target="Active"),
    Action(machine="policy", target="Unblocked"),
]


def _stepper() -> Stepper:
    return Stepper.shared(follow=False)


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
        return Outcome(
            (step.state, context), step.moves, step.checks, step.outcome == "inconsistent"
        )
    if action.machine == "policy":
        forced = (
            force(state, context, "policy", action.target)
            if state.policy != action.target
            else None
        )
        if forced is None:
            return None
        after, changes = forced
        return Outcome(
            (after, context),
            tuple((c.machine, c.source, c.trigger) for c in changes),
            tuple(c.cause[5:] for c in changes if c.cause.startswith("rule:")),
            False,
        )
    machine, trigger = (
        ("organisation", "unblock")
        if action.machine
        else _PROFILE_EVENTS.get(action.type_id, ("organisation", "block"))
    )
    before: str = getattr(context, machine)
    switched = RUNNERS[machine].fire(before, trigger)
    if switched is None:
        return None
    fields: dict[str, Any] = {machine: switched}
    new_context = context._replace(**fields)
    step = stepper.step(stepper.pool.index(state), stepper.context_id(new_context), RECHECK_KIND)
    return Outcome(
        (step.state, new_context), ((machine, before, trigger), *step.moves), step.checks, False
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


def _entity_paths(machine: str) -> Iterator[tuple[Target, list[tuple[int, str]]]]:
    """Per transition of an organisation entity table: the events leading to it (from its initial state)."""
    events = {
        t: type_id
        for type_id, e in CATALOGUE.items()
        for eff in e.effects.values()
        for m, t in eff.triggers
        if m == machine
    }
    runner = RUNNERS[machine]
    paths: dict[str, list[tuple[int, str]]] = {runner.initial: []}
    frontier = deque([runner.initial])
    while frontier:
        here = frontier.popleft()
        for source, trigger, dest in runner.moves():
            if source == here and dest not in paths:
                paths[dest] = [*paths[here], (events[trigger], dest)]
                frontier.append(dest)
    for source, trigger, dest in runner.moves():
        yield ("move", machine, source, trigger), [*paths[source], (events[trigger], dest)]


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


def _kept(paths: dict[Target, list[Action]]) -> dict[Target, list[Action]]:
    """Drop paths that another path repeats or starts with: it reaches their target too."""
    ordered = sorted(paths.items(), key=lambda item: -len(item[1]))
    kept: dict[Target, list[Action]] = {}
    for target, path in ordered:
        if not any(other[: len(path)] == path for other in kept.values()):
            kept[target] = path
    return kept


def _describe(target: Target) -> str:
    if target[0] == "rule":
        return f"rule {target[1]}"
    return f"{target[1]} {label((target[2], target[3]), target[1])}"


def _step(action: Action, alias: str) -> dict[str, Any]:
    if action.machine:
        step: dict[str, Any] = {"set": {action.machine: action.target}}
        if action.machine == "policy":
            step["device"] = alias
        return step
    etype = CATALOGUE[action.type_id]
    step = {"event": etype.name}
    if etype.scope == "endpoint":
        step["device"] = alias
    elif etype.scope == "service_profile":
        step["service_profile"] = ALIAS
    if action.variant:
        step["variant"] = action.variant
    return step


def _check(step: dict[str, Any], target: Target, alias: str) -> None:
    """What the last step of a path asserts."""
    if target[0] == "rule":
        step["outcome"] = "applied" if target[1] in RULE_NAMES else "inconsistent"
        return
    machine, dest = target[1], label((target[2], target[3]), target[1]).rsplit("--> ", 1)[1]
    if machine in MACHINES:
        step["expect"] = {alias: {machine: dest}}
    elif machine == "organisation":
        step["expect_organisation"] = {"organisation": dest}
    else:
        step["expect_organisation"] = {"service_profiles": {ALIAS: {machine: dest}}}


def _document(name: str, paths: list[tuple[Target, list[Action]]]) -> dict[str, Any]:
    aliases = [f"d{n}" for n in range(1, len(paths) + 1)]
    steps: list[dict[str, Any]] = []
    for alias, (target, path) in zip(aliases, paths, strict=True):
        steps += [_step(action, alias) for action in path]
        _check(steps[-1], target, alias)
    lines = [
        f"{alias}: {_describe(target)} ({len(path)} step{'s' if len(path) > 1 else ''})"
        for alias, (target, path) in zip(aliases, paths, strict=True)
    ]
    return {
        "name": name,
        "description": "Generated by devicesim cover. Each device walks a shortest path from the default device "
        "to the transition or rule named here:\n" + "\n".join(lines) + "\n",
        "tags": ["coverage", "generated"],
        "mode": "strict",
        "setup": {
            "organisation": {"id": ORGANISATION},
            "service_profiles": {ALIAS: {"id": PROFILE}},
            "devices": {alias: {"service_profile": ALIAS} for alias in aliases},
        },
        "steps": steps,
    }


def _entity_document(machine: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    lines = []
    for number, (target, events) in enumerate(_entity_paths(machine), start=1):
        subject = f"{machine}-{number}"
        steps += [{"event": CATALOGUE[type_id].name, "subject": subject} for type_id, _ in events]
        steps[-1]["expect_organisation"] = {machine: {subject: events[-1][1]}}
        lines.append(f"{subject}: {_describe(target)}")
    return {
        "name": f"Coverage: every transition of {machine}",
        "description": "Generated by devicesim cover. Each subject walks a shortest path to one transition:\n"
        + "\n".join(lines)
        + "\n",
        "tags": ["coverage", "generated"],
        "mode": "strict",
        "steps": steps,
    }


def write_cover(out: Path) -> tuple[list[Path], list[Target]]:
    """Write the coverage scenarios into ``out``; return the files and unreachable targets."""
    paths, missed = plan()
    kept = _kept(paths)
    local: dict[str, list[tuple[Target, list[Action]]]] = {}
    written = []
    shared = [(t, p) for t, p in kept.items() if any(a.organisation_level for a in p)]
    for target, path in kept.items():
        if (target, path) not in shared:
            group = "rules" if target[0] == "rule" else target[1]
            local.setdefault(group, []).append((target, path))
    for group, items in sorted(local.items()):
        document = _document(f"Coverage: {group}", sorted(items))
        written.append(write_scenario(document, out / f"cover-{group}.yaml"))
    for number, item in enumerate(sorted(shared), start=1):
        document = _document(f"Coverage: {_describe(item[0])}", [item])
        written.append(write_scenario(document, out / f"cover-organisation-{number:02d}.yaml"))
    for machine in ("cloudconnect", "openvpn", "user"):
        written.append(write_scenario(_entity_document(machine), out / f"cover-{machine}.yaml"))
    return written, missed

"""The shape every machine table has, and the one validator they all pass through.

Tables are checked when their module is imported, so a typo in a state name fails at import
time with the machine's name in the message instead of surfacing later as a device that
"cannot" change state. The checks are the ones that matter for a model users reason about:
exactly one initial state, every state reachable from it, no state a device can never leave
unless it is declared final, and a final state with no way out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NotRequired, TypedDict

from transitions import Machine


class StateSpec(TypedDict):
    """A state written as a dict: transitions' shape, used here to mark final states."""

    name: str
    final: NotRequired[bool]


class TransitionSpec(TypedDict):
    """One row of a table. ``dest: None`` is an internal transition: a valid no-op."""

    trigger: str
    source: str | list[str]
    dest: str | None


class MachineTable(TypedDict):
    """A machine in ``transitions``' dict shape, plus the name it is reported under."""

    name: str
    states: list[str | StateSpec]
    initial: str
    transitions: list[TransitionSpec]


class MachineDefinitionError(ValueError):
    """A machine table breaks one of the structural rules (raised at import time)."""


def state_names(table: MachineTable) -> list[str]:
    """State names in declaration order (the initial state first, by convention)."""
    return [s if isinstance(s, str) else s["name"] for s in table["states"]]


def final_states(table: MachineTable) -> frozenset[str]:
    """States declared final: no event may ever move a machine out of them."""
    return frozenset(
        s["name"] for s in table["states"] if not isinstance(s, str) and s.get("final")
    )


def trigger_names(table: MachineTable) -> list[str]:
    """Triggers in first-use order."""
    return list(dict.fromkeys(t["trigger"] for t in table["transitions"]))


def sources(row: TransitionSpec) -> list[str]:
    """The sources of one row as a list (transitions accepts a string or a list)."""
    return [row["source"]] if isinstance(row["source"], str) else list(row["source"])


def _edges(table: MachineTable) -> Iterable[tuple[str, str]]:
    for row in table["transitions"]:
        for source in sources(row):
            yield source, row["dest"] if row["dest"] is not None else source


def _reachable(table: MachineTable) -> set[str]:
    seen = {table["initial"]}
    frontier = [table["initial"]]
    edges = list(_edges(table))
    while frontier:
        here = frontier.pop()
        for source, dest in edges:
            if source == here and dest not in seen:
                seen.add(dest)
                frontier.append(dest)
    return seen


def _naming_problems(table: MachineTable) -> list[str]:
    states = state_names(table)
    problems = ["a state is declared twice"] if len(set(states)) != len(states) else []
    if table["initial"] not in states:
        problems.append(f"initial state {table['initial']!r} is not a declared state")
    for row in table["transitions"]:
        for state in [*sources(row), row["dest"]]:
            if state is not None and state not in states:
                problems.append(f"trigger {row['trigger']!r} names unknown state {state!r}")
    return problems


def _shape_problems(table: MachineTable) -> list[str]:
    states = state_names(table)
    finals = final_states(table)
    problems = []
    reachable = _reachable(table)
    unreachable = [s for s in states if s not in reachable]
    if unreachable:
        problems.append(f"unreachable states: {', '.join(unreachable)}")
    exits = {source for source, dest in _edges(table) if dest != source}
    traps = [s for s in states if s not in exits and s not in finals]
    if traps:
        problems.append(f"states with no way out that are not declared final: {traps}")
    leaving = sorted({source for source, _ in _edges(table) if source in finals})
    if leaving:
        problems.append(f"final states with outgoing transitions: {leaving}")
    return problems


def validate(table: MachineTable) -> MachineTable:
    """Check a table and build it once with ``transitions``; return it unchanged.

    Raises MachineDefinitionError naming the machine and what is wrong.
    """
    problems = _naming_problems(table) or _shape_problems(table)
    if problems:
        raise MachineDefinitionError(f"machine {table['name']!r}: " + "; ".join(problems))
    Machine(
        model=None,
        states=table["states"],
        transitions=table["transitions"],
        initial=table["initial"],
        auto_transitions=False,
    )
    return table

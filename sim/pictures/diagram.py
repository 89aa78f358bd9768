"""The diagram of a machine, built from its table: never drawn by hand.

An edge is a (source, dest) pair of one machine, labelled with everything that moves it
there: the catalogue's events (``19 Quota used up``; a variant in brackets when only some
variants fire the trigger), the cross-machine rules (``rule network_access``), and the changes
the platform makes without an event (``no event: refill``). A trigger that leaves the state as
it is (a valid no-op) is an edge back to its own state, drawn apart. The derived views are not
machines; ``VIEW_FEEDS`` says which machines each one reads, and ``all`` draws that too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from sim.engine.rules import RULES, SILENT_CHANGES
from sim.engine.views import VIEW_FEEDS
from sim.engine.vocabulary import VIEW_VALUES
from sim.errors import UsageError, suggest
from sim.events.catalogue import CATALOGUE, Trigger
from statemachines import ALL_MACHINES, final_states, state_names
from statemachines.table import sources

#: What ``devicesim diagram`` draws when no machine is named: every machine and the views.
ALL = "all"


class Edge(NamedTuple):
    """One arrow: every trigger that takes ``source`` to ``dest``, as the labels people read."""

    source: str
    dest: str
    labels: tuple[str, ...]

    @property
    def internal(self) -> bool:
        """A valid no-op: the state stays."""
        return self.source == self.dest


class MachineDiagram(NamedTuple):
    """A machine as drawn: its states (initial first), final states, and edges."""

    name: str
    states: tuple[str, ...]
    initial: str
    finals: frozenset[str]
    edges: tuple[Edge, ...]


class View(NamedTuple):
    """A derived view as drawn: its values and the machines it reads."""

    name: str
    values: tuple[str, ...]
    machines: tuple[str, ...]


class Diagram(NamedTuple):
    """What one ``devicesim diagram`` draws."""

    machines: tuple[MachineDiagram, ...]
    views: tuple[View, ...]


def trigger_labels() -> dict[Trigger, list[str]]:
    """For every (machine, trigger), what fires it, in words: events, rules, silent changes."""
    labels: dict[Trigger, list[str]] = {}
    for etype in CATALOGUE.values():
        fired: dict[Trigger, list[str]] = {}
        for variant, effect in etype.effects.items():
            for trigger in effect.triggers:
                fired.setdefault(trigger, []).append(variant)
        for trigger, variants in fired.items():
            every = len(variants) == len(etype.effects)
            shown = [""] if every else variants
            for variant in shown:
                suffix = f" ({variant})" if variant else ""
                labels.setdefault(trigger, []).append(f"{etype.id} {etype.name}{suffix}")
    for rule in RULES:
        for trigger in rule.effects:
            labels.setdefault(trigger, []).append(f"rule {rule.name}")
    for change in SILENT_CHANGES:
        labels.setdefault((change.machine, change.trigger), []).append(
            f"no event: {change.trigger}"
        )
    return labels


def machine_diagram(name: str, labels: Mapping[Trigger, list[str]]) -> MachineDiagram:
    """One machine's states and edges; a trigger nothing fires is labelled with its own name."""
    table = ALL_MACHINES[name]
    edges: dict[tuple[str, str], list[str]] = {}
    for row in table["transitions"]:
        words = labels.get((name, row["trigger"])) or [row["trigger"]]
        for source in sources(row):
            shown = edges.setdefault((source, row["dest"] or source), [])
            shown += [word for word in words if word not in shown]
    return MachineDiagram(
        name,
        tuple(state_names(table)),
        table["initial"],
        final_states(table),
        tuple(Edge(source, dest, tuple(words)) for (source, dest), words in edges.items()),
    )


def chosen(names: Iterable[str]) -> tuple[list[str], bool]:
    """The machines named on the command line (every one when none is named or ``all`` is
    among them), and whether the views are drawn too (then). An unknown name is a usage
    error."""
    wanted = list(dict.fromkeys(names))
    if not wanted or ALL in wanted:
        return list(ALL_MACHINES), True
    for name in wanted:
        if name not in ALL_MACHINES:
            known = [*ALL_MACHINES, ALL]
            raise UsageError(
                f"no machine {name!r}{suggest(name, known)}; the machines are "
                f"{', '.join(ALL_MACHINES)} (or {ALL})"
            )
    return wanted, False


def diagram(names: Iterable[str]) -> Diagram:
    """The diagram of the named machines (see ``chosen``)."""
    machines, with_views = chosen(names)
    labels = trigger_labels()
    views = (
        tuple(
            View(view, VIEW_VALUES[view], tuple(m for m in feeds if m in ALL_MACHINES))
            for view, feeds in VIEW_FEEDS.items()
        )
        if with_views
        else ()
    )
    return Diagram(tuple(machine_diagram(name, labels) for name in machines), views)


def highlights(pairs: Iterable[str]) -> dict[str, str]:
    """``MACHINE=STATE`` pairs of ``--state`` as a dict, each checked against the tables."""
    current: dict[str, str] = {}
    for pair in pairs:
        machine, equals, state = pair.partition("=")
        machine, state = machine.strip(), state.strip()
        if not equals or machine not in ALL_MACHINES:
            raise UsageError(
                f"--state {pair!r}: expected MACHINE=STATE with a machine of "
                f"{', '.join(ALL_MACHINES)}{suggest(machine, ALL_MACHINES)}"
            )
        states = state_names(ALL_MACHINES[machine])
        if state not in states:
            raise UsageError(
                f"--state {pair!r}: {machine} has no state {state!r}{suggest(state, states)}; "
                f"its states are {', '.join(states)}"
            )
        current[machine] = state
    return current

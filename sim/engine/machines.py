"""The ``transitions`` machines built from the tables: the single source of truth for moves.

Every state change the simulator makes is asked of a real ``transitions.Machine``: set the
state, fire the trigger, read the state back. That is slow (tens of microseconds), which is
why the engine memoises whole steps on top of it (see ``sim.step``); the memo can only repeat
what these machines answered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from transitions import Machine, MachineError

from statemachines import ALL_MACHINES, MachineTable, final_states, state_names
from statemachines.table import sources


class _Scratch:
    """The model a runner moves; it holds nothing but the state ``transitions`` sets."""

    state: str


class MachineRunner:
    """Answers "where does this trigger take this state?" with a ``transitions`` machine."""

    def __init__(self, table: MachineTable) -> None:
        self.name = table["name"]
        self.table = table
        self.states = state_names(table)
        self.initial = table["initial"]
        self.finals = final_states(table)
        self._model = _Scratch()
        self._machine = Machine(
            model=self._model,
            states=table["states"],
            transitions=table["transitions"],
            initial=table["initial"],
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        self._reported = _reported_states(table)
        #: Answers already asked of the machine: the inference asks about many hypothetical
        #: states, and a table's answer never changes.
        self._fired: dict[tuple[str, str], str | None] = {}

    def fire(self, state: str, trigger: str) -> str | None:
        """The state after ``trigger`` fires in ``state``, or None when it is not allowed."""
        key = (state, trigger)
        if key in self._fired:
            return self._fired[key]
        self._machine.set_state(state, model=self._model)
        try:
            self._model.trigger(trigger)  # type: ignore[attr-defined]
            moved: str | None = self._model.state
        except MachineError:
            moved = None
        self._fired[key] = moved
        return moved

    def sources(self, trigger: str, prefer: str) -> list[str]:
        """The states ``trigger`` may fire in: those it changes first, then those where it is
        a no-op; ``prefer`` first within each, then declaration order. The order in which
        evidence reads an earlier state: an event reports a change."""
        valid = [s for s in self.states if self.fire(s, trigger) is not None]
        return sorted(valid, key=lambda s: (self.fire(s, trigger) == s, s != prefer))

    def reported_state(self, trigger: str) -> str | None:
        """The one state every valid use of ``trigger`` ends in, if there is one.

        Lenient replay follows an impossible event to this state: an Update location always
        reports a registration, a Quota used up always reports an Exhausted quota.
        """
        return self._reported.get(trigger)

    def trigger_to(self, source: str, target: str) -> str | None:
        """The trigger whose transition (fired with ``transitions``) takes ``source`` to
        ``target``, or None: how a change the platform reports with no event is made. The row
        written for the fewest sources wins: a quota refilled from Exhausted says more than an
        assignment, which applies from any state."""
        rows = sorted(self.table["transitions"], key=lambda row: len(sources(row)))
        return next(
            (
                row["trigger"]
                for row in rows
                if source in sources(row)
                and (row["dest"] or source) == target
                and self.fire(source, row["trigger"]) == target
            ),
            None,
        )

    def moves(self) -> list[tuple[str, str, str]]:
        """Every (source, trigger, dest) the table allows, dest equal to source for no-ops."""
        return [
            (source, row["trigger"], row["dest"] or source)
            for row in self.table["transitions"]
            for source in sources(row)
        ]


def _reported_states(table: MachineTable) -> dict[str, str]:
    ends: dict[str, set[str]] = {}
    for row in table["transitions"]:
        for source in sources(row):
            ends.setdefault(row["trigger"], set()).add(row["dest"] or source)
    return {trigger: next(iter(dests)) for trigger, dests in ends.items() if len(dests) == 1}


class Runners(Mapping[str, MachineRunner]):
    """A runner per machine of ``statemachines.ALL_MACHINES``, built on first use and built
    again when the table it was built from is replaced (a registered temporary trigger)."""

    def __init__(self) -> None:
        self._built: dict[str, MachineRunner] = {}

    def __getitem__(self, name: str) -> MachineRunner:
        table = ALL_MACHINES[name]
        runner = self._built.get(name)
        if runner is None or runner.table is not table:
            runner = self._built[name] = MachineRunner(table)
        return runner

    def __iter__(self) -> Iterator[str]:
        return iter(ALL_MACHINES)

    def __len__(self) -> int:
        return len(ALL_MACHINES)


RUNNERS = Runners()

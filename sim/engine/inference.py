"""Evidence: what an event proves about the state a device was in before it.

A log exported from a running fleet starts in the middle of each device's life, so the model
cannot know a device's machines until events show them. Such machines are *assumed*
(``DeviceState.assumed``): they hold a default value that the first event needing another one
replaces with what it proves. What an event proves is derived from the tables and the rules,
never listed per event type:

- a trigger must be able to fire: the machine was in a state the trigger leaves (a Delete PDP
  Context proves a session), or, failing that, one where it is a valid no-op;
- the earlier state was a valid one: every precondition of the event holds in it (an accepted
  session proves network access and a packet-switched registration) and no cross-machine
  rule is violated in it (an open session proves a PS registration);
- a refusal proves what its reason says, where the model's state can give that reason
  (``sim.engine.views.refusal_reason``: "quota exhausted" proves an Exhausted quota, "SIM
  not activated" a SIM that is not).

Among the earlier states that satisfy all that, the one with the fewest assumed machines
changed is chosen (ties go to the order the tables declare their states). A machine is then
*observed* when the event fired it, when another value of it would have made the event
impossible, or when a rule forces it whatever the assumptions say. Lenient mode uses the same
search over every machine that is not final, so an impossible event is followed together with
what it proves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import combinations, product
from typing import NamedTuple

from sim.engine.machines import RUNNERS
from sim.engine.rules import RULES, SILENT_CHANGES, Rule, preconditions_for
from sim.engine.state import Context, DeviceState, replaced, with_values
from sim.engine.views import MODELLED_REFUSALS, refusal_reason
from sim.engine.vocabulary import MACHINES
from sim.events.catalogue import REFUSAL_BY_CODE, Kind, effect_of

#: At most this many machines besides the event's own are changed to explain one event; no
#: event of the catalogue needs more (an accepted session on a loose SIM under quota
#: management needs four), and the bound keeps a hopeless search short.
MAX_CHANGED = 4


class Inferred(NamedTuple):
    """A machine whose earlier value an event proved to differ from the assumed one."""

    machine: str
    assumed: str
    proven: str
    #: What made it so, in words.
    reason: str
    #: The trigger of a change the platform made silently (``rules.SILENT_CHANGES``).
    trigger: str = ""


class Evidence(NamedTuple):
    """What one event proves: the earlier state, what changed in it, and what is observed."""

    state: DeviceState
    inferred: tuple[Inferred, ...]
    #: Machines the event proved without changing their assumed value.
    confirmed: tuple[str, ...]


def requirements(state: DeviceState, context: Context, kind: Kind) -> list[str]:
    """What the event itself needs of the state before it and ``state`` lacks: its
    preconditions, and for a refusal the reason it gives."""
    found = [p.text for p in preconditions_for(kind) if p.broken(state, context) is not None]
    effect = effect_of(kind)
    if effect.refusal in MODELLED_REFUSALS:
        told = with_values(state, dict(effect.sets))
        if refusal_reason(told, context) != effect.refusal:
            found.append(f"the platform refused because {REFUSAL_BY_CODE[effect.refusal].words}")
    return found


def violations(state: DeviceState, context: Context, kind: Kind) -> list[str]:
    """What makes ``state`` an impossible state to receive ``kind`` in: its requirements, and
    the rules it violates (a rule whose effect would still change it)."""
    found = requirements(state, context, kind)
    found.extend(rule.text for rule in RULES if _violated(rule, state, context))
    return found


def _violated(rule: Rule, state: DeviceState, context: Context) -> bool:
    return rule.broken(state, context) is not None and bool(_moving(rule, state))


def _moving(rule: Rule, state: DeviceState) -> list[str]:
    """The machines the rule's effects would change in ``state``."""
    return [
        machine
        for machine, trigger in rule.effects
        if RUNNERS[machine].fire(getattr(state, machine), trigger)
        not in (None, getattr(state, machine))
    ]


def _alternatives(state: DeviceState, machine: str) -> list[str]:
    value = getattr(state, machine)
    return [s for s in RUNNERS[machine].states if s != value]


def _variants(state: DeviceState, free: Sequence[str]) -> Iterator[DeviceState]:
    """``state`` with 0, 1, ... ``MAX_CHANGED`` of the ``free`` machines changed, fewest first."""
    for count in range(min(len(free), MAX_CHANGED) + 1):
        for machines in combinations(free, count):
            for values in product(*(_alternatives(state, m) for m in machines)):
                yield with_values(state, dict(zip(machines, values, strict=True)))


def _earlier(
    state: DeviceState,
    context: Context,
    kind: Kind,
    fixed: dict[str, list[str]],
    free: Sequence[str],
) -> DeviceState | None:
    """The earliest-ordered valid earlier state: the event's machines from their candidate
    sources, the fewest ``free`` machines changed."""
    for choice in product(*fixed.values()):
        base = with_values(state, dict(zip(fixed, choice, strict=True)))
        for candidate in _variants(base, free):
            if not violations(candidate, context, kind):
                return candidate
    return None


def _proven(
    earlier: DeviceState, context: Context, kind: Kind, known: set[str], open_: Sequence[str]
) -> set[str]:
    """The ``open_`` machines another value of which would have made the event impossible:
    a requirement of the event broken, or a rule violated about machines already known."""
    proven = {
        machine
        for machine in open_
        if any(
            requirements(replaced(earlier, machine, value), context, kind)
            for value in _alternatives(earlier, machine)
        )
    }
    grown = True
    while grown:
        grown = False
        for rule in RULES:
            effects = {m for m, _ in rule.effects}
            for machine in set(open_) - proven - effects:
                for value in _alternatives(earlier, machine):
                    other = replaced(earlier, machine, value)
                    moving = _moving(rule, other) if rule.broken(other, context) else []
                    if moving and set(moving) <= known | proven:
                        proven.add(machine)
                        grown = True
                        break
    return proven


def infer(state: DeviceState, context: Context, kind: Kind) -> Evidence:
    """What an event of ``kind`` proves about the assumed machines of ``state``.

    Observed machines are kept as they are; when no earlier state explains the event with
    them, the assumed machines stay as assumed and the step finds the event inconsistent.
    """
    assumed = state.assumed
    triggers = [(m, t) for m, t in effect_of(kind).triggers if m in MACHINES]
    fixed = {m: RUNNERS[m].sources(t, getattr(state, m)) for m, t in triggers if m in assumed}
    free = [m for m in MACHINES if m in assumed and m not in fixed]
    earlier = _earlier(state, context, kind, fixed, free)
    if earlier is None:
        return Evidence(state, (), ())
    reasons = violations(with_values(state, {m: getattr(earlier, m) for m in fixed}), context, kind)
    inferred = _differences(state, earlier, lambda m: _reason(m, triggers, reasons))
    known = (set(MACHINES) - assumed) | set(fixed)
    proven = set(fixed) | _proven(earlier, context, kind, known, free)
    changed = {i.machine for i in inferred}
    confirmed = tuple(m for m in MACHINES if m in proven - changed - set(fixed))
    observed = proven | changed
    return Evidence(earlier._replace(assumed=assumed - observed), inferred, confirmed)


def follow_event(state: DeviceState, context: Context, kind: Kind) -> Evidence:
    """Lenient mode: the fewest machines (never one in a final state, never the event's own)
    changed so that an impossible event becomes possible; they are observed from then on."""
    own = {m for m, _ in effect_of(kind).triggers}
    free = [m for m in MACHINES if m not in own and getattr(state, m) not in RUNNERS[m].finals]
    earlier = _earlier(state, context, kind, {}, free)
    if earlier is None:
        return Evidence(state, (), ())
    reasons = "; ".join(violations(state, context, kind))
    inferred = _differences(state, earlier, lambda _: reasons)
    observed = {i.machine for i in inferred}
    return Evidence(earlier._replace(assumed=state.assumed - observed), inferred, ())


def _differences(
    state: DeviceState, earlier: DeviceState, reason: Callable[[str], str]
) -> tuple[Inferred, ...]:
    return tuple(
        Inferred(m, getattr(state, m), getattr(earlier, m), reason(m))
        for m in MACHINES
        if getattr(earlier, m) != getattr(state, m)
    )


def _reason(machine: str, triggers: list[tuple[str, str]], reasons: list[str]) -> str:
    trigger = next((t for m, t in triggers if m == machine), None)
    if trigger is not None:
        return f"the event ('{trigger}') starts from there"
    return "; ".join(reasons)


def possible(state: DeviceState, context: Context, kind: Kind) -> bool:
    """The event can happen in ``state``: its preconditions hold and its triggers can fire.
    (A refusal is always possible: its reason proves things about assumed machines only.)"""
    return not any(p.broken(state, context) for p in preconditions_for(kind)) and all(
        RUNNERS[m].fire(getattr(state, m), t) is not None
        for m, t in effect_of(kind).triggers
        if m in MACHINES
    )


def silently_changed(state: DeviceState, context: Context, kind: Kind) -> Evidence:
    """The fewest of the device's silent changes (domain.md rule 11: a policy unblocked, a
    quota refilled) that make an impossible event possible; the event proves them."""
    moves = {
        change: moved
        for change in SILENT_CHANGES
        if change.machine in MACHINES
        and (moved := RUNNERS[change.machine].fire(getattr(state, change.machine), change.trigger))
        not in (None, getattr(state, change.machine))
    }
    for count in range(1, len(moves) + 1):
        for chosen in combinations(moves, count):
            candidate = with_values(state, {c.machine: moves[c] for c in chosen})
            if possible(candidate, context, kind):
                inferred = tuple(
                    Inferred(c.machine, getattr(state, c.machine), moves[c], c.text, c.trigger)
                    for c in chosen
                )
                return Evidence(candidate, inferred, ())
    return Evidence(state, (), ())


def forced(state: DeviceState, context: Context) -> set[str]:
    """Machines a rule holds in place whatever the assumed machines are: a rule broken for
    every value of every assumed machine it reads forces its effects' machines (a suspended
    SIM is detached with no session, whatever was assumed about its registration)."""
    found: set[str] = set()
    for rule in RULES:
        if rule.broken(state, context) is None:
            continue
        effects = {m for m, _ in rule.effects}
        readers = [
            m for m in MACHINES if m in rule.reads and m in state.assumed and m not in effects
        ]
        robust = all(
            rule.broken(replaced(state, m, value), context) is not None
            for m in readers
            for value in _alternatives(state, m)
        )
        if robust:
            found |= effects
    return found

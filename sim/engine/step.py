"""One device step: state + context + event kind -> new state, outcome, changes with causes.

``reference_step`` is the definition: it asks the ``transitions`` machines for every move,
checks the preconditions, applies the event's attributes and then the cross-machine rules
until nothing changes. It is pure, so ``sim.engine.memo`` memoises it per (state, context,
kind): that memo is the engine's fast path, derived from the same tables and equal to them by
construction (and by a property test that runs both).
"""

from __future__ import annotations

from typing import NamedTuple

from sim.engine.inference import (
    Evidence,
    follow_event,
    forced,
    infer,
    possible,
    silently_changed,
)
from sim.engine.machines import RUNNERS
from sim.engine.outcomes import APPLIED, INCONSISTENT, RECORDED, REJECTED, UNCHANGED
from sim.engine.rules import RULES, preconditions_for
from sim.engine.state import Context, DeviceState, replaced
from sim.engine.views import ViewChange, data_service, view_changes
from sim.engine.vocabulary import DENIED, STATE_ATTRIBUTES, UNKNOWN, attribute_text
from sim.events.catalogue import KINDS, RECHECK_KIND, REFUSAL_BY_CODE, Kind, effect_of
from statemachines import service_profile as profile_machine

RECHECK: Kind = KINDS[RECHECK_KIND]

_NOTES = {
    "data_quota_managed": "inferred: data quota management applies to this device",
    "sms_quota_managed": "inferred: SMS quota management applies to this device",
}
_MANAGEMENT = {
    "data_quota_managed": "data_quota_management",
    "sms_quota_managed": "sms_quota_management",
}


class Change(NamedTuple):
    """One state change and its cause: ``event``, or ``rule:<name>`` with the rule's reason."""

    machine: str
    source: str
    dest: str
    cause: str
    reason: str = ""
    trigger: str = ""
    #: The change is what the event proves about the state before it (``sim.engine.inference``),
    #: not something the event did.
    inferred: bool = False


#: A transition of a table used by a step: (machine, source state, trigger). No-ops count.
Move = tuple[str, str, str]


class StepResult(NamedTuple):
    """The result of one device step. ``state_id`` is the new state's number in the stepper's
    pool (-1 until a stepper interns it)."""

    state: DeviceState
    state_id: int
    outcome: str
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    #: Every transition used, for coverage.
    moves: tuple[Move, ...] = ()
    #: Rules that changed something and preconditions that refused the event, by name.
    checks: tuple[str, ...] = ()
    #: The views that changed, from the state before the event (as the event proved it).
    views: tuple[ViewChange, ...] = ()


def _fire(state: DeviceState, machine: str, trigger: str, follow: bool) -> tuple[str, str | None]:
    runner = RUNNERS[machine]
    value: str = getattr(state, machine)
    moved = runner.fire(value, trigger)
    if moved is not None:
        return moved, None
    problem = f"{machine} cannot '{trigger}' from {value}"
    if follow and value not in runner.finals:
        return runner.reported_state(trigger) or value, problem
    return value, problem


def apply_rules(state: DeviceState, context: Context) -> tuple[DeviceState, list[Change]]:
    """Fire the cross-machine rules until none changes anything more."""
    changes: list[Change] = []
    fired = True
    while fired:
        fired = False
        for rule in RULES:
            reason = rule.broken(state, context)
            if reason is None:
                continue
            for machine, trigger in rule.effects:
                value = getattr(state, machine)
                moved = RUNNERS[machine].fire(value, trigger)
                if moved is not None and moved != value:
                    state = replaced(state, machine, moved)
                    changes.append(
                        Change(machine, value, moved, f"rule:{rule.name}", reason, trigger)
                    )
                    fired = True
    return state, changes


def force(
    state: DeviceState, context: Context, machine: str, target: str, by: str = ""
) -> tuple[DeviceState, list[Change]] | None:
    """Move one machine to ``target`` by the transition its table has for that, then apply
    the rules; None when no transition leads there. For changes the platform makes with no
    event (a policy unblocked, a quota refilled); ``by`` says who made it (the reason of the
    change)."""
    before = getattr(state, machine)
    if before == target:
        return state, []
    trigger = RUNNERS[machine].trigger_to(before, target)
    if trigger is None:
        return None
    after, rule_changes = apply_rules(replaced(state, machine, target), context)
    return after, [Change(machine, before, target, "set", by, trigger), *rule_changes]


class _Draft:
    """The step being built: the moving state and what it has collected so far."""

    def __init__(self, state: DeviceState, problems: list[str]) -> None:
        self.state = state
        self.changes: list[Change] = []
        #: Broken preconditions first, then triggers the tables refuse.
        self.problems = problems
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.moves: list[Move] = []

    def fire(self, machine: str, trigger: str, follow: bool) -> None:
        before = getattr(self.state, machine)
        moved, problem = _fire(self.state, machine, trigger, follow)
        if problem:
            self.problems.append(problem)
        else:
            self.moves.append((machine, before, trigger))
        if moved != before:
            self.changes.append(Change(machine, before, moved, "event", "", trigger))
            self.state = replaced(self.state, machine, moved)

    def set(self, attribute: str, value: object, context: Context) -> None:
        before = getattr(self.state, attribute)
        if before == value:
            return
        self.state = replaced(self.state, attribute, value)
        if attribute in STATE_ATTRIBUTES:
            self.changes.append(
                Change(attribute, attribute_text(before), attribute_text(value), "event")
            )
            return
        management = _MANAGEMENT[attribute]
        if getattr(context, management) == UNKNOWN:
            self.notes.append(_NOTES[attribute])
        elif getattr(context, management) == profile_machine.DISABLED:
            self.warnings.append(
                "the platform sends this only under quota management, "
                f"but the device's service profile has {management} Disabled"
            )


def _inferred_changes(evidence: Evidence) -> list[Change]:
    return [
        Change(i.machine, i.assumed, i.proven, "event", i.reason, i.trigger, inferred=True)
        for i in evidence.inferred
    ]


def _observed(
    state: DeviceState, context: Context, kind: Kind, changes: list[Change]
) -> DeviceState:
    """``state`` with what the step has shown no longer assumed: the event's machines, those a
    rule changed, and those a rule holds in place whatever the assumptions."""
    shown = {m for m, _ in effect_of(kind).triggers} | {c.machine for c in changes}
    shown |= forced(state, context)
    return state._replace(assumed=state.assumed - shown)


def _evidence(
    state: DeviceState, context: Context, kind: Kind, silent: bool
) -> tuple[DeviceState, list[Change], list[str]]:
    """The state before the event as the event proves it: what it shows of the assumed
    machines, then (``silent``) the changes the platform made without an event that it needs.
    Also the changes that makes, and a note naming the assumptions it confirms."""
    notes: list[str] = []
    changes: list[Change] = []
    if state.assumed:
        evidence = infer(state, context, kind)
        shown = ", ".join(f"{m} {getattr(evidence.state, m)}" for m in evidence.confirmed)
        notes = [f"the event shows {shown}"] if shown else []
        state, changes = evidence.state, _inferred_changes(evidence)
    if silent and not possible(state, context, kind):
        unblocked = silently_changed(state, context, kind)
        state = unblocked.state
        changes.extend(_inferred_changes(unblocked))
    return state, changes, notes


def _outcome(kind: Kind, draft: _Draft, rule_changes: list[Change]) -> str:
    effect = effect_of(kind)
    if draft.problems:
        return INCONSISTENT
    if effect.rejected:
        return REJECTED
    if kind != RECHECK and not (effect.triggers or effect.sets):
        return RECORDED
    return APPLIED if draft.changes or rule_changes else UNCHANGED


def reference_step(
    state: DeviceState, context: Context, kind: Kind, follow: bool, silent: bool = False
) -> StepResult:
    """Apply one event kind to one device, asking ``transitions`` for every move.

    ``follow`` is lenient mode; ``silent`` lets an event prove the changes the platform makes
    without one (``rules.SILENT_CHANGES``) instead of being inconsistent.
    """
    effect = effect_of(kind)
    start = state
    state, inferred, notes = _evidence(state, context, kind, silent)
    broken = [
        (p, reason)
        for p in preconditions_for(kind)
        if (reason := p.broken(state, context)) is not None
    ]
    problems = [f"{p.text}: {reason}" for p, reason in broken]
    refused = tuple(p.name for p, _ in broken)
    if problems and follow:
        followed = follow_event(state, context, kind)
        if not followed.inferred:
            # Nothing but a final state (a Deleted SIM) explains the event: it cannot happen.
            return StepResult(start, -1, INCONSISTENT, (), tuple(problems), (), checks=refused)
        state = followed.state
        inferred.extend(_inferred_changes(followed))
    draft = _Draft(state, problems)
    draft.notes.extend(notes)
    for machine, trigger in effect.triggers:
        draft.fire(machine, trigger, follow)
    for attribute, value in effect.sets:
        draft.set(attribute, value, context)
    if draft.problems and not follow:
        return StepResult(start, -1, INCONSISTENT, (), tuple(draft.problems), (), checks=refused)
    if effect.refusal and data_service(draft.state, context)[0] != DENIED:
        reason = REFUSAL_BY_CODE[effect.refusal].words
        draft.warnings.append(f"the platform refused a data session the model allows ({reason})")
    moved, rule_changes = apply_rules(draft.state, context)
    if start.assumed:
        moved = _observed(moved, context, kind, rule_changes)
    changes = (*inferred, *draft.changes, *rule_changes)
    made = (*(c for c in inferred if c.trigger), *rule_changes)
    moves = (*draft.moves, *((c.machine, c.source, c.trigger) for c in made))
    checks = (*refused, *dict.fromkeys(c.cause.removeprefix("rule:") for c in rule_changes))
    return StepResult(
        moved,
        -1,
        _outcome(kind, draft, rule_changes),
        changes,
        (*draft.problems, *draft.warnings),
        tuple(draft.notes),
        moves,
        checks,
        view_changes(state, context, moved, context),
    )

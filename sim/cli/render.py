"""Turning catalogue entries and fleet state into text for people: tables and explanations.

Plain aligned text, no colours: it is read in terminals, pasted into tickets and diffed in CI.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sim.engine.fleet import Fleet
from sim.engine.machines import RUNNERS
from sim.engine.rules import PRECONDITIONS, rules_reading
from sim.engine.trace import SET_TYPE, DeviceChange, TraceEntry, format_time
from sim.engine.vocabulary import MACHINES, VIEWS, attribute_text
from sim.engine.why import Answer
from sim.events.catalogue import CATALOGUE, REFUSAL_BY_CODE, Effect, EventType


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def events_table() -> str:
    """The catalogue as ``devicesim events`` prints it."""
    rows = []
    for etype in CATALOGUE.values():
        triggers = sorted({f"{m}.{t}" for e in etype.effects.values() for m, t in e.triggers})
        rows.append((etype.id, etype.name, etype.category, etype.scope, ", ".join(triggers) or "-"))
    return table(("id", "name", "category", "scope", "drives"), rows)


def events_json() -> list[dict[str, object]]:
    """The catalogue as ``devicesim events --json`` prints it."""
    return [
        {
            "id": etype.id,
            "name": etype.name,
            "category": etype.category,
            "scope": etype.scope,
            "explanation": etype.explanation,
            "variants": {
                name or "default": {
                    "when": effect.when,
                    "triggers": [{"machine": m, "trigger": t} for m, t in effect.triggers],
                    "sets": {k: v for k, v in effect.sets},
                    "rejected": effect.rejected,
                }
                for name, effect in etype.effects.items()
            },
        }
        for etype in CATALOGUE.values()
    ]


def _moves(machine: str, trigger: str, indent: str) -> list[str]:
    moves = [(s, d) for s, f, d in RUNNERS[machine].moves() if f == trigger]
    lines = [f"{indent}{machine} ({trigger}):"]
    lines += [f"{indent}  {s} -> {d}" + ("  (no change)" if d == s else "") for s, d in moves]
    allowed = {s for s, _ in moves}
    lines += [f"{indent}  {s} -> inconsistent" for s in RUNNERS[machine].states if s not in allowed]
    return lines


def _effect(name: str, effect: Effect) -> list[str]:
    lines = [f"  variant {name}: {effect.when}"] if name else []
    indent = "    " if name else "  "
    if effect.rejected:
        lines.append(f"{indent}outcome: rejected (the platform refused the request)")
    for machine, trigger in effect.triggers:
        lines += _moves(machine, trigger, indent)
    lines += [f"{indent}sets {a} = {attribute_text(value)}" for a, value in effect.sets]
    if not effect.triggers and not effect.sets and not effect.rejected:
        lines.append(f"{indent}no state changes: recorded in the organisation's audit trail")
    return lines


def explain(etype: EventType) -> str:
    """Everything an event type can do, as ``devicesim explain`` prints it."""
    lines = [f"{etype.id} {etype.name}", f"  category: {etype.category}"]
    lines += [f"  scope: {etype.scope}", "", f"  {etype.explanation}", ""]
    touched: set[str] = set()
    for name, effect in etype.effects.items():
        lines += _effect(name, effect)
        touched |= {m for m, _ in effect.triggers} | {a for a, _ in effect.sets}
    fired = {trigger for effect in etype.effects.values() for trigger in effect.triggers}
    needs = [p for p in PRECONDITIONS if p.triggers & fired]
    if needs:
        lines += ["", "  needs (else inconsistent):"]
        lines += [f"    {p.name}: {p.text}" for p in needs]
    rules = rules_reading(touched)
    if rules:
        lines += ["", "  can set off rules:"] + [f"    {r.name}: {r.text}" for r in rules]
    return "\n".join(lines)


def failure_line(entry: TraceEntry) -> str:
    """A failed event of a strict replay on one line: which, where and why."""
    if entry.id is None:
        return f"invalid event: {'; '.join(entry.warnings)}"
    device = f", endpoint {entry.endpoint}" if entry.endpoint is not None else ""
    return (
        f"event {entry.id} ({entry.type_name}{device}) at {format_time(entry.time)} is "
        f"{entry.outcome}: {'; '.join(entry.warnings)}"
    )


def trace_line(entry: TraceEntry) -> str:
    """One event of a trace on one line, its changes and warnings indented below it. A change
    made with no event reads as what it did: ``set policy Blocked -> Unblocked (scenario)``."""
    who = f" endpoint {entry.endpoint}" if entry.endpoint is not None else ""
    when = format_time(entry.time) or "-"
    changes = entry.changes
    if entry.type_id != SET_TYPE:
        tag = " (synthesised)" if entry.synthesised else ""
        flagged = [entry.severity] if entry.severity not in ("", "Info") else []
        flagged += ["alert"] if entry.alert else []
        marks = f"  [{', '.join(flagged)}]" if flagged else ""
        lines = [
            f"{when}  #{entry.id if entry.id is not None else '-'}  "
            f"{entry.type_id} {entry.type_name}{tag}{who}: {entry.outcome}{marks}"
        ]
    elif changes:
        first, changes = changes[0].change, changes[1:]
        by = f" ({first.reason})" if first.reason else ""
        lines = [f"{when}  set {first.machine} {first.source} -> {first.dest}{by}{who}"]
    else:
        lines = [f"{when}  {entry.type_name}{who}: unchanged (already in that state)"]
    lines += [_change_line(item, entry.endpoint) for item in changes]
    for view in entry.views:
        where = (
            f"endpoint {view.endpoint} "
            if view.endpoint is not None and view.endpoint != entry.endpoint
            else ""
        )
        lines.append(f"    {where}{view.view}: {view.source} -> {view.dest}")
    if entry.refusal:
        lines.append(
            f"    refused because {REFUSAL_BY_CODE[entry.refusal].words} ({entry.refusal})"
        )
    lines += [f"    warning: {w}" for w in entry.warnings]
    lines += [f"    note: {n}" for n in entry.notes]
    return "\n".join(lines)


def _change_line(item: DeviceChange, endpoint: Hashable | None) -> str:
    """One change under its event: the machine, from and to, and its cause unless the event
    itself was the cause."""
    change = item.change
    where = f"endpoint {item.endpoint} " if item.endpoint not in (None, endpoint) else ""
    if change.inferred:
        because = f"  [inferred: {change.reason}]"
    elif change.cause == "event":
        because = ""
    else:
        because = f"  [{change.cause}: {change.reason}]" if change.reason else f"  [{change.cause}]"
    return f"    {where}{change.machine}: {change.source} -> {change.dest}{because}"


def percent(part: dict[str, Any]) -> str:
    """``12/14 (86%)``."""
    share = 100 * part["covered"] / part["total"] if part["total"] else 100.0
    return f"{part['covered']}/{part['total']} ({share:.0f}%)"


def coverage_table(report: dict[str, Any]) -> str:
    """The coverage table and what was missed, as ``devicesim run --coverage`` prints it."""
    rows = [
        (name, percent(m["states"]), percent(m["transitions"]), percent(m["rules"]))
        for name, m in report["machines"].items()
    ]
    total = report["total"]
    rows.append(
        ("total", percent(total["states"]), percent(total["transitions"]), percent(total["rules"]))
    )
    lines = [table(("machine", "states", "transitions", "rules"), rows)]
    attributes = report["attributes"].items()
    lines.append("attributes: " + ", ".join(f"{name} {percent(part)}" for name, part in attributes))
    for name, machine in report["machines"].items():
        for part in ("states", "transitions", "rules"):
            if machine[part]["missed"]:
                lines.append(f"missed {name} {part}: " + ", ".join(machine[part]["missed"]))
    for name, part in attributes:
        if part["missed"]:
            lines.append(f"missed {name} values: " + ", ".join(part["missed"]))
    return "\n".join(lines)


def why_text(fleet: Fleet, key: Hashable, found: list[Answer]) -> str:
    """``devicesim why``: the device's states, then a line per chain of causes."""
    device = fleet.device(key)
    lines = [
        f"{_device_name(key)} (organisation {fleet.store.organisation_of(key)}): "
        + ", ".join(f"{view} {device[view]}" for view in VIEWS),
        "  " + ", ".join(f"{m} {device[m]}" for m in MACHINES),
        "",
    ]
    lines += [line for answer in found for line in answer.lines()]
    if not found:
        lines.append("nothing to explain: Online, with data and SMS service allowed")
    assumed = fleet.assumed(key)
    if assumed:
        lines += ["", "assumed, no event has shown them: " + ", ".join(assumed)]
    return "\n".join(lines)


def why_json(fleet: Fleet, key: Hashable, found: list[Answer]) -> dict[str, Any]:
    """``devicesim why --json``."""
    return {
        "device": key,
        "organisation": fleet.store.organisation_of(key),
        "state": fleet.device(key),
        "assumed": fleet.assumed(key),
        "answers": [answer.to_json() for answer in found],
    }


def _device_name(key: Hashable) -> str:
    return f"SIM {str(key).removeprefix('sim:')}" if isinstance(key, str) else f"endpoint {key}"

"""A scenario run as a section of the HTML report: its story, each step with its event,
outcome, changes and their causes, the connectivity badge a customer would see, the checks
passed or failed, then per device the diagrams of the machines it moved through and its
timeline."""

from __future__ import annotations

from typing import Any

from sim.engine.trace import SET_TYPE, TraceEntry
from sim.engine.vocabulary import VIEWS
from sim.events.catalogue import REFUSAL_BY_CODE
from sim.pictures.page import badge, diagram_holder, e, prose, timeline_holder
from sim.pictures.timeline import Timeline, because, timelines
from sim.scenarios.model import Expectation, ScenarioStep
from sim.scenarios.results import Result, StepReport

_HEAD = ("step", "what happened", "outcome", "what changed, and why", "customer sees", "checks")


def _entry_lines(entry: TraceEntry, names: dict[int, str]) -> list[str]:
    """One applied event as list items: who set it off, each change and its cause (with the
    device's alias when the scenario has several)."""
    if entry.type_id == SET_TYPE:
        lines = []
    else:
        clock = "the clock: " if entry.synthesised else ""
        lines = [f"<b>{e(clock)}{entry.type_id} {e(entry.type_name)}</b>: {e(entry.outcome)}"]
    for item in entry.changes:
        change = item.change
        where = f"{names[item.endpoint]}: " if item.endpoint in names else ""
        lines.append(
            f"{e(where)}{e(change.machine)}: {e(change.source)} &rarr; <b>{e(change.dest)}</b> "
            f'<span class="muted">({e(because(change))})</span>'
        )
    lines += [f'<span class="warning">warning: {e(w)}</span>' for w in entry.warnings]
    if entry.refusal:
        lines.append(f"refused because {e(REFUSAL_BY_CODE[entry.refusal].words)}")
    return lines


def _check(expectation: Expectation, failed: set[str], reached: bool, quiet: set[str]) -> str:
    """One check and how it went, naming what it is about unless that is in ``quiet`` (the
    device of a one-device scenario) or the check's own name (``organisation``)."""
    status = "not-reached" if not reached else "failed" if expectation.where in failed else "passed"
    hidden = quiet | {"", expectation.name}
    subject = "" if expectation.subject in hidden else f"{expectation.subject} "
    return (
        f'<span class="check {status}" data-check="{status}" title="{e(expectation.where)}">'
        f"{e(subject)}{e(expectation.name)} {e(expectation.state)}</span>"
    )


def _checks(
    step: ScenarioStep, failed: set[str], report: StepReport | None, quiet: set[str]
) -> str:
    reached = report is not None
    shown = []
    if step.outcome is not None:
        status = (
            "not-reached" if not reached else "failed" if step.outcome_where in failed else "passed"
        )
        shown.append(
            f'<span class="check {status}" data-check="{status}">outcome {e(step.outcome)}</span>'
        )
    shown += [_check(x, failed, reached, quiet) for x in step.expect]
    return "<br>".join(shown)


def _customer(report: StepReport | None, step: ScenarioStep) -> str:
    if report is None:
        return ""
    devices = [step.device] if step.device in report.states else list(report.states)
    parts = []
    for alias in devices:
        states = report.states[alias]
        name = f'<span class="muted">{e(alias)}</span> ' if len(report.states) > 1 else ""
        services = f"data {states['data_service']}, SMS {states['sms_service']}"
        parts.append(
            f'{name}{badge(states["connectivity"])} <span class="service">{e(services)}</span>'
        )
    return "<br>".join(parts)


def _step_row(
    step: ScenarioStep,
    report: StepReport | None,
    failed: set[str],
    names: dict[int, str],
    quiet: set[str],
) -> str:
    events = [entry for entry in (report.entries if report else []) if not entry.synthesised]
    outcome = events[0].outcome if events and events[0].type_id != SET_TYPE else ""
    entries = report.entries if report else []
    items = [line for entry in entries for line in _entry_lines(entry, names)]
    device = f' <span class="muted">({e(step.device)})</span>' if step.device else ""
    changed = f'<ul class="changes">{"".join(f"<li>{i}</li>" for i in items)}</ul>' if items else ""
    cells = (
        str(step.number),
        f"{e(step.label)}{device}" + ("" if report else ' <span class="muted">not reached</span>'),
        e(outcome),
        changed,
        _customer(report, step),
        _checks(step, failed, report, quiet),
    )
    return f'<tr data-step="{step.number}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _device_parts(number: int, result: Result, built: dict[Any, Timeline]) -> list[str]:
    parts = []
    for alias, endpoint in result.scenario.devices.items():
        timeline = built[endpoint]
        holders = [
            diagram_holder(lane, [state for _, state in points], points[-1][1])
            for lane, points in timeline.lanes.items()
            if len({state for _, state in points}) > 1 and lane not in VIEWS
        ]
        parts.append(f"<h3>device {e(alias)} (endpoint {endpoint})</h3>")
        if holders:
            parts.append(f'<div class="diagrams">{"".join(holders)}</div>')
        parts.append(timeline_holder(f"s{number}:{alias}", timeline.events))
    return parts


def scenario_section(number: int, result: Result) -> tuple[str, dict[str, Any]]:
    """The section of one scenario, and the timelines it draws (by their keys)."""
    scenario = result.scenario
    failed = {failure.where for failure in result.failures}
    reports = {report.step.number: report for report in result.steps}
    finals = result.steps[-1].states if result.steps else result.start
    built = timelines(
        result.trace,
        {endpoint: finals[alias] for alias, endpoint in scenario.devices.items()},
        lambda entry: result.payloads.get(entry.event_key),
    )
    status = "passed" if result.passed else "failed"
    names = {endpoint: alias for alias, endpoint in scenario.devices.items()}
    names = names if len(names) > 1 else {}
    quiet = set() if names else set(scenario.devices)
    rows = "".join(
        _step_row(step, reports.get(step.number), failed, names, quiet) for step in scenario.steps
    )
    head = "".join(f"<th>{h}</th>" for h in _HEAD)
    finished = len(result.steps) == len(scenario.steps) and all(
        failure.step is None for failure in result.failures
    )
    final = [_check(x, failed, finished, quiet) for x in scenario.expect]
    parts = [
        f'<section class="block scenario" id="scenario-{number}" data-status="{status}">',
        f'<h2>{e(scenario.name)} <span class="badge {status}">{status}</span></h2>',
        f'<p class="muted mono">{e(scenario.path)}</p>',
        prose(scenario.description),
        *(f'<div class="failure">{e(chr(10).join(f.lines()))}</div>' for f in result.failures),
        f'<table class="grid steps"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>',
    ]
    if final:
        parts.append(f"<p>at the end: {' '.join(final)}</p>")
    parts += _device_parts(number, result, built)
    parts.append("</section>")
    keyed = {
        f"s{number}:{alias}": built[endpoint].to_json()
        for alias, endpoint in scenario.devices.items()
    }
    return "\n".join(parts), keyed

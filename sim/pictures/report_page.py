"""The whole HTML report of ``devicesim report``: a section per scenario, one for the replay of
every log given (one fleet, as ``devicesim replay`` would make of them), the files that could
not be read, and the diagrams the sections draw. One self-contained file (``sim.pictures.page``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.vocabulary import MACHINES
from sim.errors import ScenarioError
from sim.events.event import Event
from sim.pictures.page import diagram_templates, e, page
from sim.pictures.replay_report import replay_section
from sim.pictures.scenario_report import scenario_section
from sim.scenarios.results import Result


class LogReplay(NamedTuple):
    """The logs of a report, replayed: their paths, the fleet (with a trace), the events read
    (payloads kept) and the unreadable ones."""

    paths: Sequence[str]
    fleet: Fleet
    events: Sequence[Event]
    invalid: Sequence[str]


def _contents(results: Sequence[Result], logs: LogReplay | None) -> str:
    items = [
        f'<li><a href="#scenario-{n}">{e(r.scenario.name)}</a> '
        f'<span class="badge {"passed" if r.passed else "failed"}">'
        f"{'passed' if r.passed else 'failed'}</span></li>"
        for n, r in enumerate(results, 1)
    ]
    if logs is not None:
        items.append(f'<li><a href="#replay">replay of {len(logs.paths)} file(s)</a></li>')
    return f"<ul>{''.join(items)}</ul>" if len(items) > 1 else ""


def report_html(
    results: Sequence[Result], invalid: Sequence[ScenarioError], logs: LogReplay | None
) -> str:
    """The report page."""
    sections: list[str] = []
    timelines: dict[str, Any] = {}
    for number, result in enumerate(results, 1):
        section, keyed = scenario_section(number, result)
        sections.append(section)
        timelines |= keyed
    if logs is not None:
        section, keyed = replay_section(*logs)
        sections.append(section)
        timelines |= keyed
    if invalid:
        lines = "".join(f'<div class="failure">{e(error)}</div>' for error in invalid)
        sections.append(
            f'<section class="block" id="invalid"><h2>Files that could not be read '
            f'<span class="badge invalid">{len(invalid)}</span></h2>{lines}</section>'
        )
    templates, note = diagram_templates(MACHINES if results else (), "make the report again")
    passed = sum(r.passed for r in results)
    scenarios = f"{len(results)} scenarios ({passed} passed)" if results else ""
    replayed = f"{len(logs.events)} events of {len(logs.paths)} file(s)" if logs is not None else ""
    header = (
        '<header class="top"><h1>devicesim report</h1>'
        f"<p>{e(', '.join(part for part in (scenarios, replayed) if part))}</p></header>"
    )
    body = (
        f"{header}\n<main>{_contents(results, logs)}{note}{''.join(sections)}</main>\n{templates}"
    )
    return page("devicesim report", body, {"timelines": timelines}, ["report.js"])

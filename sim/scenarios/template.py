"""A starting scenario for ``devicesim new``: commented, and passing as written.

The steps are the events asked for (or a bring-up: registration, packet registration and a
data session for each device); the expectations are what the model answers when the draft
runs, so the file passes at once and the author edits from a working example. Each step
expects what changed on its devices, and always the connectivity customers see; an event the
model does not apply as ``applied`` asserts its outcome instead of failing a strict run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.engine.outcomes import APPLIED
from sim.engine.vocabulary import MACHINES
from sim.errors import UsageError, suggest
from sim.events.catalogue import EventType, lookup, names
from sim.scenarios.load import DEFAULT_START, read_scenario
from sim.scenarios.results import StepReport
from sim.scenarios.runner import run_scenario

#: What a device does to come online: the events a template uses when none are asked for.
BRING_UP = ("Update location", "Update GPRS location", "Create PDP Context")
PROFILE = "standard"
#: Always expected: what the Portal shows.
SEEN = "connectivity"

HEADER = """\
# yaml-language-server: $schema={schema}
#
# A devicesim scenario.   Run it:                 devicesim run {file}
#                         Check it, not run it:   devicesim validate {file}
#                         Every event:            devicesim events
#                         What one event does:    devicesim explain "Create PDP Context"
#
# The expectations below are what the model answered when this file was written, so it
# passes as it is. Edit the steps, then make each expect say what the platform should do.
"""

FOOTER = """\
  # More kinds of step:
  # - wait: 5m                       # let virtual time pass (a closed session goes Offline after 5m)
  # - set: {{policy: Unblocked}}       # a change the platform makes with no event
  #   device: {alias}
  # - event: Create PDP Context
  #   device: {alias}
  #   rejected: true                 # a refused session; reason: quota_exhausted, ...
"""


def event_types(given: Sequence[str]) -> list[EventType]:
    """Catalogue events by name or id; UsageError with a did-you-mean for an unknown one."""
    found = []
    for key in given:
        etype = lookup(key)
        if etype is None:
            raise UsageError(f"--event: unknown event {key!r}{suggest(key, names())}")
        found.append(etype)
    return found


def new_scenario(path: Path, *, devices: int, events: Sequence[EventType], schema: str) -> str:
    """The text of a commented scenario at ``path`` that passes ``devicesim run`` as written."""
    aliases = ["tracker"] if devices == 1 else [f"tracker{n}" for n in range(1, devices + 1)]
    plan = [(aliases[0], etype) for etype in events] or [
        (alias, etype) for alias in aliases for etype in event_types(BRING_UP)
    ]
    needs_profile = any(etype.scope == "service_profile" for _, etype in plan)
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize() or "New scenario"
    setup = _setup(aliases, needs_profile)
    steps = [_step(alias, etype) for alias, etype in plan]
    result = run_scenario(read_scenario(_text(title, setup, steps, aliases), path))
    while len(result.steps) < len(steps) or not result.passed:
        # A strict run stops at an event it cannot apply: assert that outcome, run again.
        _assert_outcome(steps[len(result.steps) - 1], result.steps[-1])
        result = run_scenario(read_scenario(_text(title, setup, steps, aliases), path))
    before = result.start
    whys = []
    for step, report in zip(steps, result.steps, strict=True):
        whys.append(_assert_outcome(step, report))
        _expect(step, report, before)
        before = report.states
    final = {
        alias: {
            name: value
            for name, value in states.items()
            if name == SEEN or (name in MACHINES and value != result.start[alias][name])
        }
        for alias, states in before.items()
    }
    header = HEADER.format(schema=schema, file=path)
    return header + _text(title, setup, steps, aliases, final, whys)


def _setup(aliases: list[str], needs_profile: bool) -> dict[str, Any]:
    device: dict[str, Any] = {"service_profile": PROFILE} if needs_profile else {}
    setup: dict[str, Any] = {"devices": {alias: dict(device) for alias in aliases}}
    if needs_profile:
        setup = {"service_profiles": {PROFILE: {}}, **setup}
    return setup


def _step(alias: str, etype: EventType) -> dict[str, Any]:
    step: dict[str, Any] = {"event": etype.name}
    if etype.scope == "endpoint":
        step["device"] = alias
    return step


def _assert_outcome(step: dict[str, Any], report: StepReport) -> str:
    """The step's outcome, when its event was not simply applied; returns why, if the model
    said why."""
    events = [entry for entry in report.entries if not entry.synthesised]
    if not events or events[0].outcome == APPLIED:
        return ""
    step["outcome"] = events[0].outcome
    return next(iter((*events[0].warnings, *events[0].notes)), "")


def _expect(step: dict[str, Any], report: StepReport, before: dict[str, dict[str, str]]) -> None:
    """What the step changed on each device, and their connectivity."""
    changed = {
        alias: {
            name: value
            for name, value in states.items()
            if name == SEEN or value != before[alias][name]
        }
        for alias, states in report.states.items()
        if states != before[alias]
    }
    if set(changed) == {step.get("device")}:
        step["expect"] = changed[step["device"]]
    elif changed:
        step["expect"] = changed


def _text(
    title: str,
    setup: dict[str, Any],
    steps: list[dict[str, Any]],
    aliases: list[str],
    final: dict[str, dict[str, str]] | None = None,
    whys: list[str] | None = None,
) -> str:
    lines = [
        f"name: {_flow(title)}",
        "description: |",
        "  What this scenario shows, in a sentence or two: the story a support engineer",
        "  would tell a customer.",
        "tags: [draft]",
        "mode: strict                # lenient: impossible events only warn",
        f"start: {DEFAULT_START}",
        "setup:",
        *_block(setup, "  "),
        "  # a device starts with an activated SIM, enabled and Detached; to start elsewhere:",
        f"  #   {aliases[0]}: {{state: {{network: Combined Attached, pdp: Connected}}}}",
        "steps:",
    ]
    for step, why in zip(steps, whys or [""] * len(steps), strict=True):
        first, *rest = step.items()
        lines.append(f"  - {first[0]}: {_flow(first[1])}")
        lines += [
            line + (f"  # {why}" if why and line.lstrip().startswith("outcome:") else "")
            for line in _block(dict(rest), "    ")
        ]
    lines.append(FOOTER.format(alias=aliases[0]).rstrip("\n"))
    if final:
        lines += [
            "expect:                     # the final states, per device",
            *_block(final, "  "),
        ]
    return "\n".join(lines) + "\n"


def _block(mapping: dict[str, Any], indent: str) -> list[str]:
    """A mapping of mappings, one key per line, the inner ones in flow style."""
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
            lines += [f"{indent}{key}:", *_block(value, indent + "  ")]
        else:
            lines.append(f"{indent}{key}: {_flow(value)}")
    return lines


def _flow(value: Any) -> str:
    """One YAML value on one line."""
    text: str = yaml.safe_dump(value, default_flow_style=True, width=1000, sort_keys=False)
    return text.strip().removesuffix("...").strip()

"""Reading a scenario's ``steps``.

A step does exactly one thing: ``event`` (a catalogue name or id, built into the JSON the
platform would send), ``event_json`` (a raw payload), ``events_file`` (a recorded stream),
``wait`` (advance the virtual clock) or ``set`` (a change the platform reports with no event,
such as unblocking a policy). Any step may assert states with ``expect`` and
``expect_organisation``; event steps may assert their ``outcome``.
"""

from __future__ import annotations

from typing import Any

from sim.engine.vocabulary import (
    DEVICE_NAMES,
    MACHINES,
    PROFILE_MACHINES,
    SETTABLE_ORGANISATION,
    states,
)
from sim.errors import EventFormatError, shown
from sim.events.fields import MAX_TIME
from sim.io.positioned_yaml import PositionedDict, PositionedList
from sim.scenarios.event_step import read_event, read_profile, timing_and_outcome
from sim.scenarios.expectations import read_checks
from sim.scenarios.model import ScenarioStep, Setup
from sim.scenarios.reader import Reader
from sim.scenarios.recorded import event_json_name, events_file_problem, plain

ACTIONS = ("event", "event_json", "events_file", "wait", "set")
CHECKS = ("expect", "expect_organisation")
KEYS = {
    "event": (
        "event",
        "device",
        "outcome",
        "rejected",
        "reason",
        "variant",
        "after",
        "service_profile",
        "subject",
        "quota",
        *CHECKS,
    ),
    "event_json": ("event_json", "device", "outcome", "after", *CHECKS),
    "events_file": ("events_file", "device", *CHECKS),
    "wait": ("wait", "device", *CHECKS),
    "set": ("set", "device", "service_profile", *CHECKS),
}
ALL_KEYS = tuple(dict.fromkeys(k for keys in KEYS.values() for k in keys))
SETTABLE = {name: DEVICE_NAMES[name] for name in MACHINES} | {
    name: states(name) for name in SETTABLE_ORGANISATION
}


def read_steps(reader: Reader, top: PositionedDict, setup: Setup) -> list[ScenarioStep]:
    """Every step, checked; at least one."""
    steps = top.get("steps")
    if not isinstance(steps, PositionedList) or not steps:
        if not reader.misspelt_key(top, "steps"):
            with reader.recovering():
                reader.fail(
                    top.value_at("steps") if "steps" in top else top.position,
                    "steps must be a non-empty list",
                )
        return []
    read = []
    for index, item in enumerate(steps):
        with reader.recovering():
            read.append(_step(reader, setup, steps.at(index), item, index + 1))
    clock = setup.start
    for step in read:
        clock += step.seconds if step.action == "wait" else step.after
        if clock > MAX_TIME:
            with reader.recovering():
                reader.fail(
                    steps.at(step.number - 1),
                    f"step {step.number}: the scenario's clock would pass 9999-12-30",
                )
            break
    return read


def _step(
    reader: Reader, setup: Setup, position: tuple[int, int], item: Any, number: int
) -> ScenarioStep:
    """One step. Its action and device must be read for anything else of it to be checked;
    past them, the action's details and the checks are each checked alone."""
    data = reader.mapping(item, position, f"step {number}")
    for key in data:
        if key not in ALL_KEYS:
            reader.unknown_key(data, key, ALL_KEYS, f"step {number}: unknown key {shown(key)}")
    actions = [a for a in ACTIONS if a in data]
    if len(actions) != 1:
        reader.fail(
            position,
            f"step {number}: expected exactly one of {', '.join(ACTIONS)}, found {len(actions)}",
        )
    action = actions[0]
    for key in data:
        if key in ALL_KEYS and key not in KEYS[action]:
            with reader.recovering():
                reader.fail(
                    data.key_at(key),
                    f"step {number}: {shown(key)} does not apply to a {action} step",
                )
    step = ScenarioStep(number, reader.where(position), action, label=action)
    step.device = _device(reader, setup, data, number)
    with reader.recovering():
        READERS[action](reader, setup, data, step)
    with reader.recovering():
        read_checks(reader, setup, data, step)
    return step


def _device(reader: Reader, setup: Setup, data: PositionedDict, number: int) -> str | None:
    if "device" not in data:
        return next(iter(setup.devices)) if len(setup.devices) == 1 else None
    return reader.alias(data, "device", setup.devices, number)


def _event_json(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    raw = reader.mapping(
        data["event_json"], data.value_at("event_json"), f"step {step.number}: event_json"
    )
    step.event_json = plain(raw)
    try:
        name = event_json_name(step.event_json)
    except EventFormatError as exc:
        reader.fail(data.value_at("event_json"), f"step {step.number}: event_json: {exc}")
    step.label = f"event_json ({name})" if name else "event_json"
    timing_and_outcome(reader, data, step)


def _events_file(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    value = data["events_file"]
    if not isinstance(value, str):
        reader.fail(data.value_at("events_file"), f"step {step.number}: events_file must be a path")
    path = reader.path.parent / value
    problem = events_file_problem(path, value)
    if problem:
        reader.fail(data.value_at("events_file"), f"step {step.number}: {problem}")
    step.events_file, step.label = path, f"events_file {value}"


def _wait(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    step.seconds = reader.duration(data["wait"], data.value_at("wait"))
    step.label = f"wait {data['wait']}"


def _set(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    values = reader.mapping(data["set"], data.value_at("set"), f"step {step.number}: set")
    for expectation in reader.states(values, SETTABLE, ""):
        step.sets[expectation.name] = expectation.state
        if expectation.name in PROFILE_MACHINES:
            step.service_profile = read_profile(reader, setup, data, step)
        elif expectation.name in MACHINES and step.device is None:
            reader.fail(
                data.position,
                f"step {step.number}: setting {expectation.name} needs a device: one of {', '.join(setup.devices)}",
            )
    step.label = "set " + ", ".join(f"{k} {v}" for k, v in step.sets.items())


READERS = {
    "event": read_event,
    "event_json": _event_json,
    "events_file": _events_file,
    "wait": _wait,
    "set": _set,
}

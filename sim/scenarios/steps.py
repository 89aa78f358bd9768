"""Reading a scenario's ``steps``.

A step does exactly one thing: ``event`` (a catalogue name or id, built into the JSON the
platform would send), ``event_json`` (a raw payload), ``events_file`` (a recorded stream),
``wait`` (advance the virtual clock) or ``set`` (a change the platform reports with no event,
such as unblocking a policy). Any step may assert states with ``expect`` and
``expect_organisation``; event steps may assert their ``outcome``.
"""

from __future__ import annotations

from typing import Any

from sim.engine.outcomes import OUTCOMES
from sim.engine.vocabulary import (
    DEVICE_NAMES,
    MACHINES,
    PROFILE_MACHINES,
    QUOTA_ACTIONS,
    SETTABLE_ORGANISATION,
    states,
)
from sim.errors import EventFormatError, shown, suggest
from sim.events.catalogue import REFUSALS, EventType, lookup, names
from sim.events.fields import MAX_TIME
from sim.io.positioned_yaml import PositionedDict, PositionedList
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
AUTO_REASON = "auto"


def read_steps(reader: Reader, top: PositionedDict, setup: Setup) -> list[ScenarioStep]:
    """Every step, checked; at least one."""
    steps = top.get("steps")
    if not isinstance(steps, PositionedList) or not steps:
        reader.fail(
            top.value_at("steps") if "steps" in top else top.position,
            "steps must be a non-empty list",
        )
    read = [_step(reader, setup, steps.at(i), item, i + 1) for i, item in enumerate(steps)]
    clock = setup.start
    for index, step in enumerate(read):
        clock += step.seconds if step.action == "wait" else step.after
        if clock > MAX_TIME:
            reader.fail(
                steps.at(index), f"step {step.number}: the scenario's clock would pass 9999-12-30"
            )
    return read


def _step(
    reader: Reader, setup: Setup, position: tuple[int, int], item: Any, number: int
) -> ScenarioStep:
    data = reader.mapping(item, position, f"step {number}")
    for key in data:
        if key not in ALL_KEYS:
            reader.fail(
                data.key_at(key),
                f"step {number}: unknown key {shown(key)}{suggest(str(key), ALL_KEYS)}",
            )
    actions = [a for a in ACTIONS if a in data]
    if len(actions) != 1:
        reader.fail(
            position,
            f"step {number}: expected exactly one of {', '.join(ACTIONS)}, found {len(actions)}",
        )
    action = actions[0]
    for key in data:
        if key not in KEYS[action]:
            reader.fail(
                data.key_at(key), f"step {number}: {shown(key)} does not apply to a {action} step"
            )
    step = ScenarioStep(number, reader.where(position), action, label=action)
    step.device = _device(reader, setup, data, number)
    READERS[action](reader, setup, data, step)
    read_checks(reader, setup, data, step)
    return step


def _alias(reader: Reader, data: PositionedDict, key: str, known: dict[str, int], step: int) -> str:
    """An alias the setup declares (a number names the alias written as that number), or a
    did-you-mean error at its position."""
    value = data[key]
    if type(value) is int:
        value = str(value)
    if type(value) is not str or value not in known:
        what = key.replace("_", " ")
        listed = ", ".join(known) if len(known) <= 8 else f"{len(known)} names"
        hint = suggest(str(value), tuple(known)) or f" (expected one of {listed or 'none'})"
        reader.fail(data.value_at(key), f"step {step}: unknown {what} {shown(value)}{hint}")
    return str(value)


def _device(reader: Reader, setup: Setup, data: PositionedDict, number: int) -> str | None:
    if "device" not in data:
        return next(iter(setup.devices)) if len(setup.devices) == 1 else None
    return _alias(reader, data, "device", setup.devices, number)


def _timing_and_outcome(reader: Reader, data: PositionedDict, step: ScenarioStep) -> None:
    if "after" in data:
        step.after = reader.duration(data["after"], data.value_at("after"))
    if "outcome" in data:
        where = data.value_at("outcome")
        step.outcome = reader.choice(
            data["outcome"], where, OUTCOMES, f"step {step.number}: outcome"
        )
        step.outcome_where = reader.where(where)


def _event(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    etype = lookup(data["event"]) if isinstance(data["event"], int | str) else None
    if etype is None:
        reader.fail(
            data.value_at("event"),
            f"step {step.number}: unknown event {shown(data['event'])}{suggest(str(data['event']), names())}",
        )
    step.type_id, step.label = etype.id, f"{etype.id} {etype.name}"
    if etype.scope == "endpoint" and step.device is None:
        reader.fail(
            data.position,
            f"step {step.number}: '{etype.name}' needs a device: one of {', '.join(setup.devices)}",
        )
    if etype.scope != "endpoint" and "device" in data:
        reader.fail(
            data.key_at("device"),
            f"step {step.number}: '{etype.name}' is an {etype.scope.replace('_', ' ')} event: 'device' does not apply",
        )
    if etype.scope == "service_profile":
        step.service_profile = _profile(reader, setup, data, step)
    step.subject = str(data["subject"]) if "subject" in data else None
    step.variant = _variant(reader, data, etype, step)
    _timing_and_outcome(reader, data, step)


def _variant(reader: Reader, data: PositionedDict, etype: EventType, step: ScenarioStep) -> str:
    variants = tuple(v for v in etype.effects if v)
    if "variant" in data:
        if not variants:
            reader.fail(
                data.key_at("variant"), f"step {step.number}: '{etype.name}' has no variants"
            )
        return reader.choice(
            data["variant"], data.value_at("variant"), variants, f"step {step.number}: variant"
        )
    if etype.payload == "session":
        return _session_variant(reader, data, step)
    for key in ("rejected", "reason"):
        if key in data:
            reader.fail(
                data.key_at(key),
                f"step {step.number}: {shown(key)} applies only to Create PDP Context",
            )
    if etype.payload == "quota" and "quota" in data:
        return _quota(reader, data, etype, step)
    if "quota" in data:
        reader.fail(
            data.key_at("quota"),
            f"step {step.number}: 'quota' applies only to Data or SMS quota assigned",
        )
    return etype.default_variant


def _session_variant(reader: Reader, data: PositionedDict, step: ScenarioStep) -> str:
    rejected = data.get("rejected", False)
    if not isinstance(rejected, bool):
        reader.fail(
            data.value_at("rejected"),
            f"step {step.number}: rejected must be true or false, got {shown(rejected)}",
        )
    if "reason" in data and not rejected:
        reader.fail(data.key_at("reason"), f"step {step.number}: 'reason' needs 'rejected: true'")
    if not rejected:
        return "accepted"
    if "reason" not in data:
        return f"rejected:{AUTO_REASON}"
    reasons = tuple(r.code for r in REFUSALS)
    return "rejected:" + reader.choice(
        data["reason"], data.value_at("reason"), reasons, f"step {step.number}: reason"
    )


def _quota(reader: Reader, data: PositionedDict, etype: EventType, step: ScenarioStep) -> str:
    quota = reader.mapping(data["quota"], data.value_at("quota"), f"step {step.number}: quota")
    actions = tuple(v for v in etype.effects if v)
    allowed = ("action_on_exhaustion", "expiry", "volume") if actions else ("expiry", "volume")
    reader.keys(quota, allowed, f"step {step.number}: quota")
    if "expiry" in quota:
        step.quota["expiry"] = reader.duration(quota["expiry"], quota.value_at("expiry"))
    if "volume" in quota:
        step.quota["volume"] = quota["volume"]
    if not actions:
        return etype.default_variant
    action = reader.choice(
        quota.get("action_on_exhaustion", QUOTA_ACTIONS[0]),
        quota.value_at("action_on_exhaustion"),
        QUOTA_ACTIONS,
        "action_on_exhaustion",
    )
    return action.lower()


def _profile(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> str:
    if "service_profile" not in data:
        if len(setup.profiles) == 1:
            return next(iter(setup.profiles))
        reader.fail(
            data.position,
            f"step {step.number}: name the service_profile: one of {', '.join(setup.profiles) or '(none declared in setup)'}",
        )
    return _alias(reader, data, "service_profile", setup.profiles, step.number)


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
    _timing_and_outcome(reader, data, step)


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
            step.service_profile = _profile(reader, setup, data, step)
        elif expectation.name in MACHINES and step.device is None:
            reader.fail(
                data.position,
                f"step {step.number}: setting {expectation.name} needs a device: one of {', '.join(setup.devices)}",
            )
    step.label = "set " + ", ".join(f"{k} {v}" for k, v in step.sets.items())


READERS = {
    "event": _event,
    "event_json": _event_json,
    "events_file": _events_file,
    "wait": _wait,
    "set": _set,
}

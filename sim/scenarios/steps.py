"""Reading a scenario's ``steps`` and final expectations.

A step does exactly one thing: ``event`` (a catalogue name or id, built into the JSON the
platform would send), ``event_json`` (a raw payload), ``events_file`` (a recorded stream),
``wait`` (advance the virtual clock) or ``set`` (a change the platform reports with no event,
such as unblocking a policy). Any step may assert states with ``expect`` and
``expect_organisation``; event steps may assert their ``outcome``.
"""

from __future__ import annotations

from typing import Any

from sim.engine.initial import suggest
from sim.engine.machines import RUNNERS
from sim.engine.outcomes import OUTCOMES
from sim.engine.state import MACHINES
from sim.events.catalogue import CATALOGUE, REJECTION_REASONS, EventType, lookup, names
from sim.io.positioned_yaml import PositionedDict, PositionedList
from sim.scenarios.model import Expectation, Setup, Step
from sim.scenarios.reader import Reader
from sim.scenarios.vocabulary import DEVICE_NAMES, ENTITY_MACHINES, PROFILE_SWITCHES

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
ORGANISATION_NAMES = ("organisation", "service_profiles", *ENTITY_MACHINES)
SETTABLE = (
    {name: DEVICE_NAMES[name] for name in MACHINES}
    | {"organisation": ("Active", "Blocked")}
    | {s: ("Disabled", "Enabled") for s in PROFILE_SWITCHES}
)
AUTO_REASON = "auto"


def read_steps(reader: Reader, top: PositionedDict, setup: Setup) -> list[Step]:
    """Every step, checked; at least one."""
    steps = top.get("steps")
    if not isinstance(steps, PositionedList) or not steps:
        reader.fail(
            top.value_at("steps") if "steps" in top else top.position,
            "steps must be a non-empty list",
        )
    return [_step(reader, setup, steps.at(i), item, i + 1) for i, item in enumerate(steps)]


def read_final(reader: Reader, top: PositionedDict, setup: Setup) -> list[Expectation]:
    """The final ``expect`` (per device alias) and ``expect_organisation``."""
    found = []
    if "expect" in top:
        data = reader.mapping(top["expect"], top.value_at("expect"), "expect")
        found += _per_device(reader, setup, data, "expect")
    if "expect_organisation" in top:
        data = reader.mapping(
            top["expect_organisation"], top.value_at("expect_organisation"), "expect_organisation"
        )
        found += _organisation(reader, setup, data, "expect_organisation")
    return found


def _step(reader: Reader, setup: Setup, position: tuple[int, int], item: Any, number: int) -> Step:
    data = reader.mapping(item, position, f"step {number}")
    for key in data:
        if key not in ALL_KEYS:
            reader.fail(
                data.key_at(key), f"step {number}: unknown key {key!r}{suggest(str(key), ALL_KEYS)}"
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
                data.key_at(key), f"step {number}: {key!r} does not apply to a {action} step"
            )
    step = Step(number, reader.where(position), action, label=action)
    step.device = _device(reader, setup, data, number)
    READERS[action](reader, setup, data, step)
    _checks(reader, setup, data, step)
    return step


def _alias(reader: Reader, data: PositionedDict, key: str, known: dict[str, int], step: int) -> str:
    """An alias the setup declares, or a did-you-mean error at its position."""
    value = data[key]
    if value not in known:
        what = key.replace("_", " ")
        reader.fail(
            data.value_at(key),
            f"step {step}: unknown {what} {value!r}{suggest(str(value), tuple(known))}",
        )
    return str(value)


def _device(reader: Reader, setup: Setup, data: PositionedDict, number: int) -> str | None:
    if "device" not in data:
        return next(iter(setup.devices)) if len(setup.devices) == 1 else None
    return _alias(reader, data, "device", setup.devices, number)


def _timing_and_outcome(reader: Reader, data: PositionedDict, step: Step) -> None:
    if "after" in data:
        step.after = reader.duration(data["after"], data.value_at("after"))
    if "outcome" in data:
        where = data.value_at("outcome")
        step.outcome = reader.choice(
            data["outcome"], where, OUTCOMES, f"step {step.number}: outcome"
        )
        step.outcome_where = reader.where(where)


def _event(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    etype = lookup(data["event"]) if isinstance(data["event"], int | str) else None
    if etype is None:
        reader.fail(
            data.value_at("event"),
            f"step {step.number}: unknown event {data['event']!r}{suggest(str(data['event']), names())}",
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


def _variant(reader: Reader, data: PositionedDict, etype: EventType, step: Step) -> str:
    variants = tuple(v for v in etype.effects if v)
    if "variant" in data:
        if not variants:
            reader.fail(
                data.key_at("variant"), f"step {step.number}: '{etype.name}' has no variants"
            )
        return reader.choice(
            data["variant"], data.value_at("variant"), variants, f"step {step.number}: variant"
        )
    if etype.id == 3:
        return _pdp_variant(reader, data, step)
    for key in ("rejected", "reason"):
        if key in data:
            reader.fail(
                data.key_at(key), f"step {step.number}: {key!r} applies only to Create PDP Context"
            )
    if etype.id in (56, 58) and "quota" in data:
        return _quota(reader, data, etype, step)
    if "quota" in data:
        reader.fail(
            data.key_at("quota"),
            f"step {step.number}: 'quota' applies only to Data or SMS quota assigned",
        )
    return {0: "disconnect", 56: "block"}.get(etype.id, "")


def _pdp_variant(reader: Reader, data: PositionedDict, step: Step) -> str:
    rejected = data.get("rejected", False)
    if not isinstance(rejected, bool):
        reader.fail(
            data.value_at("rejected"),
            f"step {step.number}: rejected must be true or false, got {rejected!r}",
        )
    if "reason" in data and not rejected:
        reader.fail(data.key_at("reason"), f"step {step.number}: 'reason' needs 'rejected: true'")
    if not rejected:
        return "accepted"
    if "reason" not in data:
        return f"rejected:{AUTO_REASON}"
    reasons = tuple(REJECTION_REASONS)
    return "rejected:" + reader.choice(
        data["reason"], data.value_at("reason"), reasons, f"step {step.number}: reason"
    )


def _quota(reader: Reader, data: PositionedDict, etype: EventType, step: Step) -> str:
    quota = reader.mapping(data["quota"], data.value_at("quota"), f"step {step.number}: quota")
    allowed = (
        ("action_on_exhaustion", "expiry", "volume") if etype.id == 56 else ("expiry", "volume")
    )
    reader.keys(quota, allowed, f"step {step.number}: quota")
    if "expiry" in quota:
        step.quota["expiry"] = reader.duration(quota["expiry"], quota.value_at("expiry"))
    if "volume" in quota:
        step.quota["volume"] = quota["volume"]
    if etype.id == 58:
        return ""
    action = reader.choice(
        quota.get("action_on_exhaustion", "Block"),
        quota.value_at("action_on_exhaustion"),
        ("Block", "Throttle"),
        "action_on_exhaustion",
    )
    return action.lower()


def _profile(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> str:
    if "service_profile" not in data:
        if len(setup.profiles) == 1:
            return next(iter(setup.profiles))
        reader.fail(
            data.position,
            f"step {step.number}: name the service_profile: one of {', '.join(setup.profiles) or '(none declared in setup)'}",
        )
    return _alias(reader, data, "service_profile", setup.profiles, step.number)


def _event_json(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    raw = reader.mapping(
        data["event_json"], data.value_at("event_json"), f"step {step.number}: event_json"
    )
    step.event_json = _plain(raw)
    type_id = (
        raw.get("event_type", {}).get("id") if isinstance(raw.get("event_type"), dict) else None
    )
    etype = CATALOGUE.get(type_id) if isinstance(type_id, int) else None
    step.label = f"event_json ({etype.name})" if etype else "event_json"
    _timing_and_outcome(reader, data, step)


def _events_file(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    value = data["events_file"]
    if not isinstance(value, str):
        reader.fail(data.value_at("events_file"), f"step {step.number}: events_file must be a path")
    path = reader.path.parent / value
    if not path.is_file():
        reader.fail(
            data.value_at("events_file"),
            f"step {step.number}: no such events file {value!r} (relative to the scenario)",
        )
    step.events_file, step.label = path, f"events_file {value}"


def _wait(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    step.seconds = reader.duration(data["wait"], data.value_at("wait"))
    step.label = f"wait {data['wait']}"


def _set(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    values = reader.mapping(data["set"], data.value_at("set"), f"step {step.number}: set")
    for expectation in reader.states(values, SETTABLE, ""):
        step.sets[expectation.name] = expectation.state
        if expectation.name in PROFILE_SWITCHES:
            step.service_profile = _profile(reader, setup, data, step)
        elif expectation.name in MACHINES and step.device is None:
            reader.fail(
                data.position,
                f"step {step.number}: setting {expectation.name} needs a device: one of {', '.join(setup.devices)}",
            )
    step.label = "set " + ", ".join(f"{k} {v}" for k, v in step.sets.items())


def _checks(reader: Reader, setup: Setup, data: PositionedDict, step: Step) -> None:
    if "expect" in data:
        expect = reader.mapping(
            data["expect"], data.value_at("expect"), f"step {step.number}: expect"
        )
        if expect and all(k in setup.devices for k in expect):
            step.expect += _per_device(reader, setup, expect, f"step {step.number}: expect")
        elif step.device is None:
            reader.fail(
                expect.position,
                f"step {step.number}: expect names no device: write {{alias: {{machine: state}}}} with an alias of {', '.join(setup.devices)}",
            )
        else:
            step.expect += reader.states(expect, DEVICE_NAMES, step.device)
    if "expect_organisation" in data:
        expect = reader.mapping(
            data["expect_organisation"],
            data.value_at("expect_organisation"),
            f"step {step.number}: expect_organisation",
        )
        step.expect += _organisation(
            reader, setup, expect, f"step {step.number}: expect_organisation"
        )


def _per_device(reader: Reader, setup: Setup, data: PositionedDict, what: str) -> list[Expectation]:
    found = []
    for alias, states in data.items():
        if alias not in setup.devices:
            reader.fail(
                data.key_at(alias),
                f"{what}: unknown device {alias!r}{suggest(str(alias), tuple(setup.devices))}",
            )
        found += reader.states(
            reader.mapping(states, data.value_at(alias), f"{what}.{alias}"),
            DEVICE_NAMES,
            str(alias),
        )
    return found


def _organisation(
    reader: Reader, setup: Setup, data: PositionedDict, what: str
) -> list[Expectation]:
    reader.keys(data, ORGANISATION_NAMES, what)
    found = []
    if "organisation" in data:
        state = reader.choice(
            data["organisation"],
            data.value_at("organisation"),
            ("Active", "Blocked"),
            "organisation state",
        )
        found.append(
            Expectation(
                "organisation", "organisation", state, reader.where(data.value_at("organisation"))
            )
        )
    profiles = reader.mapping(
        data.get("service_profiles"), data.value_at("service_profiles"), f"{what}.service_profiles"
    )
    for alias, switches in profiles.items():
        if alias not in setup.profiles:
            reader.fail(
                profiles.key_at(alias),
                f"{what}: unknown service profile {alias!r}{suggest(str(alias), tuple(setup.profiles))}",
            )
        table = {s: ("Disabled", "Enabled") for s in PROFILE_SWITCHES}
        found += reader.states(
            reader.mapping(switches, profiles.value_at(alias), str(alias)),
            table,
            f"profile:{alias}",
        )
    for machine in ENTITY_MACHINES:
        entities = reader.mapping(data.get(machine), data.value_at(machine), f"{what}.{machine}")
        for key, state in entities.items():
            value = reader.choice(
                state, entities.value_at(key), tuple(RUNNERS[machine].states), f"{machine} state"
            )
            found.append(
                Expectation(
                    f"{machine}:{key}", machine, value, reader.where(entities.value_at(key))
                )
            )
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


READERS = {
    "event": _event,
    "event_json": _event_json,
    "events_file": _events_file,
    "wait": _wait,
    "set": _set,
}

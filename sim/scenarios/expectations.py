"""Reading what a scenario asserts: ``expect`` and ``expect_organisation``, per step and final.

Expectations name a device (by alias; the step's device when there is one) or the
organisation, its service profiles and its entities, and a state per machine or view; every
name is checked against the vocabulary, with its position and a did-you-mean.
"""

from __future__ import annotations

from sim.engine.vocabulary import DEVICE_NAMES, ENTITY_MACHINES, PROFILE_MACHINES, states
from sim.errors import shown, suggest
from sim.io.positioned_yaml import PositionedDict
from sim.scenarios.model import Expectation, ScenarioStep, Setup
from sim.scenarios.reader import Reader

ORGANISATION_NAMES = ("organisation", "service_profiles", *ENTITY_MACHINES)


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


def read_checks(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    if "expect" in data:
        expect = reader.mapping(
            data["expect"], data.value_at("expect"), f"step {step.number}: expect"
        )
        if expect and all(_alias(k) in setup.devices for k in expect):
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
    for alias, given in data.items():
        if _alias(alias) not in setup.devices:
            reader.fail(
                data.key_at(alias),
                f"{what}: unknown device {shown(alias)}{suggest(str(alias), tuple(setup.devices))}",
            )
        found += reader.states(
            reader.mapping(given, data.value_at(alias), f"{what}.{alias}"),
            DEVICE_NAMES,
            str(alias),
        )
    return found


def _alias(key: object) -> object:
    """A device alias as the setup keeps it: a number names the alias written as that number."""
    return str(key) if type(key) is int else key


def _organisation(
    reader: Reader, setup: Setup, data: PositionedDict, what: str
) -> list[Expectation]:
    reader.keys(data, ORGANISATION_NAMES, what)
    found = []
    if "organisation" in data:
        state = reader.choice(
            data["organisation"],
            data.value_at("organisation"),
            states("organisation"),
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
                f"{what}: unknown service profile {shown(alias)}{suggest(str(alias), tuple(setup.profiles))}",
            )
        table = {s: states(s) for s in PROFILE_MACHINES}
        found += reader.states(
            reader.mapping(switches, profiles.value_at(alias), str(alias)),
            table,
            f"profile:{alias}",
        )
    for machine in ENTITY_MACHINES:
        entities = reader.mapping(data.get(machine), data.value_at(machine), f"{what}.{machine}")
        for key, state in entities.items():
            value = reader.choice(
                state, entities.value_at(key), states(machine), f"{machine} state"
            )
            found.append(
                Expectation(
                    f"{machine}:{key}", machine, value, reader.where(entities.value_at(key))
                )
            )
    return found

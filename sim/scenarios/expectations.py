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
from sim.scenarios.values import canonical

ORGANISATION_NAMES = ("organisation", "service_profiles", *ENTITY_MACHINES)


def read_final(reader: Reader, top: PositionedDict, setup: Setup) -> list[Expectation]:
    """The final ``expect`` (per device alias; in a one-device scenario also the step form,
    ``{machine or view: state}``) and ``expect_organisation``."""
    found = []
    if "expect" in top:
        data = reader.part(top["expect"], top.value_at("expect"), "expect")
        only = next(iter(setup.devices)) if len(setup.devices) == 1 else None
        found += _device_checks(reader, setup, data, "expect", only)
    if "expect_organisation" in top:
        data = reader.part(
            top["expect_organisation"], top.value_at("expect_organisation"), "expect_organisation"
        )
        found += _organisation(reader, setup, data, "expect_organisation")
    return found


def read_checks(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    """A step's ``expect`` (its device's states, or per device alias) and
    ``expect_organisation``."""
    if "expect" in data:
        what = f"step {step.number}: expect"
        expect = reader.part(data["expect"], data.value_at("expect"), what)
        step.expect += _device_checks(reader, setup, expect, what, step.device)
    if "expect_organisation" in data:
        what = f"step {step.number}: expect_organisation"
        expect = reader.part(
            data["expect_organisation"], data.value_at("expect_organisation"), what
        )
        step.expect += _organisation(reader, setup, expect, what)


def _device_checks(
    reader: Reader, setup: Setup, data: PositionedDict, what: str, device: str | None
) -> list[Expectation]:
    """``{alias: {machine: state}}``, or ``{machine: state}`` for ``device`` when there is one."""
    found = []
    aliases = ", ".join(setup.devices)
    for key, value in data.items():
        with reader.recovering():
            machine = canonical(key, tuple(DEVICE_NAMES))
            if _alias(key) in setup.devices and isinstance(value, dict):
                given = reader.mapping(value, data.value_at(key), f"{what}.{key}")
                found += reader.states(given, DEVICE_NAMES, str(_alias(key)))
            elif device is None and machine is not None:
                reader.fail(
                    data.position,
                    f"{what} names no device: write {{alias: {{machine: state}}}} with an alias of {aliases}",
                )
            elif device is None:
                reader.fail(
                    data.key_at(key),
                    f"{what}: unknown device {shown(key)}{suggest(str(key), tuple(setup.devices))} (devices: {aliases})",
                )
            elif isinstance(value, dict) and machine is None:
                reader.fail(data.key_at(key), _not_a_device(what, key, setup, device))
            else:
                found.append(reader.state(data, key, DEVICE_NAMES, device))
    return found


def _not_a_device(what: str, key: object, setup: Setup, device: str) -> str:
    """Teach the two forms of ``expect`` to an author who wrote the per-device one with an
    alias the scenario does not declare."""
    if len(setup.devices) == 1:
        return (
            f"{what}: {shown(key)} is not a machine or view, nor a device alias: this scenario "
            f"has one device ({device!r}), so write {{machine: state}}; the form "
            "{alias: {machine: state}} is for scenarios that declare several devices under "
            "setup.devices"
        )
    return (
        f"{what}: {shown(key)} is neither a machine or view nor a device alias"
        f"{suggest(str(key), tuple(setup.devices))} (aliases: {', '.join(setup.devices)}); write "
        f"{{machine: state}} for the step's device {device!r}, or {{alias: {{machine: state}}}}"
    )


def _alias(key: object) -> object:
    """A device alias as the setup keeps it: a number names the alias written as that number."""
    return str(key) if type(key) is int else key


def _organisation(
    reader: Reader, setup: Setup, data: PositionedDict, what: str
) -> list[Expectation]:
    reader.keys(data, ORGANISATION_NAMES, what)
    found = []
    if "organisation" in data:
        with reader.recovering():
            table = {"organisation": states("organisation")}
            found.append(reader.state(data, "organisation", table, "organisation"))
    profiles = reader.part(
        data.get("service_profiles"), data.value_at("service_profiles"), f"{what}.service_profiles"
    )
    switches = {s: states(s) for s in PROFILE_MACHINES}
    for alias, given in profiles.items():
        with reader.recovering():
            if alias not in setup.profiles:
                reader.fail(
                    profiles.key_at(alias),
                    f"{what}: unknown service profile {shown(alias)}{suggest(str(alias), tuple(setup.profiles))}",
                )
            given = reader.mapping(given, profiles.value_at(alias), str(alias))
            found += reader.states(given, switches, f"profile:{alias}")
    for machine in ENTITY_MACHINES:
        entities = reader.part(data.get(machine), data.value_at(machine), f"{what}.{machine}")
        for key, state in entities.items():
            with reader.recovering():
                value = reader.choice(
                    state, entities.value_at(key), states(machine), f"{machine} state"
                )
                where = reader.where(entities.value_at(key))
                found.append(Expectation(f"{machine}:{key}", machine, value, where))
    return found

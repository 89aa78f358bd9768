"""Initial state: what the model assumes about devices, organisations and profiles it meets.

A device seen for the first time is an in-service device (SIM Activated and Assigned, endpoint
Enabled, policy Unblocked, Detached, no data session, no quotas) unless an initial-state
document says otherwise, per device or for all devices. Organisations start Active and
service profiles with quota management Disabled. Service-profile membership is never in the
events, so it comes only from here; a device whose profile is unknown gets quota management
only when a quota event shows that it applies.

This module checks an already-loaded mapping (YAML or JSON, see ``sim.loaders``) and builds
an ``InitialState``; every mistake is reported with its path and a did-you-mean.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.engine.machines import RUNNERS
from sim.engine.organisations import PROFILE_MACHINES, OrganisationState
from sim.engine.state import ATTRIBUTES, MACHINES, Context, DeviceState
from sim.engine.step import apply_rules
from sim.errors import InitialStateError

QUOTA_ACTIONS = ("Block", "Throttle")


@dataclass(frozen=True)
class DeviceSetup:
    """What is known about one device before the stream starts."""

    state: DeviceState = field(default_factory=DeviceState)
    organisation: int | None = None
    service_profile: int | None = None


@dataclass(frozen=True)
class OrganisationSetup:
    """What is known about one organisation: its status and its profiles' switches."""

    organisation: str = "Active"
    service_profiles: Mapping[int, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class InitialState:
    """Defaults for new devices, plus known devices and organisations."""

    defaults: DeviceState = field(default_factory=DeviceState)
    devices: Mapping[Hashable, DeviceSetup] = field(default_factory=dict)
    organisations: Mapping[int | None, OrganisationSetup] = field(default_factory=dict)


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    lowered = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(str(word).casefold(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def check_state(machine: str, value: object, where: str) -> str:
    """A state name of ``machine``, matched case-insensitively, or InitialStateError."""
    runner = RUNNERS.get(machine)
    if runner is None:
        raise InitialStateError(
            f"{where}: unknown machine {machine!r}{suggest(machine, list(RUNNERS))}"
        )
    if isinstance(value, str):
        for state in runner.states:
            if state.casefold() == value.strip().casefold():
                return state
    raise InitialStateError(
        f"{where}: {value!r} is not a state of {machine} (one of {', '.join(runner.states)})"
        f"{suggest(str(value), runner.states)}"
    )


def device_state(values: Mapping[str, Any], base: DeviceState, where: str) -> DeviceState:
    """``base`` with the machine states and attributes in ``values`` applied."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "data_quota_action":
            if value not in QUOTA_ACTIONS:
                raise InitialStateError(
                    f"{where}.{name}: expected Block or Throttle, got {value!r}"
                )
            changes[name] = value
        elif name in ATTRIBUTES:
            if not isinstance(value, bool):
                raise InitialStateError(f"{where}.{name}: expected true or false, got {value!r}")
            changes[name] = value
        elif name in MACHINES:
            changes[name] = check_state(name, value, f"{where}.{name}")
        else:
            raise InitialStateError(
                f"{where}: unknown machine {name!r}{suggest(name, [*MACHINES, *ATTRIBUTES])}"
            )
    return base._replace(**changes)


def consistent(state: DeviceState, context: Context, where: str) -> None:
    """Refuse a starting state that a cross-machine rule would change at once."""
    _, changes = apply_rules(state, context)
    if changes:
        first = changes[0]
        rule = first.cause.removeprefix("rule:")
        raise InitialStateError(
            f"{where}: {first.machine} {first.source} breaks rule {rule} ({first.reason})"
        )


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InitialStateError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _id(value: object, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise InitialStateError(f"{where}: expected a numeric id, got {value!r}")


def _known(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise InitialStateError(f"{where}: unknown key {key!r}{suggest(str(key), allowed)}")


def _organisation(data: Mapping[str, Any], where: str) -> OrganisationSetup:
    _known(data, ("organisation", "service_profiles"), where)
    status = check_state(
        "organisation", data.get("organisation", "Active"), f"{where}.organisation"
    )
    profiles: dict[int, dict[str, str]] = {}
    for pid, switches in _mapping(
        data.get("service_profiles"), f"{where}.service_profiles"
    ).items():
        here = f"{where}.service_profiles.{pid}"
        switches = _mapping(switches, here)
        _known(switches, PROFILE_MACHINES, here)
        profiles[_id(pid, here)] = {
            m: check_state(m, switches.get(m, RUNNERS[m].initial), f"{here}.{m}")
            for m in PROFILE_MACHINES
        }
    return OrganisationSetup(status, profiles)


def _device(data: Mapping[str, Any], defaults: DeviceState, where: str) -> DeviceSetup:
    _known(data, ("organisation", "service_profile", "state"), where)
    org = data.get("organisation")
    profile = data.get("service_profile")
    return DeviceSetup(
        device_state(_mapping(data.get("state"), f"{where}.state"), defaults, f"{where}.state"),
        None if org is None else _id(org, f"{where}.organisation"),
        None if profile is None else _id(profile, f"{where}.service_profile"),
    )


def organisation_state(setup: OrganisationSetup | None) -> OrganisationState:
    """A fresh, mutable ``OrganisationState`` holding what the setup says."""
    if setup is None:
        return OrganisationState()
    profiles = {pid: dict(switches) for pid, switches in setup.service_profiles.items()}
    return OrganisationState({"organisation": setup.organisation}, profiles)


def initial_state(data: object, source: str = "initial state") -> InitialState:
    """Check a loaded initial-state document and build the ``InitialState``.

    Shape::

        defaults: {sim: Activated, network: Detached, ...}
        organisations:
          100: {organisation: Active, service_profiles: {7: {data_quota_management: Enabled}}}
        devices:
          1001: {organisation: 100, service_profile: 7, state: {pdp: Connected, ...}}
    """
    top = _mapping(data, source)
    _known(top, ("defaults", "organisations", "devices"), source)
    here = f"{source}: defaults"
    defaults = device_state(_mapping(top.get("defaults"), here), DeviceState(), here)
    organisations: dict[int | None, OrganisationSetup] = {}
    for key, value in _mapping(top.get("organisations"), f"{source}: organisations").items():
        here = f"{source}: organisations.{key}"
        organisations[_id(key, here)] = _organisation(_mapping(value, here), here)
    devices: dict[Hashable, DeviceSetup] = {}
    for key, value in _mapping(top.get("devices"), f"{source}: devices").items():
        here = f"{source}: devices.{key}"
        setup = _device(_mapping(value, here), defaults, here)
        org = organisation_state(organisations.get(setup.organisation))
        consistent(setup.state, org.context(setup.service_profile), f"{here}.state")
        devices[_id(key, here)] = setup
    return InitialState(defaults, devices, organisations)

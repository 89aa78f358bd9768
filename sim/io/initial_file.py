"""Reading an initial-state document (YAML or JSON, already loaded) into an ``InitialState``.

Shape::

    defaults: {sim: Activated, network: Detached, ...}
    organisations:
      100: {organisation: Active, service_profiles: {7: {data_quota_management: Enabled}}}
    devices:
      1001: {organisation: 100, service_profile: 7, state: {pdp: Connected, ...}}

State names are matched case-insensitively; every mistake is reported with its key path and a
did-you-mean, and a starting state a rule would change at once is refused.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from sim.engine.initial import (
    DeviceSetup,
    InitialState,
    OrganisationSetup,
    consistent,
    organisation_state,
)
from sim.engine.machines import RUNNERS
from sim.engine.state import DeviceState
from sim.engine.vocabulary import ATTRIBUTES, MACHINES, PROFILE_MACHINES, QUOTA_ACTIONS
from sim.errors import EventFormatError, InitialStateError, shown, suggest
from sim.events.fields import read_id
from sim.io.safe_yaml import load_document


def check_state(machine: str, value: object, where: str) -> str:
    """A state name of ``machine``, matched case-insensitively, or InitialStateError."""
    runner = RUNNERS.get(machine)
    if runner is None:
        raise InitialStateError(
            f"unknown machine {shown(machine)}{suggest(machine, list(RUNNERS))}",
            field=where or None,
        )
    if isinstance(value, str):
        for state in runner.states:
            if state.casefold() == value.strip().casefold():
                return state
    raise InitialStateError(
        f"{shown(value)} is not a state of {machine} (one of {', '.join(runner.states)})"
        f"{suggest(str(value), runner.states)}",
        field=where or None,
    )


def device_state(values: Mapping[str, Any], base: DeviceState, where: str) -> DeviceState:
    """``base`` with the machine states and attributes in ``values`` applied."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name == "data_quota_action":
            if value not in QUOTA_ACTIONS:
                raise InitialStateError(
                    f"expected Block or Throttle, got {shown(value)}", field=f"{where}.{name}"
                )
            changes[name] = value
        elif name in ATTRIBUTES:
            if not isinstance(value, bool):
                raise InitialStateError(
                    f"expected true or false, got {shown(value)}", field=f"{where}.{name}"
                )
            changes[name] = value
        elif name in MACHINES:
            changes[name] = check_state(name, value, f"{where}.{name}")
        else:
            raise InitialStateError(
                f"unknown machine {shown(name)}{suggest(name, [*MACHINES, *ATTRIBUTES])}",
                field=where or None,
            )
    return base._replace(**changes)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InitialStateError(
            f"expected a mapping, got {type(value).__name__}", field=where or None
        )
    return value


def _key_path(where: str, key: object) -> str:
    """The dotted path of a key as messages show it; a key that is not a plain printable name
    or number is shown as its repr, cut short, so that a message stays one line."""
    text = str(key) if type(key) in (int, str) else ""
    plain = text and text.isprintable() and len(text) <= 40 and "." not in text
    return f"{where}.{text}" if plain else f"{where}[{shown(key)}]"


def _id(value: object, where: str) -> int:
    try:
        return read_id(value, where)
    except EventFormatError:
        raise InitialStateError(
            f"expected a numeric id (0 to 2**63-1), got {shown(value)}", field=where or None
        ) from None


def _known(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise InitialStateError(
                f"unknown key {shown(key)}{suggest(str(key), allowed)}", field=where or None
            )


def _organisation(data: Mapping[str, Any], where: str) -> OrganisationSetup:
    _known(data, ("organisation", "service_profiles"), where)
    status = check_state(
        "organisation",
        data.get("organisation", RUNNERS["organisation"].initial),
        f"{where}.organisation",
    )
    profiles: dict[int, dict[str, str]] = {}
    for pid, switches in _mapping(
        data.get("service_profiles"), f"{where}.service_profiles"
    ).items():
        here = _key_path(f"{where}.service_profiles", pid)
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
    stated = _mapping(data.get("state"), f"{where}.state")
    return DeviceSetup(
        device_state(stated, defaults, f"{where}.state"),
        None if org is None else _id(org, f"{where}.organisation"),
        None if profile is None else _id(profile, f"{where}.service_profile"),
        frozenset(MACHINES) & set(stated),
    )


def initial_state(data: object, source: str = "initial state") -> InitialState:
    """Check a loaded initial-state document and build the ``InitialState``; errors name
    ``source`` as their path and the key path as their field."""
    try:
        return _initial_state(data)
    except InitialStateError as error:
        error.path = source
        raise


def _initial_state(data: object) -> InitialState:
    top = _mapping(data, "")
    _known(top, ("defaults", "organisations", "devices"), "")
    defaults = device_state(_mapping(top.get("defaults"), "defaults"), DeviceState(), "defaults")
    organisations: dict[int | None, OrganisationSetup] = {}
    for key, value in _mapping(top.get("organisations"), "organisations").items():
        here = _key_path("organisations", key)
        organisations[_id(key, here)] = _organisation(_mapping(value, here), here)
    devices: dict[Hashable, DeviceSetup] = {}
    for key, value in _mapping(top.get("devices"), "devices").items():
        here = _key_path("devices", key)
        setup = _device(_mapping(value, here), defaults, here)
        org = organisation_state(organisations.get(setup.organisation))
        consistent(setup.state, org.context(setup.service_profile), f"{here}.state")
        devices[_id(key, here)] = setup
    return InitialState(defaults, devices, organisations)


def load_initial(path: str) -> InitialState:
    """Read and check an initial-state file (YAML, or JSON by its extension)."""
    return initial_state(load_document(path), path)

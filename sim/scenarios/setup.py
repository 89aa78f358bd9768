"""Reading a scenario's ``setup``: the organisation, service profiles and devices by alias.

Aliases are what steps and expectations use (``device: tracker``); ids are what the events
carry. Devices get endpoint ids 1001, 1002, ... unless given; a quota described in the setup
makes that quota Active unless a state says otherwise.
"""

from __future__ import annotations

from typing import Any

from sim.engine.initial import (
    DeviceSetup,
    InitialState,
    OrganisationSetup,
    consistent,
    organisation_state,
)
from sim.engine.state import DeviceState
from sim.engine.vocabulary import (
    ATTRIBUTES,
    DEVICE_NAMES,
    MACHINES,
    PROFILE_MACHINES,
    QUOTA_ACTIONS,
    STATE_ATTRIBUTES,
    attribute_value,
    states,
)
from sim.errors import InitialStateError, shown
from sim.io.positioned_yaml import PositionedDict
from sim.scenarios.model import DEFAULT_ORGANISATION, FIRST_ENDPOINT, IMPLICIT_DEVICE, Setup
from sim.scenarios.reader import Reader
from statemachines._quota import ACTIVE

SETUP_KEYS = ("organisation", "service_profiles", "devices")
DEVICE_KEYS = ("endpoint", "service_profile", "state", "data_quota", "sms_quota")
#: volume and threshold_percentage document the quota; the model does not count volume.
QUOTA_KEYS = ("volume", "action_on_exhaustion", "threshold_percentage", "expiry")
STATE_NAMES = {name: DEVICE_NAMES[name] for name in (*MACHINES, *STATE_ATTRIBUTES)}


def read_setup(reader: Reader, top: PositionedDict, start: float) -> Setup:
    """The ``setup`` section (all of it optional). Without devices there is one, ``device``.

    A device or service profile with an error still declares its alias, so that the steps
    naming it are checked rather than each reported as naming an unknown alias."""
    data = reader.part(top.get("setup"), top.value_at("setup"), "setup")
    reader.keys(data, SETUP_KEYS, "setup")
    setup = Setup(start=start)
    organisation = _organisation(reader, data, setup)
    profiles = _profiles(reader, data, setup)
    org_setup = OrganisationSetup(organisation, profiles)
    devices = reader.part(data.get("devices"), data.value_at("devices"), "setup.devices")
    setups: dict[Any, DeviceSetup] = {}
    for number, (alias, value) in enumerate(devices.items()):
        endpoint = FIRST_ENDPOINT + number
        device = DeviceSetup(DeviceState(), setup.organisation, None)
        errors = reader.error_count
        with reader.recovering():
            entry = reader.mapping(value, devices.value_at(alias), f"device {shown(alias)}")
            endpoint, device = _device(reader, str(alias), entry, setup, number)
            if reader.error_count == errors:  # a state read in part would fail it twice
                _check_consistent(reader, device, org_setup, entry)
        setup.devices[str(alias)] = endpoint
        setups[endpoint] = device
    if not setup.devices:
        setup.devices[IMPLICIT_DEVICE] = FIRST_ENDPOINT
        setups[FIRST_ENDPOINT] = DeviceSetup(DeviceState(), setup.organisation, None)
    setup.initial = InitialState(DeviceState(), setups, {setup.organisation: org_setup})
    return setup


def _organisation(reader: Reader, data: PositionedDict, setup: Setup) -> str:
    org = reader.part(data.get("organisation"), data.value_at("organisation"), "setup.organisation")
    reader.keys(org, ("id", "name", "state"), "setup.organisation")
    with reader.recovering():
        setup.organisation = reader.integer(
            org.get("id", DEFAULT_ORGANISATION), org.value_at("id"), "organisation id"
        )
    state = states("organisation")[0]
    with reader.recovering():
        state = reader.choice(
            org.get("state", state),
            org.value_at("state"),
            states("organisation"),
            "organisation state",
        )
    return state


def _profiles(reader: Reader, data: PositionedDict, setup: Setup) -> dict[int, dict[str, str]]:
    profiles = reader.part(
        data.get("service_profiles"), data.value_at("service_profiles"), "setup.service_profiles"
    )
    switches: dict[int, dict[str, str]] = {}
    for number, (alias, value) in enumerate(profiles.items(), start=1):
        setup.profiles[str(alias)] = number
        with reader.recovering():
            entry = reader.mapping(
                value, profiles.value_at(alias), f"service profile {shown(alias)}"
            )
            reader.keys(entry, ("id", *PROFILE_MACHINES), f"service profile {shown(alias)}")
            profile_id = reader.integer(
                entry.get("id", number), entry.value_at("id"), "service profile id"
            )
            setup.profiles[str(alias)] = profile_id
            switches[profile_id] = {
                s: reader.choice(entry.get(s, states(s)[0]), entry.value_at(s), states(s), s)
                for s in PROFILE_MACHINES
            }
    return switches


def _device(
    reader: Reader, alias: str, entry: PositionedDict, setup: Setup, number: int
) -> tuple[int, DeviceSetup]:
    reader.keys(entry, DEVICE_KEYS, f"device {shown(alias)}")
    endpoint = FIRST_ENDPOINT + number
    with reader.recovering():
        endpoint = reader.integer(
            entry.get("endpoint", endpoint), entry.value_at("endpoint"), "endpoint id"
        )
    profile = None
    if "service_profile" in entry:
        with reader.recovering():
            name = reader.choice(
                entry["service_profile"],
                entry.value_at("service_profile"),
                tuple(setup.profiles),
                "service profile",
            )
            profile = setup.profiles[name]
    values: dict[str, Any] = {}
    for kind in ("data_quota", "sms_quota"):
        with reader.recovering():
            values |= _quota(reader, entry, kind, alias, setup)
    given = reader.part(entry.get("state"), entry.value_at("state"), f"state of {shown(alias)}")
    for expectation in reader.states(given, STATE_NAMES, alias):
        values[expectation.name] = (
            expectation.state
            if expectation.name in MACHINES
            else attribute_value(expectation.name, expectation.state)
        )
    state = DeviceState()._replace(**values)
    assert set(values) <= set(MACHINES) | set(ATTRIBUTES)
    return endpoint, DeviceSetup(state, setup.organisation, profile)


def _quota(
    reader: Reader, entry: PositionedDict, kind: str, alias: str, setup: Setup
) -> dict[str, Any]:
    if kind not in entry:
        return {}
    quota = reader.mapping(entry[kind], entry.value_at(kind), f"{kind} of {shown(alias)}")
    reader.keys(quota, QUOTA_KEYS, f"{kind} of {shown(alias)}")
    values: dict[str, Any] = {kind: ACTIVE}
    if "action_on_exhaustion" in quota:
        if kind == "sms_quota":
            reader.fail(
                quota.key_at("action_on_exhaustion"),
                "an SMS quota has no action on exhaustion: it is always blocked",
            )
        values["data_quota_action"] = reader.choice(
            quota["action_on_exhaustion"],
            quota.value_at("action_on_exhaustion"),
            QUOTA_ACTIONS,
            "action_on_exhaustion",
        )
    if "expiry" in quota:
        expiry, position = quota["expiry"], quota.value_at("expiry")
        relative = isinstance(expiry, str) and expiry.strip()[-1:].isalpha() and "-" not in expiry
        at = (
            setup.start + reader.duration(expiry, position)
            if relative
            else reader.moment(expiry, position)
        )
        setup.expiries[(alias, kind)] = at
    return values


def _check_consistent(
    reader: Reader, device: DeviceSetup, organisation: OrganisationSetup, entry: PositionedDict
) -> None:
    """Refuse a device setup that a cross-machine rule would change at once."""
    try:
        consistent(
            device.state, organisation_state(organisation).context(device.service_profile), "state"
        )
    except InitialStateError as exc:
        reader.fail(entry.value_at("state"), exc.message)

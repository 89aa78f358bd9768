"""Device state as plain data, the context a device reads from its organisation, and the views.

A device's state is one state name per machine plus three attributes (the data quota's action
on exhaustion, and whether quota management was inferred from the events). States are
interned: there are only a few tens of thousands of combinations, so a fleet of a million
devices stores one small integer per device and shares the state objects.

The derived views (``connectivity``, ``data_service``, ``sms_service``) are computed from a state
and its context, never stored, so they cannot drift from the machines.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, NamedTuple, TypeVar

from statemachines import DEVICE_MACHINES, network, pdp, sim
from statemachines import organisation as org_machine
from statemachines._quota import ACTIVE, EXHAUSTED

UNKNOWN = "Unknown"
Value = TypeVar("Value", bound=Hashable)
VIEWS = ("connectivity", "data_service", "sms_service")
ATTRIBUTES = ("data_quota_action", "data_quota_managed", "sms_quota_managed")


class DeviceState(NamedTuple):
    """One device: a state per machine plus the attributes the rules need."""

    sim: str = sim.ACTIVATED
    sim_assignment: str = "Assigned"
    endpoint: str = "Enabled"
    policy: str = "Unblocked"
    network: str = network.DETACHED
    pdp: str = pdp.DISCONNECTED
    data_quota: str = "None"
    sms_quota: str = "None"
    #: Block or Throttle: what the platform does when the data quota is used up.
    data_quota_action: str = "Block"
    #: Quota management was inferred from a quota event (used only when the profile is unknown).
    data_quota_managed: bool = False
    sms_quota_managed: bool = False


class Context(NamedTuple):
    """What a device reads from its organisation and service profile.

    Quota management is ``Unknown`` when the device's service profile is not known: the
    platform's events do not name it, so it comes only from an initial-state file.
    """

    organisation: str = org_machine.ACTIVE
    data_quota_management: str = UNKNOWN
    sms_quota_management: str = UNKNOWN


MACHINES = tuple(DEVICE_MACHINES)
assert DeviceState._fields[: len(MACHINES)] == MACHINES, "DeviceState fields follow the machines"


def replaced(state: DeviceState, name: str, value: object) -> DeviceState:
    """``state`` with one machine or attribute, named at run time, set to ``value``."""
    fields: dict[str, Any] = {name: value}
    return state._replace(**fields)


class Interner(Generic[Value]):
    """Numbers values in order of first sight, so that a device is stored as small integers."""

    def __init__(self) -> None:
        self.values: list[Value] = []
        self._index: dict[Value, int] = {}

    def index(self, value: Value) -> int:
        """The number of a value, interning it on first sight."""
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


def network_access_denial(state: DeviceState, context: Context) -> str | None:
    """Why the device may not use the network at all, or None when it may (rule 1)."""
    if state.sim not in (sim.ACTIVATED, sim.FACTORY_TEST):
        return f"SIM is {state.sim}"
    if state.sim_assignment != "Assigned":
        return "SIM is not assigned to the endpoint"
    if state.endpoint != "Enabled":
        return "endpoint is Disabled"
    if state.policy != "Unblocked":
        return "endpoint is blocked by its policy"
    if context.organisation != org_machine.ACTIVE:
        return "organisation is Blocked"
    return None


def quota_management_applies(management: str, inferred: bool) -> bool:
    """Management applies when the profile has it Enabled, or (profile unknown) it was inferred."""
    return management == "Enabled" or (management == UNKNOWN and inferred)


def data_service(state: DeviceState, context: Context) -> tuple[str, str]:
    """The data service the device gets, and why (rule 2)."""
    denial = network_access_denial(state, context)
    if denial:
        return "Denied", denial
    if not quota_management_applies(context.data_quota_management, state.data_quota_managed):
        return "Allowed", "no data quota management applies"
    if state.data_quota == ACTIVE:
        return "Allowed", "data quota is Active"
    if state.data_quota == EXHAUSTED and state.data_quota_action == "Throttle":
        return "Throttled", "data quota is Exhausted and the action on exhaustion is Throttle"
    if state.data_quota == EXHAUSTED:
        return "Denied", "data quota is Exhausted and the action on exhaustion is Block"
    if state.data_quota == "None":
        return "Denied", "data quota management applies and the device has no data quota"
    return "Denied", f"data quota is {state.data_quota}"


def sms_service(state: DeviceState, context: Context) -> tuple[str, str]:
    """The SMS service the device gets, and why (rule 3)."""
    denial = network_access_denial(state, context)
    if denial:
        return "Denied", denial
    if not quota_management_applies(context.sms_quota_management, state.sms_quota_managed):
        return "Allowed", "no SMS quota management applies"
    if state.sms_quota == ACTIVE:
        return "Allowed", "SMS quota is Active"
    if state.sms_quota == "None":
        return "Denied", "SMS quota management applies and the device has no SMS quota"
    return "Denied", f"SMS quota is {state.sms_quota}"


def connectivity(state: DeviceState, context: Context) -> str:
    """The device status as the Portal shows it: Blocked, Online, Attached or Offline."""
    if network_access_denial(state, context):
        return "Blocked"
    if state.pdp == pdp.CONNECTED:
        return "Online"
    if state.network != network.DETACHED:
        return "Attached"
    return "Offline"


def describe(state: DeviceState, context: Context) -> dict[str, str]:
    """Every machine state and view of a device by name: what users read and assert."""
    described = {machine: getattr(state, machine) for machine in MACHINES}
    described["connectivity"] = connectivity(state, context)
    described["data_service"] = data_service(state, context)[0]
    described["sms_service"] = sms_service(state, context)[0]
    return described


def view_reason(view: str, state: DeviceState, context: Context) -> str:
    """Why a derived view has the value it has, in words."""
    if view == "data_service":
        return data_service(state, context)[1]
    if view == "sms_service":
        return sms_service(state, context)[1]
    denial = network_access_denial(state, context)
    if denial:
        return f"network access is denied: {denial}"
    if state.pdp == pdp.CONNECTED:
        return "a data session is open"
    if state.network != network.DETACHED:
        return f"network is {state.network} with no data session"
    return "the device has no network registration"


def refusal_reason(state: DeviceState, context: Context) -> str:
    """The reason the platform would give for refusing a data session in this state
    (one of ``sim.catalogue.REJECTION_REASONS``)."""
    if state.sim not in (sim.ACTIVATED, sim.FACTORY_TEST):
        return "sim_not_activated"
    if network_access_denial(state, context) or data_service(state, context)[0] != "Denied":
        return "other"
    return "quota_exhausted" if state.data_quota == EXHAUSTED else "no_quota"

"""What a person sees of a device, computed from its state and context, never stored.

``connectivity`` is the status the Portal shows (Blocked, Online, Attached, Offline);
``data_service`` and ``sms_service`` say whether the device may use them, and why. Because
they are computed, they cannot drift from the machines. The rules (``sim.engine.rules``) are
written in terms of the same functions.
"""

from __future__ import annotations

from sim.engine.state import Context, DeviceState
from sim.engine.vocabulary import (
    ALLOWED,
    ATTACHED,
    BLOCKED,
    DENIED,
    MACHINES,
    OFFLINE,
    ONLINE,
    THROTTLE,
    THROTTLED,
    UNKNOWN,
    VIEWS,
)
from sim.events.catalogue import (
    NO_QUOTA,
    QUOTA_EXHAUSTED,
    QUOTA_EXPIRED,
    SIM_NOT_ACTIVATED,
    UNKNOWN_REFUSAL,
)
from statemachines import _quota, endpoint, network, pdp, policy, sim, sim_assignment
from statemachines import organisation as organisation_machine
from statemachines import service_profile as profile_machine

#: SIM states in which a device may use the network.
SERVING_SIM = (sim.ACTIVATED, sim.FACTORY_TEST)
#: The machines that decide whether a device has network access at all (rule 1).
ACCESS = ("sim", "sim_assignment", "endpoint", "policy", "organisation")
#: Every machine and attribute each view reads: ``view_inputs`` names a subset of these, and
#: ``devicesim diagram all`` draws them as the machines that feed the view.
VIEW_FEEDS: dict[str, tuple[str, ...]] = {
    "connectivity": (*ACCESS, "network", "pdp", "imei_locked", "portal_offline"),
    "data_service": (*ACCESS, "data_quota", "data_quota_action", "data_quota_managed",
                     "data_quota_management"),
    "sms_service": (*ACCESS, "sms_quota", "sms_quota_managed", "sms_quota_management"),
}  # fmt: skip


def access_denier(state: DeviceState, context: Context) -> tuple[str, str] | None:
    """The machine that denies the device network access and why, or None (rule 1)."""
    if state.sim not in SERVING_SIM:
        return "sim", f"SIM is {state.sim}"
    if state.sim_assignment != sim_assignment.ASSIGNED:
        return "sim_assignment", "SIM is not assigned to the endpoint"
    if state.endpoint != endpoint.ENABLED:
        return "endpoint", "endpoint is Disabled"
    if state.policy != policy.UNBLOCKED:
        return "policy", "endpoint is blocked by its policy"
    if context.organisation != organisation_machine.ACTIVE:
        return "organisation", "organisation is Blocked"
    return None


def network_access_denial(state: DeviceState, context: Context) -> str | None:
    """Why the device may not use the network at all, or None when it may (rule 1)."""
    denier = access_denier(state, context)
    return denier[1] if denier else None


def quota_management_applies(management: str, inferred: bool) -> bool:
    """Management applies when the profile has it Enabled, or (profile unknown) it was inferred."""
    return management == profile_machine.ENABLED or (management == UNKNOWN and inferred)


def data_service(state: DeviceState, context: Context) -> tuple[str, str]:
    """The data service the device gets, and why (rule 2)."""
    denial = network_access_denial(state, context)
    if denial:
        return DENIED, denial
    applies = quota_management_applies(context.data_quota_management, state.data_quota_managed)
    return _quota_service("data", state.data_quota, applies, state.data_quota_action)


def sms_service(state: DeviceState, context: Context) -> tuple[str, str]:
    """The SMS service the device gets, and why (rule 3): an SMS quota has no action on
    exhaustion, it is always blocked."""
    denial = network_access_denial(state, context)
    if denial:
        return DENIED, denial
    applies = quota_management_applies(context.sms_quota_management, state.sms_quota_managed)
    return _quota_service("SMS", state.sms_quota, applies, None)


def _quota_service(kind: str, quota: str, applies: bool, action: str | None) -> tuple[str, str]:
    """A service under quota management, for a device with network access."""
    if not applies:
        return ALLOWED, f"no {kind} quota management applies"
    if quota == _quota.ACTIVE:
        return ALLOWED, f"{kind} quota is Active"
    if quota == _quota.EXHAUSTED and action is not None:
        if action == THROTTLE:
            return THROTTLED, f"{kind} quota is Exhausted and the action on exhaustion is Throttle"
        return DENIED, f"{kind} quota is Exhausted and the action on exhaustion is Block"
    if quota == _quota.NONE:
        return DENIED, f"{kind} quota management applies and the device has no {kind} quota"
    return DENIED, f"{kind} quota is {quota}"


def connectivity(state: DeviceState, context: Context) -> str:
    """The device status as the Portal shows it: Blocked, Online, Attached or Offline.

    An enforced IMEI lock shows Blocked while no session is open, and Device offline shows
    Offline while the network registration stays (domain.md rules 10 and 12): the Portal's
    view, not the machines'.
    """
    if network_access_denial(state, context):
        return BLOCKED
    if state.pdp == pdp.CONNECTED:
        return ONLINE
    if state.imei_locked:
        return BLOCKED
    if state.network != network.DETACHED and not state.portal_offline:
        return ATTACHED
    return OFFLINE


def describe(state: DeviceState, context: Context) -> dict[str, str]:
    """Every machine state and view of a device by name: what users read and assert."""
    described = {machine: getattr(state, machine) for machine in MACHINES}
    described["connectivity"] = connectivity(state, context)
    described["data_service"] = data_service(state, context)[0]
    described["sms_service"] = sms_service(state, context)[0]
    return described


#: A view that changed: (view, from, to).
ViewChange = tuple[str, str, str]


def view_changes(
    before: DeviceState, before_context: Context, after: DeviceState, after_context: Context
) -> tuple[ViewChange, ...]:
    """The views (connectivity, data and SMS service) that differ between two moments: what a
    customer sees change, narrated beside the machines."""
    old, new = describe(before, before_context), describe(after, after_context)
    return tuple((view, old[view], new[view]) for view in VIEWS if old[view] != new[view])


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
    if state.imei_locked:
        return "the platform refused a data session for the SIM's IMEI lock"
    if state.network == network.DETACHED:
        return "the device has no network registration"
    if state.portal_offline:
        return (
            f"Device offline: no new data session since the last one ended (network is still "
            f"{state.network})"
        )
    return f"network is {state.network} with no data session"


#: The refusals the model's own state explains: a refusal with any other reason (an APN, an
#: IMEI lock, a switch of the service profile) shows nothing about the machines.
MODELLED_REFUSALS = (SIM_NOT_ACTIVATED, NO_QUOTA, QUOTA_EXHAUSTED, QUOTA_EXPIRED)


#: What each view shows when all is well; ``view_inputs`` explains any other value.
HEALTHY = {"connectivity": ONLINE, "data_service": ALLOWED, "sms_service": ALLOWED}


def view_inputs(view: str, state: DeviceState, context: Context) -> list[str]:
    """The machines (or attributes, or ``organisation``) a view's current value comes from:
    where a "why" starts looking for causes."""
    denier = access_denier(state, context)
    if denier:
        return [denier[0]]
    if view == "connectivity":
        if state.pdp == pdp.CONNECTED:
            return ["pdp"]
        if state.imei_locked:
            return ["imei_locked"]
        if state.network == network.DETACHED:
            return ["network"]
        return ["portal_offline"] if state.portal_offline else ["pdp", "network"]
    quota = "data_quota" if view == "data_service" else "sms_quota"
    exhausted = view == "data_service" and getattr(state, quota) == _quota.EXHAUSTED
    return [quota, "data_quota_action"] if exhausted else [quota]


def refusal_reason(state: DeviceState, context: Context) -> str:
    """The code (one of ``sim.events.catalogue.REFUSALS``) of the reason the platform would
    give for refusing a data session in this state."""
    if state.sim not in SERVING_SIM:
        return SIM_NOT_ACTIVATED
    if network_access_denial(state, context) or data_service(state, context)[0] != DENIED:
        return UNKNOWN_REFUSAL
    by_quota = {_quota.EXHAUSTED: QUOTA_EXHAUSTED, _quota.EXPIRED: QUOTA_EXPIRED}
    return by_quota.get(state.data_quota, NO_QUOTA)

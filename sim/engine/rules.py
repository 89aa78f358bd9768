"""The cross-machine rules (domain.md section 4) in one declarative table.

Three kinds of rule live here. ``RULES`` restore what must always hold after any event: a device
without network access is detached with no data session; a data session needs data service and
a packet-switched registration. ``PRECONDITIONS`` say what an event needs in order to be
possible at all; an event that breaks one is ``inconsistent``. ``SILENT_CHANGES`` are the
changes the platform makes without an event, which a later event can prove. Change a decision
here and the whole simulator, its explanations and its coverage report follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sim.engine.state import Context, DeviceState
from sim.engine.views import ACCESS, data_service, network_access_denial
from sim.engine.vocabulary import DENIED
from sim.events.catalogue import Kind, Trigger, effect_of
from statemachines import network, pdp, sim, sim_assignment

Check = Callable[[DeviceState, Context], "str | None"]


class Rule(NamedTuple):
    """When ``broken`` returns a reason, fire ``effects`` (machine, trigger) in order."""

    name: str
    text: str
    broken: Check
    effects: tuple[tuple[str, str], ...]
    #: Machines and attributes whose change can break the rule.
    reads: frozenset[str]


class Precondition(NamedTuple):
    """An event that fires one of ``triggers`` (machine, trigger) needs ``broken`` to return
    None; which events those are is the catalogue's to say."""

    name: str
    text: str
    triggers: frozenset[Trigger]
    broken: Check


def _data_denied(state: DeviceState, context: Context) -> str | None:
    verdict, reason = data_service(state, context)
    return reason if verdict == DENIED else None


def _session_without_ps(state: DeviceState, context: Context) -> str | None:
    if state.pdp == pdp.CONNECTED and state.network not in network.PS_REGISTERED:
        return f"network is {state.network}"
    return None


def _no_ps_registration(state: DeviceState, context: Context) -> str | None:
    return None if state.network in network.PS_REGISTERED else f"network is {state.network}"


def _assigned(state: DeviceState, context: Context) -> str | None:
    return "the SIM is still assigned" if state.sim_assignment == sim_assignment.ASSIGNED else None


def _deleted(state: DeviceState, context: Context) -> str | None:
    return "the SIM is Deleted" if state.sim == sim.DELETED else None


_ACCESS = frozenset(ACCESS)

RULES: tuple[Rule, ...] = (
    Rule(
        "network_access",
        "Network access needs the SIM Activated or in Factory Test, the SIM assigned, the "
        "endpoint Enabled, its policy Unblocked and the organisation Active; without it the data "
        "session ends and the device is detached.",
        network_access_denial,
        (("pdp", "cut_off"), ("network", "detach")),
        _ACCESS,
    ),
    Rule(
        "data_service",
        "A data session needs data service: under data quota management an Active quota, or an "
        "Exhausted one with action Throttle; when data service is lost the session ends.",
        _data_denied,
        (("pdp", "cut_off"),),
        _ACCESS
        | {"data_quota", "data_quota_action", "data_quota_managed", "data_quota_management"},
    ),
    Rule(
        "ps_registration",
        "A data session needs a packet-switched registration: purging it ends the session.",
        _session_without_ps,
        (("pdp", "cut_off"),),
        frozenset({"network", "pdp"}),
    ),
)

PRECONDITIONS: tuple[Precondition, ...] = (
    Precondition(
        "registration_needs_access",
        "a network registration needs network access",
        frozenset({("network", "attach_cs"), ("network", "attach_ps")}),
        network_access_denial,
    ),
    Precondition(
        "session_needs_data_service",
        "an accepted data session needs data service",
        frozenset({("pdp", "create")}),
        _data_denied,
    ),
    Precondition(
        "session_needs_ps_registration",
        "an accepted data session needs a packet-switched registration",
        frozenset({("pdp", "create")}),
        _no_ps_registration,
    ),
    Precondition(
        "assign_needs_live_sim",
        "a deleted SIM cannot be assigned to an endpoint",
        frozenset({("sim_assignment", "assign")}),
        _deleted,
    ),
    Precondition(
        "delete_needs_release",
        "a SIM still assigned to an endpoint cannot be deleted",
        frozenset({("sim", "delete")}),
        _assigned,
    ),
)


class SilentChange(NamedTuple):
    """A change the platform makes without an event (domain.md rule 11): the machine's
    ``trigger`` fired, proven by a later event that needs its result."""

    machine: str
    trigger: str
    text: str


#: The silent changes, in the order a search tries them. The organisation's is made on the
#: organisation (``sim.engine.fleet``); the device's in the step (``sim.engine.step``).
SILENT_CHANGES: tuple[SilentChange, ...] = (
    SilentChange(
        "policy",
        "unblock",
        "the device's policies were changed, which unblocks it (no event reports that)",
    ),
    SilentChange(
        "data_quota",
        "refill",
        "the used-up data quota was refilled (daily auto-refill; no event reports that)",
    ),
    SilentChange(
        "organisation",
        "unblock",
        "the organisation was unblocked: cost limit raised or balance topped up (no event "
        "reports that)",
    ),
)


def rules_reading(names: set[str]) -> list[Rule]:
    """The rules a change of any of ``names`` (machines or attributes) can set off."""
    return [rule for rule in RULES if rule.reads & names]


def preconditions_for(kind: Kind) -> list[Precondition]:
    """The preconditions an event of this kind must meet."""
    triggers = set(effect_of(kind).triggers)
    return [p for p in PRECONDITIONS if p.triggers & triggers]

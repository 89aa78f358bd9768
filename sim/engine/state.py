"""Device state as plain data, and the context a device reads from its organisation.

A device's state is one state name per machine plus its attributes (the data quota's action
on exhaustion, the Portal's presence, an enforced IMEI lock, and whether quota management was
inferred from the events) and the machines still assumed (not yet shown by any event): plain,
picklable, hashable data, so that steps can be memoised and states interned
(``sim.engine.packing``). What a person sees of it (connectivity, data and SMS service) is ``sim.engine.views``'.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sim.engine.vocabulary import ATTRIBUTES, BLOCK, MACHINES, UNKNOWN
from statemachines import (
    _quota,
    endpoint,
    network,
    pdp,
    policy,
    sim,
    sim_assignment,
)
from statemachines import organisation as organisation_machine


class DeviceState(NamedTuple):
    """One device: a state per machine plus the attributes the rules need. The defaults are
    a device in service: SIM Activated and Assigned, Enabled, Unblocked, Detached, no quotas."""

    sim: str = sim.ACTIVATED
    sim_assignment: str = sim_assignment.ASSIGNED
    endpoint: str = endpoint.ENABLED
    policy: str = policy.UNBLOCKED
    network: str = network.DETACHED
    pdp: str = pdp.DISCONNECTED
    data_quota: str = _quota.NONE
    sms_quota: str = _quota.NONE
    #: Block or Throttle: what the platform does when the data quota is used up.
    data_quota_action: str = BLOCK
    #: The Portal shows the device Offline: Device offline (49) came and no registration or
    #: accepted session since (domain.md rule 10); the registration itself is unchanged.
    portal_offline: bool = False
    #: The platform refused a data session for the IMEI lock: the Portal shows the device
    #: Blocked until a later accepted session (rule 12).
    imei_locked: bool = False
    #: Quota management was inferred from a quota event (used only when the profile is unknown).
    data_quota_managed: bool = False
    sms_quota_managed: bool = False
    #: Machines no event has shown yet: their values are assumptions that the first event
    #: needing them replaces with what it proves (``sim.engine.inference``). Empty for a
    #: device whose state was given (scenarios, ``--initial`` entries, in-service replay).
    assumed: frozenset[str] = frozenset()


#: A SIM first seen without an endpoint: Issued and in no endpoint yet.
LOOSE_SIM = DeviceState(sim=sim.ISSUED, sim_assignment=sim_assignment.UNASSIGNED)


class Context(NamedTuple):
    """What a device reads from its organisation and service profile.

    Quota management is ``Unknown`` when the device's service profile is not known: the
    platform's events do not name it, so it comes only from an initial-state file.
    """

    organisation: str = organisation_machine.ACTIVE
    data_quota_management: str = UNKNOWN
    sms_quota_management: str = UNKNOWN


assert DeviceState._fields == (*MACHINES, *ATTRIBUTES, "assumed"), "fields follow the vocabulary"

#: Every machine of a device assumed: a device first seen in a replay that starts mid-life.
ALL_ASSUMED = frozenset(MACHINES)


def replaced(state: DeviceState, name: str, value: object) -> DeviceState:
    """``state`` with one machine or attribute, named at run time, set to ``value``."""
    return with_values(state, {name: value})


def with_values(state: DeviceState, values: Mapping[str, object]) -> DeviceState:
    """``state`` with machines or attributes, named at run time, set to the given values."""
    fields: dict[str, Any] = dict(values)
    return state._replace(**fields)

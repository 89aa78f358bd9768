"""Pure state-machine definitions for the emnify device model.

Every module here holds one machine as a declarative table in ``transitions``' own dict shape
(``states``, ``transitions``, ``initial``), validated when imported. Triggers are the machine's own
verbs (``activate``, ``purge_ps``); which platform event fires which verb is ``sim``'s business, so
nothing here knows an event id, reads a file or imports ``sim``. This package may import
only ``transitions``: it is the bottom of the house.
"""

from statemachines import (
    cloudconnect,
    data_quota,
    endpoint,
    network,
    openvpn,
    organisation,
    pdp,
    policy,
    service_profile,
    sim,
    sim_assignment,
    sms_quota,
    user,
)
from statemachines.table import (
    MachineDefinitionError,
    MachineTable,
    final_states,
    state_names,
    trigger_names,
    validate,
)

#: Machines that every device has, in the order state is reported.
DEVICE_MACHINES: dict[str, MachineTable] = {
    "sim": sim.TABLE,
    "sim_assignment": sim_assignment.TABLE,
    "endpoint": endpoint.TABLE,
    "policy": policy.TABLE,
    "network": network.TABLE,
    "pdp": pdp.TABLE,
    "data_quota": data_quota.TABLE,
    "sms_quota": sms_quota.TABLE,
}

#: Machines kept per organisation, per service profile or per organisation-level entity.
ORGANISATION_MACHINES: dict[str, MachineTable] = {
    "organisation": organisation.TABLE,
    "data_quota_management": service_profile.DATA_QUOTA_MANAGEMENT,
    "sms_quota_management": service_profile.SMS_QUOTA_MANAGEMENT,
    "cloudconnect": cloudconnect.TABLE,
    "openvpn": openvpn.TABLE,
    "user": user.TABLE,
}

#: The switches every service profile has, and the organisation-level entities kept by key.
PROFILE_MACHINES = ("data_quota_management", "sms_quota_management")
ENTITY_MACHINES = ("cloudconnect", "openvpn", "user")

#: Every machine by name. A table registered later (a test's temporary trigger) replaces its
#: entry here, and everything built from the tables follows it.
ALL_MACHINES: dict[str, MachineTable] = {**DEVICE_MACHINES, **ORGANISATION_MACHINES}

__all__ = [
    "ALL_MACHINES",
    "DEVICE_MACHINES",
    "ENTITY_MACHINES",
    "ORGANISATION_MACHINES",
    "PROFILE_MACHINES",
    "MachineDefinitionError",
    "MachineTable",
    "final_states",
    "state_names",
    "trigger_names",
    "validate",
]

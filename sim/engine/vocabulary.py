"""The names people and files use for a device and an organisation, defined once.

Machine names and their states come from the tables in ``statemachines``; the device's
attributes, the derived views and their values, and the organisation-level machines are named
here. Validation, did-you-mean suggestions, the JSON Schema, the reports and the engine all
read these, so a state name is written in one place only.
"""

from __future__ import annotations

from sim.events.catalogue import BLOCK, QUOTA_ACTIONS, THROTTLE
from statemachines import (
    ALL_MACHINES,
    DEVICE_MACHINES,
    ENTITY_MACHINES,
    PROFILE_MACHINES,
    state_names,
)

#: The machines every device has, in the order state is reported.
MACHINES: tuple[str, ...] = tuple(DEVICE_MACHINES)
#: Device attributes a person reads and a scenario sets: the data quota's action on exhaustion,
#: the Portal's presence after Device offline, and an IMEI lock the platform enforced
#: (domain.md rules 10 and 12). A change of one is a change of the device.
STATE_ATTRIBUTES = ("data_quota_action", "portal_offline", "imei_locked")
#: Every device attribute: those above, and whether quota management was inferred from the
#: events (for a device whose profile is unknown; a note, not a change).
ATTRIBUTES = (*STATE_ATTRIBUTES, "data_quota_managed", "sms_quota_managed")
#: How a yes/no attribute reads in files, reports and expectations.
FLAG_VALUES = ("false", "true")
#: What a device's quota management reads when its service profile is not known.
UNKNOWN = "Unknown"

ONLINE, ATTACHED, OFFLINE, BLOCKED = "Online", "Attached", "Offline", "Blocked"
ALLOWED, THROTTLED, DENIED = "Allowed", "Throttled", "Denied"
#: The views computed from the machines (never stored), with the values each can take.
VIEW_VALUES: dict[str, tuple[str, ...]] = {
    "connectivity": (ONLINE, ATTACHED, OFFLINE, BLOCKED),
    "data_service": (ALLOWED, THROTTLED, DENIED),
    "sms_service": (ALLOWED, DENIED),
}
VIEWS = tuple(VIEW_VALUES)


def states(machine: str) -> tuple[str, ...]:
    """The states of any machine, initial first."""
    return tuple(state_names(ALL_MACHINES[machine]))


#: What a device can be asked about (``expect``, observations), with the values each can take.
DEVICE_NAMES: dict[str, tuple[str, ...]] = {
    **{m: states(m) for m in MACHINES},
    **VIEW_VALUES,
    "data_quota_action": QUOTA_ACTIONS,
    "portal_offline": FLAG_VALUES,
    "imei_locked": FLAG_VALUES,
}


def attribute_text(value: object) -> str:
    """An attribute's value as people read it: ``true``/``false`` for a flag."""
    return FLAG_VALUES[value] if isinstance(value, bool) else str(value)


def attribute_value(name: str, text: str) -> object:
    """An attribute's value from the text a file gives (``attribute_text`` reversed)."""
    return text == FLAG_VALUES[1] if DEVICE_NAMES[name] == FLAG_VALUES else text


#: The machines of an organisation that a change reported with no event may set.
SETTABLE_ORGANISATION = ("organisation", *PROFILE_MACHINES)

__all__ = [
    "ATTRIBUTES",
    "BLOCK",
    "DEVICE_NAMES",
    "ENTITY_MACHINES",
    "FLAG_VALUES",
    "MACHINES",
    "PROFILE_MACHINES",
    "QUOTA_ACTIONS",
    "SETTABLE_ORGANISATION",
    "STATE_ATTRIBUTES",
    "THROTTLE",
    "UNKNOWN",
    "VIEWS",
    "VIEW_VALUES",
    "attribute_text",
    "attribute_value",
    "states",
]

"""A CloudConnect breakout of an organisation, keyed by its breakout id.

A Transit Gateway breakout starts with a resource share (22) and becomes available (23); its
connection state may change (27) while it lives; terminating it (25 TGW, 26 VPN) is final.
A breakout first seen when it is already available is accepted as such.
"""

from statemachines.table import MachineTable, validate

PENDING, SHARED, AVAILABLE, TERMINATED = (
    "Pending",
    "Resource Share Created",
    "Available",
    "Terminated",
)

TABLE: MachineTable = validate(
    {
        "name": "cloudconnect",
        "states": [PENDING, SHARED, AVAILABLE, {"name": TERMINATED, "final": True}],
        "initial": PENDING,
        "transitions": [
            {"trigger": "share_resources", "source": PENDING, "dest": SHARED},
            {"trigger": "share_resources", "source": SHARED, "dest": None},
            {"trigger": "make_available", "source": [PENDING, SHARED], "dest": AVAILABLE},
            {"trigger": "make_available", "source": AVAILABLE, "dest": None},
            {"trigger": "change_state", "source": [PENDING, SHARED, AVAILABLE], "dest": None},
            {"trigger": "terminate", "source": [PENDING, SHARED, AVAILABLE], "dest": TERMINATED},
        ],
    }
)

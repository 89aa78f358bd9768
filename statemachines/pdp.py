"""The data session (PDP context) lifecycle.

Create (3, accepted) opens a session, Update (4) needs one, Delete (5) closes it; ``cut_off`` is
the platform ending it (a Policy Control Generic event, or a cross-machine rule). Closing a
session that is already closed is a no-op: the platform reports a rule's disconnect again with
a Delete PDP Context. Device offline (49) is only possible with no session open.
"""

from statemachines.table import MachineTable, validate

DISCONNECTED, CONNECTED = "Disconnected", "Connected"

TABLE: MachineTable = validate(
    {
        "name": "pdp",
        "states": [DISCONNECTED, CONNECTED],
        "initial": DISCONNECTED,
        "transitions": [
            {"trigger": "create", "source": DISCONNECTED, "dest": CONNECTED},
            {"trigger": "create", "source": CONNECTED, "dest": None},
            {"trigger": "update", "source": CONNECTED, "dest": None},
            {"trigger": "delete", "source": CONNECTED, "dest": DISCONNECTED},
            {"trigger": "delete", "source": DISCONNECTED, "dest": None},
            {"trigger": "cut_off", "source": CONNECTED, "dest": DISCONNECTED},
            {"trigger": "cut_off", "source": DISCONNECTED, "dest": None},
            {"trigger": "go_offline", "source": DISCONNECTED, "dest": None},
        ],
    }
)

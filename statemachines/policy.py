"""Device policy enforcement: Endpoint blocked (11) after a policy limit such as a traffic limit.

The platform unblocks a device when its policies change and sends no event for that, so
``unblock`` is fired by an explicit ``set`` in a scenario or an initial-state file, or inferred
in a replay from a later event that needs the device unblocked (domain.md rule 11).
"""

from statemachines.table import MachineTable, validate

UNBLOCKED, BLOCKED = "Unblocked", "Blocked"

TABLE: MachineTable = validate(
    {
        "name": "policy",
        "states": [UNBLOCKED, BLOCKED],
        "initial": UNBLOCKED,
        "transitions": [
            {"trigger": "block", "source": UNBLOCKED, "dest": BLOCKED},
            {"trigger": "block", "source": BLOCKED, "dest": None},
            {"trigger": "unblock", "source": BLOCKED, "dest": UNBLOCKED},
        ],
    }
)

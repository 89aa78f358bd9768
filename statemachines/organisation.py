"""Organisation status: blocked (12) after its monthly cost limit or prepaid balance is exceeded.

Unblocking follows a billing change the platform reports with no dedicated event, so
``unblock`` is fired only by an explicit ``set`` in a scenario or an initial-state file.
"""

from statemachines.table import MachineTable, validate

ACTIVE, BLOCKED = "Active", "Blocked"

TABLE: MachineTable = validate(
    {
        "name": "organisation",
        "states": [ACTIVE, BLOCKED],
        "initial": ACTIVE,
        "transitions": [
            {"trigger": "block", "source": ACTIVE, "dest": BLOCKED},
            {"trigger": "block", "source": BLOCKED, "dest": None},
            {"trigger": "unblock", "source": BLOCKED, "dest": ACTIVE},
        ],
    }
)

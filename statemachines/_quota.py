"""The lifecycle shared by the data and SMS quota of a device.

A quota is assigned (Active), may cross its threshold (still Active), be used up (Exhausted),
expire (Expired) or be deleted (back to None). Assigning replaces whatever quota was there.
"""

from statemachines.table import MachineTable, validate

NONE, ACTIVE, EXHAUSTED, EXPIRED = "None", "Active", "Exhausted", "Expired"


def quota_table(name: str) -> MachineTable:
    """Build and validate the quota table under the given machine name."""
    return validate(
        {
            "name": name,
            "states": [NONE, ACTIVE, EXHAUSTED, EXPIRED],
            "initial": NONE,
            "transitions": [
                {"trigger": "assign", "source": [NONE, ACTIVE, EXHAUSTED, EXPIRED], "dest": ACTIVE},
                {"trigger": "reach_threshold", "source": ACTIVE, "dest": None},
                {"trigger": "use_up", "source": ACTIVE, "dest": EXHAUSTED},
                {"trigger": "use_up", "source": EXHAUSTED, "dest": None},
                {"trigger": "expire", "source": [ACTIVE, EXHAUSTED], "dest": EXPIRED},
                {"trigger": "expire", "source": EXPIRED, "dest": None},
                {"trigger": "delete", "source": [ACTIVE, EXHAUSTED, EXPIRED], "dest": NONE},
                {"trigger": "delete", "source": NONE, "dest": None},
            ],
        }
    )

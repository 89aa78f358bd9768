"""Whether a SIM sits in an endpoint: released (50) and assigned (51) through the Portal or API.

A SIM must be released before another assignment is reported, so a repeated assignment or
release is not a no-op but a sign that an event is missing.
"""

from statemachines.table import MachineTable, validate

ASSIGNED, UNASSIGNED = "Assigned", "Unassigned"

TABLE: MachineTable = validate(
    {
        "name": "sim_assignment",
        "states": [ASSIGNED, UNASSIGNED],
        "initial": ASSIGNED,
        "transitions": [
            {"trigger": "release", "source": ASSIGNED, "dest": UNASSIGNED},
            {"trigger": "assign", "source": UNASSIGNED, "dest": ASSIGNED},
        ],
    }
)

"""Endpoint (device) status as set through the Portal or API: enabled (42) or disabled (43).

The platform reports the status it set, so reporting the current status again is a no-op.
"""

from statemachines.table import MachineTable, validate

ENABLED, DISABLED = "Enabled", "Disabled"

TABLE: MachineTable = validate(
    {
        "name": "endpoint",
        "states": [ENABLED, DISABLED],
        "initial": ENABLED,
        "transitions": [
            {"trigger": "disable", "source": ENABLED, "dest": DISABLED},
            {"trigger": "disable", "source": DISABLED, "dest": None},
            {"trigger": "enable", "source": DISABLED, "dest": ENABLED},
            {"trigger": "enable", "source": ENABLED, "dest": None},
        ],
    }
)

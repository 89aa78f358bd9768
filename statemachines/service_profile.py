"""Quota management switches of a service profile: data (52/53) and SMS (54/55).

While a switch is Enabled, every device of the profile needs an active quota of that kind to
use the service. Switching to the state it already has is a valid no-op.
"""

from statemachines.table import MachineTable, validate

DISABLED, ENABLED = "Disabled", "Enabled"


def _management(name: str) -> MachineTable:
    return validate(
        {
            "name": name,
            "states": [DISABLED, ENABLED],
            "initial": DISABLED,
            "transitions": [
                {"trigger": "enable", "source": DISABLED, "dest": ENABLED},
                {"trigger": "enable", "source": ENABLED, "dest": None},
                {"trigger": "disable", "source": ENABLED, "dest": DISABLED},
                {"trigger": "disable", "source": DISABLED, "dest": None},
            ],
        }
    )


DATA_QUOTA_MANAGEMENT = _management("data_quota_management")
SMS_QUOTA_MANAGEMENT = _management("sms_quota_management")

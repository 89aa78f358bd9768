"""The lifecycle shared by the data and SMS quota of a device.

A quota is assigned (Active), may cross its threshold (still Active), be used up (Exhausted),
expire (Expired) or be deleted (back to None). Assigning replaces whatever quota was there.
``refill`` (data quotas) is the daily auto-refill of a used-up quota: no event reports it, so only a later
event that needs the quota (an accepted session) proves it (domain.md rule 11).
"""

from statemachines.table import MachineTable, TransitionSpec, validate

NONE, ACTIVE, EXHAUSTED, EXPIRED = "None", "Active", "Exhausted", "Expired"


def quota_table(name: str, *, refills: bool = False) -> MachineTable:
    """Build and validate the quota table under the given machine name; ``refills`` adds the
    daily auto-refill of a used-up quota (data quotas have it)."""
    refill: list[TransitionSpec] = (
        [{"trigger": "refill", "source": EXHAUSTED, "dest": ACTIVE}] if refills else []
    )
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
                *refill,
                {"trigger": "expire", "source": [ACTIVE, EXHAUSTED], "dest": EXPIRED},
                {"trigger": "expire", "source": EXPIRED, "dest": None},
                {"trigger": "delete", "source": [ACTIVE, EXHAUSTED, EXPIRED], "dest": NONE},
                {"trigger": "delete", "source": NONE, "dest": None},
            ],
        }
    )

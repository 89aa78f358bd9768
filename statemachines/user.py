"""A user account of an organisation, keyed by user id (or username when no id is given).

Users are invited (36), asked to verify their address (40), verified (41) and deleted (46);
deletion is final. A user the model has not heard of yet is Unknown, which lets an account that
existed before the stream started be verified or deleted without an invitation.
"""

from statemachines.table import MachineTable, validate

UNKNOWN, INVITED, REQUESTED, VERIFIED, DELETED = (
    "Unknown",
    "Invited",
    "Verification Requested",
    "Verified",
    "Deleted",
)

TABLE: MachineTable = validate(
    {
        "name": "user",
        "states": [UNKNOWN, INVITED, REQUESTED, VERIFIED, {"name": DELETED, "final": True}],
        "initial": UNKNOWN,
        "transitions": [
            {"trigger": "invite", "source": UNKNOWN, "dest": INVITED},
            {"trigger": "request_verification", "source": [UNKNOWN, INVITED], "dest": REQUESTED},
            {"trigger": "request_verification", "source": REQUESTED, "dest": None},
            {"trigger": "verify", "source": [UNKNOWN, INVITED, REQUESTED], "dest": VERIFIED},
            {"trigger": "verify", "source": VERIFIED, "dest": None},
            {
                "trigger": "delete",
                "source": [UNKNOWN, INVITED, REQUESTED, VERIFIED],
                "dest": DELETED,
            },
        ],
    }
)

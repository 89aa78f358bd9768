"""SIM lifecycle: the status the platform shows for a SIM card.

Issued SIMs are activated (8) or put into Factory Test (45); Factory Test SIMs activate when
their test volume is reached; Activated and Suspended alternate (9 / 8); only emnify staff move
a SIM back to Issued (44); Deleted (10) is final, for assignment and activation too.
Registration (48) keeps the status; migration to another workspace (69) suspends an Activated
SIM and keeps any other status. A status event reporting the state the SIM is already in is a
valid no-op.
"""

from statemachines.table import MachineTable, validate

ISSUED, ACTIVATED, SUSPENDED, FACTORY_TEST, DELETED = (
    "Issued",
    "Activated",
    "Suspended",
    "Factory Test",
    "Deleted",
)
LIVE = [ISSUED, ACTIVATED, SUSPENDED, FACTORY_TEST]

TABLE: MachineTable = validate(
    {
        "name": "sim",
        "states": [ISSUED, ACTIVATED, SUSPENDED, FACTORY_TEST, {"name": DELETED, "final": True}],
        "initial": ISSUED,
        "transitions": [
            {"trigger": "activate", "source": [ISSUED, SUSPENDED, FACTORY_TEST], "dest": ACTIVATED},
            {"trigger": "activate", "source": ACTIVATED, "dest": None},
            {"trigger": "suspend", "source": ACTIVATED, "dest": SUSPENDED},
            {"trigger": "suspend", "source": SUSPENDED, "dest": None},
            {"trigger": "start_factory_test", "source": ISSUED, "dest": FACTORY_TEST},
            {"trigger": "start_factory_test", "source": FACTORY_TEST, "dest": None},
            {"trigger": "issue", "source": [ACTIVATED, SUSPENDED, FACTORY_TEST], "dest": ISSUED},
            {"trigger": "issue", "source": ISSUED, "dest": None},
            {"trigger": "register", "source": ISSUED, "dest": None},
            {"trigger": "migrate", "source": ACTIVATED, "dest": SUSPENDED},
            {"trigger": "migrate", "source": [ISSUED, SUSPENDED, FACTORY_TEST], "dest": None},
            {"trigger": "delete", "source": LIVE, "dest": DELETED},
        ],
    }
)

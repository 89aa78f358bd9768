"""Network registration: circuit-switched (IMSI attach) and packet-switched (GPRS attach).

Update location (1) registers CS, Update GPRS location (2) registers PS, Purge location (15)
and Purge GPRS location (16) remove one of them. A repeated update while registered is a valid
no-op (devices re-register when they move), and so is a purge of a registration the network no
longer holds. ``detach`` drops both at once: reset connectivity, or network access lost.
"""

from statemachines.table import MachineTable, validate

DETACHED, IMSI_ATTACHED, GPRS_ATTACHED, COMBINED_ATTACHED = (
    "Detached",
    "IMSI Attached",
    "GPRS Attached",
    "Combined Attached",
)
#: States that hold a packet-switched (data) registration.
PS_REGISTERED = frozenset({GPRS_ATTACHED, COMBINED_ATTACHED})

TABLE: MachineTable = validate(
    {
        "name": "network",
        "states": [DETACHED, IMSI_ATTACHED, GPRS_ATTACHED, COMBINED_ATTACHED],
        "initial": DETACHED,
        "transitions": [
            {"trigger": "attach_cs", "source": DETACHED, "dest": IMSI_ATTACHED},
            {"trigger": "attach_cs", "source": GPRS_ATTACHED, "dest": COMBINED_ATTACHED},
            {"trigger": "attach_cs", "source": [IMSI_ATTACHED, COMBINED_ATTACHED], "dest": None},
            {"trigger": "attach_ps", "source": DETACHED, "dest": GPRS_ATTACHED},
            {"trigger": "attach_ps", "source": IMSI_ATTACHED, "dest": COMBINED_ATTACHED},
            {"trigger": "attach_ps", "source": [GPRS_ATTACHED, COMBINED_ATTACHED], "dest": None},
            {"trigger": "purge_cs", "source": IMSI_ATTACHED, "dest": DETACHED},
            {"trigger": "purge_cs", "source": COMBINED_ATTACHED, "dest": GPRS_ATTACHED},
            {"trigger": "purge_cs", "source": [DETACHED, GPRS_ATTACHED], "dest": None},
            {"trigger": "purge_ps", "source": GPRS_ATTACHED, "dest": DETACHED},
            {"trigger": "purge_ps", "source": COMBINED_ATTACHED, "dest": IMSI_ATTACHED},
            {"trigger": "purge_ps", "source": [DETACHED, IMSI_ATTACHED], "dest": None},
            {
                "trigger": "detach",
                "source": [IMSI_ATTACHED, GPRS_ATTACHED, COMBINED_ATTACHED],
                "dest": DETACHED,
            },
            {"trigger": "detach", "source": DETACHED, "dest": None},
        ],
    }
)

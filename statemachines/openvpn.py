"""An OpenVPN client of an organisation, keyed by the acting user.

A client authenticates (30), connects (28) and disconnects (29); re-authenticating a known
client is a no-op, connecting needs a prior authentication.
"""

from statemachines.table import MachineTable, validate

DISCONNECTED, AUTHENTICATED, CONNECTED = "Disconnected", "Authenticated", "Connected"

TABLE: MachineTable = validate(
    {
        "name": "openvpn",
        "states": [DISCONNECTED, AUTHENTICATED, CONNECTED],
        "initial": DISCONNECTED,
        "transitions": [
            {"trigger": "authenticate", "source": DISCONNECTED, "dest": AUTHENTICATED},
            {"trigger": "authenticate", "source": [AUTHENTICATED, CONNECTED], "dest": None},
            {"trigger": "connect", "source": AUTHENTICATED, "dest": CONNECTED},
            {"trigger": "connect", "source": CONNECTED, "dest": None},
            {"trigger": "disconnect", "source": [AUTHENTICATED, CONNECTED], "dest": DISCONNECTED},
            {"trigger": "disconnect", "source": DISCONNECTED, "dest": None},
        ],
    }
)

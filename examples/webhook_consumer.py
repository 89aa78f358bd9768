"""A small Data Streamer webhook consumer, as integrations often write them.

It keeps a device table for a dashboard: per endpoint, the status the Portal would show
(Online, Attached, Offline, Blocked), from the event type ids it receives.

It has a realistic bug: a Create PDP Context (3) marks the device Online without checking
whether the platform accepted the session. A refused request arrives with the same type id
(source Policy Control, severity Warn, "PDP Context Request rejected, because ..."), so a
device whose quota ran out, or whose SIM is suspended, shows Online while it cannot send a byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SIM_STATUS = {8: "Activated", 9: "Suspended", 10: "Deleted", 44: "Issued", 45: "Factory Test"}
#: Events that set one field of the row.
ADMIN = {
    50: ("assigned", False),
    51: ("assigned", True),
    42: ("enabled", True),
    43: ("enabled", False),
    11: ("policy_blocked", True),
}


@dataclass
class Row:
    """One device on the dashboard."""

    sim: str = "Activated"
    assigned: bool = True
    enabled: bool = True
    policy_blocked: bool = False
    registrations: set[str] = field(default_factory=set)
    online: bool = False
    #: Device offline (49) came: the Portal shows Offline until a registration or a session.
    offline: bool = False

    def blocked(self) -> bool:
        return (
            self.sim not in ("Activated", "Factory Test")
            or not (self.assigned and self.enabled)
            or self.policy_blocked
        )


class DeviceTable:
    """What the dashboard shows, per endpoint id."""

    def __init__(self) -> None:
        self.rows: dict[int, Row] = {}
        self.organisation_blocked = False

    def handle(self, events: list[dict[str, Any]]) -> None:
        """The webhook: one POST body (a list of events, the bulk mode)."""
        for event in events:
            self._one(event)

    def _one(self, event: dict[str, Any]) -> None:
        type_id = event["event_type"]["id"]
        if type_id == 12:
            self.organisation_blocked = True
        endpoint = (event.get("endpoint") or {}).get("id")
        if endpoint is None:
            return
        row = self.rows.setdefault(endpoint, Row())
        if type_id in SIM_STATUS and row.sim != "Deleted":
            row.sim = SIM_STATUS[type_id]
        elif type_id == 69 and row.sim == "Activated":
            row.sim = "Suspended"  # a SIM migrated to another workspace is suspended there
        elif type_id in ADMIN:
            setattr(row, ADMIN[type_id][0], ADMIN[type_id][1])
        else:
            self._network(row, type_id, event)
        if row.blocked() or self.organisation_blocked:
            row.registrations.clear()
            row.online = False

    def _network(self, row: Row, type_id: int, event: dict[str, Any]) -> None:
        if type_id in (1, 2):
            detail = event.get("detail")
            if not (isinstance(detail, dict) and detail.get("update_location_failure_reason")):
                row.registrations.add("cs" if type_id == 1 else "ps")
                row.offline = False
        elif type_id == 49:
            row.offline = True
        elif type_id in (15, 16, 68):
            lost = {15: {"cs"}, 16: {"ps"}, 68: {"cs", "ps"}}[type_id]
            row.registrations -= lost
            row.online = row.online and "ps" not in lost
        elif type_id == 3:
            row.online = True  # BUG: a refused request is a type 3 event too
            row.offline = False
        elif type_id == 5 or (
            type_id == 0 and event["description"].startswith("Disconnecting data access")
        ):
            row.online = False

    def connectivity(self, endpoint: int) -> str:
        """The dashboard's status column."""
        row = self.rows.get(endpoint, Row())
        if self.organisation_blocked or row.blocked():
            return "Blocked"
        if row.online:
            return "Online"
        return "Attached" if row.registrations and not row.offline else "Offline"

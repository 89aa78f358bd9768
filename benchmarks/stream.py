"""A realistic generated event stream: device lifecycles in the platform's JSON shape.

Each device attaches (1, 2), opens and closes data sessions (3, 5) with gaps that sometimes
exceed the five-minute offline timer, and some devices get a data quota that runs out (56, 18,
19 with the follow-up Delete PDP Context and a rejected Create), a suspension and
reactivation (9, 8), a GPRS purge (16) or a retransmitted event. Deterministic per seed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

_START = datetime(2025, 5, 1, tzinfo=UTC).timestamp()
_SOURCES = {0: "Network", 1: "Policy Control", 2: "API"}
_NAMES = {
    1: "Update location", 2: "Update GPRS location", 3: "Create PDP Context",
    5: "Delete PDP Context", 8: "SIM activation", 9: "SIM suspension", 16: "Purge GPRS location",
    18: "Quota threshold reached", 19: "Quota used up", 56: "Data quota assigned",
}  # fmt: skip


def _stamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


_TYPES = {t: {"id": t, "description": name} for t, name in _NAMES.items()}
_SOURCE = {i: {"id": i, "description": name} for i, name in _SOURCES.items()}
_SEVERITY = {False: {"id": 0, "description": "Info"}, True: {"id": 1, "description": "Warn"}}


class _Device:
    def __init__(
        self, endpoint: int, organisation: int, rng: random.Random, sessions: tuple[int, int]
    ) -> None:
        self.rng = rng
        self.sessions = sessions
        self.time = _START + rng.uniform(0, 86_400)
        self.events: list[dict[str, Any]] = []
        self.identity = {
            "organisation": {"id": organisation, "name": f"Org {organisation}"},
            "endpoint": {
                "id": endpoint, "name": f"tracker-{endpoint}", "imei": f"35{endpoint:013d}",
                "ip_address": "10.0.0.1", "tags": None,
            },
            "sim": {"id": endpoint + 7, "iccid": f"8988{endpoint:015d}"},
            "imsi": {"id": endpoint + 9, "imsi": f"9014{endpoint:011d}"},
        }  # fmt: skip

    def emit(self, type_id: int, source: int = 0, description: str = "", **extra: Any) -> None:
        self.time += self.rng.uniform(1, 240)
        policy = source == 1
        event: dict[str, Any] = {
            "id": 0,
            "timestamp": _stamp(self.time),
            "alert": policy,
            "description": description or _NAMES[type_id],
            "event_type": _TYPES[type_id],
            "event_source": _SOURCE[source],
            "event_severity": _SEVERITY[policy],
            **self.identity,
            **extra,
        }
        self.events.append(event)

    def session(self) -> None:
        context = {"pdp_context_id": self.rng.randrange(10**9), "apn": "em"}
        self.emit(3, detail={"pdp_context": context})
        self.emit(5, detail={"volume": {"rx": 0.2, "tx": 0.1, "total": 0.3}})
        if self.rng.random() < 0.3:
            self.time += 400  # past the offline timer

    def quota_runs_out(self) -> None:
        quota = {"status": {"id": 1}, "action_on_exhaustion": {"id": 1}, "volume": 10}
        self.emit(56, 2, "Data quota assigned.", detail={"quota": quota})
        self.emit(3, detail={"pdp_context": {"pdp_context_id": 1, "apn": "em"}})
        self.emit(18, 1, detail={"quota": {"volume": "2.000000", "threshold_percentage": 20}})
        self.emit(19, 1, detail={"quota": {"volume": "0.000000"}})
        self.emit(5, detail={"volume": {"rx": 9.0, "tx": 1.0, "total": 10.0}})
        self.emit(3, 1, "PDP Context Request rejected, because quota volume of endpoint is "
                  "exhausted and defined action is to block data traffic.")  # fmt: skip

    def life(self) -> list[dict[str, Any]]:
        rng = self.rng
        self.emit(1)
        self.emit(2)
        for _ in range(rng.randint(*self.sessions)):
            self.session()
        roll = rng.random()
        if roll < 0.15:
            self.quota_runs_out()
        elif roll < 0.25:
            self.emit(9, 2, "Status of SIM changed from 'Activated' to 'Suspended'")
            self.emit(8, 2, "Status of SIM changed from 'Suspended' to 'Activated'")
            self.emit(1)
            self.emit(2)
            self.session()
        elif roll < 0.35:
            self.emit(16)
        return self.events


def generate(
    devices: int, seed: int = 7, organisations: int = 10, sessions: tuple[int, int] = (1, 3)
) -> list[dict[str, Any]]:
    """Events of ``devices`` devices in time order, ids unique except a few retransmissions;
    each device opens between ``sessions[0]`` and ``sessions[1]`` data sessions."""
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    for number in range(devices):
        events += _Device(1_000_000 + number, 100 + number % organisations, rng, sessions).life()
    events.sort(key=itemgetter("timestamp"))
    for number, event in enumerate(events, start=1):
        event["id"] = 10**10 + number
    retransmitted = [dict(e) for e in rng.sample(events, k=len(events) // 200)]
    return events + retransmitted

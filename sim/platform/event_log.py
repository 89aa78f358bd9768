"""The platform's events: each built in the platform's JSON shape, applied to the model, and
stored; the platform's own follow-ups and timers; and the model rebuilt from the stored events.

Device state is never stored: it is what the model makes of the events. Opening a database
replays them into a fresh ``Fleet`` (endpoints start as their rows say they were created), so a
restart continues exactly where it stopped, pending timers included. What the platform's clock
fires (Device offline, quota expiry) is stored too, marked ``synthesised``: a replay skips those
rows, because its own timers fire them again at the same moments.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from sqlite3 import Row
from typing import Any

import orjson

from sim.engine.fleet import Fleet
from sim.engine.initial import DeviceSetup, InitialState, OrganisationSetup
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.state import DeviceState
from sim.engine.trace import TraceEntry
from sim.engine.vocabulary import MACHINES
from sim.events.build import build_event
from sim.events.catalogue import CATALOGUE, Kind
from sim.platform.database import Database
from sim.traffic.payloads import RECEIVED
from statemachines import sim as sim_machine
from statemachines import sim_assignment

#: The user every API action is taken by: the application token's.
API_USER = {"id": 1, "name": "devicesim", "username": "api@devicesim.local"}
#: What an endpoint created without a SIM starts as; the SIM's own status comes with the SIM.
NEW_ENDPOINT = DeviceState(sim=sim_machine.ISSUED, sim_assignment=sim_assignment.UNASSIGNED)
_RELEASED = 50
#: Why the platform's Generic disconnect says it cut a session, by the event that did
#: (the catalogue's sample says "because quota has been updated").
_DISCONNECTED_BECAUSE = {43: "endpoint has been disabled", 57: "quota has been deleted"}
_API = 2
_CLOCK_OFFSET = "clock_offset_ms"


def endpoint_part(row: Row) -> dict[str, Any]:
    """The endpoint as events name it."""
    return {"id": row["id"], "name": row["name"], "imei": row["imei"],
            "ip_address": row["ip_address"], "tags": row["tags"]}  # fmt: skip


def initial_state(database: Database) -> InitialState:
    """What the model knows before the first stored event: every endpoint as it was created,
    in its organisation and service profile."""
    devices: dict[Hashable, DeviceSetup] = {
        row["id"]: setup(row) for row in database.rows("SELECT * FROM endpoint")
    }
    organisations = {row["id"]: OrganisationSetup() for row in database.rows("SELECT id FROM organisation")}  # fmt: skip
    return InitialState(defaults=NEW_ENDPOINT, devices=devices, organisations=organisations)


def initial_json(state: DeviceState) -> str:
    """The state an endpoint was created in, as its row keeps it: a state per machine."""
    return orjson.dumps({machine: getattr(state, machine) for machine in MACHINES}).decode()


def setup(row: Row) -> DeviceSetup:
    """An endpoint row as the model takes it."""
    state = DeviceState(**orjson.loads(row["initial"]))
    return DeviceSetup(state, row["organisation"], row["service_profile"])


def _applied(fleet: Fleet, payload: dict[str, Any]) -> TraceEntry:
    """Apply one of the platform's events; a SIM released from its endpoint is a loose SIM
    again (the next endpoint it goes to takes its status)."""
    entry = fleet.apply(payload)
    if payload["event_type"]["id"] == _RELEASED:
        fleet.store.release_sim(payload["endpoint"]["id"], payload["sim"]["id"])
    return entry


def rebuild(database: Database) -> Fleet:
    """The model as the stored events (and the changes made with none) left it."""
    fleet = Fleet(initial_state(database), lenient=False)
    silent: dict[int, list[dict[str, Any]]] = {}
    for change in database.rows("SELECT * FROM silent_change ORDER BY id"):
        silent.setdefault(change["after_event"], []).append(dict(change))
    _silently(fleet, silent.pop(0, []))
    rows = database.connection.execute("SELECT id, ms, synthesised, payload FROM event ORDER BY id")
    for event_id, ms, synthesised, payload in rows:
        # The clock fires the synthesised ones again, at their moments.
        fleet.advance_to(ms / 1000)
        if not synthesised:
            _applied(fleet, orjson.loads(payload))
        _silently(fleet, silent.pop(event_id, []))
    return fleet


def _silently(fleet: Fleet, changes: list[dict[str, Any]]) -> None:
    """Changes the platform makes with no event (an organisation unblocked)."""
    for change in changes:
        fleet.advance_to(change["ms"] / 1000)
        fleet.set_state(None, change["machine"], change["target"],
                        organisation=change["organisation"], by="the platform")  # fmt: skip


class EventLog:
    """Emitting events through the model into the database, at the platform's time."""

    def __init__(self, database: Database, wall: Callable[[], float] = time.time) -> None:
        self.database = database
        self.wall = wall
        self.fleet: Fleet
        self._offset = self._last_ms = 0
        self.reload()
        #: Events stored by the action under way (for the Data Streamer, after it commits).
        self.emitted: list[dict[str, Any]] = []
        #: The model changed during the action under way: undone by a rebuild if it fails.
        self.dirty = False

    def provision(self, row: Row) -> None:
        """A new endpoint, known to the model from now on as its row says it was created."""
        self.fleet.store.add(row["id"], setup(row))
        self.dirty = True

    # Time.
    def reload(self) -> None:
        """The model and the clock as the database has them (after a failed action too)."""
        self.fleet = rebuild(self.database)
        self._offset = int(self.database.setting(_CLOCK_OFFSET) or 0)
        last = self.database.row("SELECT MAX(ms) FROM event")
        self._last_ms = (last[0] if last else None) or 0

    def now_ms(self) -> int:
        """The platform's time: the wall clock moved on by ``advance``; never before the last
        event."""
        return max(int(self.wall() * 1000) + self._offset, self._last_ms)

    def due(self, ms: int) -> bool:
        """Whether the model's clock fires something by ``ms``."""
        return ms / 1000 >= self.fleet.clock.next_due

    def advance(self, seconds: float) -> None:
        """Move the platform's clock forward (the simulation's control, never the API's)."""
        self._offset += round(seconds * 1000)
        self.database.set(_CLOCK_OFFSET, str(self._offset))
        self.dirty = True

    def catch_up(self, ms: int) -> None:
        """What the model's clock fires by ``ms`` (Device offline, quota expiry), stored, with
        the follow-ups of the sessions they end."""
        if not self.due(ms):
            return
        self.dirty = True
        for entry in self.fleet.advance_to(ms / 1000):
            if entry.outcome in (INCONSISTENT, INVALID):
                continue
            endpoint = self._endpoint(entry.endpoint)
            at = round((entry.time or 0) * 1000)
            payload = self._payload((entry.type_id, ""), at, endpoint["organisation"], endpoint)
            self._store(payload, at, synthesised=True)
            self._follow_ups(entry, at)

    def silent(self, machine: str, target: str, organisation: int, ms: int) -> None:
        """A change the platform makes with no event (an organisation unblocked), kept in
        its place among the events."""
        after = self.database.row("SELECT COALESCE(MAX(id), 0) FROM event")
        values = {"after_event": after[0] if after else 0, "ms": ms, "machine": machine,
                  "target": target, "organisation": organisation}  # fmt: skip
        self.database.insert("silent_change", values)
        self.dirty = True
        _silently(self.fleet, [values])

    # Events.
    def emit(
        self,
        kind: Kind,
        ms: int,
        organisation: int,
        endpoint: Row | None = None,
        sim: Row | None = None,
        **fields: Any,
    ) -> TraceEntry:
        """One event (``fields``: ``description``, ``detail``, ``service_profile``) applied to
        the model and stored, with the platform's follow-ups when a rule ended a session.
        The caller checked that the model allows it: a refusal here is a bug."""
        payload = self._payload(kind, ms, organisation, endpoint, sim, **fields)
        entry = _applied(self.fleet, payload)
        if entry.outcome in (INCONSISTENT, INVALID):
            raise AssertionError(f"the platform emitted an event the model refuses: {entry}")
        self._store(payload, ms, synthesised=False)
        self._follow_ups(entry, ms)
        return entry

    def _follow_ups(self, entry: TraceEntry, ms: int) -> None:
        """What the platform sends after a rule ended a device's session (domain.md rule 9)."""
        ended = dict.fromkeys(c.endpoint for c in entry.changes if c.change.trigger == "cut_off")
        for key in ended:
            endpoint = self._endpoint(key)
            for kind in CATALOGUE[entry.type_id].follow_ups:
                detail = self.session_detail(endpoint["id"]) if kind[0] == 5 else None
                because = _DISCONNECTED_BECAUSE.get(entry.type_id) if kind[0] == 0 else None
                description = (
                    because and f"Disconnecting data access for endpoint, because {because}."
                )
                self.emit(
                    kind,
                    ms,
                    endpoint["organisation"],
                    endpoint,
                    detail=detail,
                    description=description,
                )

    def session_detail(self, endpoint: int) -> dict[str, Any]:
        """The ``detail`` of the Delete PDP Context closing the endpoint's open session."""
        found = self.database.row(
            "SELECT payload FROM event WHERE endpoint = ? AND type = 3 AND source = 0 "
            "ORDER BY id DESC LIMIT 1",
            (endpoint,),
        )
        opened = orjson.loads(found[0]).get("detail") or {} if found else {}
        context = (opened.get("pdp_context") or {}).get("pdp_context_id", 0)
        carried = self.database.row("SELECT session_volume FROM endpoint WHERE id = ?", (endpoint,))
        total = carried[0] if carried else 0.0
        rx = round(total * RECEIVED, 6)
        return {"volume": {"rx": rx, "tx": round(total - rx, 6), "total": round(total, 6)},
                "pdp_context": {"pdp_context_id": context}}  # fmt: skip

    def _endpoint(self, key: Hashable) -> Row:
        found = self.database.row("SELECT * FROM endpoint WHERE id = ?", (key,))
        assert found is not None, f"the model knows endpoint {key}, the database does not"
        return found

    def _payload(
        self,
        kind: Kind,
        ms: int,
        organisation: int,
        endpoint: Row | None = None,
        sim: Row | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        event_id = self.database.row("SELECT COALESCE(MAX(id), 0) + 1 FROM event")
        assert event_id is not None
        event = build_event(
            kind[0],
            event_id=event_id[0],
            time=ms / 1000,
            organisation=organisation,
            endpoint=None if endpoint is None else endpoint["id"],
            variant=kind[1],
            service_profile=fields.pop("service_profile", None),
        )
        name = self.database.row("SELECT name FROM organisation WHERE id = ?", (organisation,))
        event["organisation"]["name"] = name[0] if name else f"Organisation {organisation}"
        event.pop("sim", None)
        if endpoint is not None:
            event["endpoint"] = endpoint_part(endpoint)
            sim = sim or self.database.row(
                "SELECT * FROM sim WHERE endpoint = ?", (endpoint["id"],)
            )
        if sim is not None:
            event["sim"] = {"id": sim["id"], "iccid": sim["iccid"], "msisdn": sim["msisdn"],
                            "production_date": sim["production_date"]}  # fmt: skip
            event["imsi"] = {"id": sim["id"], "imsi": sim["imsi"], "import_date": sim["production_date"]}  # fmt: skip
        if event["event_source"]["id"] == _API:
            event["user"] = dict(API_USER)
        event.update((field, value) for field, value in fields.items() if value is not None)
        return event

    def _store(self, payload: dict[str, Any], ms: int, *, synthesised: bool) -> None:
        sim, imsi = payload.get("sim") or {}, payload.get("imsi") or {}
        self.database.insert(
            "event",
            {
                "id": payload["id"],
                "ms": ms,
                "type": payload["event_type"]["id"],
                "source": payload["event_source"]["id"],
                "severity": payload["event_severity"]["id"],
                "alert": int(bool(payload["alert"])),
                "organisation": payload["organisation"]["id"],
                "endpoint": (payload.get("endpoint") or {}).get("id"),
                "sim": sim.get("id"),
                "iccid": sim.get("iccid"),
                "imsi": imsi.get("imsi"),
                "synthesised": int(synthesised),
                "payload": orjson.dumps(payload).decode(),
            },
        )
        self.emitted.append(payload)
        self._last_ms = max(self._last_ms, ms)
        self.dirty = True

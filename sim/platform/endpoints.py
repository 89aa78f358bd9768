"""Endpoints: list, create, retrieve, update, delete, and their connectivity, each action
emitting what the platform emits (SIM Assigned and Released, Endpoint enabled and disabled,
Reset connectivity) through the model, which decides what follows (a disabled endpoint's
session ends: a Generic disconnect and a Delete PDP Context follow)."""

from __future__ import annotations

from collections.abc import Mapping
from sqlite3 import Row
from typing import Any

import orjson

from sim.errors import ApiError
from sim.platform import sims
from sim.platform.core import Platform, iso
from sim.platform.event_log import NEW_ENDPOINT, initial_json
from sim.platform.listing import Field, Page, listed
from sim.platform.shapes import ENDPOINT_STATUS, SIM_STATUS, connectivity_json, endpoint_json
from sim.platform.validation import flag, known_fields, reference, status_id, text
from statemachines import endpoint as endpoint_machine

FIELDS = ("name", "tags", "status", "service_profile", "tariff_profile", "ip_address",
          "ip_address_space", "sim", "imei", "imei_lock", "id", "created", "last_updated")  # fmt: skip
_STATUS_NAMES = {number: name for name, number in ENDPOINT_STATUS.items()}
_STATUS_KINDS = {endpoint_machine.ENABLED: (42, ""), endpoint_machine.DISABLED: (43, "")}
#: What lists of endpoints filter and sort by (``q``, ``sort``).
LIST_FIELDS = {
    "id": Field(lambda e: e["id"]),
    "status": Field(lambda e: e["status"]["id"]),
    "name": Field(lambda e: e["name"], text=True),
    "tags": Field(lambda e: e["tags"], text=True),
    "ip_address": Field(lambda e: e["ip_address"], text=True),
    "imei": Field(lambda e: e["imei"], text=True),
    "created": Field(lambda e: e["created"], text=True),
    "last_updated": Field(lambda e: e["last_updated"], text=True),
    "sim_status": Field(lambda e: (e["sim"] or {}).get("status", {}).get("id")),
    "iccid": Field(lambda e: (e["sim"] or {}).get("iccid"), text=True),
}


def shown(platform: Platform, row: Row) -> dict[str, Any]:
    """An endpoint as the API shows it."""
    return endpoint_json(platform.fleet, row, platform.sim_of(row["id"]), platform.names())


def listing(platform: Platform, params: Mapping[str, str]) -> tuple[list[dict[str, Any]], Page]:
    """A page of endpoints."""
    with platform.reading():
        names = platform.names()
        sims_by_endpoint = {row["endpoint"]: row for row in platform.database.rows("SELECT * FROM sim WHERE endpoint IS NOT NULL")}  # fmt: skip
        rows = platform.database.rows("SELECT * FROM endpoint WHERE deleted = 0 ORDER BY id")
        items = [endpoint_json(platform.fleet, row, sims_by_endpoint.get(row["id"]), names) for row in rows]  # fmt: skip
    return listed(items, params, LIST_FIELDS, "id")


def retrieve(platform: Platform, endpoint: int) -> dict[str, Any]:
    """One endpoint."""
    with platform.reading():
        return shown(platform, platform.endpoint_row(endpoint))


def create(platform: Platform, body: Any) -> int:
    """A new endpoint (and its SIM assigned, if it names one); its id."""
    body = known_fields(body, FIELDS, "endpoint")
    name = text(body.get("name"), "name")
    if not name:
        raise ApiError(422, "invalid_value", "name: an endpoint needs a name")
    status = _status(body.get("status", {"id": 0}))
    with platform.action() as now:
        profile = _profile(platform, "service_profile", body.get("service_profile"))
        tariff = _profile(platform, "tariff_profile", body.get("tariff_profile"))
        initial = NEW_ENDPOINT._replace(endpoint=status)
        values = {
            "organisation": profile["organisation"], "name": name,
            "tags": text(body.get("tags"), "tags"), "service_profile": profile["id"],
            "tariff_profile": tariff["id"], "ip_address": text(body.get("ip_address"), "ip_address"),
            "imei": text(body.get("imei"), "imei"),
            "imei_lock": flag(body.get("imei_lock", False), "imei_lock"),
            "created": iso(now), "last_updated": iso(now),
            "initial": initial_json(initial),
        }  # fmt: skip
        endpoint = platform.database.insert("endpoint", values)
        if values["ip_address"] is None:
            address = f"10.{endpoint >> 16 & 255}.{endpoint >> 8 & 255}.{endpoint & 255}"
            platform.database.run(
                "UPDATE endpoint SET ip_address = ? WHERE id = ?", (address, endpoint)
            )
        platform.log.provision(platform.endpoint_row(endpoint))
        if body.get("sim") is not None:
            _put_sim(platform, endpoint, body["sim"], now)
    return endpoint


def update(platform: Platform, endpoint: int, body: Any) -> None:
    """Change an endpoint: its own fields, its status, its SIM."""
    body = known_fields(body, FIELDS, "endpoint")
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        changed: dict[str, object] = {name: text(body[name], name) for name in ("name", "tags", "ip_address", "imei") if name in body}  # fmt: skip
        if "imei_lock" in body:
            changed["imei_lock"] = flag(body["imei_lock"], "imei_lock")
        for name in ("service_profile", "tariff_profile"):
            if name in body and reference(body[name], name) != row[name]:
                raise ApiError(
                    422,
                    "not_supported",
                    f"{name}: moving an endpoint to another profile is not simulated yet",
                )
        if changed.get("name", row["name"]) in ("", None):
            raise ApiError(422, "invalid_value", "name: an endpoint needs a name")
        if changed:
            assignments = ", ".join(f"{name} = ?" for name in changed)
            platform.database.run(f"UPDATE endpoint SET {assignments} WHERE id = ?", (*changed.values(), endpoint))  # fmt: skip
        if "sim" in body:
            _put_sim(platform, endpoint, body["sim"], now)
        if "status" in body:
            _set_status(platform, endpoint, _status(body["status"]), now)
        platform.database.run("UPDATE endpoint SET last_updated = ? WHERE id = ?", (iso(now), endpoint))  # fmt: skip


def delete(platform: Platform, endpoint: int) -> None:
    """Delete an endpoint; a SIM still in it is released first."""
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        if platform.sim_of(endpoint) is not None:
            _put_sim(platform, endpoint, None, now)
        platform.database.run("UPDATE endpoint SET deleted = 1, last_updated = ? WHERE id = ?", (iso(now), row["id"]))  # fmt: skip


def connectivity(platform: Platform, endpoint: int) -> dict[str, Any]:
    """Where the endpoint is registered, its data session, and the Portal's view of it."""
    with platform.reading():
        row = platform.endpoint_row(endpoint)
        registration = _last_detail(platform, endpoint, "type IN (1, 2)")
        session = _last_detail(platform, endpoint, "type = 3 AND source = 0")
        return connectivity_json(platform.fleet, row, registration, session)


def reset(platform: Platform, endpoint: int, body: Any) -> None:
    """``{"location": null}`` cancels the network registration (Reset connectivity; the
    model ends the session with it); ``{"pdp_context": null}`` closes the data session."""
    body = known_fields(body, ("location", "pdp_context"), "connectivity")
    if not body or any(value is not None for value in body.values()):
        raise ApiError(
            422,
            "invalid_value",
            'send {"location": null} or {"pdp_context": null} (or both) to reset them',
        )
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        state = platform.fleet.state(endpoint)
        if "location" in body:
            platform.log.emit((68, ""), now, row["organisation"], row,
                              description=f"Reset connectivity of endpoint {endpoint}")  # fmt: skip
        elif state.pdp == "Connected":
            platform.log.emit((5, ""), now, row["organisation"], row,
                              detail=platform.log.session_detail(endpoint))  # fmt: skip


def _status(value: Any) -> str:
    return _STATUS_NAMES[status_id(value, "status", _STATUS_NAMES)]


def _profile(platform: Platform, table: str, value: Any) -> Row:
    number = reference(value, table)
    found = platform.database.row(f"SELECT * FROM {table} WHERE id = ?", (number,))
    if found is None:
        raise ApiError(422, "invalid_value", f"{table}.id: no {table.replace('_', ' ')} {number}")
    return found


def _set_status(platform: Platform, endpoint: int, wanted: str, now: int) -> None:
    row = platform.endpoint_row(endpoint)
    if platform.fleet.state(endpoint).endpoint != wanted:
        platform.log.emit(_STATUS_KINDS[wanted], now, row["organisation"], row,
                          description=f"Status of Endpoint {endpoint} changed to {wanted}")  # fmt: skip


def _put_sim(platform: Platform, endpoint: int, value: Any, now: int) -> None:
    """Release the endpoint's SIM, put another in, or both."""
    wanted = reference(value, "sim", nullable=True)
    current = platform.sim_of(endpoint)
    if current is not None and current["id"] == wanted:
        return
    if wanted is not None:
        sim = platform.sim_row(wanted)
        if sim["endpoint"] is not None:
            raise ApiError(
                409, "sim_assigned", f"SIM {wanted} is in endpoint {sim['endpoint']} already"
            )
        if sims.status_of(platform, sim) == SIM_STATUS["Deleted"]:
            raise ApiError(422, "sim_deleted", f"SIM {wanted} is deleted")
    row = platform.endpoint_row(endpoint)
    if current is not None:
        platform.log.emit((50, ""), now, row["organisation"], row, current,
                          description=f"SIM {current['id']} released from endpoint {endpoint}")  # fmt: skip
        platform.database.run("UPDATE sim SET endpoint = NULL WHERE id = ?", (current["id"],))
    if wanted is not None:
        platform.database.run("UPDATE sim SET endpoint = ?, organisation = ? WHERE id = ?", (endpoint, row["organisation"], wanted))  # fmt: skip
        detail = {"imei": row["imei"]} if row["imei"] else None
        platform.log.emit((51, ""), now, row["organisation"], row, platform.sim_row(wanted),
                          description=f"SIM {wanted} assigned to endpoint {endpoint}", detail=detail)  # fmt: skip
        if isinstance(value, dict) and value.get("activate") is True:
            sims.set_status(platform, platform.sim_row(wanted), SIM_STATUS["Activated"], now)


def _last_detail(platform: Platform, endpoint: int, where: str) -> dict[str, Any] | None:
    found = platform.database.row(
        f"SELECT payload FROM event WHERE endpoint = ? AND {where} ORDER BY id DESC LIMIT 1",
        (endpoint,),
    )
    detail = orjson.loads(found[0]).get("detail") if found else None
    return detail if isinstance(detail, dict) else None

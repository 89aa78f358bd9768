"""SMS to and from an endpoint, and the operators it may not register on.

An SMS sent to a device (mobile terminated, ``POST /api/v1/endpoint/{id}/sms``) is delivered
at once when the model lets the device use SMS and the device is registered for it (circuit
switched: IMSI or combined attached), kept (Buffered) while it is not registered and delivered
at its next registration, and Failed when SMS service is denied (a blocked device, a used-up
SMS quota). What a device sends (``/_sim``) is listed too, as mobile originated. Neither
emits an event: the platform's catalogue has none for an SMS itself.

An operator on an endpoint's blacklist is one the device may not register on: ``/_sim``
refuses a registration there.
"""

from __future__ import annotations

from typing import Any

from sim.engine.views import sms_service
from sim.errors import ApiError
from sim.platform.core import Platform, iso
from sim.platform.shapes import operators_json
from sim.platform.validation import known_fields, text
from statemachines import network

FIELDS = ("source_address", "payload", "source_address_type", "expiry_date", "udh", "dcs")
BUFFERED, FAILED, DELIVERED = 2, 3, 4
STATUSES = {BUFFERED: "BUFFERED", FAILED: "FAILED", DELIVERED: "DELIVERED"}
MT, MO = 1, 2
TYPES = {MT: "MT", MO: "MO"}
#: Registrations that carry SMS.
CIRCUIT_SWITCHED = (network.IMSI_ATTACHED, network.COMBINED_ATTACHED)


def _status(platform: Platform, endpoint: int) -> int:
    """What becomes of an SMS to the device now."""
    state = platform.fleet.state(endpoint)
    if sms_service(state, platform.fleet.context(endpoint))[0] == "Denied":
        return FAILED
    return DELIVERED if state.network in CIRCUIT_SWITCHED else BUFFERED


def send(platform: Platform, endpoint: int, body: Any) -> None:
    """An SMS to the device."""
    body = known_fields(body, FIELDS, "sms")
    payload, source = (
        text(body.get("payload"), "payload"),
        text(body.get("source_address"), "source_address"),
    )
    if not payload or not source:
        raise ApiError(422, "invalid_value", "an SMS needs a payload and a source_address")
    with platform.action() as now:
        platform.endpoint_row(endpoint)
        status = _status(platform, endpoint)
        platform.database.insert("sms", {
            "endpoint": endpoint, "type": MT, "source_address": source, "payload": payload,
            "submitted": iso(now), "delivered": iso(now) if status == DELIVERED else None,
            "status": status,
        })  # fmt: skip


def sent_by_device(platform: Platform, endpoint: int, count: int, now: int) -> None:
    """What the device sent (inside a ``/_sim`` action), listed as mobile originated."""
    sim = platform.sim_of(endpoint)
    for _ in range(count):
        platform.database.insert("sms", {
            "endpoint": endpoint, "type": MO, "source_address": sim["msisdn"] if sim else None,
            "payload": "", "submitted": iso(now), "delivered": iso(now), "status": DELIVERED,
        })  # fmt: skip


def deliver_buffered(platform: Platform, endpoint: int, now: int) -> None:
    """The device registered: what was kept for it is delivered, if it may have SMS."""
    if _status(platform, endpoint) == DELIVERED:
        platform.database.run(
            "UPDATE sms SET status = ?, delivered = ? WHERE endpoint = ? AND status = ?",
            (DELIVERED, iso(now), endpoint, BUFFERED),
        )


def listing(platform: Platform, endpoint: int) -> list[dict[str, Any]]:
    """The endpoint's SMS, newest first."""
    with platform.reading():
        row = platform.endpoint_row(endpoint)
        sim = platform.sim_of(endpoint)
        found = platform.database.rows(
            "SELECT * FROM sms WHERE endpoint = ? ORDER BY id DESC", (endpoint,)
        )
        return [{
            "id": sms["id"], "submit_date": sms["submitted"], "delivery_date": sms["delivered"],
            "final_date": sms["delivered"], "source_address": sms["source_address"],
            "payload": sms["payload"], "endpoint": {"id": endpoint, "name": row["name"]},
            "sim_id": str(sim["id"]) if sim else None, "iccid": sim["iccid"] if sim else None,
            "msisdn": sim["msisdn"] if sim else None, "imsi": sim["imsi"] if sim else None,
            "status": {"id": sms["status"], "description": STATUSES[sms["status"]]},
            "sms_type": {"id": sms["type"], "description": TYPES[sms["type"]]},
        } for sms in found]  # fmt: skip


def blacklist(platform: Platform, endpoint: int) -> list[dict[str, Any]]:
    """The operators the endpoint may not register on."""
    with platform.reading():
        platform.endpoint_row(endpoint)
        barred = {row[0] for row in platform.database.rows("SELECT operator FROM blacklist WHERE endpoint = ?", (endpoint,))}  # fmt: skip
        return [operator for operator in operators_json() if operator["id"] in barred]


def bar(platform: Platform, endpoint: int, operator: int, barred: bool) -> None:
    """Put an operator on the endpoint's blacklist (``barred``) or take it off."""
    if operator not in {found["id"] for found in operators_json()}:
        raise ApiError(404, "not_found", f"operator {operator} not found (GET /api/v1/operator)")
    with platform.action():
        platform.endpoint_row(endpoint)
        listed = platform.database.row("SELECT 1 FROM blacklist WHERE endpoint = ? AND operator = ?", (endpoint, operator))  # fmt: skip
        if barred and listed:
            raise ApiError(
                409,
                "blacklisted",
                f"operator {operator} is in the blacklist of endpoint {endpoint} already",
            )
        if not barred and not listed:
            raise ApiError(
                404,
                "not_blacklisted",
                f"operator {operator} is not in the blacklist of endpoint {endpoint}",
            )
        if barred:
            platform.database.insert("blacklist", {"endpoint": endpoint, "operator": operator})
        else:
            platform.database.run(
                "DELETE FROM blacklist WHERE endpoint = ? AND operator = ?", (endpoint, operator)
            )


def barred(platform: Platform, endpoint: int, operator: int) -> bool:
    """Whether the endpoint may not register on the operator."""
    return platform.database.row("SELECT 1 FROM blacklist WHERE endpoint = ? AND operator = ?", (endpoint, operator)) is not None  # fmt: skip

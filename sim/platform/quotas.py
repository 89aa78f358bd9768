"""An endpoint's data and SMS quotas: assign (Data quota assigned 56, SMS quota assigned 58,
with the quota in ``detail`` as the platform writes it, in camelCase), read, delete (57, 59),
and use, which is what the network reports: Quota threshold reached (18, 20) when what is left
falls below the threshold, Quota used up (19, 21) when nothing is left. The model keeps the
quota's status (Active, Exhausted, Expired, from its expiry date on the platform's clock) and
decides what follows: a used-up Block quota ends the session.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from sqlite3 import Row
from typing import Any, NamedTuple

from sim.engine.views import quota_management_applies
from sim.errors import ApiError
from sim.platform.core import Platform, iso
from sim.platform.validation import known_fields, status_id
from statemachines import _quota

FIELDS = ("status", "volume", "expiry_date", "auto_refill", "threshold_percentage",
          "action_on_exhaustion", "peak_throughput")  # fmt: skip
#: Quota status ids of the API, by the model's state.
QUOTA_STATUS = {_quota.ACTIVE: 1, _quota.EXHAUSTED: 2, _quota.EXPIRED: 3}
ACTIONS = {1: "Block", 2: "Throttle"}
DEFAULT_THRESHOLD = 20
MAX_VOLUME = 1e9
#: An expiry date as RFC 3339 writes it: 2026-12-31T00:00:00Z, with a fraction or an offset.
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


class QuotaKind(NamedTuple):
    """Data or SMS: the model's machine, the events, how the volume is counted."""

    name: str
    #: How descriptions name it.
    label: str
    machine: str
    assigned: int
    deleted: int
    threshold: int
    used_up: int
    unit: str


DATA = QuotaKind("data", "Data", "data_quota", 56, 57, 18, 19, "MB")
SMS = QuotaKind("sms", "SMS", "sms_quota", 58, 59, 20, 21, "SMS")
KINDS = {"data": DATA, "sms": SMS}


def _number(
    body: dict[str, Any], name: str, low: float, high: float, default: float | None = None
) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ApiError(422, "invalid_value", f"{name}: expected a number from {low:g} to {high:g}")
    return float(value)


def _expiry(value: Any) -> str | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not DATE_TIME.fullmatch(value):
            raise ValueError(value)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ApiError(
            422,
            "invalid_value",
            "expiry_date: expected a date and time such as 2026-12-31T00:00:00Z",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(platform: Platform, endpoint: int, kind: QuotaKind) -> Row | None:
    return platform.database.row(
        "SELECT * FROM quota WHERE endpoint = ? AND kind = ?", (endpoint, kind.name)
    )


def assign(platform: Platform, endpoint: int, kind: QuotaKind, body: Any) -> None:
    """Give the endpoint a new quota (replacing any it has): Active, with its volume."""
    body = known_fields(body, FIELDS, f"{kind.name} quota")
    if "status" in body:
        status_id(body["status"], "status", {1: "ACTIVE"})
    volume = _number(body, "volume", 0, MAX_VOLUME)
    threshold = _number(body, "threshold_percentage", 0, 100, DEFAULT_THRESHOLD)
    action = 1
    if kind is DATA and "action_on_exhaustion" in body:
        action = status_id(body["action_on_exhaustion"], "action_on_exhaustion", ACTIONS)
    expiry = _expiry(body.get("expiry_date"))
    refill = body.get("auto_refill", False)
    if refill not in (0, 1, True, False):
        raise ApiError(422, "invalid_value", "auto_refill: expected true or false (or 0, 1)")
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        values = {"endpoint": endpoint, "kind": kind.name, "volume": volume, "used": 0.0,
                  "expiry_date": expiry, "auto_refill": int(bool(refill)), "threshold": threshold,
                  "action": action, "assigned": iso(now)}  # fmt: skip
        platform.database.run(
            "DELETE FROM quota WHERE endpoint = ? AND kind = ?", (endpoint, kind.name)
        )
        platform.database.insert("quota", values)
        action_name = ACTIONS[action]
        quota = {"status": {"id": 1, "description": "ACTIVE"}, "volume": volume,
                 "expiryDate": expiry, "lastVolumeAdded": volume,
                 "lastStatusChangeDate": iso(now)[:19] + "Z", "autoRefill": bool(refill),
                 "thresholdPercentage": threshold, "thresholdVolume": volume * threshold / 100}  # fmt: skip
        variant = ""
        if kind is DATA:
            quota["action_on_exhaustion"] = {"id": action, "description": action_name}
            variant = action_name.lower()
        until = f" until {expiry}" if expiry else ""
        refilled = "with" if refill else "without"
        text = f"{kind.label} quota assigned with volume of {volume:.6f} {kind.unit} {refilled} daily refill{until}"
        if kind is DATA:
            text += (
                f" and action on exhaustion set to {'throttling' if action == 2 else 'blocking'}"
            )
        platform.log.emit((kind.assigned, variant), now, row["organisation"], row,
                          description=text + ".", detail={"quota": quota})  # fmt: skip


def retrieve(platform: Platform, endpoint: int, kind: QuotaKind) -> dict[str, Any]:
    """The endpoint's quota: its status as the model has it, what is left of it."""
    with platform.reading():
        platform.endpoint_row(endpoint)
        row = _row(platform, endpoint, kind)
        status = getattr(platform.fleet.state(endpoint), kind.machine)
        if row is None or status not in QUOTA_STATUS:
            raise ApiError(404, "not_found", f"endpoint {endpoint} has no {kind.name} quota")
        shown: dict[str, Any] = {
            "status": {"id": QUOTA_STATUS[status], "description": status.upper()},
            "volume": max(0.0, row["volume"] - row["used"]),
            "last_volume_added": row["volume"],
            "expiry_date": row["expiry_date"],
            "auto_refill": bool(row["auto_refill"]),
            "threshold_percentage": row["threshold"],
            "threshold_volume": row["volume"] * row["threshold"] / 100,
            "last_status_change_date": row["assigned"],
        }
        if kind is DATA:
            shown["action_on_exhaustion"] = {
                "id": row["action"],
                "description": ACTIONS[row["action"]],
            }
        return shown


def delete(platform: Platform, endpoint: int, kind: QuotaKind) -> None:
    """Take the endpoint's quota away."""
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        if _row(platform, endpoint, kind) is None:
            raise ApiError(404, "not_found", f"endpoint {endpoint} has no {kind.name} quota")
        platform.database.run(
            "DELETE FROM quota WHERE endpoint = ? AND kind = ?", (endpoint, kind.name)
        )
        platform.log.emit((kind.deleted, ""), now, row["organisation"], row,
                          description=f"{kind.label} quota deleted.")  # fmt: skip


def _counting(platform: Platform, endpoint: int, kind: QuotaKind) -> Row | None:
    """The quota that counts what the device uses: one that is Active, where quota management
    applies."""
    row = _row(platform, endpoint, kind)
    state, context = platform.fleet.state(endpoint), platform.fleet.context(endpoint)
    managed = getattr(context, f"{kind.machine}_management")
    inferred = getattr(state, f"{kind.machine}_managed")
    if getattr(state, kind.machine) != _quota.ACTIVE or not quota_management_applies(
        managed, inferred
    ):
        return None
    return row


def carried(platform: Platform, endpoint: int, kind: QuotaKind, amount: float) -> float:
    """How much of ``amount`` gets through: with a Block quota, no more than is left."""
    row = _counting(platform, endpoint, kind)
    if row is None or row["action"] != 1:
        return amount
    return min(amount, float(row["volume"] - row["used"]))


def use(platform: Platform, endpoint: Row, kind: QuotaKind, amount: float, now: int) -> None:
    """``amount`` of the quota used (inside an action): the threshold and used-up events the
    network sends where quota management applies and the quota is Active."""
    row = _counting(platform, endpoint["id"], kind)
    if row is None:
        return
    threshold = row["volume"] * row["threshold"] / 100
    before = row["volume"] - row["used"]
    after = max(0.0, before - amount)
    platform.database.run(
        "UPDATE quota SET used = ? WHERE endpoint = ? AND kind = ?",
        (row["volume"] - after, endpoint["id"], kind.name),
    )
    detail = {
        "quota": {
            "volume": f"{after:.6f}",
            "threshold_percentage": row["threshold"],
            "threshold_volume": threshold,
        }
    }
    if after < threshold <= before:
        platform.log.emit(
            (kind.threshold, ""), now, endpoint["organisation"], endpoint, detail=detail
        )
    if after <= 0 < before:
        platform.log.emit(
            (kind.used_up, ""), now, endpoint["organisation"], endpoint, detail=detail
        )


def kind_of(name: str) -> QuotaKind:
    """``data`` or ``sms``, from a path."""
    found = KINDS.get(name)
    if found is None:
        raise ApiError(404, "not_found", f"no {name[:20]!r} quota: data or sms")
    return found

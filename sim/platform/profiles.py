"""Service profiles with their quota-management switches, and the organisation's status.

Switching data or SMS quota management on or off emits Data quota enabled or disabled (52,
53) or SMS quota enabled or disabled (54, 55), naming the profile in the description as the
platform does; the model applies it to every device of the profile (those without an active
data quota lose their session: the follow-ups come). The organisation's status is the
model's: Blocked by its cost limit (12, which ``/_sim`` sends), Active again with no event.
"""

from __future__ import annotations

from collections.abc import Mapping
from sqlite3 import Row
from typing import Any

from sim.errors import ApiError
from sim.platform.core import Platform
from sim.platform.listing import Field, Page, listed
from sim.platform.validation import flag, known_fields, text
from statemachines import organisation as organisation_machine
from statemachines import service_profile

FIELDS = ("name", "apply_data_quota", "apply_sms_quota")
#: switch -> (the model's machine, event when switched on, when switched off, how it is named)
SWITCHES = {
    "apply_data_quota": ("data_quota_management", 52, 53, "Data"),
    "apply_sms_quota": ("sms_quota_management", 54, 55, "SMS"),
}
LIST_FIELDS = {"id": Field(lambda p: p["id"]), "name": Field(lambda p: p["name"], text=True)}
ORGANISATION_STATUS = {organisation_machine.ACTIVE: 1, organisation_machine.BLOCKED: 2}


def shown(platform: Platform, row: Row) -> dict[str, Any]:
    """A service profile as the API shows it: the switches as the model has them."""
    organisation = platform.fleet.store.organisation(row["organisation"])
    switches = organisation.profile(row["id"])
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation": platform.organisation(row["organisation"]),
        **{
            name: switches[machine] == service_profile.ENABLED
            for name, (machine, *_) in SWITCHES.items()
        },
    }


def _row(platform: Platform, profile: int) -> Row:
    found = platform.database.row("SELECT * FROM service_profile WHERE id = ?", (profile,))
    if found is None:
        raise ApiError(404, "not_found", f"service profile {profile} not found")
    return found


def listing(platform: Platform, params: Mapping[str, str]) -> tuple[list[dict[str, Any]], Page]:
    """A page of service profiles."""
    with platform.reading():
        items = [
            shown(platform, row)
            for row in platform.database.rows("SELECT * FROM service_profile ORDER BY id")
        ]
    return listed(items, params, LIST_FIELDS, "id")


def retrieve(platform: Platform, profile: int) -> dict[str, Any]:
    """One service profile."""
    with platform.reading():
        return shown(platform, _row(platform, profile))


def create(platform: Platform, body: Any) -> int:
    """A new service profile of the account, both switches off; its id."""
    body = known_fields(body, FIELDS, "service profile")
    name = text(body.get("name"), "name")
    if not name:
        raise ApiError(422, "invalid_value", "name: a service profile needs a name")
    with platform.action() as now:
        profile = platform.database.insert(
            "service_profile", {"organisation": platform.account(), "name": name}
        )
        _switch(platform, _row(platform, profile), body, now)
    return profile


def update(platform: Platform, profile: int, body: Any) -> None:
    """Rename a service profile or switch its quota management on or off."""
    body = known_fields(body, FIELDS, "service profile")
    with platform.action() as now:
        _row(platform, profile)
        if "name" in body:
            name = text(body["name"], "name")
            if not name:
                raise ApiError(422, "invalid_value", "name: a service profile needs a name")
            platform.database.run(
                "UPDATE service_profile SET name = ? WHERE id = ?", (name, profile)
            )
        _switch(platform, _row(platform, profile), body, now)


def _switch(platform: Platform, row: Row, body: dict[str, Any], now: int) -> None:
    switches = platform.fleet.store.organisation(row["organisation"]).profile(row["id"])
    for name, (machine, on, off, label) in SWITCHES.items():
        if name not in body:
            continue
        wanted = flag(body[name], name)
        if (switches[machine] == service_profile.ENABLED) == wanted:
            continue
        verb = "enabled" if wanted else "disabled"
        description = f"{label} quota management {verb} for service profile (id = {row['id']} - {row['name']})."
        platform.log.emit(
            (on if wanted else off, ""),
            now,
            row["organisation"],
            service_profile=row["id"],
            description=description,
        )


def organisation(platform: Platform) -> dict[str, Any]:
    """The account's organisation, with its status as the model has it."""
    with platform.reading():
        number = platform.account()
        status = platform.fleet.store.organisation(number).organisation
        found = platform.organisation(number) or {"id": number, "name": ""}
        return {**found, "status": {"id": ORGANISATION_STATUS[status], "description": status}}

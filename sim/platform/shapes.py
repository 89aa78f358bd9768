"""What the local platform answers, in the shapes of the emnify REST API: endpoints, SIMs,
connectivity, operators, and the status objects they carry.

Statuses are read from the model (``describe``), never stored: an endpoint's status is its
``endpoint`` machine, a SIM's its ``sim`` machine (the endpoint's while the SIM is in one, its
own while loose), the connectivity the Portal's view.
"""

from __future__ import annotations

from sqlite3 import Row
from typing import Any, NamedTuple

from sim.engine.fleet import Fleet
from sim.engine.state import LOOSE_SIM, DeviceState
from sim.traffic.payloads import NETWORKS
from statemachines import endpoint as endpoint_machine
from statemachines import network
from statemachines import sim as sim_machine

#: Endpoint status ids of the API.
ENDPOINT_STATUS = {endpoint_machine.ENABLED: 0, endpoint_machine.DISABLED: 1}
DELETED_ENDPOINT = 2
#: SIM status ids of the API.
SIM_STATUS = {sim_machine.ISSUED: 0, sim_machine.ACTIVATED: 1, sim_machine.SUSPENDED: 2,
              sim_machine.DELETED: 3, sim_machine.FACTORY_TEST: 4}  # fmt: skip
SIM_STATUS_NAMES = {number: name for name, number in SIM_STATUS.items()}
#: Connectivity status ids of the API, by the Portal's view.
CONNECTIVITY = {"Attached": 0, "Online": 1, "Offline": 2, "Blocked": 3}
#: The network services a registration gives.
SERVICES = {network.DETACHED: [], network.IMSI_ATTACHED: ["CS"],
            network.GPRS_ATTACHED: ["GPRS"], network.COMBINED_ATTACHED: ["CS", "GPRS"]}  # fmt: skip
ISSUER = {"id": 1, "name": "emnify (devicesim)"}
SIM_MODEL = {"id": 1, "description": "devicesim SIM", "memory_size": 128,
             "formfactor": {"id": 1, "name": "3-in-1"}, "manufacturer": {"id": 1, "name": "devicesim"}}  # fmt: skip


class Names(NamedTuple):
    """The names of profiles, by id, that endpoints are shown with."""

    service_profiles: dict[int, str]
    tariff_profiles: dict[int, str]


def status(number: int, description: str) -> dict[str, Any]:
    """A status object: ``{"id": 1, "description": "Activated"}``."""
    return {"id": number, "description": description}


def sim_state(fleet: Fleet, sim: Row) -> DeviceState:
    """The state holding a SIM's status: its endpoint's, or its own while it is in none."""
    if sim["endpoint"] is not None:
        return fleet.state(sim["endpoint"])
    key = f"sim:{sim['id']}"
    return fleet.state(key) if key in fleet else LOOSE_SIM


def sim_status(fleet: Fleet, sim: Row) -> dict[str, Any]:
    """A SIM's status object."""
    name = sim_state(fleet, sim).sim
    return status(SIM_STATUS[name], name)


def endpoint_status(fleet: Fleet, endpoint: Row) -> dict[str, Any]:
    """An endpoint's status object."""
    if endpoint["deleted"]:
        return status(DELETED_ENDPOINT, "Deleted")
    name = fleet.state(endpoint["id"]).endpoint
    return status(ENDPOINT_STATUS[name], name)


def endpoint_json(fleet: Fleet, endpoint: Row, sim: Row | None, names: Names) -> dict[str, Any]:
    """An endpoint as the API lists and retrieves it."""
    return {
        "id": endpoint["id"],
        "name": endpoint["name"],
        "tags": endpoint["tags"],
        "created": endpoint["created"],
        "last_updated": endpoint["last_updated"],
        "status": endpoint_status(fleet, endpoint),
        "service_profile": {"id": endpoint["service_profile"],
                            "name": names.service_profiles.get(endpoint["service_profile"])},
        "tariff_profile": {"id": endpoint["tariff_profile"],
                           "name": names.tariff_profiles.get(endpoint["tariff_profile"])},
        "ip_address": endpoint["ip_address"],
        "ip_address_space": {"id": 1},
        "sim": None if sim is None else {
            "id": sim["id"], "iccid": sim["iccid"], "imsi": sim["imsi"], "msisdn": sim["msisdn"],
            "status": sim_status(fleet, sim)},
        "imei": endpoint["imei"],
        "imei_lock": bool(endpoint["imei_lock"]),
    }  # fmt: skip


def sim_json(
    fleet: Fleet, sim: Row, endpoint: Row | None, organisation: dict[str, Any] | None
) -> dict[str, Any]:
    """A SIM as the API lists and retrieves it."""
    return {
        "id": sim["id"],
        "iccid": sim["iccid"],
        "imsi": sim["imsi"],
        "msisdn": sim["msisdn"],
        "production_date": sim["production_date"],
        "activation_date": sim["activation_date"],
        "status": sim_status(fleet, sim),
        "issuer_org": ISSUER,
        "customer_org": organisation,
        "reseller_org": None,
        "model": SIM_MODEL,
        "endpoint": None if endpoint is None else {
            "id": endpoint["id"], "name": endpoint["name"], "imei": endpoint["imei"],
            "imei_lock": bool(endpoint["imei_lock"]), "created": endpoint["created"],
            "last_updated": endpoint["last_updated"], "organisation_id": endpoint["organisation"],
            "service_profile_id": endpoint["service_profile"],
            "tariff_profile_id": endpoint["tariff_profile"], "tags": endpoint["tags"],
            "ip_address": endpoint["ip_address"]},
    }  # fmt: skip


def connectivity_json(
    fleet: Fleet, endpoint: Row, registration: dict[str, Any] | None, session: dict[str, Any] | None
) -> dict[str, Any]:
    """An endpoint's connectivity as the API reports it: the Portal's view as a status
    (ATTACHED, ONLINE, OFFLINE, BLOCKED), where it is registered, its data session, and the
    services its registration gives. ``registration`` and ``session`` are the ``detail`` of
    the events that made them, while they hold."""
    device = fleet.device(endpoint["id"])
    view = device["connectivity"]
    state = fleet.state(endpoint["id"])
    location = None
    if state.network != network.DETACHED:
        detail = registration or {}
        location = {"operator": {"name": detail.get("name")}, "country": detail.get("country")}
    context = None
    if session is not None and device["pdp"] == "Connected":
        context = session.get("pdp_context")
    return {
        "status": status(CONNECTIVITY[view], view.upper()),
        "location": location,
        "pdp_context": context,
        "services": SERVICES[state.network],
    }


def operators_json() -> list[dict[str, Any]]:
    """The operators devices register on (the networks the traffic generator uses too)."""
    return [
        {"id": number, "name": operator,
         "country": {"id": number, "name": country, "mcc": mcc, "country_code": code, "iso_code": iso},
         "tapcode": [{"id": number, "tapcode": f"{iso.upper()}XX{number}"}],
         "mnc": [{"id": number, "mnc": f"{number:02d}"}]}
        for number, (country, mcc, code, iso, operator) in enumerate(NETWORKS, start=1)
    ]  # fmt: skip

"""What a new database starts with: the account (one organisation, its service and tariff
profile) and, with ``--seed-fleet N``, N devices in service, each with an activated SIM in
it, plus a batch of SIMs not registered yet, for trying SIM registration by BIC.

Seeded devices were in service before the platform's history starts: no events are made for
them, and the model knows them as in service (``DeviceState()``) from the first moment.
"""

from __future__ import annotations

from sim.engine.state import DeviceState
from sim.platform.core import Platform, iso
from sim.platform.event_log import initial_json

ORGANISATION = 1
SERVICE_PROFILE = 1
TARIFF_PROFILE = 1
#: The BIC of the seeded batch of SIMs that are not registered yet, and its size.
SPARE_BIC = "DEVICESIM0001"
SPARE_SIMS = 10


def sim_values(number: int, bic: str, ms: int) -> dict[str, object]:
    """A SIM's row: ICCID, IMSI and MSISDN made from its number."""
    return {"id": number, "iccid": f"8988303{number:012d}", "imsi": f"901430{number:09d}",
            "msisdn": f"88234{number:08d}", "bic": bic, "production_date": iso(ms)}  # fmt: skip


def seed(platform: Platform, devices: int) -> bool:
    """Fill an empty database: the account, and ``devices`` in-service devices. A database
    that holds anything already is left as it is (False)."""
    database = platform.database
    if not database.empty():
        return False
    in_service = initial_json(DeviceState())
    with platform.action() as now:
        created = iso(now)
        database.insert("organisation", {"id": ORGANISATION, "name": "devicesim organisation"})
        database.insert("service_profile", {"id": SERVICE_PROFILE, "organisation": ORGANISATION,
                                            "name": "Default service profile"})  # fmt: skip
        database.insert("tariff_profile", {"id": TARIFF_PROFILE, "organisation": ORGANISATION,
                                           "name": "Default tariff profile"})  # fmt: skip
        for number in range(1, devices + 1):
            endpoint = database.insert("endpoint", {
                "organisation": ORGANISATION, "name": f"device-{number:06d}", "tags": "seeded",
                "service_profile": SERVICE_PROFILE, "tariff_profile": TARIFF_PROFILE,
                "ip_address": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}",
                "imei": f"35{number:013d}", "created": created, "last_updated": created,
                "initial": in_service,
            })  # fmt: skip
            values = sim_values(number, "SEEDED", now)
            database.insert("sim", {**values, "organisation": ORGANISATION, "endpoint": endpoint,
                                    "activation_date": created})  # fmt: skip
            platform.log.provision(platform.endpoint_row(endpoint))
        for number in range(devices + 1, devices + SPARE_SIMS + 1):
            database.insert("sim", sim_values(number, SPARE_BIC, now))
    return True

"""SIMs: list, retrieve, change status, and register a batch by its BIC.

A status change is asked of the model first: the ``sim`` machine says which moves the platform
allows (Issued to Activated or Factory Test, Activated and Suspended back and forth, Deleted
for good), and anything else is a 422 naming both statuses. An allowed change emits SIM
activation (8), suspension (9), factory test (45) or deletion (10), with the transition in its
``detail``; the model's rules do the rest (a suspended SIM's session ends: a Delete PDP Context
follows).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from sqlite3 import Row
from typing import Any

from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.errors import ApiError
from sim.platform.core import Platform, iso
from sim.platform.listing import Field, Page, listed
from sim.platform.shapes import SIM_STATUS, SIM_STATUS_NAMES, sim_json, sim_state
from sim.platform.validation import known_fields, status_id
from statemachines import sim as sim_machine

#: What a customer may change of a SIM: its status (its organisations are the platform's).
FIELDS = ("status",)
_KINDS = {sim_machine.ACTIVATED: (8, ""), sim_machine.SUSPENDED: (9, ""),
          sim_machine.FACTORY_TEST: (45, ""), sim_machine.DELETED: (10, ""),
          sim_machine.ISSUED: (44, "")}  # fmt: skip
#: What lists of SIMs filter and sort by (``q``, ``sort``; the SDK sends sort names in capitals).
LIST_FIELDS = {
    "id": Field(lambda s: s["id"]),
    "iccid": Field(lambda s: s["iccid"], text=True),
    "imsi": Field(lambda s: s["imsi"], text=True),
    "msisdn": Field(lambda s: s["msisdn"], text=True),
    "status": Field(lambda s: s["status"]["id"]),
    "endpoint": Field(lambda s: (s["endpoint"] or {}).get("id")),
    "customer_org": Field(lambda s: (s["customer_org"] or {}).get("id")),
    "issuer_org": Field(lambda s: s["issuer_org"]["id"]),
    "reseller_org": Field(lambda s: None),
    "production_date": Field(lambda s: s["production_date"], text=True),
    "model": Field(lambda s: s["model"]["id"]),
}


def shown(platform: Platform, sim: Row) -> dict[str, Any]:
    """A SIM as the API shows it."""
    endpoint = None
    if sim["endpoint"] is not None:
        endpoint = platform.database.row("SELECT * FROM endpoint WHERE id = ?", (sim["endpoint"],))
    return sim_json(platform.fleet, sim, endpoint, platform.organisation(sim["organisation"]))


def listing(platform: Platform, params: Mapping[str, str]) -> tuple[list[dict[str, Any]], Page]:
    """A page of SIMs."""
    with platform.reading():
        rows = platform.database.rows(
            "SELECT * FROM sim WHERE organisation IS NOT NULL ORDER BY id"
        )
        items = [shown(platform, row) for row in rows]
    fields = {**LIST_FIELDS, "customer_prg": LIST_FIELDS["customer_org"]}
    return listed(items, params, fields, "id")


def retrieve(platform: Platform, sim: int) -> dict[str, Any]:
    """One SIM."""
    with platform.reading():
        return shown(platform, platform.sim_row(sim))


def update(platform: Platform, sim: int, body: Any) -> None:
    """Change a SIM's status."""
    body = known_fields(body, FIELDS, "sim")
    with platform.action() as now:
        row = platform.sim_row(sim)
        if "status" in body:
            set_status(platform, row, status_id(body["status"], "status", SIM_STATUS_NAMES), now)


def status_of(platform: Platform, sim: Row) -> int:
    """A SIM's status id, as the model has it."""
    return SIM_STATUS[sim_state(platform.fleet, sim).sim]


def set_status(platform: Platform, sim: Row, wanted: int, now: int) -> None:
    """Move a SIM to status ``wanted`` if the platform allows it; 422 if not."""
    key = _model_key(platform, sim)
    source, target = platform.fleet.state(key).sim, SIM_STATUS_NAMES[wanted]
    if source == target:
        return
    step = platform.fleet.preview(key, _KINDS[target])
    refused = step.outcome in (INCONSISTENT, INVALID) or target == sim_machine.ISSUED
    if target == sim_machine.DELETED and sim["endpoint"] is not None:
        refused = True
    if refused:
        why = f"; release it from endpoint {sim['endpoint']} first" if sim["endpoint"] is not None and target == sim_machine.DELETED else ""  # fmt: skip
        raise ApiError(
            422,
            "invalid_status_change",
            f"SIM {sim['id']} cannot change from {source} to {target}{why}",
        )
    endpoint = None
    if sim["endpoint"] is not None:
        endpoint = platform.endpoint_row(sim["endpoint"])
    transition = {"sim": {"status": {"from": {"id": SIM_STATUS[source], "description": source.upper()},
                                     "to": {"id": wanted, "description": target.upper()}}}}  # fmt: skip
    organisation = sim["organisation"] or platform.account()
    platform.log.emit(_KINDS[target], now, organisation, endpoint, sim,
                      description=f"Status of SIM changed from '{source}' to '{target}'",
                      detail={"transition": transition})  # fmt: skip
    if target == sim_machine.ACTIVATED and sim["activation_date"] is None:
        platform.database.run(
            "UPDATE sim SET activation_date = ? WHERE id = ?", (iso(now), sim["id"])
        )


def _model_key(platform: Platform, sim: Row) -> Hashable:
    """Where the model keeps a SIM's status: in its endpoint, or (loose) its own, made known
    to the model as a loose SIM the first event about it would make it."""
    if sim["endpoint"] is not None:
        return int(sim["endpoint"])
    key = f"sim:{sim['id']}"
    if key not in platform.fleet:
        platform.fleet.store.new_device(key, sim["organisation"], sim["id"])
    return key


def register_batch(platform: Platform, bic: str, body: Any) -> list[dict[str, Any]]:
    """Register the SIMs of a batch (by its BIC) to the organisation, in the status the body
    names (the SDK sends Activated): SIM registration (48), then each SIM's status change."""
    wanted = status_id(body, "status", SIM_STATUS_NAMES)
    with platform.action() as now:
        rows = platform.database.rows("SELECT * FROM sim WHERE bic = ? ORDER BY id", (bic,))
        if not rows:
            raise ApiError(404, "not_found", f"no SIM batch with BIC {bic[:40]!r}")
        if all(row["organisation"] is not None for row in rows):
            raise ApiError(
                409, "registered", f"the SIM batch with BIC {bic[:40]!r} is registered already"
            )
        organisation = platform.account()
        for row in rows:
            platform.database.run(
                "UPDATE sim SET organisation = ? WHERE id = ?", (organisation, row["id"])
            )
        rows = platform.database.rows("SELECT * FROM sim WHERE bic = ? ORDER BY id", (bic,))
        detail = {"sim_batch": {"id": rows[0]["id"], "batch_size": len(rows),
                                "first_iccid": rows[0]["iccid"], "last_iccid": rows[-1]["iccid"]}}  # fmt: skip
        platform.log.emit((48, ""), now, organisation, None, rows[0],
                          description=f"Batch of {len(rows)} SIM(s) registered.", detail=detail)  # fmt: skip
        for row in rows:
            set_status(platform, row, wanted, now)
        return [shown(platform, platform.sim_row(row["id"])) for row in rows]

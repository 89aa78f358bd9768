"""One documented example per event type: the state it starts from and the state it leaves.

Together with test_examples (the real payloads) this pins down what every id of the catalogue
does. Device events start from the default in-service device unless a setup is given.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ENDPOINT, ORGANISATION, Clock, fleet_with

from sim.events.catalogue import CATALOGUE

ONLINE = {"network": "Combined Attached", "pdp": "Connected"}
QUOTA = {"data_quota": "Active"}

# (type id, variant, device setup, expected device states after, outcome)
DEVICE_CASES: list[tuple[int, str, dict[str, Any], dict[str, str], str]] = [
    (0, "disconnect", ONLINE, {"pdp": "Disconnected", "connectivity": "Attached"}, "applied"),
    (0, "notice", ONLINE, {"pdp": "Connected"}, "recorded"),
    (1, "", {}, {"network": "IMSI Attached", "connectivity": "Attached"}, "applied"),
    (1, "", {"network": "GPRS Attached"}, {"network": "Combined Attached"}, "applied"),
    (1, "", {"network": "IMSI Attached"}, {"network": "IMSI Attached"}, "unchanged"),
    (1, "", {"sim": "Suspended"}, {"network": "IMSI Attached", "sim": "Activated"}, "inconsistent"),
    (1, "rejected", {}, {"network": "Detached", "connectivity": "Offline"}, "rejected"),
    (
        1,
        "",
        {"network": "Combined Attached", "portal_offline": True},
        {"network": "Combined Attached", "portal_offline": "false", "connectivity": "Attached"},
        "applied",
    ),
    (2, "", {}, {"network": "GPRS Attached"}, "applied"),
    (2, "rejected", {"network": "IMSI Attached"}, {"network": "IMSI Attached"}, "rejected"),
    (
        3,
        "accepted",
        {"network": "GPRS Attached"},
        {"pdp": "Connected", "connectivity": "Online"},
        "applied",
    ),
    (3, "accepted", {}, {"pdp": "Connected", "network": "GPRS Attached"}, "inconsistent"),
    (
        3,
        "accepted",
        {"network": "GPRS Attached", "imei_locked": True, "portal_offline": True},
        {"imei_locked": "false", "portal_offline": "false", "connectivity": "Online"},
        "applied",
    ),
    (
        3,
        "rejected:imei_lock",
        {"network": "GPRS Attached"},
        {"imei_locked": "true", "connectivity": "Blocked", "data_service": "Allowed"},
        "rejected",
    ),
    (
        3,
        "rejected:sim_not_activated",
        {"network": "GPRS Attached"},
        {"pdp": "Disconnected"},
        "rejected",
    ),
    (4, "", ONLINE, {"pdp": "Connected"}, "unchanged"),
    (4, "", {}, {"pdp": "Disconnected"}, "inconsistent"),
    (5, "", ONLINE, {"pdp": "Disconnected", "connectivity": "Attached"}, "applied"),
    (5, "", {}, {"pdp": "Disconnected"}, "unchanged"),
    (8, "", {"sim": "Issued"}, {"sim": "Activated"}, "applied"),
    (8, "", {"sim": "Deleted", "sim_assignment": "Unassigned"}, {"sim": "Deleted"}, "inconsistent"),
    (
        9,
        "",
        ONLINE,
        {
            "sim": "Suspended",
            "pdp": "Disconnected",
            "network": "Detached",
            "connectivity": "Blocked",
        },
        "applied",
    ),
    (10, "", {"sim_assignment": "Unassigned"}, {"sim": "Deleted"}, "applied"),
    (10, "", {}, {"sim": "Deleted"}, "inconsistent"),  # lenient: followed, with a warning
    (
        11,
        "",
        ONLINE,
        {
            "policy": "Blocked",
            "pdp": "Disconnected",
            "network": "Detached",
            "connectivity": "Blocked",
        },
        "applied",
    ),
    (15, "", {"network": "Combined Attached"}, {"network": "GPRS Attached"}, "applied"),
    (16, "", ONLINE, {"network": "IMSI Attached", "pdp": "Disconnected"}, "applied"),
    (18, "", QUOTA, {"data_quota": "Active", "data_service": "Allowed"}, "unchanged"),
    (18, "", {}, {"data_quota": "Active"}, "inconsistent"),
    (
        19,
        "",
        {**ONLINE, **QUOTA},
        {"data_quota": "Exhausted", "pdp": "Disconnected", "data_service": "Denied"},
        "applied",
    ),
    (
        20,
        "",
        {"sms_quota": "Active"},
        {"sms_quota": "Active", "sms_service": "Allowed"},
        "unchanged",
    ),
    (
        21,
        "",
        {"sms_quota": "Active"},
        {"sms_quota": "Exhausted", "sms_service": "Denied"},
        "applied",
    ),
    (
        42,
        "",
        {"endpoint": "Disabled"},
        {"endpoint": "Enabled", "connectivity": "Offline"},
        "applied",
    ),
    (
        43,
        "",
        ONLINE,
        {"endpoint": "Disabled", "pdp": "Disconnected", "connectivity": "Blocked"},
        "applied",
    ),
    (44, "", {}, {"sim": "Issued", "connectivity": "Blocked"}, "applied"),
    (45, "", {"sim": "Issued"}, {"sim": "Factory Test", "connectivity": "Offline"}, "applied"),
    (45, "", {}, {"sim": "Factory Test"}, "inconsistent"),
    (48, "", {"sim": "Issued"}, {"sim": "Issued"}, "unchanged"),
    (
        49,
        "",
        {"network": "GPRS Attached"},
        {"network": "GPRS Attached", "portal_offline": "true", "connectivity": "Offline"},
        "applied",
    ),
    (49, "", {"portal_offline": True}, {"pdp": "Disconnected"}, "unchanged"),
    (49, "", ONLINE, {"pdp": "Disconnected"}, "inconsistent"),
    (
        50,
        "",
        ONLINE,
        {"sim_assignment": "Unassigned", "pdp": "Disconnected", "network": "Detached"},
        "applied",
    ),
    (51, "", {"sim_assignment": "Unassigned"}, {"sim_assignment": "Assigned"}, "applied"),
    (51, "", {}, {"sim_assignment": "Assigned"}, "inconsistent"),
    (
        51,
        "",
        {"sim": "Deleted", "sim_assignment": "Unassigned"},
        {"sim": "Deleted", "sim_assignment": "Unassigned"},
        "inconsistent",
    ),
    (56, "block", {}, {"data_quota": "Active", "data_quota_action": "Block"}, "applied"),
    (56, "throttle", {}, {"data_quota": "Active", "data_quota_action": "Throttle"}, "applied"),
    (57, "", QUOTA, {"data_quota": "None"}, "applied"),
    (58, "", {}, {"sms_quota": "Active"}, "applied"),
    (59, "", {"sms_quota": "Active"}, {"sms_quota": "None"}, "applied"),
    (60, "", QUOTA, {"data_quota": "Expired"}, "applied"),
    (61, "", {"sms_quota": "Active"}, {"sms_quota": "Expired"}, "applied"),
    (
        68,
        "",
        ONLINE,
        {"network": "Detached", "pdp": "Disconnected", "connectivity": "Offline"},
        "applied",
    ),
    (
        69,
        "",
        ONLINE,
        {"sim": "Suspended", "pdp": "Disconnected", "connectivity": "Blocked"},
        "applied",
    ),
    (69, "", {"sim": "Issued"}, {"sim": "Issued"}, "unchanged"),
]

# (type id, organisation-level machine, subject, state before, state after, outcome)
ORGANISATION_CASES: list[tuple[int, str, str | None, str | None, str, str]] = [
    (12, "organisation", None, None, "Blocked", "applied"),
    (22, "cloudconnect", "385", None, "Resource Share Created", "applied"),
    (23, "cloudconnect", "385", "Resource Share Created", "Available", "applied"),
    (27, "cloudconnect", "385", "Available", "Available", "unchanged"),
    (25, "cloudconnect", "385", "Available", "Terminated", "applied"),
    (26, "cloudconnect", "385", "Available", "Terminated", "applied"),
    (23, "cloudconnect", "385", "Terminated", "Terminated", "inconsistent"),
    (30, "openvpn", "alice@example.com", None, "Authenticated", "applied"),
    (28, "openvpn", "alice@example.com", "Authenticated", "Connected", "applied"),
    (28, "openvpn", "alice@example.com", None, "Connected", "inconsistent"),
    (29, "openvpn", "alice@example.com", "Connected", "Disconnected", "applied"),
    (36, "user", "alice@example.com", None, "Invited", "applied"),
    (40, "user", "alice@example.com", "Invited", "Verification Requested", "applied"),
    (41, "user", "alice@example.com", "Verification Requested", "Verified", "applied"),
    (46, "user", "alice@example.com", "Verified", "Deleted", "applied"),
    (41, "user", "alice@example.com", "Deleted", "Deleted", "inconsistent"),
]
AUDIT_TYPES = [6, 7, 13, 14, 17, 31, 32, 33, 34, 37, 38, 39, 67]
PROFILE_TYPES = [
    (52, "data_quota_management", "Enabled"),
    (53, "data_quota_management", "Disabled"),
    (54, "sms_quota_management", "Enabled"),
    (55, "sms_quota_management", "Disabled"),
]


def test_every_type_has_an_example() -> None:
    covered = (
        {c[0] for c in DEVICE_CASES}
        | {c[0] for c in ORGANISATION_CASES}
        | set(AUDIT_TYPES)
        | {c[0] for c in PROFILE_TYPES}
    )
    assert covered == set(CATALOGUE)


@pytest.mark.parametrize(
    ("type_id", "variant", "setup", "after", "outcome"),
    DEVICE_CASES,
    ids=lambda v: str(v) if isinstance(v, int) else None,
)
def test_device_event(
    type_id: int, variant: str, setup: dict[str, Any], after: dict[str, str], outcome: str
) -> None:
    fleet = fleet_with(setup)
    entry = fleet.apply(Clock().event(type_id, variant))
    assert entry.outcome == outcome, entry
    assert {k: fleet.value(ENDPOINT, k) for k in after} == after
    if outcome == "inconsistent":
        assert entry.warnings, "an inconsistent event names the broken rule"


def test_strict_mode_leaves_the_device_as_it_was() -> None:
    fleet = fleet_with({"sim_assignment": "Assigned"}, lenient=False)
    entry = fleet.apply(Clock().event(10))
    assert entry.outcome == "inconsistent"
    assert entry.warnings == (
        "a SIM still assigned to an endpoint cannot be deleted: the SIM is still assigned",
    )
    assert fleet.device(ENDPOINT)["sim"] == "Activated"


@pytest.mark.parametrize(
    ("type_id", "machine", "subject", "before", "after", "outcome"), ORGANISATION_CASES
)
def test_organisation_event(
    type_id: int, machine: str, subject: str | None, before: str | None, after: str, outcome: str
) -> None:
    fleet = fleet_with()
    org = fleet.organisations[ORGANISATION]
    if before is not None:
        org.entities.setdefault(machine, {})[subject or ""] = before
    entry = fleet.apply(Clock().event(type_id, endpoint=None, subject=subject))
    assert entry.outcome == outcome, entry
    now = org.organisation if machine == "organisation" else org.entities[machine][subject or ""]
    assert now == after


@pytest.mark.parametrize("type_id", AUDIT_TYPES)
def test_audit_event_is_recorded_and_counted(type_id: int) -> None:
    fleet = fleet_with()
    entry = fleet.apply(Clock().event(type_id, endpoint=None))
    assert entry.outcome == "recorded"
    assert fleet.organisations[ORGANISATION].audit == {CATALOGUE[type_id].name: 1}


@pytest.mark.parametrize(("type_id", "machine", "after"), PROFILE_TYPES)
def test_service_profile_event(type_id: int, machine: str, after: str) -> None:
    fleet = fleet_with(profile={machine: "Enabled" if after == "Disabled" else "Disabled"})
    entry = fleet.apply(Clock().event(type_id, endpoint=None, service_profile=7))
    assert entry.outcome == "applied"
    assert fleet.organisations[ORGANISATION].service_profiles[7][machine] == after

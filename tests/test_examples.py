"""Every real payload parses and lands in the machine its event drives.

Each example is applied to a device set up so that the event is possible (a threshold event
needs an Active quota), and the test checks the machine (or the audit trail) it reaches.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from sim import Fleet, initial_state, parse_event

EXAMPLES = sorted(p for p in (DATA / "events").glob("*.json") if not p.name.startswith("_"))
ONLINE = {"network": "Combined Attached", "pdp": "Connected"}
AUDIT = {"06", "13", "14", "17", "31", "32", "33", "34", "37", "38", "39", "67"}

# type id (or file stem prefix) -> (device setup, machine, expected state, expected outcome)
LANDS: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "00_disabled": (ONLINE, "pdp", "Disconnected", "applied"),
    "00_generic": (ONLINE, "pdp", "Disconnected", "applied"),
    "00_sms": ({}, "pdp", "Disconnected", "recorded"),  # a notice: no state effect
    "01": ({}, "network", "IMSI Attached", "applied"),
    "02": ({}, "network", "GPRS Attached", "applied"),
    "03_create-pdp-context_1nce": ({"network": "GPRS Attached"}, "pdp", "Connected", "applied"),
    "03_create-pdp-context_emnify_accepted": (
        {"network": "GPRS Attached"},
        "pdp",
        "Connected",
        "applied",
    ),
    "03_create-pdp-context_emnify_rejected": (
        {"network": "GPRS Attached"},
        "pdp",
        "Disconnected",
        "rejected",
    ),
    "05": (ONLINE, "pdp", "Disconnected", "applied"),
    "08_sim-activation_emnify_factory": ({"sim": "Factory Test"}, "sim", "Activated", "applied"),
    "08": ({"sim": "Suspended"}, "sim", "Activated", "applied"),
    "09": ({}, "sim", "Suspended", "applied"),
    "11": ({}, "policy", "Blocked", "applied"),
    "12": ({}, "organisation", "Blocked", "applied"),
    "15": ({"network": "IMSI Attached"}, "network", "Detached", "applied"),
    "16": ({"network": "GPRS Attached"}, "network", "Detached", "applied"),
    "18": ({"data_quota": "Active"}, "data_quota", "Active", "unchanged"),
    "19": ({"data_quota": "Active"}, "data_quota", "Exhausted", "applied"),
    "20": ({"sms_quota": "Active"}, "sms_quota", "Active", "unchanged"),
    "21": ({"sms_quota": "Active"}, "sms_quota", "Exhausted", "applied"),
    "22": ({}, "cloudconnect", "Resource Share Created", "applied"),
    "23": ({}, "cloudconnect", "Available", "applied"),
    "25": ({}, "cloudconnect", "Terminated", "applied"),
    "30": ({}, "openvpn", "Authenticated", "applied"),
    "36": ({}, "user", "Invited", "applied"),
    "40": ({}, "user", "Verification Requested", "applied"),
    "41": ({}, "user", "Verified", "applied"),
    "42": ({"endpoint": "Disabled"}, "endpoint", "Enabled", "applied"),
    "43": ({}, "endpoint", "Disabled", "applied"),
    "45": ({"sim": "Issued"}, "sim", "Factory Test", "applied"),
    "46": ({}, "user", "Deleted", "applied"),
    "48": ({}, "sim", "Issued", "unchanged"),  # names a SIM, no endpoint: a SIM-only device
    "50": ({}, "sim_assignment", "Unassigned", "applied"),
    "51": ({"sim_assignment": "Unassigned"}, "sim_assignment", "Assigned", "applied"),
    "52": ({}, "data_quota_management", "Enabled", "applied"),
    "53": ({}, "data_quota_management", "Disabled", "unchanged"),
    "54": ({}, "sms_quota_management", "Enabled", "applied"),
    "55": ({}, "sms_quota_management", "Disabled", "unchanged"),
    "56": ({}, "data_quota", "Active", "applied"),
    "57": ({"data_quota": "Active"}, "data_quota", "None", "applied"),
    "58": ({}, "sms_quota", "Active", "applied"),
    "59": ({"sms_quota": "Active"}, "sms_quota", "None", "applied"),
    "60": ({"data_quota": "Active"}, "data_quota", "Expired", "applied"),
}


def _expectation(path: Path) -> tuple[dict[str, Any], str, str, str]:
    if path.name[:2] in AUDIT:
        return {}, "audit", "", "recorded"
    for prefix in sorted(LANDS, key=len, reverse=True):
        if path.stem.startswith(prefix):
            return LANDS[prefix]
    raise AssertionError(f"no expectation for {path.name}")


def _landed(fleet: Fleet, event: Any, machine: str) -> str:
    org = fleet.organisations[event.organisation]
    if machine == "organisation":
        return org.organisation
    if machine in ("data_quota_management", "sms_quota_management"):
        return org.service_profiles[event.service_profile][machine]
    if machine in ("cloudconnect", "openvpn", "user"):
        return org.entities[machine][event.subject]
    return fleet.device(event.endpoint if event.endpoint is not None else f"sim:{event.sim}")[
        machine
    ]


def test_every_example_file_has_an_expectation() -> None:
    assert len(EXAMPLES) == 86
    for path in EXAMPLES:
        _expectation(path)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_parses_and_lands_in_its_machine(path: Path) -> None:
    raw = json.loads(path.read_text())
    event = parse_event(raw)
    assert event.raw == raw  # every field kept, extras included
    setup, machine, expected, outcome = _expectation(path)
    devices = (
        {event.endpoint: {"organisation": event.organisation, "state": setup}}
        if event.endpoint
        else {}
    )
    fleet = Fleet(initial_state({"devices": devices}), trace=True)
    entry = fleet.apply(raw)
    assert entry.outcome == outcome, entry
    if machine == "audit":
        assert sum(fleet.organisations[event.organisation].audit.values()) == 1
    else:
        assert _landed(fleet, event, machine) == expected

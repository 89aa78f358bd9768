"""The documented platform sequences, fan-out to devices, and the virtual clock's timers."""

from __future__ import annotations

import pytest
from conftest import ENDPOINT, ORGANISATION, T0, Clock, fleet_with

from sim import Fleet, initial_state
from sim.events.build import build_event


def _apply_all(fleet: Fleet, clock: Clock, *steps: tuple) -> list[str]:
    return [fleet.apply(clock.event(*step)).outcome for step in steps]


def test_normal_bring_up_goes_online() -> None:
    fleet, clock = fleet_with({"sim": "Issued"}), Clock()
    assert fleet.device(ENDPOINT)["connectivity"] == "Blocked"
    outcomes = _apply_all(fleet, clock, (8,), (1,), (2,), (3, "accepted"))
    assert outcomes == ["applied"] * 4
    device = fleet.device(ENDPOINT)
    assert (device["sim"], device["network"], device["pdp"], device["connectivity"]) == (
        "Activated",
        "Combined Attached",
        "Connected",
        "Online",
    )


def test_reset_connectivity_detaches_and_the_device_comes_back() -> None:
    fleet, clock = fleet_with({"network": "Combined Attached", "pdp": "Connected"}), Clock()
    reset = fleet.apply(clock.event(68))
    assert [(c.change.machine, c.change.dest, c.change.cause) for c in reset.changes] == [
        ("network", "Detached", "event"),
        ("pdp", "Disconnected", "rule:ps_registration"),
    ]
    assert fleet.device(ENDPOINT)["connectivity"] == "Offline"
    assert fleet.apply(clock.event(5)).outcome == "unchanged"  # the platform's follow-up
    _apply_all(fleet, clock, (1,), (2,), (3, "accepted"))
    assert fleet.device(ENDPOINT)["connectivity"] == "Online"


def test_quota_used_up_with_block_exhausts_and_disconnects() -> None:
    fleet = fleet_with(
        {"network": "Combined Attached"}, profile={"data_quota_management": "Enabled"}
    )
    clock = Clock()
    assert _apply_all(fleet, clock, (56, "block"), (3, "accepted"), (18,)) == [
        "applied",
        "applied",
        "unchanged",
    ]
    used_up = fleet.apply(clock.event(19))
    assert [
        (c.change.machine, c.change.source, c.change.dest, c.change.cause) for c in used_up.changes
    ] == [
        ("data_quota", "Active", "Exhausted", "event"),
        ("pdp", "Connected", "Disconnected", "rule:data_service"),
    ]
    assert (
        used_up.changes[1].change.reason
        == "data quota is Exhausted and the action on exhaustion is Block"
    )
    device = fleet.device(ENDPOINT)
    assert (
        device["data_quota"],
        device["pdp"],
        device["connectivity"],
        device["data_service"],
    ) == ("Exhausted", "Disconnected", "Attached", "Denied")
    assert fleet.apply(clock.event(5)).outcome == "unchanged"
    refused = fleet.apply(clock.event(3, "rejected:quota_exhausted"))
    assert (refused.outcome, refused.warnings) == ("rejected", ())  # the model agrees
    assert fleet.preview(ENDPOINT, (3, "accepted")).outcome == "applied"  # a silent refill


def test_a_session_after_quota_used_up_proves_a_refill_where_silent_changes_are_allowed() -> None:
    state = {"network": "Combined Attached", "data_quota": "Exhausted"}
    strict = fleet_with(state, profile={"data_quota_management": "Enabled"}, lenient=False)
    assert strict.apply(Clock().event(3, "accepted")).outcome == "inconsistent"
    fleet = fleet_with(state, profile={"data_quota_management": "Enabled"})
    opened = fleet.apply(Clock().event(3, "accepted"))
    assert opened.outcome == "applied" and opened.warnings == ()
    refill, session = (c.change for c in opened.changes)
    assert (refill.machine, refill.source, refill.dest, refill.inferred) == (
        "data_quota", "Exhausted", "Active", True,
    )  # fmt: skip
    assert refill.trigger == "refill" and "auto-refill" in refill.reason
    assert ("data_quota", "Exhausted", "refill") in opened.moves
    assert (session.machine, session.dest) == ("pdp", "Connected")


def test_quota_used_up_with_throttle_keeps_data_service_throttled() -> None:
    fleet = fleet_with(
        {
            "network": "Combined Attached",
            "pdp": "Connected",
            "data_quota": "Active",
            "data_quota_action": "Throttle",
        },
        profile={"data_quota_management": "Enabled"},
    )
    clock = Clock()
    assert fleet.apply(clock.event(19)).outcome == "applied"
    assert (fleet.device(ENDPOINT)["pdp"], fleet.device(ENDPOINT)["data_service"]) == (
        "Connected",
        "Throttled",
    )
    assert _apply_all(fleet, clock, (0, "disconnect"), (5,), (3, "accepted")) == [
        "applied",
        "unchanged",
        "applied",
    ]
    assert fleet.device(ENDPOINT)["connectivity"] == "Online"


def test_quota_event_shows_management_applies_when_the_profile_is_unknown() -> None:
    fleet, clock = (
        fleet_with({"network": "Combined Attached", "pdp": "Connected", "data_quota": "Active"}),
        Clock(),
    )
    entry = fleet.apply(clock.event(19))
    assert entry.notes == ("inferred: data quota management applies to this device",)
    assert fleet.device(ENDPOINT)["pdp"] == "Disconnected"


def test_rejection_the_model_did_not_expect_warns_with_the_platforms_reason() -> None:
    fleet = fleet_with({"network": "GPRS Attached"})
    entry = fleet.apply(Clock().event(3, "rejected:data_service_disabled"))
    assert entry.outcome == "rejected"
    assert entry.warnings == (
        "the platform refused a data session the model allows (data service is disabled in the service profile)",
    )


def test_organisation_blocked_reaches_every_device_and_newcomers() -> None:
    fleet, clock = fleet_with({"network": "Combined Attached", "pdp": "Connected"}), Clock()
    blocked = fleet.apply(clock.event(12, endpoint=None))
    assert {(c.endpoint, c.change.machine, c.change.dest) for c in blocked.changes} == {
        (None, "organisation", "Blocked"),
        (ENDPOINT, "pdp", "Disconnected"),
        (ENDPOINT, "network", "Detached"),
    }
    assert fleet.apply(clock.event(42, endpoint=2002)).outcome == "unchanged"
    assert fleet.device(2002)["connectivity"] == "Blocked"


def test_a_registration_of_a_blocked_organisation_proves_it_unblocked() -> None:
    fleet, clock = fleet_with({"network": "Combined Attached"}), Clock()
    fleet.apply(clock.event(12, endpoint=None))
    registered = fleet.apply(clock.event(2, endpoint=2002))
    assert registered.outcome == "applied" and registered.warnings == ()
    unblock = registered.changes[0]
    assert (unblock.endpoint, unblock.change.machine, unblock.change.dest) == (
        None, "organisation", "Active",
    )  # fmt: skip
    assert unblock.change.inferred and "cost limit" in unblock.change.reason
    assert fleet.organisations[ORGANISATION].organisation == "Active"
    assert fleet.device(2002)["connectivity"] == "Attached"
    assert fleet.device(ENDPOINT)["connectivity"] == "Offline"  # detached by the block
    strict = fleet_with({"network": "Combined Attached"}, lenient=False)
    strict.apply(clock.event(12, endpoint=None))
    assert strict.apply(clock.event(2, endpoint=2002)).outcome == "inconsistent"
    assert strict.organisations[ORGANISATION].organisation == "Blocked"


def test_data_quota_enabled_cuts_devices_of_the_profile_without_quota() -> None:
    fleet, clock = (
        fleet_with({"network": "Combined Attached", "pdp": "Connected"}, profile={}),
        Clock(),
    )
    entry = fleet.apply(clock.event(52, endpoint=None, service_profile=7))
    assert [(c.endpoint, c.change.dest, c.change.cause) for c in entry.changes] == [
        (None, "Enabled", "event"),
        (ENDPOINT, "Disconnected", "rule:data_service"),
    ]
    assert fleet.device(ENDPOINT)["data_service"] == "Denied"
    fleet.apply(clock.event(53, endpoint=None, service_profile=7))
    assert fleet.device(ENDPOINT)["data_service"] == "Allowed"


def test_offline_is_synthesised_five_minutes_after_the_session_ends() -> None:
    fleet = fleet_with({"network": "Combined Attached", "pdp": "Connected"})
    fleet.apply(build_event(5, event_id=1, time=T0, organisation=ORGANISATION, endpoint=ENDPOINT))
    assert fleet.advance(299) == []
    fired = fleet.advance(1)
    assert [(e.type_id, e.synthesised, e.endpoint) for e in fired] == [(49, True, ENDPOINT)]
    assert fleet.synthesised[49] == 1


def test_a_new_session_cancels_the_offline_timer() -> None:
    fleet = fleet_with({"network": "Combined Attached", "pdp": "Connected"})
    fleet.apply(build_event(5, event_id=1, time=T0, organisation=ORGANISATION, endpoint=ENDPOINT))
    fleet.apply(
        build_event(
            3,
            event_id=2,
            time=T0 + 60,
            organisation=ORGANISATION,
            endpoint=ENDPOINT,
            variant="accepted",
        )
    )
    assert fleet.advance(3600) == []


def test_quota_expires_at_its_expiry_date() -> None:
    fleet = fleet_with(
        {"network": "Combined Attached"}, profile={"data_quota_management": "Enabled"}
    )
    expiry = {"expiryDate": "2025-05-01T10:00:00Z"}  # two hours after T0
    at = {"organisation": ORGANISATION, "endpoint": ENDPOINT}
    fleet.apply(build_event(56, event_id=1, time=T0, variant="block", quota=expiry, **at))
    fleet.apply(build_event(3, event_id=2, time=T0 + 7199, variant="accepted", **at))
    assert fleet.device(ENDPOINT)["data_quota"] == "Active"
    fleet.apply(build_event(1, event_id=3, time=T0 + 7201, **at))
    assert fleet.device(ENDPOINT)["data_quota"] == "Expired"
    assert fleet.device(ENDPOINT)["pdp"] == "Disconnected"
    assert [e.type_id for e in fleet.trace or [] if e.synthesised] == [60]


def test_duplicates_unknown_and_invalid_are_counted() -> None:
    fleet = Fleet(trace=True)
    event = build_event(1, event_id=7, time=T0, organisation=ORGANISATION, endpoint=ENDPOINT)
    unknown = build_event(1, event_id=8, time=T0, organisation=ORGANISATION, endpoint=ENDPOINT) | {
        "event_type": {"id": 99}
    }
    outcomes = [fleet.apply(e).outcome for e in (event, event, unknown, {"id": 9})]
    assert outcomes == ["applied", "duplicate", "unknown", "invalid"]
    assert fleet.outcomes["invalid"] == 1 and fleet.organisations[ORGANISATION].audit == {
        "unknown type 99": 1
    }


def test_initial_state_organisation_blocked_makes_new_devices_blocked() -> None:
    fleet = Fleet(initial_state({"organisations": {ORGANISATION: {"organisation": "Blocked"}}}))
    fleet.apply(build_event(42, event_id=1, time=T0, organisation=ORGANISATION, endpoint=5))
    assert fleet.device(5)["connectivity"] == "Blocked"


def test_set_state_refuses_what_it_cannot_do() -> None:
    fleet = fleet_with({"policy": "Blocked"})
    with pytest.raises(ValueError, match="data_quota_management belongs to a service profile"):
        fleet.set_state(None, "data_quota_management", "Enabled", organisation=ORGANISATION)
    with pytest.raises(ValueError, match="user is set by its events only"):
        fleet.set_state(None, "user", "Verified", organisation=ORGANISATION)
    with pytest.raises(
        ValueError, match="no transition of network leads from Detached to Combined Attached"
    ):
        fleet.set_state(ENDPOINT, "network", "Combined Attached")
    entry = fleet.set_state(ENDPOINT, "policy", "Unblocked")
    assert [(c.change.machine, c.change.dest, c.change.trigger) for c in entry.changes] == [
        ("policy", "Unblocked", "unblock")
    ]


def test_setting_a_used_up_quota_active_is_a_refill_not_an_assignment() -> None:
    fleet = fleet_with({"data_quota": "Exhausted", "sms_quota": "Exhausted"})
    refilled = fleet.set_state(ENDPOINT, "data_quota", "Active")
    assert [c.change.trigger for c in refilled.changes] == ["refill"]
    assigned = fleet.set_state(ENDPOINT, "sms_quota", "Active")  # SMS quotas do not refill
    assert [c.change.trigger for c in assigned.changes] == ["assign"]

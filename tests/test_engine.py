"""Unit tests of the engine's rules, step and packing: one behaviour each, exact results.

They are the tests mutation testing runs against ``sim/engine/rules.py`` and
``sim/engine/step.py`` (see docs/development.md), so they assert whole results: every change
with its cause and reason, every warning, the outcome, the moves and checks coverage counts.
"""

from __future__ import annotations

import pytest
from conftest import ENDPOINT, ORGANISATION, Clock, fleet_with

from sim import Fleet
from sim.engine.packing import (
    CONTEXT_BITS,
    KIND_BITS,
    STATE_BITS,
    Interner,
    check_kind,
    memo_key,
    unpack_key,
)
from sim.engine.rules import PRECONDITIONS, RULES, preconditions_for, rules_reading
from sim.engine.state import Context, DeviceState
from sim.engine.step import Change, apply_rules, force, reference_step
from sim.engine.views import data_service, describe, refusal_reason, sms_service, view_reason
from sim.events.catalogue import KINDS, RECHECK_KIND
from sim.io.initial_file import initial_state

ACTIVE = Context("Active", "Disabled", "Disabled")
MANAGED = Context("Active", "Enabled", "Enabled")
ONLINE = DeviceState(network="Combined Attached", pdp="Connected")


def _step(
    state: DeviceState, kind: tuple[int, str], context: Context = ACTIVE, follow: bool = True
):
    return reference_step(state, context, kind, follow)


# Rules ---------------------------------------------------------------------------------------


def test_rules_table_in_order() -> None:
    assert [r.name for r in RULES] == ["network_access", "data_service", "ps_registration"]
    assert [r.effects for r in RULES] == [
        (("pdp", "cut_off"), ("network", "detach")),
        (("pdp", "cut_off"),),
        (("pdp", "cut_off"),),
    ]


def test_rules_reading_names_the_rules_a_change_can_set_off() -> None:
    assert [r.name for r in rules_reading({"network"})] == ["ps_registration"]
    assert [r.name for r in rules_reading({"data_quota"})] == ["data_service"]
    assert [r.name for r in rules_reading({"sim"})] == ["network_access", "data_service"]
    assert rules_reading({"sms_quota"}) == []


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ((1, ""), ["registration_needs_access"]),
        ((2, ""), ["registration_needs_access"]),
        ((3, "accepted"), ["session_needs_data_service", "session_needs_ps_registration"]),
        ((3, "rejected:no_quota"), []),
        ((10, ""), ["delete_needs_release"]),
        ((15, ""), []),
        (KINDS[RECHECK_KIND], []),
    ],
)
def test_preconditions_follow_the_triggers_an_event_fires(
    kind: tuple[int, str], names: list[str]
) -> None:
    assert [p.name for p in preconditions_for(kind)] == names


@pytest.mark.parametrize(
    ("state", "context", "broken"),
    [
        (DeviceState(network="Combined Attached"), ACTIVE, {}),
        (
            DeviceState(sim="Suspended"),
            ACTIVE,
            {"registration_needs_access": "SIM is Suspended", "session_needs_data_service": "SIM is Suspended",
             "session_needs_ps_registration": "network is Detached"},
        ),
        (
            DeviceState(network="GPRS Attached"),
            MANAGED,
            {"session_needs_data_service": "data quota management applies and the device has no data quota"},
        ),
        (DeviceState(sim_assignment="Unassigned"), ACTIVE,
         {"registration_needs_access": "SIM is not assigned to the endpoint",
          "session_needs_data_service": "SIM is not assigned to the endpoint",
          "session_needs_ps_registration": "network is Detached"}),
    ],
)  # fmt: skip
def test_preconditions_say_what_is_broken(
    state: DeviceState, context: Context, broken: dict[str, str]
) -> None:
    found = {
        p.name: reason
        for p in PRECONDITIONS
        if p.name != "delete_needs_release" and (reason := p.broken(state, context)) is not None
    }
    assert found == broken
    assert PRECONDITIONS[-1].broken(DeviceState(), ACTIVE) == "the SIM is still assigned"
    assert PRECONDITIONS[-1].broken(DeviceState(sim_assignment="Unassigned"), ACTIVE) is None


def test_apply_rules_cuts_and_detaches_with_causes_until_nothing_changes() -> None:
    state, changes = apply_rules(ONLINE._replace(endpoint="Disabled"), ACTIVE)
    assert state == DeviceState(endpoint="Disabled")
    assert changes == [
        Change("pdp", "Connected", "Disconnected", "rule:network_access", "endpoint is Disabled", "cut_off"),
        Change("network", "Combined Attached", "Detached", "rule:network_access", "endpoint is Disabled", "detach"),
    ]  # fmt: skip


def test_apply_rules_without_ps_registration_cuts_the_session_only() -> None:
    state, changes = apply_rules(ONLINE._replace(network="IMSI Attached"), ACTIVE)
    assert state == DeviceState(network="IMSI Attached")
    assert changes == [
        Change("pdp", "Connected", "Disconnected", "rule:ps_registration", "network is IMSI Attached", "cut_off")
    ]  # fmt: skip


def test_apply_rules_leaves_a_consistent_state_alone() -> None:
    assert apply_rules(ONLINE, ACTIVE) == (ONLINE, [])
    assert apply_rules(ONLINE._replace(data_quota="Active"), MANAGED) == (
        ONLINE._replace(data_quota="Active"),
        [],
    )


# The step ------------------------------------------------------------------------------------


def test_an_applied_event_reports_its_change_move_and_rules() -> None:
    done = _step(ONLINE, (9, ""))
    assert done.state == DeviceState(sim="Suspended")
    assert done.outcome == "applied"
    assert done.changes == (
        Change("sim", "Activated", "Suspended", "event", "", "suspend"),
        Change("pdp", "Connected", "Disconnected", "rule:network_access", "SIM is Suspended", "cut_off"),
        Change("network", "Combined Attached", "Detached", "rule:network_access", "SIM is Suspended", "detach"),
    )  # fmt: skip
    assert done.moves == (
        ("sim", "Activated", "suspend"),
        ("pdp", "Connected", "cut_off"),
        ("network", "Combined Attached", "detach"),
    )
    assert done.checks == ("network_access",)
    assert done.warnings == done.notes == ()
    assert done.state_id == -1


def test_a_no_op_is_unchanged_and_still_a_move() -> None:
    done = _step(ONLINE, (1, ""))
    assert (done.state, done.outcome, done.changes) == (ONLINE, "unchanged", ())
    assert done.moves == (("network", "Combined Attached", "attach_cs"),)


def test_an_audit_event_is_recorded() -> None:
    done = _step(ONLINE, (0, "notice"))
    assert (done.state, done.outcome, done.changes, done.moves) == (ONLINE, "recorded", (), ())


def test_a_refused_session_is_rejected_and_changes_nothing() -> None:
    state = DeviceState(network="Combined Attached")
    done = _step(state, (3, "rejected:no_quota"), MANAGED)
    assert (done.state, done.outcome, done.changes, done.warnings) == (
        state._replace(data_quota_managed=True),
        "rejected",
        (),
        (),
    )


def test_a_refusal_the_model_does_not_expect_warns_with_the_platforms_reason() -> None:
    done = _step(DeviceState(network="Combined Attached"), (3, "rejected:sim_not_activated"))
    assert done.outcome == "rejected"
    assert done.warnings == (
        "the platform refused a data session the model allows (the SIM is not activated)",
    )


def test_an_impossible_event_in_strict_mode_changes_nothing_and_says_why() -> None:
    state = DeviceState(sim="Suspended")
    done = _step(state, (1, ""), follow=False)
    assert (done.state, done.outcome, done.changes, done.moves) == (state, "inconsistent", (), ())
    assert done.warnings == ("a network registration needs network access: SIM is Suspended",)
    assert done.checks == ("registration_needs_access",)
    assert (done.notes, done.state_id) == ((), -1)


def test_an_impossible_event_in_lenient_mode_is_followed_with_what_it_proves() -> None:
    done = _step(DeviceState(sim="Suspended"), (1, ""))
    assert done.outcome == "inconsistent"
    assert done.state == DeviceState(network="IMSI Attached")
    assert done.changes == (
        Change("sim", "Suspended", "Activated", "event",
               "a network registration needs network access", inferred=True),
        Change("network", "Detached", "IMSI Attached", "event", "", "attach_cs"),
    )  # fmt: skip
    assert done.warnings == ("a network registration needs network access: SIM is Suspended",)


def test_lenient_mode_never_moves_a_final_state_to_explain_an_event() -> None:
    deleted = DeviceState(sim="Deleted", sim_assignment="Unassigned")
    done = _step(deleted, (1, ""))
    assert (done.outcome, done.state, done.changes) == ("inconsistent", deleted, ())
    assert done.warnings == ("a network registration needs network access: SIM is Deleted",)


def test_a_trigger_the_table_refuses_is_followed_to_the_state_it_reports() -> None:
    done = _step(DeviceState(), (4, ""))  # Update PDP Context without a session
    assert done.outcome == "inconsistent"
    assert done.warnings == ("pdp cannot 'update' from Disconnected",)
    assert done.changes == (
        Change("pdp", "Disconnected", "Connected", "event", "", "update"),
        Change("pdp", "Connected", "Disconnected", "rule:ps_registration", "network is Detached", "cut_off"),
    )  # fmt: skip
    assert done.moves == (("pdp", "Connected", "cut_off"),)
    assert done.state == DeviceState()


def test_nothing_leaves_a_final_state_even_when_lenient() -> None:
    deleted = DeviceState(sim="Deleted", sim_assignment="Unassigned")
    done = _step(deleted, (8, ""))
    assert (done.state, done.outcome) == (deleted, "inconsistent")
    assert done.warnings == ("sim cannot 'activate' from Deleted",)


def test_an_attribute_change_is_a_change_and_an_inference_is_a_note() -> None:
    throttled = _step(DeviceState(), (56, "throttle"))
    assert throttled.changes == (
        Change("data_quota", "None", "Active", "event", "", "assign"),
        Change("data_quota_action", "Block", "Throttle", "event"),
    )
    inferred = _step(DeviceState(data_quota="Active"), (18, ""), Context("Active"))
    assert inferred.notes == ("inferred: data quota management applies to this device",)
    assert inferred.state.data_quota_managed is True
    assert (inferred.outcome, inferred.changes, inferred.warnings) == ("unchanged", (), ())


def test_a_quota_event_under_a_profile_without_management_warns() -> None:
    done = _step(DeviceState(data_quota="Active"), (18, ""), ACTIVE)
    assert done.warnings == (
        "the platform sends this only under quota management, but the device's service "
        "profile has data_quota_management Disabled",
    )
    assert done.notes == ()
    sms = _step(DeviceState(sms_quota="Active"), (20, ""), ACTIVE)
    assert sms.warnings == (
        "the platform sends this only under quota management, but the device's service "
        "profile has sms_quota_management Disabled",
    )
    assert _step(DeviceState(data_quota="Active"), (18, ""), MANAGED).warnings == ()


def test_the_recheck_applies_only_the_rules() -> None:
    done = _step(ONLINE, KINDS[RECHECK_KIND], Context("Blocked", "Disabled", "Disabled"))
    assert done.outcome == "applied"
    assert [c.cause for c in done.changes] == ["rule:network_access"] * 2
    assert _step(ONLINE, KINDS[RECHECK_KIND]).outcome == "unchanged"


def test_force_moves_through_the_machines_own_transition() -> None:
    blocked = DeviceState(policy="Blocked")
    assert force(blocked, ACTIVE, "policy", "Unblocked") == (
        DeviceState(),
        [Change("policy", "Blocked", "Unblocked", "set", "", "unblock")],
    )
    assert force(blocked, ACTIVE, "policy", "Blocked") == (blocked, [])
    assert force(DeviceState(), ACTIVE, "sim", "Deleted") is not None
    assert force(DeviceState(sim="Deleted"), ACTIVE, "sim", "Activated") is None


def test_force_applies_the_rules_after_the_change() -> None:
    state, changes = force(ONLINE, ACTIVE, "endpoint", "Disabled") or (None, [])
    assert state == DeviceState(endpoint="Disabled")
    assert [c.cause for c in changes] == ["set", "rule:network_access", "rule:network_access"]


# Behaviours a fleet adds ---------------------------------------------------------------------


def test_a_device_moving_to_a_blocked_organisation_is_rechecked_even_when_its_event_is_refused() -> (
    None
):
    document = {
        "organisations": {200: {"organisation": "Blocked"}},
        "devices": {ENDPOINT: {"organisation": ORGANISATION, "state": {"network": "Combined Attached", "pdp": "Connected"}}},
    }  # fmt: skip
    fleet = Fleet(initial_state(document), lenient=False, trace=True)
    event = Clock().event(4) | {"organisation": {"id": 200}}
    entry = fleet.apply(event)
    assert entry.outcome == "inconsistent"
    assert [(c.change.machine, c.change.dest, c.change.cause) for c in entry.changes] == [
        ("pdp", "Disconnected", "rule:network_access"),
        ("network", "Detached", "rule:network_access"),
    ]
    assert fleet.device(ENDPOINT)["connectivity"] == "Blocked"


def test_a_quota_event_under_a_disabled_profile_warns_in_the_trace() -> None:
    fleet = fleet_with({"data_quota": "Active"}, profile={"data_quota_management": "Disabled"})
    entry = fleet.apply(Clock().event(18))
    assert entry.outcome == "unchanged"
    assert entry.warnings == (
        "the platform sends this only under quota management, but the device's service "
        "profile has data_quota_management Disabled",
    )


# Packing -------------------------------------------------------------------------------------


def test_kinds_fit_their_field() -> None:
    assert len(KINDS) <= 1 << KIND_BITS
    check_kind(len(KINDS) - 1)
    with pytest.raises(OverflowError, match="KIND_BITS"):
        check_kind(1 << KIND_BITS)


def test_memo_keys_round_trip_at_the_field_limits() -> None:
    for state, context, kind in [
        (0, 0, 0),
        (5, 3, 70),
        ((1 << STATE_BITS) - 1, (1 << CONTEXT_BITS) - 1, (1 << KIND_BITS) - 1),
    ]:
        assert unpack_key(memo_key(state, context, kind)) == (state, context, kind)
    assert memo_key(1, 0, 0) > memo_key(0, (1 << CONTEXT_BITS) - 1, (1 << KIND_BITS) - 1)  # fmt: skip


def test_an_interner_refuses_to_number_past_its_width() -> None:
    interner: Interner[str] = Interner(2, "test values")
    assert [interner.index(v) for v in "abcda"] == [0, 1, 2, 3, 0]
    with pytest.raises(OverflowError, match="more than 4 test values"):
        interner.index("e")


# Views ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "context", "data", "sms", "connectivity"),
    [
        (DeviceState(), ACTIVE, ("Allowed", "no data quota management applies"),
         ("Allowed", "no SMS quota management applies"), "Offline"),
        (ONLINE, ACTIVE, ("Allowed", "no data quota management applies"),
         ("Allowed", "no SMS quota management applies"), "Online"),
        (DeviceState(network="IMSI Attached"), MANAGED,
         ("Denied", "data quota management applies and the device has no data quota"),
         ("Denied", "SMS quota management applies and the device has no SMS quota"), "Attached"),
        (DeviceState(data_quota="Active", sms_quota="Active"), MANAGED,
         ("Allowed", "data quota is Active"), ("Allowed", "SMS quota is Active"), "Offline"),
        (DeviceState(data_quota="Exhausted", sms_quota="Exhausted", data_quota_action="Throttle"), MANAGED,
         ("Throttled", "data quota is Exhausted and the action on exhaustion is Throttle"),
         ("Denied", "SMS quota is Exhausted"), "Offline"),
        (DeviceState(data_quota="Exhausted", sms_quota="Expired"), MANAGED,
         ("Denied", "data quota is Exhausted and the action on exhaustion is Block"),
         ("Denied", "SMS quota is Expired"), "Offline"),
        (DeviceState(data_quota="Expired"), MANAGED, ("Denied", "data quota is Expired"),
         ("Denied", "SMS quota management applies and the device has no SMS quota"), "Offline"),
        (DeviceState(sms_quota_managed=True, data_quota_managed=True), Context("Active"),
         ("Denied", "data quota management applies and the device has no data quota"),
         ("Denied", "SMS quota management applies and the device has no SMS quota"), "Offline"),
        (DeviceState(sim="Factory Test"), ACTIVE, ("Allowed", "no data quota management applies"),
         ("Allowed", "no SMS quota management applies"), "Offline"),
        (DeviceState(policy="Blocked"), ACTIVE, ("Denied", "endpoint is blocked by its policy"),
         ("Denied", "endpoint is blocked by its policy"), "Blocked"),
        (DeviceState(), Context("Blocked", "Disabled", "Disabled"), ("Denied", "organisation is Blocked"),
         ("Denied", "organisation is Blocked"), "Blocked"),
    ],
)  # fmt: skip
def test_views_and_their_reasons(
    state: DeviceState,
    context: Context,
    data: tuple[str, str],
    sms: tuple[str, str],
    connectivity: str,
) -> None:
    assert data_service(state, context) == data
    assert sms_service(state, context) == sms
    assert describe(state, context) == {
        **{machine: getattr(state, machine) for machine in state._fields[:8]},
        "connectivity": connectivity,
        "data_service": data[0],
        "sms_service": sms[0],
    }
    assert view_reason("data_service", state, context) == data[1]
    assert view_reason("sms_service", state, context) == sms[1]


@pytest.mark.parametrize(
    ("state", "context", "reason"),
    [
        (ONLINE, ACTIVE, "a data session is open"),
        (DeviceState(network="GPRS Attached"), ACTIVE, "network is GPRS Attached with no data session"),
        (DeviceState(), ACTIVE, "the device has no network registration"),
        (DeviceState(endpoint="Disabled"), ACTIVE, "network access is denied: endpoint is Disabled"),
        (DeviceState(sim_assignment="Unassigned"), ACTIVE,
         "network access is denied: SIM is not assigned to the endpoint"),
        (DeviceState(sim="Issued"), ACTIVE, "network access is denied: SIM is Issued"),
    ],
)  # fmt: skip
def test_why_connectivity_is_what_it_is(state: DeviceState, context: Context, reason: str) -> None:
    assert view_reason("connectivity", state, context) == reason


@pytest.mark.parametrize(
    ("state", "context", "code"),
    [
        (DeviceState(sim="Suspended"), ACTIVE, "sim_not_activated"),
        (DeviceState(sim="Factory Test"), ACTIVE, "unknown"),
        (DeviceState(endpoint="Disabled"), ACTIVE, "unknown"),
        (DeviceState(), MANAGED, "no_quota"),
        (DeviceState(data_quota="Exhausted"), MANAGED, "quota_exhausted"),
        (DeviceState(data_quota="Expired"), MANAGED, "quota_expired"),
        (DeviceState(data_quota="Exhausted", data_quota_action="Throttle"), MANAGED, "unknown"),
        (DeviceState(data_quota="Active"), MANAGED, "unknown"),
    ],
)
def test_the_reason_the_platform_gives_for_refusing_a_session(
    state: DeviceState, context: Context, code: str
) -> None:
    assert refusal_reason(state, context) == code

"""Replaying logs that start in the middle of devices' lives: what events prove (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import DATA, ENDPOINT, Clock
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim import Fleet
from sim.cli.commands import main
from sim.engine.machines import RUNNERS
from sim.engine.rules import RULES
from sim.events.catalogue import effect_of
from sim.testing import event_streams, histories

EXAMPLES = sorted((DATA / "events").glob("[0-9]*.json"))


def _history(*kinds: tuple[int, str] | int) -> list[dict[str, Any]]:
    clock = Clock()
    return [clock.event(k) if isinstance(k, int) else clock.event(*k) for k in kinds]


def _replay(*kinds: tuple[int, str] | int, **options: Any) -> Fleet:
    return sim.replay(_history(*kinds), trace=True, **options)


def test_every_example_payload_replayed_alone_is_consistent_and_lands_where_it_reports() -> None:
    assert len(EXAMPLES) == 86
    for path in EXAMPLES:
        fleet = sim.replay(path, trace=True)
        assert fleet.trace is not None
        (entry,) = fleet.trace
        assert entry.outcome != "inconsistent", path.name
        if entry.endpoint is None:
            continue
        event = sim.parse_event(json.loads(path.read_text()))
        for machine, trigger in effect_of(event.kind).triggers:
            ends = {dest for _, fired, dest in RUNNERS[machine].moves() if fired == trigger}
            assert fleet.device(entry.endpoint)[machine] in ends, path.name


def test_the_accepted_sessions_among_the_examples_end_connected_and_online() -> None:
    accepted = [p for p in EXAMPLES if p.name.startswith("03_") and "rejected" not in p.name]
    assert len(accepted) == 3
    for path in accepted:
        fleet = sim.replay(path)
        (key,) = fleet.endpoints()
        device = fleet.device(key)
        assert (device["pdp"], device["network"], device["connectivity"]) == (
            "Connected", "GPRS Attached", "Online",
        )  # fmt: skip
        assert fleet.assumed(key) == ["data_quota", "sms_quota"]


@pytest.mark.parametrize(
    ("kinds", "states", "assumed"),
    [
        pytest.param(
            [5], {"pdp": "Disconnected", "network": "GPRS Attached", "connectivity": "Attached"},
            ["data_quota", "sms_quota"], id="session end",
        ),
        pytest.param(
            [19], {"data_quota": "Exhausted", "pdp": "Disconnected", "data_service": "Denied"},
            ["sim", "sim_assignment", "endpoint", "policy", "network", "sms_quota"],
            id="quota used up",
        ),
        pytest.param(
            [21], {"sms_quota": "Exhausted", "sms_service": "Denied"},
            ["sim", "sim_assignment", "endpoint", "policy", "network", "pdp", "data_quota"],
            id="SMS quota used up",
        ),
        pytest.param(
            [51], {"sim_assignment": "Assigned"},  # and the SIM was not deleted
            ["endpoint", "policy", "network", "pdp", "data_quota", "sms_quota"],
            id="SIM assigned",
        ),
        pytest.param(
            [45], {"sim": "Factory Test", "connectivity": "Offline"},
            ["sim_assignment", "endpoint", "policy", "network", "pdp", "data_quota", "sms_quota"],
            id="factory-test SIM",
        ),
        pytest.param(
            [60], {"data_quota": "Expired", "data_service": "Allowed"},
            ["sim", "sim_assignment", "endpoint", "policy", "network", "pdp", "sms_quota"],
            id="quota expired (management not shown)",
        ),
        pytest.param(
            [1, 2, (3, "accepted"), 18, 5, (3, "accepted"), 1, 19, 5, (3, "rejected:quota_exhausted"), 1],
            {"network": "Combined Attached", "pdp": "Disconnected", "data_quota": "Exhausted",
             "connectivity": "Attached", "data_service": "Denied"},
            ["sms_quota"], id="a busy day",
        ),
    ],
)  # fmt: skip
def test_histories_that_begin_mid_life_are_consistent(
    kinds: list[Any], states: dict[str, str], assumed: list[str]
) -> None:
    fleet = _replay(*kinds)
    assert fleet.outcomes["inconsistent"] == 0
    device = fleet.device(ENDPOINT)
    assert {name: device[name] for name in states} == states
    assert fleet.assumed(ENDPOINT) == assumed
    strict = sim.replay(_history(*kinds), strict=True)
    assert strict.outcomes["inconsistent"] == 0 and strict.device(ENDPOINT) == device


def test_a_session_end_is_explained_by_inferences_with_the_event_as_cause() -> None:
    fleet = _replay(5)
    assert fleet.trace is not None
    entry = fleet.trace[0].to_json()
    assert entry["outcome"] == "applied"
    assert entry["changes"] == [
        {"endpoint": ENDPOINT, "machine": "network", "from": "Detached", "to": "GPRS Attached",
         "cause": "event", "inferred": True,
         "reason": "A data session needs a packet-switched registration: purging it ends the session."},
        {"endpoint": ENDPOINT, "machine": "pdp", "from": "Disconnected", "to": "Connected",
         "cause": "event", "inferred": True, "reason": "the event ('delete') starts from there"},
        {"endpoint": ENDPOINT, "machine": "pdp", "from": "Connected", "to": "Disconnected",
         "cause": "event"},
    ]  # fmt: skip
    assert entry["notes"] == [
        "the event shows sim Activated, sim_assignment Assigned, endpoint Enabled, policy Unblocked"
    ]


def test_an_accepted_session_first_is_online_and_no_rule_undoes_what_it_proved() -> None:
    fleet = _replay((3, "accepted"))
    assert fleet.trace is not None
    (entry,) = fleet.trace
    assert [(c.change.machine, c.change.dest, c.change.cause) for c in entry.changes] == [
        ("network", "GPRS Attached", "event"),
        ("pdp", "Connected", "event"),
    ]
    assert fleet.device(ENDPOINT)["connectivity"] == "Online"


def test_a_later_real_contradiction_is_still_inconsistent_and_fails_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = _history(50, 10, 1)  # released, deleted for good; then it registers
    fleet = sim.replay(history, trace=True)
    assert fleet.trace is not None
    assert [e.outcome for e in fleet.trace] == ["applied", "applied", "inconsistent"]
    assert fleet.device(ENDPOINT)["sim"] == "Deleted"
    assert (
        fleet.trace[2].warnings[0] == "a network registration needs network access: SIM is Deleted"
    )
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in history))
    assert main(["replay", str(path), "--strict"]) == 1
    assert "1 inconsistent" in capsys.readouterr().out


def test_a_refusal_proves_what_its_reason_says() -> None:
    exhausted = _replay((3, "rejected:quota_exhausted"))
    assert exhausted.device(ENDPOINT)["data_quota"] == "Exhausted"
    not_activated = _replay((3, "rejected:sim_not_activated"))
    assert not_activated.trace is not None
    assert (not_activated.device(ENDPOINT)["sim"], not_activated.trace[0].warnings) == (
        "Issued",
        (),
    )
    unexplained = _replay((3, "rejected:apn_not_authorized"))
    assert len(unexplained.assumed(ENDPOINT)) == 8  # an APN refusal shows nothing of the machines


def test_in_service_keeps_the_old_assumption() -> None:
    fleet = _replay((3, "accepted"), assume="in-service")
    assert fleet.outcomes["inconsistent"] == 1
    assert fleet.assumed(ENDPOINT) == []


def test_initial_entries_are_facts_and_defaults_are_assumptions() -> None:
    initial = {
        "defaults": {"network": "IMSI Attached"},
        "devices": {str(ENDPOINT + 1): {"state": {"network": "Detached"}}},
    }
    history = [*_history(2), Clock().event(3, "accepted", endpoint=ENDPOINT + 1)]
    history[1]["id"] = 99
    fleet = sim.replay(history, initial=initial, trace=True)
    assert fleet.device(ENDPOINT)["network"] == "Combined Attached"  # the default, then PS
    assert fleet.device(ENDPOINT + 1)["pdp"] == "Connected"
    assert fleet.outcomes["inconsistent"] == 1  # the listed device was known to be detached
    # An entry states what it names; the rest of it is assumed like any device's.
    assert fleet.assumed(ENDPOINT + 1) == [
        "sim", "sim_assignment", "endpoint", "policy", "data_quota", "sms_quota",
    ]  # fmt: skip


def test_a_lenient_scenario_follows_an_impossible_session_with_what_it_proves() -> None:
    fleet = Fleet(trace=True)
    fleet.apply(Clock().event(3, "accepted"))
    device = fleet.device(ENDPOINT)
    assert fleet.outcomes["inconsistent"] == 1
    assert (device["network"], device["pdp"], device["connectivity"]) == (
        "GPRS Attached", "Connected", "Online",
    )  # fmt: skip


def test_a_retransmission_is_a_duplicate_and_a_reused_id_is_applied_with_a_warning() -> None:
    clock = Clock()
    first = clock.event(1)
    reused = {**clock.event(2), "id": first["id"]}
    fleet = sim.replay([first, dict(first), reused], trace=True)
    assert fleet.trace is not None
    assert [e.outcome for e in fleet.trace] == ["applied", "duplicate", "applied"]
    assert fleet.trace[2].warnings == (
        f"event id {first['id']} was seen before with another type, device or time: applied",
    )
    assert fleet.snapshot()["reused_ids"] == 1
    assert fleet.device(ENDPOINT)["network"] == "Combined Attached"


@given(event_streams(devices=2, max_size=25))
def test_a_history_possible_from_service_start_is_possible_mid_life(events: list[Any]) -> None:
    # The walker's setup: organisation 100, service profile 7, the endpoints in it (membership
    # only: their machines are assumed).
    initial = {
        "organisations": {"100": {"service_profiles": {"7": {}}}},
        "devices": {str(e): {"organisation": 100, "service_profile": 7} for e in (1001, 1002)},
    }
    fleet = sim.replay(events, initial=initial, trace=True)
    assert fleet.trace is not None
    assert [e for e in fleet.trace if e.outcome == "inconsistent"] == []


@given(histories(malformed_events=False), st.booleans())
def test_evidence_only_shrinks_assumptions_and_never_breaks_a_rule(
    events: list[Any], lenient: bool
) -> None:
    fleet = Fleet(lenient=lenient, assume="evidence")
    assumed: dict[object, set[str]] = {}
    for event in events:
        fleet.apply(event)
        for key in fleet.endpoints():
            now = set(fleet.assumed(key))
            assert now <= assumed.get(key, now)
            assumed[key] = now
            state, context = fleet.state(key), fleet.context(key)
            for rule in RULES:
                if rule.broken(state, context) is not None:
                    assert all(
                        RUNNERS[m].fire(getattr(state, m), t) == getattr(state, m)
                        for m, t in rule.effects
                    ), rule.name

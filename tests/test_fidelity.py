"""Faithful to the platform (domain.md rules 10 to 15), tried with real payload shapes.

Every log here is built from the example payloads in ``tests/data/events`` with only their
ids, times and devices rewritten: Portal presence after Device offline, silent unblocks and
refills proven by later events, the refusal causes 1NCE sends, failed registrations, the SIM
lifecycle (deleted is final, migration suspends, a loose SIM joins its endpoint), the seed's
own names, and severity and alert in the trace.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import DATA, run_cli, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim import Fleet
from sim.engine.outcomes import INCONSISTENT
from sim.engine.rules import SILENT_CHANGES
from sim.events.build import build_event
from sim.events.catalogue import REFUSALS, UNKNOWN_REFUSAL, lookup
from sim.events.parse import parse_event
from sim.testing import histories

DAY, HOUR = 86_400.0, 3_600.0
T0 = 1_746_086_400.0  # 2025-05-01T08:00:00Z
ENDPOINT, SIM, ORGANISATION = 5001, 7001, 900
SILENT_TRIGGERS = {(c.machine, c.trigger) for c in SILENT_CHANGES}


def real(
    name: str,
    at: float,
    *,
    endpoint: int | None = ENDPOINT,
    sim_id: int | None = SIM,
    **fields: Any,
) -> dict[str, Any]:
    """The example payload ``name`` (file name without ``.json``) happening ``at`` seconds
    after T0 to our device; ``fields`` replace top-level fields."""
    event = copy.deepcopy(json.loads((DATA / "events" / f"{name}.json").read_text()))
    event["id"] = int(T0 + at) * 10 + len(name)
    event["timestamp"] = f"{_iso(T0 + at)}"
    event["organisation"] = {"id": ORGANISATION, "name": "Fidelity"}
    event["endpoint"] = (
        None if endpoint is None else {**(event.get("endpoint") or {}), "id": endpoint}
    )
    event["sim"] = None if sim_id is None else {**(event.get("sim") or {}), "id": sim_id}
    return {**event, **fields}


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _as_type(event: dict[str, Any], type_id: int, name: str) -> dict[str, Any]:
    """A status event of a type the examples have no payload for (SIM deletion, migration):
    the platform sends them in the shape of the other SIM status events."""
    return {**event, "event_type": {"id": type_id, "description": name}, "description": name}


def _strict_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str], events: list[Any]) -> dict:
    path = write_jsonl(tmp_path / "log.jsonl", events)
    code, out, err = run_cli(capsys, "replay", path, "--strict", "--json", "--trace")
    assert (code, err) == (0, ""), err
    document: dict = orjson.loads(out)
    assert document["outcomes"]["inconsistent"] == 0 and document["outcomes"]["invalid"] == 0
    return document


def _inferred(document: dict, machine: str) -> list[dict]:
    """The changes of ``machine`` the replay inferred, in trace order."""
    return [
        c
        for e in document["trace"]
        for c in e["changes"]
        if c["machine"] == machine and c.get("inferred")
    ]


def _online() -> list[dict[str, Any]]:
    """The device registers for packet data and opens a session (emnify payloads)."""
    return [
        real("02_update-gprs-location_emnify", 0),
        real("03_create-pdp-context_emnify_accepted", 10),
    ]


# Rule 10: Portal presence.
def test_device_offline_shows_offline_until_the_next_registration_or_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [
        real("02_update-gprs-location_emnify", 0),
        real("03_create-pdp-context_1nce-v2", 10),
        real("05_delete-pdp-context_emnify", 600),
        real("01_update-location_1nce-v2", 600 + 2 * HOUR),
    ]
    fleet = sim.replay(
        [*events[:3], real("01_update-location_emnify", 1000, endpoint=6001)], trace=True
    )
    assert fleet.value(ENDPOINT, "connectivity") == "Offline"  # the 49 came at 900 s
    assert (fleet.value(ENDPOINT, "network"), fleet.value(ENDPOINT, "portal_offline")) == (
        "GPRS Attached", "true",
    )  # fmt: skip
    offline = [e for e in fleet.trace or [] if e.type_id == 49]
    assert [e.outcome for e in offline] == ["applied"] and offline[0].synthesised
    document = _strict_replay(tmp_path, capsys, events)
    device = document["devices"][str(ENDPOINT)]
    assert (device["connectivity"], device["portal_offline"], device["imei_locked"]) == (
        "Attached", False, False,
    )  # fmt: skip
    registration = document["trace"][-1]
    assert registration["outcome"] == "applied"
    assert [(c["machine"], c["from"], c["to"]) for c in registration["changes"]] == [
        ("network", "GPRS Attached", "Combined Attached"),
        ("portal_offline", "true", "false"),
    ]
    assert {"view": "connectivity", "from": "Offline", "to": "Attached"}.items() <= (
        registration["views"][0].items()
    )


def test_a_registration_that_only_clears_device_offline_is_applied() -> None:
    fleet = sim.replay(
        [
            real("01_update-location_emnify", 0),
            real("05_delete-pdp-context_emnify", 10),
            real("01_update-location_1nce-v2", HOUR),
        ],
        trace=True,
    )
    last = (fleet.trace or [])[-1]
    assert last.outcome == "applied"
    assert [(c.change.machine, c.change.dest) for c in last.changes] == [
        ("portal_offline", "false")
    ]


def test_a_session_after_device_offline_shows_online_without_a_new_registration() -> None:
    fleet = sim.replay(
        [
            *_online(),
            real("05_delete-pdp-context_1nce-v1", 60),
            real("03_create-pdp-context_1nce-v1", 60 + HOUR),
        ],
        trace=True,
    )
    assert fleet.value(ENDPOINT, "connectivity") == "Online"
    assert [e.type_id for e in fleet.trace or [] if e.synthesised] == [49]


# Rule 11: silent changes proven by later events.
def test_endpoint_blocked_then_hours_later_registrations_and_sessions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _strict_replay(
        tmp_path,
        capsys,
        [
            *_online(),
            real("11_endpoint-blocked_emnify", 100),
            real("05_delete-pdp-context_emnify", 110),
            real("01_update-location_emnify", 100 + 5 * HOUR),
            real("02_update-gprs-location_emnify", 101 + 5 * HOUR),
            real("03_create-pdp-context_emnify_accepted", 102 + 5 * HOUR),
        ],
    )
    assert document["devices"][str(ENDPOINT)]["connectivity"] == "Online"
    (unblock,) = _inferred(document, "policy")
    assert (unblock["from"], unblock["to"], unblock["cause"]) == ("Blocked", "Unblocked", "event")
    assert "policies were changed" in unblock["reason"]
    proving = next(e for e in document["trace"] if unblock in e["changes"])
    assert proving["type"]["id"] == 1  # the first event that needed it


def test_quota_used_up_then_a_session_the_next_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _strict_replay(
        tmp_path,
        capsys,
        [
            *_online(),
            real("19_quota-used-up_emnify", 100),
            real("05_delete-pdp-context_emnify", 110),
            real("03_create-pdp-context_emnify_rejected-quota-exhausted-block", 200),
            real("03_create-pdp-context_1nce-v2", 100 + DAY),
        ],
    )
    device = document["devices"][str(ENDPOINT)]
    assert (device["connectivity"], device["data_quota"]) == ("Online", "Active")
    refills = _inferred(document, "data_quota")
    assert [(c["from"], c["to"]) for c in refills][-1] == ("Exhausted", "Active")
    assert "auto-refill" in refills[-1]["reason"]


def test_organisation_blocked_then_a_registration_proves_the_unblock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _strict_replay(
        tmp_path,
        capsys,
        [
            real("01_update-location_emnify", 0),
            real("12_organisation-blocked_emnify_prepaid-balance", 100, endpoint=None, sim_id=None),
            real("01_update-location_emnify", 100 + 3 * HOUR, endpoint=ENDPOINT + 1),
        ],
    )
    assert document["organisations"][str(ORGANISATION)]["organisation"] == "Active"
    assert document["devices"][str(ENDPOINT + 1)]["connectivity"] == "Attached"
    assert document["devices"][str(ENDPOINT)]["connectivity"] == "Offline"  # detached by it
    (unblock,) = _inferred(document, "organisation")
    assert (unblock["from"], unblock["to"]) == ("Blocked", "Active")


def test_nothing_is_unblocked_without_an_event_that_needs_it() -> None:
    fleet = sim.replay(
        [
            real("02_update-gprs-location_emnify", 0),
            real("11_endpoint-blocked_emnify", 100),
            real("05_delete-pdp-context_emnify", 100 + DAY),
            real("15_purge-location_emnify", 100 + 2 * DAY),
            real("03_create-pdp-context_emnify_rejected-sim-not-activated", 100 + 3 * DAY),
        ],
        trace=True,
    )
    assert fleet.value(ENDPOINT, "policy") == "Blocked"
    assert not any(
        c.change.inferred and c.change.machine == "policy"
        for e in fleet.trace or []
        for c in e.changes
    )


#: Blocks, quota changes and the events that may need them lifted, on two devices.
_BLOCKING = [(11, ""), (12, ""), (19, ""), (56, "block"), (9, ""), (43, ""), (52, "")]
_NEEDING = [(1, ""), (2, ""), (3, "accepted"), (3, "rejected:no_quota"), (18, ""), (5, "")]


@st.composite
def blocked_histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Histories rich in blocks and exhausted quotas followed by events that need them
    lifted: what plain random histories rarely produce."""
    episodes = draw(
        st.lists(
            st.tuples(st.sampled_from(_BLOCKING), st.lists(st.sampled_from(_NEEDING), max_size=3)),
            min_size=1,
            max_size=8,
        )
    )
    kinds = [kind for block, needing in episodes for kind in (block, *needing)]
    endpoints = draw(
        st.lists(st.sampled_from([1001, 1002]), min_size=len(kinds), max_size=len(kinds))
    )
    return [
        build_event(
            type_id,
            event_id=n,
            time=T0 + HOUR * n,
            organisation=100,
            endpoint=endpoint,
            variant=variant,
            service_profile=7,
        )
        for n, ((type_id, variant), endpoint) in enumerate(zip(kinds, endpoints, strict=True), 1)
    ]


@given(st.one_of(blocked_histories(), histories(malformed_events=False)))
def test_a_silent_change_is_inferred_only_for_an_event_impossible_without_it(
    events: list[Any],
) -> None:
    # Two strict fleets in step, one allowing silent changes: they agree until the first
    # silent change, which must come with an event the other finds inconsistent.
    silent = Fleet(lenient=False, trace=True, silent_changes=True)
    plain = Fleet(lenient=False, trace=True)
    for event in events:
        entry, expected = silent.apply(event), plain.apply(event)
        inferred = [
            c.change
            for c in entry.changes
            if c.change.inferred and (c.change.machine, c.change.trigger) in SILENT_TRIGGERS
        ]
        if inferred:
            assert expected.outcome == INCONSISTENT
            assert entry.outcome != INCONSISTENT and not entry.warnings
            return
        assert entry == expected


# Rule 12: refusal causes, and failed registrations.
@pytest.mark.parametrize("refusal", [r for r in REFUSALS if r.causes], ids=lambda r: r.code)
def test_every_documented_failure_cause_of_a_1nce_refusal(refusal: Any) -> None:
    accepted = real("03_create-pdp-context_1nce-v2", 10)
    detail = {k: v for k, v in accepted["detail"].items() if k != "pdp_context"}
    for cause in refusal.causes:
        refused = {
            **accepted,
            "description": "PDP Context Request rejected.",
            "event_source": {"id": 1, "description": "Policy Control"},
            "event_severity": {"id": 1, "description": "WARN"},
            "alert": True,
            "detail": {**detail, "data_service_failure_cause": cause.upper()},
        }
        parsed = parse_event(refused)
        assert parsed.variant == f"rejected:{refusal.code}"
        fleet = sim.replay([real("02_update-gprs-location_1nce-v1", 0), refused], trace=True)
        entry = (fleet.trace or [])[-1]
        assert (entry.outcome, entry.refusal, entry.severity, entry.alert) == (
            "rejected", refusal.code, "Warn", True,
        )  # fmt: skip
        assert fleet.state(ENDPOINT).data_quota_managed == refusal.proves_quota_management
        assert not any("the model allows" in w for w in entry.warnings) or not (
            refusal.proves_quota_management
        )
        expected = "Blocked" if refusal.code == "imei_lock" else "Attached"
        assert fleet.value(ENDPOINT, "connectivity") == expected


def test_an_unknown_failure_cause_is_unknown_not_a_guess() -> None:
    refused = real("03_create-pdp-context_1nce-v2", 0)
    refused["detail"] = {"data_service_failure_cause": "SOMETHING_NEW"}
    refused["event_source"] = {"id": 1, "description": "Policy Control"}
    assert parse_event(refused).variant == f"rejected:{UNKNOWN_REFUSAL}"


def test_an_imei_lock_shows_blocked_until_a_later_accepted_session() -> None:
    refused = real("03_create-pdp-context_1nce-v2", 10)
    refused["detail"] = {"data_service_failure_cause": "IMEI_LOCK_BREACHED"}
    refused["event_source"] = {"id": 1, "description": "Policy Control"}
    fleet = sim.replay(
        [
            real("02_update-gprs-location_1nce-v1", 0),
            refused,
            real("02_update-gprs-location_1nce-v1", 100),
            real("03_create-pdp-context_1nce-v2", 200),
        ],
        trace=True,
    )
    views = [(e.type_id, [(v.view, v.dest) for v in e.views]) for e in fleet.trace or []]
    assert views[1] == (3, [("connectivity", "Blocked")])
    assert views[2] == (2, [])  # a registration does not lift it
    assert views[3] == (3, [("connectivity", "Online")])
    assert fleet.value(ENDPOINT, "imei_locked") == "false"


def test_a_1nce_update_location_with_a_failure_reason_is_a_refused_registration() -> None:
    for name in ("01_update-location_1nce-v2", "02_update-gprs-location_1nce-v1"):
        failed = real(name, 0)
        failed["detail"] = {**failed["detail"], "update_location_failure_reason": "RAT_NOT_ALLOWED"}
        assert parse_event(failed).variant == "rejected"
        at_top = {**real(name, 0), "update_location_failure_reason": "RAT_NOT_ALLOWED"}
        assert parse_event(at_top).variant == "rejected"
        fleet = sim.replay([failed], trace=True, assume="in-service")
        entry = (fleet.trace or [])[-1]
        assert (entry.outcome, entry.changes) == ("rejected", ())
        assert fleet.value(ENDPOINT, "network") == "Detached"


def test_the_explanation_of_create_pdp_context_names_every_cause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "explain", "3")
    assert code == 0
    for refusal in REFUSALS:
        for cause in refusal.causes:
            assert cause.upper() in out
    assert "sets imei_locked = true" in out


# Rule 13: the SIM lifecycle.
def test_a_deleted_sim_cannot_be_assigned_activated_or_registered() -> None:
    fleet = sim.replay(
        [
            real("50_sim-released_emnify", 0),
            _as_type(real("09_sim-suspension_emnify", 10), 10, "SIM deletion"),
            real("51_sim-assigned_emnify", 20),
            real("08_sim-activation_emnify_suspended-to-activated", 30),
            real("01_update-location_emnify", 40),
        ],
        trace=True,
    )
    outcomes = [e.outcome for e in fleet.trace or []]
    assert outcomes[2:] == ["inconsistent"] * 3
    assert (fleet.value(ENDPOINT, "sim"), fleet.value(ENDPOINT, "sim_assignment")) == (
        "Deleted", "Unassigned",
    )  # fmt: skip


def test_sim_migration_suspends_an_activated_sim() -> None:
    migration = _as_type(real("09_sim-suspension_emnify", 100), 69, "SIM migration")
    fleet = sim.replay(
        [
            real("02_update-gprs-location_emnify", 0),
            real("08_sim-activation_1nce-v2", 50),
            migration,
        ],
        trace=True,
    )
    assert (fleet.value(ENDPOINT, "sim"), fleet.value(ENDPOINT, "connectivity")) == (
        "Suspended", "Blocked",
    )  # fmt: skip
    assert (fleet.trace or [])[-1].outcome == "applied"


def test_a_sim_seen_alone_first_is_one_sim_with_its_endpoint() -> None:
    events = [
        real("48_sim-registration_emnify", 0, endpoint=None),
        real("09_sim-suspension_emnify", 10, endpoint=None),
        real("51_sim-assigned_emnify", 20),
        real("01_update-location_emnify", 30),
        real("08_sim-activation_emnify_suspended-to-activated", 40, endpoint=None),
    ]
    fleet = sim.replay(events, trace=True)
    assert f"sim:{SIM}" not in fleet and ENDPOINT in fleet
    trace = fleet.trace or []
    assert trace[1].endpoint == f"sim:{SIM}"
    handed = trace[2].changes[0].change
    assert (handed.machine, handed.dest, handed.inferred) == ("sim", "Suspended", True)
    assert trace[3].outcome == "inconsistent"  # a suspended SIM cannot register
    assert trace[4].endpoint == ENDPOINT  # the SIM's own events now reach its endpoint
    assert fleet.value(ENDPOINT, "sim") == "Activated"


# Rule 14: the seed's names; severity and alert.
@pytest.mark.parametrize(("name", "type_id"), [("SIM factory", 45), ("Organization blocked", 12)])
def test_the_seeds_names_are_explained(
    capsys: pytest.CaptureFixture[str], name: str, type_id: int
) -> None:
    code, out, _ = run_cli(capsys, "explain", name)
    assert code == 0 and out.startswith(f"{type_id} ")


def test_trace_where_filters_by_alert_type_and_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(
        tmp_path / "log.jsonl",
        [
            *_online(),
            real("19_quota-used-up_emnify", 100),
            real("05_delete-pdp-context_emnify", 110),
        ],
    )
    for where, types in [
        (["alert=true"], [19]),
        (["severity=warn"], [19]),
        (["type=Delete PDP Context"], [5]),
        (["alert=false", "outcome=unchanged"], [5]),
    ]:
        argv = [f"--trace-where={w}" for w in where]
        code, out, _ = run_cli(capsys, "replay", path, "--json", *argv)
        assert code == 0
        trace = orjson.loads(out)["trace"]
        assert [e["type"]["id"] for e in trace] == types, where
    entry = orjson.loads(run_cli(capsys, "replay", path, "--json", "--trace")[1])["trace"][2]
    assert (entry["severity"], entry["alert"]) == ("Warn", True)
    code, out, _ = run_cli(capsys, "replay", path, "--trace-where", "alert=true")
    assert code == 0 and "19 Quota used up endpoint 5001: applied  [Warn, alert]" in out


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("sevrity=Warn", "unknown field 'sevrity' (did you mean 'severity'?)"),
        ("alert=maybe", "expected true or false"),
        ("type=Quota usd", "no such event type"),
        ("alert", "expected FIELD=VALUE"),
    ],
)
def test_trace_where_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argument: str, message: str
) -> None:
    path = write_jsonl(tmp_path / "log.jsonl", [real("01_update-location_emnify", 0)])
    code, out, err = run_cli(capsys, "replay", path, "--trace-where", argument)
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1


# The seed's example sentences that state a Portal status stay true.
_EXAMPLE = re.compile(r"^### ([^\n]+)\n(?:(?!^### ).)*?\*\*Example\*\*:([^\n]*)", re.M | re.S)
_STATUS = re.compile(r"`(Online|Attached|Offline|Blocked)`")
#: What each example's device does first, so that the event is possible.
_BEFORE = {1: [], 3: [(2, "")], 5: [(2, ""), (3, "accepted")]}


def _seed_statuses() -> dict[int, str]:
    found = {}
    for heading, sentence in _EXAMPLE.findall((DATA / "event-types.md").read_text()):
        status = _STATUS.search(sentence)
        etype = lookup(heading.strip())
        if status and etype:
            found[etype.id] = status.group(1)
    return found


def test_the_seed_states_a_portal_status_for_these_examples() -> None:
    assert _seed_statuses() == {1: "Attached", 3: "Online", 5: "Offline"}


@pytest.mark.parametrize(("type_id", "status"), sorted(_seed_statuses().items()))
def test_the_seeds_example_sentence_holds(type_id: int, status: str) -> None:
    """Five minutes after the event, nothing else happening, the Portal shows what the
    seed's example says. (Delete PDP Context reaches Offline with the Device offline the
    platform sends five minutes later; right after it the device shows Attached.)"""
    fleet = Fleet(trace=True)
    kinds = [*_BEFORE[type_id], (type_id, "accepted" if type_id == 3 else "")]
    for n, (kind, variant) in enumerate(kinds, 1):
        fleet.apply(build_event(kind, event_id=n, time=T0 + n, organisation=ORGANISATION,
                                endpoint=ENDPOINT, variant=variant))  # fmt: skip
    fleet.advance(300)
    assert fleet.value(ENDPOINT, "connectivity") == status


def test_the_portal_attributes_are_set_and_asserted_in_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "offline.yaml"
    path.write_text(
        "name: set up offline\n"
        "setup:\n"
        "  devices:\n"
        "    meter:\n"
        "      state: {network: GPRS Attached, portal_offline: true, imei_locked: false}\n"
        "steps:\n"
        "  - wait: 1m\n"
        "    expect: {connectivity: Offline, portal_offline: true}\n"
        "  - event: Update GPRS location\n"
        "    outcome: applied\n"
        "    expect: {connectivity: Attached, portal_offline: 'false'}\n"
    )
    assert run_cli(capsys, "run", str(path))[0] == 0
    path.write_text(path.read_text().replace("imei_locked: false", "imei_locked: maybe"))
    code, _, err = run_cli(capsys, "run", str(path))
    assert (code, err) == (2, f"{path}:5:74: imei_locked state 'maybe' is not one of false, true\n")

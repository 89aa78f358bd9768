"""``devicesim why`` and ``Fleet.why``: chains of causes from a view back to the events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ENDPOINT, Clock, write_jsonl

import sim
from sim.cli.commands import main

T = "2025-05-01T08:{:02d}:00Z".format


def _events(*kinds: tuple[int, str] | int, **extra: Any) -> list[dict[str, Any]]:
    clock = Clock()
    return [
        clock.event(k, **extra) if isinstance(k, int) else clock.event(*k, **extra) for k in kinds
    ]


def _why(*kinds: tuple[int, str] | int) -> list[str]:
    fleet = sim.replay(_events(*kinds), trace=True)
    return [line for answer in fleet.why(ENDPOINT) for line in answer.lines()]


@pytest.mark.parametrize(
    ("kinds", "lines"),
    [
        pytest.param([1, 2, (3, "accepted")], [], id="online: nothing to explain"),
        pytest.param([1, 15], [
            f"connectivity Offline, because network Detached, because event 2 Purge location at {T(2)}",
        ], id="connectivity Offline"),
        pytest.param([2, (3, "accepted"), 19], [
            "connectivity Attached, because pdp Disconnected, because rule data_service (data quota "
            f"is Exhausted and the action on exhaustion is Block), because event 3 Quota used up at {T(3)}",
            f"connectivity Attached, because network GPRS Attached, because event 1 Update GPRS location at {T(1)}",
            f"data_service Denied, because data_quota Exhausted, because event 3 Quota used up at {T(3)}",
            "data_service Denied, because data_quota_action Block, because no quota assignment named "
            "another action (Block is the default)",
            f"data_quota Exhausted, because event 3 Quota used up at {T(3)}",
        ], id="quota used up: Attached, Denied, Exhausted"),
        pytest.param([(56, "throttle"), 19], [
            "connectivity Offline, because network Detached, because no event has shown it (assumed)",
            f"data_service Throttled, because data_quota Exhausted, because event 2 Quota used up at {T(2)}",
            "data_service Throttled, because data_quota_action Throttle, because event 1 Data quota "
            f"assigned at {T(1)}",
            f"data_quota Exhausted, because event 2 Quota used up at {T(2)}",
        ], id="data service Throttled"),
        pytest.param([21], [
            "connectivity Offline, because network Detached, because no event has shown it (assumed)",
            f"sms_service Denied, because sms_quota Exhausted, because event 1 SMS quota used up at {T(1)}",
            f"sms_quota Exhausted, because event 1 SMS quota used up at {T(1)}",
        ], id="SMS service Denied"),
        pytest.param([60], [
            "connectivity Offline, because network Detached, because no event has shown it (assumed)",
            f"data_quota Expired, because event 1 Data quota expired at {T(1)}",
        ], id="quota Expired (management not shown: data still allowed)"),
        pytest.param([1, 9], [
            f"connectivity Blocked, because sim Suspended, because event 2 SIM suspension at {T(2)}",
            f"data_service Denied, because sim Suspended, because event 2 SIM suspension at {T(2)}",
            f"sms_service Denied, because sim Suspended, because event 2 SIM suspension at {T(2)}",
            f"sim Suspended, because event 2 SIM suspension at {T(2)}",
        ], id="SIM Suspended"),
        pytest.param([1, 11], [
            f"connectivity Blocked, because policy Blocked, because event 2 Endpoint blocked at {T(2)}",
            f"data_service Denied, because policy Blocked, because event 2 Endpoint blocked at {T(2)}",
            f"sms_service Denied, because policy Blocked, because event 2 Endpoint blocked at {T(2)}",
            f"policy Blocked, because event 2 Endpoint blocked at {T(2)}",
        ], id="endpoint blocked"),
        pytest.param([5], [
            "connectivity Attached, because pdp Disconnected, because event 1 Delete PDP Context at "
            f"{T(1)}",
            f"connectivity Attached, because network GPRS Attached, because event 1 Delete PDP Context "
            f"at {T(1)} proves it (A data session needs a packet-switched registration: purging it "
            "ends the session.)",
        ], id="an inference is a cause"),
    ],
)  # fmt: skip
def test_why_answers_every_view_that_is_not_healthy(kinds: list[Any], lines: list[str]) -> None:
    assert _why(*kinds) == lines


def test_an_organisation_block_is_the_cause_of_a_blocked_device() -> None:
    clock = Clock()
    fleet = sim.replay([clock.event(1), clock.event(12, endpoint=None)], trace=True)
    (connectivity, *_) = fleet.why(ENDPOINT)
    assert connectivity.lines() == [
        f"connectivity Blocked, because organisation Blocked, because event 2 Organisation blocked at {T(2)}"
    ]


def test_why_needs_the_trace_and_a_known_device() -> None:
    with pytest.raises(ValueError, match="trace=True"):
        sim.replay(_events(1)).why(ENDPOINT)
    with pytest.raises(KeyError):
        sim.replay(_events(1), trace=True).why(4711)


def test_the_command_answers_by_endpoint_or_sim_in_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_jsonl(tmp_path / "log.jsonl", _events(2, (3, "accepted"), 19))
    assert main(["why", str(ENDPOINT), log]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "endpoint 1001 (organisation 100): connectivity Attached, data_service Denied, sms_service Allowed\n"
    )
    assert "connectivity Attached, because pdp Disconnected, because rule data_service" in out
    assert out.endswith("assumed, no event has shown them: sms_quota\n")
    sim_id = _events(1)[0]["sim"]["id"]
    assert main(["why", f"sim:{sim_id}", log, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["device"], document["assumed"]) == (ENDPOINT, ["sms_quota"])
    assert document["answers"][0]["because"][0] == [
        {"text": "pdp Disconnected"},
        {
            "text": "rule data_service (data quota is Exhausted and the action on exhaustion is Block)"
        },
        {"text": f"event 3 Quota used up at {T(3)}", "event": 3, "timestamp": T(3)},
    ]


def test_an_unknown_device_exits_2_with_the_nearest_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_jsonl(tmp_path / "log.jsonl", _events(1))
    assert main(["why", "1010", log]) == 2
    assert (
        capsys.readouterr().err
        == "devicesim why: no device '1010' in the events (did you mean '1001'?)\n"
    )

"""Every kind of malformed scenario gives one line: path:line:col: what is wrong (did you mean)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.commands import main

GOOD_SETUP = """\
name: x
setup:
  service_profiles:
    fleet: {id: 7}
  devices:
    tracker: {service_profile: fleet}
    spare: {}
"""

CASES = [
    (
        "unknown event",
        GOOD_SETUP + "steps:\n  - event: Create PDP Contxt\n    device: tracker\n",
        "9:12: step 1: unknown event 'Create PDP Contxt' (did you mean 'Create PDP Context'?)",
    ),
    (
        "unknown event id",
        GOOD_SETUP + "steps:\n  - event: 24\n    device: tracker\n",
        "9:12: step 1: unknown event 24",
    ),
    (
        "unknown device",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: trackr\n",
        "10:13: step 1: unknown device 'trackr' (did you mean 'tracker'?)",
    ),
    (
        "device needed",
        GOOD_SETUP + "steps:\n  - event: 1\n",
        "9:5: step 1: 'Update location' needs a device: one of tracker, spare",
    ),
    (
        "device on org event",
        GOOD_SETUP + "steps:\n  - event: 12\n    device: tracker\n",
        "10:5: step 1: 'Organisation blocked' is an organisation event: 'device' does not apply",
    ),
    (
        "unknown machine",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: tracker\n    expect: {netwrk: Detached}\n",
        "11:14: machine or view 'netwrk' is not one of",
    ),
    (
        "unknown state",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: tracker\n    expect: {network: Attached}\n",
        "11:23: network state 'Attached' is not one of Detached, IMSI Attached, GPRS Attached, Combined Attached (did you mean 'IMSI Attached'?)",
    ),
    (
        "yaml boolean stays a word",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: tracker\n    expect: {pdp: off}\n",
        "11:19: pdp state 'off' is not one of Disconnected, Connected",
    ),
    (
        "unknown top key",
        "name: x\nstep:\n  - wait: 1m\n",
        "2:1: unknown key 'step' in the scenario (did you mean 'steps'?)",
    ),
    (
        "unknown step key",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: tracker\n    expct: {pdp: Connected}\n",
        "11:5: step 1: unknown key 'expct' (did you mean 'expect'?)",
    ),
    (
        "key not for this step",
        GOOD_SETUP + "steps:\n  - wait: 5m\n    rejected: true\n",
        "10:5: step 1: 'rejected' does not apply to a wait step",
    ),
    (
        "two actions",
        GOOD_SETUP + "steps:\n  - wait: 5m\n    event: 1\n",
        "9:5: step 1: expected exactly one of event, event_json, events_file, wait, set, found 2",
    ),
    (
        "bad duration",
        GOOD_SETUP + "steps:\n  - wait: five minutes\n",
        "9:11: expected a duration such as 30s, 5m, 2h or 1d, got 'five minutes'",
    ),
    (
        "bad outcome",
        GOOD_SETUP + "steps:\n  - event: 1\n    device: tracker\n    outcome: aplied\n",
        "11:14: step 1: outcome 'aplied' is not one of applied, unchanged, rejected, recorded, inconsistent, duplicate, unknown, invalid (did you mean 'applied'?)",
    ),
    (
        "bad reason",
        GOOD_SETUP
        + "steps:\n  - event: 3\n    device: tracker\n    rejected: true\n    reason: no quota\n",
        "12:13: step 1: reason 'no quota' is not one of no_quota, quota_exhausted, quota_expired, data_service_disabled, sim_not_activated, imei_lock, apn_not_authorized, pdn_not_supported, imsi_not_found, monthly_limit, inactivity, unknown (did you mean 'no_quota'?)",
    ),
    (
        "reason without rejected",
        GOOD_SETUP + "steps:\n  - event: 3\n    device: tracker\n    reason: no_quota\n",
        "11:5: step 1: 'reason' needs 'rejected: true'",
    ),
    (
        "unknown service profile",
        GOOD_SETUP + "steps:\n  - event: 52\n    service_profile: flet\n",
        "10:22: step 1: unknown service profile 'flet' (did you mean 'fleet'?)",
    ),
    (
        "unknown setup key",
        "name: x\nsetup:\n  device: {}\nsteps:\n  - wait: 1s\n",
        "3:3: unknown key 'device' in setup (did you mean 'devices'?)",
    ),
    (
        "unknown device key",
        "name: x\nsetup:\n  devices:\n    a: {endpiont: 5}\nsteps:\n  - wait: 1s\n",
        "4:9: unknown key 'endpiont' in device 'a' (did you mean 'endpoint'?)",
    ),
    (
        "inconsistent setup",
        "name: x\nsetup:\n  devices:\n    a:\n      state: {pdp: Connected}\nsteps:\n  - wait: 1s\n",
        "5:14: pdp Connected breaks rule ps_registration (network is Detached)",
    ),
    ("no steps", "name: x\nsteps: []\n", "2:8: steps must be a non-empty list"),
    ("missing name", "steps:\n  - wait: 1s\n", "1:1: missing key 'name'"),
    ("not a mapping", "- just\n- a list\n", "1:1: a scenario must be a mapping, got a list"),
    ("not yaml", "name: x\nsteps: [\n", "3:1: not valid YAML"),
    (
        "unknown final device",
        GOOD_SETUP + "steps:\n  - wait: 1s\nexpect:\n  trackr: {pdp: Connected}\n",
        "11:3: expect: unknown device 'trackr' (did you mean 'tracker'?)",
    ),
    (
        "missing events file",
        GOOD_SETUP + "steps:\n  - events_file: nowhere.jsonl\n",
        "9:18: step 1: no such events file 'nowhere.jsonl' (relative to the scenario)",
    ),
    (
        "unknown variant",
        GOOD_SETUP + "steps:\n  - event: 0\n    device: tracker\n    variant: disconect\n",
        "11:14: step 1: variant 'disconect' is not one of disconnect, notice (did you mean 'disconnect'?)",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_file_gives_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert err.startswith(f"{path}:{expected}"), err
    assert out == "0 valid, 1 invalid\n"
    assert main(["run", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:{expected}")

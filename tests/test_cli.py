"""The command line: subcommands, output shapes, exit codes, and one clear line per bad input."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import DATA, ENDPOINT, ORGANISATION, Clock, run_cli, write_jsonl

DEVICE_KEYS = {
    "sim",
    "sim_assignment",
    "endpoint",
    "policy",
    "network",
    "pdp",
    "data_quota",
    "sms_quota",
    "connectivity",
    "data_service",
    "sms_service",
}
ATTRIBUTE_KEYS = {"data_quota_action", "portal_offline", "imei_locked"}


def test_events_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "events")
    assert code == 0 and "Quota used up" in out and "data_quota.use_up" in out
    code, out, _ = run_cli(capsys, "events", "--json")
    catalogue = json.loads(out)
    assert {e["id"] for e in catalogue} >= {0, 19, 68} and catalogue[3]["variants"]["accepted"][
        "triggers"
    ] == [{"machine": "pdp", "trigger": "create"}]


def test_explain_by_id_and_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", "19")
    assert (
        code == 0
        and "Active -> Exhausted" in out
        and "None -> inconsistent" in out
        and "data_service" in out
    )
    code, by_name, _ = run_cli(capsys, "explain", "quota", "used", "up")
    assert by_name == out


def test_explain_unknown_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "explain", "Quota usd up")
    assert (code, out) == (2, "")
    assert (
        err == "devicesim explain: unknown event 'Quota usd up' (did you mean 'Quota used up'?)\n"
    )


def _bring_up() -> list[dict[str, Any]]:
    clock = Clock()
    return [
        clock.event(1),
        clock.event(2),
        clock.event(3, "accepted"),
        clock.event(12, endpoint=None),
    ]


def test_replay_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", _bring_up())
    code, out, err = run_cli(capsys, "replay", path, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {
        "devices",
        "organisations",
        "outcomes",
        "reused_ids",
        "late",
        "synthesised",
    }
    assert set(document["devices"][str(ENDPOINT)]) == DEVICE_KEYS | ATTRIBUTE_KEYS | {"assumed"}
    # The organisation block forced pdp and network; what no event showed stays assumed.
    assert document["devices"][str(ENDPOINT)]["assumed"] == ["data_quota", "sms_quota"]
    assert document["devices"][str(ENDPOINT)]["connectivity"] == "Blocked"
    assert document["organisations"][str(ORGANISATION)]["organisation"] == "Blocked"
    assert document["outcomes"] == {
        "applied": 4,
        "unchanged": 0,
        "rejected": 0,
        "recorded": 0,
        "inconsistent": 0,
        "duplicate": 0,
        "unknown": 0,
        "invalid": 0,
    }


def test_replay_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", _bring_up())
    code, out, _ = run_cli(capsys, "replay", path, "--json", "--trace")
    assert code == 0
    trace = json.loads(out)["trace"]
    assert [t["type"]["id"] for t in trace] == [1, 2, 3, 12]
    assert trace[3]["changes"][1] == {
        "endpoint": ENDPOINT,
        "machine": "pdp",
        "from": "Connected",
        "to": "Disconnected",
        "cause": "rule:network_access",
        "reason": "organisation is Blocked",
    }
    _, text, _ = run_cli(capsys, "replay", path, "--trace")
    assert (
        "12 Organisation blocked: applied" in text
        and "[rule:network_access: organisation is Blocked]" in text
    )


def test_replay_orders_by_timestamp_and_skips_retransmissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _bring_up()
    path = write_jsonl(tmp_path / "events.jsonl", [events[2], events[0], events[1], events[0]])
    _, out, _ = run_cli(capsys, "replay", path, "--json")
    document = json.loads(out)
    assert document["devices"][str(ENDPOINT)]["connectivity"] == "Online"
    assert document["outcomes"]["duplicate"] == 1


def test_strict_exits_1_on_inconsistent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    path = write_jsonl(tmp_path / "events.jsonl", [clock.event(10), clock.event(1)])
    assert run_cli(capsys, "replay", path)[0] == 0
    code, out, _ = run_cli(capsys, "replay", path, "--strict")
    assert code == 1 and "1 inconsistent" in out
    started = write_jsonl(tmp_path / "started.jsonl", [Clock().event(3, "accepted")])
    assert run_cli(capsys, "replay", started, "--strict")[0] == 0
    code, out, _ = run_cli(capsys, "replay", started, "--strict", "--assume", "in-service")
    assert code == 1 and "1 inconsistent" in out


def test_bad_lines_are_named_counted_and_do_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.jsonl"
    good = _bring_up()
    path.write_bytes(
        orjson.dumps(good[0])
        + b"\n{not json\n"
        + orjson.dumps({"id": 5})
        + b"\n\n"
        + orjson.dumps(good[1])
        + b"\n"
    )
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert code == 0
    lines = err.splitlines()
    assert lines[0].startswith(f"invalid event: {path}:2: not valid JSON")
    assert lines[1] == f"invalid event: {path}:3: missing field 'event_type'"
    assert (
        json.loads(out)["outcomes"]["invalid"] == 2 and json.loads(out)["outcomes"]["applied"] == 2
    )
    code, _, err = run_cli(capsys, "replay", str(path), "--strict")
    assert code == 1 and err.startswith(f"devicesim replay: {path}:2: not valid JSON")


def test_array_elements_are_named_by_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "page.json"
    path.write_bytes(
        orjson.dumps([_bring_up()[0], {"id": 1, "event_type": {"id": 1}, "timestamp": "yesterday"}])
    )
    code, _, err = run_cli(capsys, "replay", str(path))
    assert code == 0
    assert (
        err
        == f"invalid event: {path}[1]: field 'timestamp': expected an ISO 8601 timestamp, got 'yesterday'\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read: No such file or directory"),
        (b"<xml/>", "not JSON, a JSON array or JSON Lines"),
    ],
)
def test_unreadable_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "events.json"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_cli(capsys, "replay", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and str(path) in err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    payload = orjson.dumps(_bring_up())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    code, out, _ = run_cli(capsys, "replay", "-", "--json")
    assert code == 0 and json.loads(out)["outcomes"]["applied"] == 4


def test_initial_state_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", [Clock().event(19)])
    initial = tmp_path / "initial.yaml"
    initial.write_text(f"devices:\n  {ENDPOINT}:\n    state: {{data_quota: Active}}\n")
    code, out, _ = run_cli(
        capsys, "replay", events, "--json", "--initial", str(initial), "--strict"
    )
    assert code == 0 and json.loads(out)["devices"][str(ENDPOINT)]["data_quota"] == "Exhausted"
    initial.write_text(f"devices:\n  {ENDPOINT}:\n    state: {{data_qouta: Active}}\n")
    code, out, err = run_cli(capsys, "replay", events, "--initial", str(initial))
    assert code == 2
    assert (
        err
        == f"devicesim: {initial}: devices.{ENDPOINT}.state: unknown machine 'data_qouta' (did you mean 'data_quota'?)\n"
    )


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "replay")
    assert code == 2 and err.count("\n") == 1 and "required: PATH" in err


def test_examples_replay(capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(str(p) for p in (DATA / "events").glob("[0-9]*.json"))
    code, out, err = run_cli(capsys, "replay", *paths, "--json")
    assert (code, err) == (0, "")
    assert sum(json.loads(out)["outcomes"].values()) == len(paths)


def test_module_and_console_script_run() -> None:
    for command in (
        [sys.executable, "-m", "sim", "explain", "5"],
        [str(Path(sys.executable).parent / "devicesim"), "explain", "5"],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0 and "Connected -> Disconnected" in result.stdout


def test_readme_initial_state_example_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    example = re.search(r"```yaml\n(defaults: .*?)```", readme, re.S)
    assert example is not None
    initial = tmp_path / "initial.yaml"
    initial.write_text(example.group(1))
    events = write_jsonl(tmp_path / "events.jsonl", [Clock().event(19)])
    code, out, _ = run_cli(
        capsys, "replay", events, "--json", "--initial", str(initial), "--strict"
    )
    assert code == 0
    device = json.loads(out)["devices"]["1001"]
    assert (device["data_quota"], device["data_service"], device["pdp"]) == (
        "Exhausted",
        "Throttled",
        "Connected",
    )

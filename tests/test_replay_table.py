"""The text ``devicesim replay`` prints: 80 columns, sorted, filtered, coloured on request."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import DATA, Clock, run_cli, write_jsonl

EXAMPLES = DATA / "events"


def _fleet_log(tmp_path: Path) -> str:
    """Devices 30 (Online), 4 (SIM suspended) and 200 (quota used up) of organisation 100; an
    organisation 7 blocked, with no device."""
    clock = Clock()
    blocked = {**clock.event(12, endpoint=None), "organisation": {"id": 7, "name": "seven"}}
    return write_jsonl(tmp_path / "log.jsonl", [
        clock.event(1, endpoint=30), clock.event(2, endpoint=30), clock.event(3, "accepted", endpoint=30),
        clock.event(9, endpoint=4), clock.event(19, endpoint=200), clock.event(1, endpoint=200), blocked,
    ])  # fmt: skip


def test_the_examples_fit_80_columns_sorted_with_unique_headers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = sorted(str(p) for p in EXAMPLES.glob("[0-9]*.json"))
    code, out, _ = run_cli(capsys, "replay", *paths)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = lines[0].split("  ")
    names = [h.strip() for h in header if h.strip()]
    assert len(names) == len(set(names))
    ids = [line.split()[0] for line in lines[2 : lines.index("")]]
    assert len(ids) == 40 and ids[-1] == "sim:96112629"  # a SIM seen alone, after the endpoints
    assert [int(i) for i in ids[:-1]] == sorted(int(i) for i in ids[:-1])
    assert "organisation  status   devices" in out
    assert "40 devices: 7 Attached, 7 Blocked, 24 Offline, 2 Online" in out


def test_one_device_organisations_and_filters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _fleet_log(tmp_path)
    _, out, _ = run_cli(capsys, "replay", log)
    table = out.split("\n\n")[0].splitlines()
    assert [row.split()[0] for row in table[2:]] == ["4", "30", "200"]
    assert table[2].split()[1:5] == ["Blocked", "Denied", "Denied", "sim"]
    organisations = out.split("\n\n")[1].splitlines()
    assert organisations[2:] == ["7             Blocked  0", "100           Active   3"]
    _, out, _ = run_cli(capsys, "replay", log, "--device", "30")
    assert out.split("\n\n")[2].startswith("1 device: 1 Online\n")
    _, out, _ = run_cli(
        capsys, "replay", log, "--where", "data_quota=Exhausted", "--where", "connectivity=Attached"
    )
    assert [row.split()[0] for row in out.split("\n\n")[0].splitlines()[2:]] == ["200"]
    _, out, _ = run_cli(capsys, "replay", log, "--device", "4", "--device", "200", "--json")
    assert list(orjson.loads(out)["devices"]) == ["4", "200"]


def test_a_bad_filter_is_one_line_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _fleet_log(tmp_path)
    assert run_cli(capsys, "replay", log, "--where", "conectivity=Online") == (
        2, "", "devicesim replay: --where 'conectivity=Online': unknown machine or view "
        "'conectivity' (did you mean 'connectivity'?)\n",
    )  # fmt: skip
    code, _, err = run_cli(capsys, "replay", log, "--where", "pdp")
    assert code == 2 and err.startswith("devicesim replay: --where 'pdp': pdp has no state ''")


def test_colour_on_request_never_in_a_pipe_and_not_with_no_color(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fleet_log(tmp_path)
    _, out, _ = run_cli(capsys, "replay", log, "--color", "always")
    assert "\x1b[31mBlocked" in out and "\x1b[32mOnline" in out
    assert (
        "\x1b[" not in run_cli(capsys, "replay", log)[1]
    )  # auto, and captured output is no terminal
    assert "\x1b[" not in run_cli(capsys, "replay", log, "--color", "never")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert "\x1b[" not in run_cli(capsys, "replay", log)[1]


def test_strict_says_on_stderr_which_event_failed_where_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    log = write_jsonl(tmp_path / "log.jsonl", [clock.event(50), clock.event(10), clock.event(1)])
    code, out, err = run_cli(capsys, "replay", log, "--strict")
    assert code == 1 and "1 inconsistent" in out
    assert err == (
        "devicesim replay: event 3 (Update location, endpoint 1001) at 2025-05-01T08:03:00Z is "
        "inconsistent: a network registration needs network access: SIM is Deleted\n"
    )

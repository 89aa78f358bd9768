"""No input crashes it: every reproduction of the hardening issue, as a test.

Each bad input gets one clear line naming its position, the good input around it is still
processed, and the exit code says what happened (0 with invalid events counted, 2 for a file
or a command that cannot be used, 130 when interrupted).
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import ENDPOINT, Clock, run_cli

import sim
from sim import Fleet
from sim.cli.terminal import EscapingWriter
from sim.errors import shown
from sim.events.fields import MAX_ID
from sim.scenarios.runner import run_scenario

GOOD: dict[str, Any] = {
    "id": 1, "timestamp": "2025-05-01T07:00:01Z", "event_type": {"id": 1}, "endpoint": {"id": 1},
}  # fmt: skip
LATER = GOOD | {"id": 3, "timestamp": "2025-05-01T07:00:05Z", "event_type": {"id": 2}}
#: A good event between them (a data session).
MIDDLE = GOOD | {
    "id": 2,
    "timestamp": "2025-05-01T07:00:03Z",
    "event_type": {"id": 3},
    "detail": {"pdp_context": {}},
}


NUMBERS = {"@ID": 2**63, "@BIG": 1180591620717411303424}


def _around(bad: dict[str, Any] | bytes) -> bytes:
    """A good event, the bad one, another good event: JSON Lines."""
    middle = bad if isinstance(bad, bytes) else orjson.dumps(bad)
    for name, number in NUMBERS.items():  # JSON numbers that orjson does not write
        middle = middle.replace(b'"%s"' % name.encode(), b"%d" % number)
    return orjson.dumps(GOOD) + b"\n" + middle + b"\n" + orjson.dumps(LATER) + b"\n"


BAD_FIELDS = {
    "description a number": (
        GOOD | {"id": 2, "event_type": {"id": 3}, "description": 5},
        "field 'description': expected a string, got 5",
    ),
    "type id a list": (
        GOOD | {"id": 2, "event_type": {"id": [1]}},
        "field 'event_type.id': expected an integer id from 0 to 2**63-1, got [1]",
    ),
    "id a superscript digit": (
        GOOD | {"id": "²"},
        "field 'id': expected an integer id from 0 to 2**63-1, got '²'",
    ),
    "id --5": (GOOD | {"id": "--5"}, "field 'id': expected an integer id from 0 to 2**63-1, got '--5'"),
    "id of 5,000 digits": (
        GOOD | {"id": "9" * 5000},
        "field 'id': expected an integer id from 0 to 2**63-1, got 5000 digits",
    ),
    "endpoint id a superscript digit": (
        GOOD | {"id": 2, "endpoint": {"id": "²"}},
        "field 'endpoint.id': expected an integer id from 0 to 2**63-1, got '²'",
    ),
    "source id of 5,000 digits on a session": (
        GOOD | {"id": 2, "event_type": {"id": 3}, "event_source": {"id": "9" * 5000}},
        "field 'event_source.id': expected an integer id from 0 to 2**63-1, got 5000 digits",
    ),
    "action on exhaustion a list": (
        GOOD | {"id": 2, "event_type": {"id": 56}, "detail": {"action_on_exhaustion": [1]}},
        "field 'detail.action_on_exhaustion': expected an id (1 block, 2 throttle), got [1]",
    ),
    "type 52 with a 5,000-digit profile id": (
        GOOD | {"id": 2, "event_type": {"id": 52}, "description": f"service profile (id = {'9' * 5000})"},
        "field 'description': a service profile id beyond 64 bits",
    ),
    "a year before 1970 in UTC": (
        GOOD | {"id": 2, "timestamp": "0001-01-01T00:00:00+14:00"},
        "field 'timestamp': expected a time between 1970-01-01 and 9999-12-30 (UTC), got '0001-01-01T00:00:00+14:00'",
    ),
    "a year after 9999 in UTC": (
        GOOD | {"id": 2, "timestamp": "9999-12-31T23:59:59-14:00"},
        "field 'timestamp': expected a time between 1970-01-01 and 9999-12-30 (UTC), got '9999-12-31T23:59:59-14:00'",
    ),
    "an id beyond 64 bits": (
        GOOD | {"id": "@BIG"},
        "field 'id': expected an integer id from 0 to 2**63-1, got a 22-digit number (beyond 64 bits)",
    ),
    "an id of 2**63": (
        GOOD | {"id": "@ID"},
        "field 'id': expected an integer id from 0 to 2**63-1, got 9223372036854775808 (beyond 64 bits)",
    ),
    "a 200 MB-like timestamp is cut short": (
        GOOD | {"id": 2, "timestamp": "x" * 100_000},
        "field 'timestamp': expected an ISO 8601 timestamp, got 'xxxxxxxx",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("bad", "message"), BAD_FIELDS.values(), ids=list(BAD_FIELDS))
def test_one_bad_field_is_one_invalid_line_and_the_rest_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, Any], message: str
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(_around(bad))
    code, out, err = run_cli(capsys, "replay", str(path), "--json", "--trace")
    document = json.loads(out)
    assert code == 0
    assert document["outcomes"]["invalid"] == 1 and document["outcomes"]["applied"] == 2
    assert err.startswith(f"invalid event: {path}:2: {message}"), err
    assert err.count("\n") == 1 and len(err) < 400


@pytest.mark.parametrize(
    "bad",
    [
        GOOD
        | {"id": 2, "event_type": {"id": 56}, "detail": json.dumps({"volume": int("9" * 400)})},
        GOOD | {"id": 2, "event_type": {"id": 3}, "detail": "[" * 100_000},
        GOOD | {"id": 2, "event_type": {"id": 56}, "detail": "{" * 100_000},
        GOOD | {"id": 2, "alert": [[[[[[[[1]]]]]]]], "event_severity": {"description": [1]}},
    ],
    ids=["a 400-digit volume", "100,000 [ in detail", "100,000 { in a quota detail", "odd marks"],
)
def test_payload_parts_the_model_does_not_need_do_not_stop_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, Any]
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(_around(bad))
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert code == 0 and err == ""
    assert json.loads(out)["outcomes"]["invalid"] == 0


def test_integral_floats_are_ids_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = GOOD | {"event_type": {"id": 1.0}, "endpoint": {"id": 1002.0}, "id": 7.0}
    path = tmp_path / "events.jsonl"
    path.write_bytes(orjson.dumps(event) + b"\n")
    code, out, _ = run_cli(capsys, "replay", str(path), "--json")
    assert code == 0 and list(json.loads(out)["devices"]) == ["1002"]


@pytest.mark.parametrize(
    ("first", "message"),
    [
        (b'{"id":1,"times', "not valid JSON"),
        (b'{"id":1,"d":"caf\xe9"}', "not UTF-8 text (byte 0xe9 at column 17"),
        (b"id,timestamp,event_type", "not valid JSON"),
    ],
    ids=["truncated", "invalid UTF-8", "a header line"],
)
@pytest.mark.parametrize("at", [1, 5])
def test_a_bad_line_is_reported_where_it_is_and_the_rest_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: bytes, message: str, at: int
) -> None:
    clock = Clock()
    lines = [orjson.dumps(clock.event(1, endpoint=ENDPOINT + n)) for n in range(5)]
    lines.insert(at - 1, first)
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert code == 0
    assert json.loads(out)["outcomes"]["applied"] == 5
    assert err.startswith(f"invalid event: {path}:{at}: {message}"), err


def test_a_byte_order_mark_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _around(MIDDLE))
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["outcomes"]["invalid"] == 0
    assert sum(json.loads(out)["outcomes"].values()) == 3


def test_gzip_is_read_transparently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + _around(MIDDLE)))
    code, out, err = run_cli(capsys, "replay", str(path), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["outcomes"]["invalid"] == 0
    assert sum(json.loads(out)["outcomes"].values()) == 3


def test_damaged_gzip_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(gzip.compress(_around(MIDDLE) * 50)[:-30])
    code, out, err = run_cli(capsys, "replay", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"devicesim: {path}: cannot read:") and err.count("\n") == 1


def test_utf16_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(_around(GOOD).decode().encode("utf-16"))
    code, _, err = run_cli(capsys, "replay", str(path))
    assert code == 2
    assert (
        err
        == f"devicesim: {path}: looks like UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)\n"
    )


def test_a_document_that_is_not_json_says_what_it_looks_like(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.json"
    path.write_bytes(b'[{"id": 1, caf\xe9}]')
    code, _, err = run_cli(capsys, "replay", str(path))
    assert code == 2 and "not JSON, a JSON array or JSON Lines: not UTF-8 text (byte 0xe9" in err


def test_stdin_twice_and_closed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "replay", "-", "-")
    assert (
        code == 2 and err == "devicesim: standard input ('-') can be read only once: name it once\n"
    )
    monkeypatch.setattr("sys.stdin", None)
    code, _, err = run_cli(capsys, "replay", "-")
    assert (code, err) == (2, "devicesim: <stdin>: standard input is closed\n")


def test_ctrl_c_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.cli.replay_commands.read_all", interrupted)
    code, _, err = run_cli(capsys, "replay", "nothing.jsonl")
    assert (code, err) == (130, "devicesim: interrupted\n")


def test_control_characters_never_reach_the_terminal() -> None:
    written: list[str] = []

    class Terminal:
        def write(self, text: str) -> int:
            written.append(text)
            return len(text)

    writer = EscapingWriter(Terminal())  # type: ignore[arg-type]
    writer.write("user \x1b]0;pwned\x07 \x1b[2J\x9b2J \x1b[31mred\x1b[0m\tok\n")
    assert written[-1] == "user \\x1b]0;pwned\\x07 \\x1b[2J\\x9b2J \\x1b[31mred\\x1b[0m\tok\n"
    writer.colour = True
    writer.write("\x1b[31mred\x1b[0m \x1b]8;;x\x07")
    assert written[-1] == "\x1b[31mred\x1b[0m \\x1b]8;;x\\x07"


def test_a_scenario_name_with_escapes_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "escape.yaml"
    path.write_text('name: "bad \\e]0;title\\a name"\nsteps:\n  - wait: 1s\n')
    code, out, _ = run_cli(capsys, "run", str(path), "--explain")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\\x1b]0;title\\x07" in out


def test_junit_xml_stays_well_formed_with_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "control.yaml"
    path.write_text('name: "bell \\a and \\x01"\nsteps:\n  - wait: 1s\n')
    report = tmp_path / "report.xml"
    assert run_cli(capsys, "run", str(path), "--junit-xml", str(report))[0] == 0
    case = ElementTree.parse(report).getroot().find("testcase")
    assert case is not None and case.get("name") == "bell \\x07 and \\x01"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["run", "--junit-xml", "/dev/null/x"],
            "--junit-xml /dev/null/x: /dev/null is not a folder",
        ),
        (["cover", "--out", "/dev/null/x"], "--out /dev/null/x: /dev/null is not a folder"),
        (["cover", "--out", ""], "--out: expected a folder name, got ''"),
        (
            ["replay", "x.jsonl", "--trace-out", "/dev/null/x"],
            "--trace-out /dev/null/x: /dev/null is not a folder",
        ),
    ],
)
def test_outputs_are_checked_before_the_work(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == f"devicesim: {message}\n"


def test_cover_refuses_an_existing_file_and_a_read_only_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "file"
    existing.write_text("")
    assert run_cli(capsys, "cover", "--out", str(existing))[2] == (
        f"devicesim: --out {existing}: exists and is not a folder\n"
    )
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, _, err = run_cli(capsys, "cover", "--out", str(locked / "out"))
        if os.access(locked, os.W_OK):  # root may write anyway: the check must not refuse it
            assert code == 0 and (locked / "out").is_dir()
        else:
            assert (code, err) == (
                2,
                f"devicesim: --out {locked / 'out'}: cannot write in {locked} (read-only)\n",
            )
    finally:
        locked.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("key", ["²", "9" * 5000])
def test_initial_state_keys_that_are_no_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    initial = tmp_path / "initial.json"
    initial.write_text(json.dumps({"devices": {key: {}}}))
    code, _, err = run_cli(capsys, "replay", str(initial), "--initial", str(initial))
    assert code == 2 and err.count("\n") == 1
    assert f"expected a numeric id (0 to 2**63-1), got {shown(key)}" in err


def test_initial_state_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    initial = tmp_path / "initial.yaml"
    initial.write_bytes(b"devices:\n  caf\xe9: {}\n")
    code, _, err = run_cli(capsys, "replay", str(initial), "--initial", str(initial))
    assert (
        code == 2 and err.startswith(f"devicesim: {initial}: cannot read:") and err.count("\n") == 1
    )


@pytest.mark.parametrize("key", ["²", "9" * 5000, "٣"])
def test_explain_an_event_that_is_no_id(capsys: pytest.CaptureFixture[str], key: str) -> None:
    code, out, err = run_cli(capsys, "explain", key)
    assert (code, out) == (2, "")
    assert err.startswith(f"devicesim explain: unknown event {key!r}")


def test_ids_beyond_64_bits_from_python_are_invalid() -> None:
    fleet = Fleet()
    entry = fleet.apply(GOOD | {"id": MAX_ID + 1})
    assert entry.outcome == "invalid" and "beyond 64 bits" in entry.warnings[0]
    assert fleet.apply(GOOD | {"id": MAX_ID}).outcome == "applied"


def test_a_scenario_with_a_long_recording_keeps_a_bounded_trace(tmp_path: Path) -> None:
    clock = Clock()
    events = [
        clock.event(t, v, endpoint=ENDPOINT + n % 20)
        for n in range(200)
        for t, v in ((1, ""), (2, ""), (3, "accepted"), (5, ""))
    ]
    (tmp_path / "long.jsonl").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events))
    path = tmp_path / "long.yaml"
    path.write_text(
        "name: long\nmode: lenient\nsetup:\n  devices:\n    t: {endpoint: 1001}\n"
        "steps:\n  - events_file: long.jsonl\nexpect: {t: {pdp: Connected}}\n"
    )
    result = run_scenario(path)
    assert len(result.trace) < 200, "the trace of a recording is a digest, not an entry per event"
    assert [f.message for f in result.failures] == ["expected pdp Connected, got Disconnected"]
    assert any("Delete PDP Context" in cause for cause in result.failures[0].causes)
    plain = sim.replay(str(tmp_path / "long.jsonl"))
    assert plain.state(ENDPOINT).pdp == "Disconnected"


SETUP = "name: x\nsetup:\n  service_profiles:\n    fleet: {id: 7}\n  devices:\n    tracker: {service_profile: fleet}\n    spare: {}\nsteps:\n"
_LAUGHS = ", ".join(
    f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]"
    for before, name in zip("abcdefg", "bcdefgh", strict=True)
)
YAML_CASES = {
    "billion laughs in event_json": (
        SETUP + f"  - event_json: {{a: &a [1,1,1,1,1,1,1,1,1], {_LAUGHS}}}\n",
        "9:184:",
        "not valid YAML: aliases expand to more than 10000 values",
    ),
    "an alias inside its own anchor": (
        SETUP + "  - event_json: &a {x: *a}\n", "9:24:", "not valid YAML: alias *a refers to a node it is inside of"
    ),
    "900 levels of nesting": (
        SETUP + "  - event_json: " + "[" * 900 + "]" * 900 + "\n",
        "9:78:",
        "not valid YAML: nested more than 64 levels deep",
    ),
    "a key written twice": (
        SETUP + "  - event: Update location\n    device: tracker\n    event: Purge location\n",
        "11:5:",
        "not valid YAML: key 'event' written twice (first at line 9, column 5)",
    ),
    "an impossible start": ("name: x\nstart: 2025-13-45\nsteps:\n  - wait: 1s\n", "2:8:", "expected an ISO 8601 timestamp, got '2025-13-45'"),
    "a device alias that is a list": (
        SETUP + "  - event: Update location\n    device: [1]\n",
        "10:13:",
        "step 1: unknown device [1] (expected one of tracker, spare)",
    ),
    "a service profile that is a mapping": (
        SETUP + "  - event: Data quota enabled\n    service_profile: {a: 1}\n",
        "10:22:",
        "step 1: unknown service profile {'a': 1} (expected one of fleet)",
    ),
    "an event that is a superscript digit": (SETUP + '  - event: "²"\n', "9:12:", "step 1: unknown event '²'"),
    "an infinite wait": (SETUP + "  - wait: .inf\n", "9:11:", "expected a duration such as 30s, 5m, 2h or 1d, got inf"),
    "a wait of 10**24 days": (
        SETUP + "  - wait: 999999999999999999999999d\n",
        "9:11:",
        "expected a duration of at most 3650d (10 years), got '999999999999999999999999d'",
    ),
    "an after of 10**24 days": (
        SETUP + "  - event: Update location\n    device: tracker\n    after: 999999999999999999999999d\n",
        "11:12:",
        "expected a duration of at most 3650d",
    ),
    "a clock past the year 9999": (
        "name: x\nstart: 9999-12-29T00:00:00Z\nsteps:\n  - wait: 1d\n  - wait: 2d\n",
        "5:5:",
        "step 2: the scenario's clock would pass 9999-12-30",
    ),
    "a number of 5,000 digits": (SETUP + "  - wait: " + "9" * 5000 + "\n", "9:11:", "not valid YAML: a number of 5000 characters is too long"),
    "an event_json with a bad field": (
        SETUP + "  - event_json: {event_type: {id: 3}, endpoint: {id: 1}, description: 5}\n",
        "9:17:",
        "step 1: event_json: field 'description': expected a string, got 5",
    ),
    "an events_file that is a folder": (SETUP + "  - events_file: folder\n", "9:18:", "step 1: events file 'folder' is a folder"),
    "an events_file that is a device": (SETUP + "  - events_file: /dev/null\n", "9:18:", "step 1: events file '/dev/null' is not a regular file"),
    "an events_file that is not JSON": (
        SETUP + "  - events_file: table.csv\n",
        "9:18:",
        "step 1: events file 'table.csv': not JSON, a JSON array or JSON Lines: not valid JSON",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("text", "where", "message"), YAML_CASES.values(), ids=list(YAML_CASES))
def test_a_refused_scenario_is_one_line_and_exit_2_and_the_others_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "table.csv").write_text("id,timestamp\n1,2025-01-01\n")
    (tmp_path / "good.yaml").write_text("name: good\nsteps:\n  - wait: 1s\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    code, out, err = run_cli(capsys, "validate", str(path))
    assert (code, out) == (2, "0 valid, 1 invalid\n")
    assert err.startswith(f"{path}:{where} {message}"), err
    assert err.count("\n") == 1 and len(err) < 500
    code, out, err = run_cli(capsys, "run", str(tmp_path))
    assert code == 2 and err.startswith(f"{path}:{where} {message}")
    assert "1 passed" in out


def test_dates_are_text_where_text_is_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dated.yaml"
    path.write_text("name: 2025-02-30\nsteps:\n  - wait: 1s\n")
    code, out, _ = run_cli(capsys, "run", str(path))
    assert code == 0 and "1 passed" in out


def test_a_number_names_the_device_alias_written_as_that_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "numbers.yaml"
    path.write_text(
        "name: numbered\nsetup:\n  devices:\n    1: {endpoint: 1001}\n    2: {endpoint: 1002}\n"
        "steps:\n  - event: Update location\n    device: 1\n    expect: {1: {network: IMSI Attached}}\n"
    )
    code, out, err = run_cli(capsys, "run", str(path))
    assert (code, err) == (0, ""), out


def test_pytest_collects_past_a_refused_scenario(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/good": "name: good\nsteps:\n  - wait: 1s\n"})
    pytester.makefile(
        ".yaml", **{"scenarios/dated": "name: x\nstart: 2025-13-45\nsteps:\n  - wait: 1s\n"}
    )
    result = pytester.runpytest("--continue-on-collection-errors")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*dated.yaml:2:8: expected an ISO 8601 timestamp, got '2025-13-45'*"]
    )


def test_a_bad_line_in_a_recording_is_counted_and_the_rest_applies(tmp_path: Path) -> None:
    (tmp_path / "rec.jsonl").write_bytes(_around(GOOD | {"id": 2, "description": 5}))
    path = tmp_path / "rec.yaml"
    path.write_text(
        "name: recording\nmode: lenient\nsetup:\n  devices:\n    t: {endpoint: 1}\n"
        "steps:\n  - events_file: rec.jsonl\n    expect: {network: Combined Attached}\n"
    )
    result = run_scenario(path)
    assert result.passed, result.failures
    assert [e.outcome for e in result.trace].count("invalid") == 1
    strict = tmp_path / "strict.yaml"
    strict.write_text(path.read_text().replace("mode: lenient", "mode: strict"))
    assert [f.message for f in run_scenario(strict).failures] == [
        "unexpected invalid event (invalid) in strict mode"
    ]

"""The input boundary, fuzzed: arbitrary JSON in every field of real payloads, arbitrary bytes
as lines, arbitrary YAML as scenarios and initial-state files.

Whatever comes in: no exception escapes, every line is accounted for (an event with an
outcome, or invalid), the good events around a bad one give the same states as without it,
the fast decoder and the careful parser agree, and everything the replay prints can be
printed. The quick profile runs these in the suite; ``HYPOTHESIS_PROFILE=deep`` runs them long.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from conftest import DATA
from hypothesis import given
from hypothesis import strategies as st

from sim import Fleet, InitialState
from sim.cli.render import trace_line
from sim.engine.store import EVIDENCE
from sim.errors import DeviceSimError, ScenarioError
from sim.events.parse import parse_event
from sim.events.wire import decode_line
from sim.io.decoding import parse_lines
from sim.io.initial_file import load_initial
from sim.io.replay import Replay, replay_events
from sim.scenarios.load import TOP_KEYS, load_scenario
from sim.scenarios.runner import run_scenario
from sim.scenarios.steps import ALL_KEYS

PAYLOADS = [json.loads(path.read_text()) for path in sorted((DATA / "events").glob("[0-9]*.json"))]
#: Two good events on devices of their own, before and after the fuzzed one.
BEFORE = {
    "id": 1,
    "timestamp": "2025-05-01T07:00:00Z",
    "event_type": {"id": 1},
    "endpoint": {"id": 9001},
}
AFTER = {
    "id": 3,
    "timestamp": "2099-05-01T07:00:00Z",
    "event_type": {"id": 2},
    "endpoint": {"id": 9002},
}

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "²", "--5", "1.0", "9" * 30, "2025-13-45", "0001-01-01T00:00:00+14:00", "\x1b]0;x\x07"])
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path into a payload (dict keys and list indexes)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*prefix, key)
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*prefix, index)
            yield from _paths(inner, (*prefix, index))


@st.composite
def fuzzed_payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A real payload with one field (at any depth) replaced by an arbitrary JSON value,
    or removed, and a timestamp between the two good events."""
    payload = json.loads(json.dumps(draw(st.sampled_from(PAYLOADS))))
    payload["timestamp"], payload["id"] = "2050-01-01T00:00:00Z", 2
    paths = [(key,) for key in payload] + list(_paths(payload))
    path = draw(st.sampled_from(paths))
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and draw(st.booleans()) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    fuzzed: dict[str, Any] = payload
    return fuzzed


def _line(value: Any) -> bytes:
    """One JSON line (the standard library writes any integer, unlike orjson)."""
    return json.dumps(value).encode() + b"\n"


def _replayed(lines: list[bytes]) -> tuple[Fleet, Replay]:
    replay = Replay()
    parse_lines(
        enumerate(lines, 1),
        replay.events,
        lambda at, why: replay.invalid.append(f"line {at}: {why}"),
    )
    fleet = Fleet(assume=EVIDENCE, trace=True, silent_changes=True)
    return replay_events(fleet, replay), replay


def _printable(fleet: Fleet) -> None:
    """Everything a replay prints can be made: JSON of the states and of each entry, text."""
    orjson.dumps(fleet.snapshot())
    for entry in fleet.trace or []:
        orjson.dumps(entry.to_json())
        trace_line(entry)


@given(fuzzed_payloads())
def test_a_fuzzed_field_never_escapes_and_never_disturbs_the_others(
    payload: dict[str, Any],
) -> None:
    fleet, replay = _replayed([_line(BEFORE), _line(payload), _line(AFTER)])
    assert sum(fleet.outcomes.values()) == 3, "every line is an outcome or invalid"
    _printable(fleet)
    if replay.invalid:
        alone, _ = _replayed([_line(BEFORE), _line(AFTER)])
        for endpoint in (9001, 9002):
            assert fleet.state(endpoint) == alone.state(endpoint)
        assert len(replay.invalid[0]) < 600, "a message shows the bad value cut short"


@given(fuzzed_payloads())
def test_the_fast_decoder_and_the_careful_parser_agree(payload: dict[str, Any]) -> None:
    line = _line(payload)
    fast = decode_line(line)
    if fast is not None:
        assert fast == parse_event(orjson.loads(line), keep_raw=False)


@pytest.mark.parametrize(
    "name",
    [path.stem for path in sorted((DATA / "events").glob("0[12]_*.json"))],
)
def test_a_registration_with_its_network_is_read_the_fast_way(name: str) -> None:
    """Every real registration carries its network in ``detail``: the common shape."""
    payload = json.loads((DATA / "events" / f"{name}.json").read_text())
    payload = payload[0] if isinstance(payload, list) else payload
    line = _line(payload)
    fast = decode_line(line)
    assert fast is not None and fast.variant == ""
    assert fast == parse_event(orjson.loads(line), keep_raw=False)


@pytest.mark.parametrize("severity", [{"id": 7, "description": "WARN"}, {"description": "Warn"}])
def test_a_severity_without_a_known_id_is_read_from_its_description(
    severity: dict[str, Any],
) -> None:
    line = _line(BEFORE | {"event_severity": severity})
    assert decode_line(line) is None
    fleet, replay = _replayed([line])
    assert not replay.invalid and fleet.trace and fleet.trace[0].severity == "Warn"


@pytest.mark.parametrize(
    "tail",
    [
        b'"detail":{"quota":"\xff"}}',
        b'"detail":{"quota":' + b"[" * 2000 + b"]" * 2000 + b"}}",
        b'"detail":{"quota":' + b"[" * 1100 + b"]" * 1100 + b"}}",
        b'"extra":' + b"[" * 2000 + b"]" * 2000 + b"}",
    ],
    ids=["not UTF-8 in detail", "detail nested 2000 deep", "1100 deep", "extra field 2000 deep"],
)
def test_a_detail_the_fast_decoder_cannot_read_is_said_the_careful_way(tail: bytes) -> None:
    line = b'{"id":2,"timestamp":"2050-01-01T00:00:00Z","event_type":{"id":56},"endpoint":{"id":1},'
    fleet, replay = _replayed([_line(BEFORE), line + tail + b"\n", _line(AFTER)])
    assert sum(fleet.outcomes.values()) == 3
    assert len(replay.invalid) == 1 and replay.invalid[0].startswith("line 2: ")
    assert fleet.state(9001).network == "IMSI Attached"


@given(
    st.lists(
        st.binary(max_size=60) | st.sampled_from([b"", b"\xef\xbb\xbf{}", b"[", b'{"id":']),
        max_size=6,
    )
)
def test_arbitrary_bytes_as_lines(chunks: list[bytes]) -> None:
    lines = [chunk.replace(b"\n", b" ") + b"\n" for chunk in chunks]
    fleet, replay = _replayed([_line(BEFORE), *lines, _line(AFTER)])
    blank = sum(1 for line in lines if not line.strip())
    assert len(replay.events) + len(replay.invalid) + blank == len(lines) + 2
    _printable(fleet)


step_values = (
    st.sampled_from(
        [
            "Update location",
            "Create PDP Context",
            "5m",
            ".inf",
            "tracker",
            "2025-13-45",
            "Connected",
        ]
    )
    | json_values
)
steps = st.lists(
    st.dictionaries(st.sampled_from([*ALL_KEYS, "nonsense"]), step_values, min_size=1, max_size=3),
    max_size=3,
)
scenario_documents = st.fixed_dictionaries(
    {"name": st.text(max_size=10), "steps": steps},
    optional={
        key: json_values
        | st.just({"devices": {"tracker": {"endpoint": 1001}}, "organisation": {"id": 1}})
        for key in (*TOP_KEYS, "setup", "nonsense")
        if key not in ("name", "steps")
    },
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@given(document=scenario_documents | json_values, text=st.none() | st.text(max_size=80))
def test_arbitrary_yaml_scenarios_are_read_or_refused_one_line_per_error(
    folder: Path, document: Any, text: str | None
) -> None:
    path = folder / "fuzzed.yaml"
    path.write_text(text if text is not None else yaml.safe_dump(document, allow_unicode=True))
    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert all("\n" not in str(e) and e.line for e in error.errors), "one placed line each"
        assert str(error).count("\n") == len(error.errors) - 1 + (error.not_shown > 0)
        return
    assert run_scenario(scenario).scenario is scenario


@given(
    document=json_values | st.fixed_dictionaries({"devices": json_values, "defaults": json_values})
)
def test_arbitrary_yaml_initial_states_are_read_or_refused(folder: Path, document: Any) -> None:
    path = folder / "initial.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    try:
        assert isinstance(load_initial(str(path)), InitialState)
    except DeviceSimError as error:
        assert "\n" not in str(error), "one line"

"""The public API: a small ``sim.__all__``, ``sim.replay``, ``sim.run_scenario``, errors with
fields, and the promise that no module outside the catalogue compares raw event-type ids."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import Clock

import sim
from sim.cli.commands import main
from sim.errors import EventFormatError, InitialStateError, ScenarioError, StrictReplayError
from sim.events.catalogue import CATALOGUE
from sim.testing.walker import Walker

ROOT = Path(__file__).resolve().parent.parent


def test_the_public_api_is_small_and_importable() -> None:
    assert len(sim.__all__) <= 15
    for name in sim.__all__:
        assert getattr(sim, name) is not None
    # These stay where users' tests import them from.
    from sim.pytest_plugin import pytest_collect_file
    from sim.testing import IntegrationStateMachine, event_streams

    assert callable(pytest_collect_file) and IntegrationStateMachine and event_streams


def _bring_up(clock: Clock) -> list[dict[str, Any]]:
    return [clock.event(1), clock.event(2), clock.event(3, "accepted")]


def test_replay_takes_events_files_and_a_mix_and_orders_them(tmp_path: Path) -> None:
    clock = Clock()
    first, second, third = _bring_up(clock)
    path = tmp_path / "later.jsonl"
    path.write_bytes(orjson.dumps(third) + b"\n")
    fleet = sim.replay([path, second, sim.parse_event(first)])
    assert fleet.device(1001)["connectivity"] == "Online"
    assert fleet.outcomes["applied"] == 3
    assert sim.replay(first).device(1001)["network"] == "IMSI Attached"
    mid_life = sim.replay(str(path))  # an accepted session first: it proves a registration
    assert (mid_life.outcomes["inconsistent"], mid_life.device(1001)["connectivity"]) == (
        0,
        "Online",
    )
    assert mid_life.assumed(1001) == ["data_quota", "sms_quota"]
    assert sim.replay(str(path), assume="in-service").outcomes["inconsistent"] == 1


def test_replay_counts_what_it_cannot_read_and_strict_stops_there_with_fields(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"id": 1, "timestamp": "2025-05-01T08:00:00Z", "event_type": {"id": 1}}\n{nope\n'
    )
    assert sim.replay([path, {"id": 2}, None]).outcomes["invalid"] == 3
    with pytest.raises(StrictReplayError) as caught:
        sim.replay([path], strict=True)
    error = caught.value
    assert (error.path, error.line, error.index) == (str(path), 2, None)
    assert str(error).startswith(f"{path}:2: not valid JSON")
    with pytest.raises(StrictReplayError) as given:
        sim.replay([{"id": 3}], strict=True)
    assert (given.value.path, given.value.index) == ("<events>", 0)
    assert str(given.value) == "<events>[0]: missing field 'event_type'"


def test_replay_starts_from_an_initial_state_or_continues_a_fleet(tmp_path: Path) -> None:
    clock = Clock()
    initial = {"devices": {1001: {"state": {"network": "Combined Attached"}}}}
    session = clock.event(3, "accepted")
    assert sim.replay([session], initial=initial).device(1001)["connectivity"] == "Online"
    document = tmp_path / "initial.yaml"
    document.write_text("devices:\n  1001: {state: {network: GPRS Attached}}\n")
    assert sim.replay([session], initial=document).device(1001)["pdp"] == "Connected"
    fleet = sim.Fleet(trace=True)
    assert sim.replay(_bring_up(Clock()), fleet=fleet) is fleet
    assert fleet.trace is not None and len(fleet.trace) == 3
    with pytest.raises(InitialStateError) as caught:
        sim.replay([], initial={"devices": {1001: {"state": {"netwrk": "Detached"}}}})
    assert (caught.value.path, caught.value.field) == ("initial state", "devices.1001.state")
    assert "did you mean 'network'?" in str(caught.value)


def test_run_scenario_takes_a_path_and_load_scenario_names_the_position(tmp_path: Path) -> None:
    path = ROOT / "scenarios" / "data-quota" / "quota-used-up-block.yaml"
    assert sim.run_scenario(path).passed
    assert sim.run_scenario(sim.load_scenario(path)).passed
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsteps:\n  - event: Quota usd up\n")
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(broken)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(broken), 3, 12)
    assert str(caught.value).startswith(f"{broken}:3:12: step 1: unknown event 'Quota usd up'")


def test_event_format_errors_name_their_field() -> None:
    with pytest.raises(EventFormatError) as caught:
        sim.parse_event({"id": 1, "timestamp": "2025-05-01T08:00:00Z", "event_type": {"id": "x"}})
    assert caught.value.field == "event_type.id"
    assert (
        str(caught.value)
        == "field 'event_type.id': expected an integer id from 0 to 2**63-1, got 'x'"
    )


def test_junit_places_an_invalid_file_by_its_fields(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\nsteps:\n  - wait: soon\n")
    report = tmp_path / "report.xml"
    assert main(["run", str(tmp_path), "--junit-xml", str(report)]) == 2
    case = ElementTree.parse(report).getroot().find("testcase")
    assert case is not None
    error = case.find("error")
    assert case.get("classname") == str(tmp_path / "bad.yaml")
    assert error is not None and error.get("line") == "3"


def test_the_walker_offers_each_organisation_event_once() -> None:
    counts = Counter((c.type_id, c.subject) for c in Walker(1).choices() if c.endpoint is None)
    assert counts and set(counts.values()) == {1}
    audit_only = {t for t, e in CATALOGUE.items() if e.scope == "organisation" and e.audit_only}
    assert len(audit_only) == 13
    assert audit_only <= {t for t, _ in counts}


def _raw_type_comparisons(path: Path) -> list[str]:
    """Comparisons of a type id (``type_id``, ``.id`` of an event type) with int literals."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        names = {
            n.id if isinstance(n, ast.Name) else n.attr
            for n in sides
            if isinstance(n, ast.Name | ast.Attribute)
        }
        if not names & {"type_id", "id"}:
            continue
        literals = [
            s
            for s in sides
            if (isinstance(s, ast.Constant) and isinstance(s.value, int) and s.value > 0)
            or (
                isinstance(s, ast.Tuple | ast.Set | ast.List)
                and any(isinstance(e, ast.Constant) and isinstance(e.value, int) for e in s.elts)
            )
        ]
        if literals:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_raw_event_type_ids_outside_the_catalogue() -> None:
    modules = [p for p in (ROOT / "sim").rglob("*.py") if p.name != "catalogue.py"]
    assert [hit for p in modules for hit in _raw_type_comparisons(p)] == []
    # The check itself finds what it is for.
    sample = ROOT / "tests" / "data" / "raw_type_ids.py.txt"
    assert _raw_type_comparisons(sample) == [
        "tests/data/raw_type_ids.py.txt:2",
        "tests/data/raw_type_ids.py.txt:4",
    ]

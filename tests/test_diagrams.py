"""``devicesim diagram``: every state and every transition of the tables, drawn.

The expected transitions are asked of the ``transitions`` machines themselves (every state
with every trigger), not read from the code that draws them; the expected labels are the
catalogue's events that fire each trigger.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from conftest import program, run_cli
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.machines import RUNNERS
from sim.engine.state import Context, DeviceState
from sim.engine.views import VIEW_FEEDS, view_inputs
from sim.engine.vocabulary import DEVICE_NAMES, MACHINES, UNKNOWN, VIEWS, states
from sim.events.catalogue import CATALOGUE
from sim.pictures import diagram, drawing
from statemachines import ALL_MACHINES, final_states, trigger_names

NOTHING: dict[str, set[str]] = {}


def fired_by(machine: str, trigger: str) -> list[str]:
    """The catalogue's events that fire a trigger, as a label names them."""
    return [
        f"{etype.id} {etype.name}"
        for etype in CATALOGUE.values()
        if any((machine, trigger) in effect.triggers for effect in etype.effects.values())
    ]


def expected_edges(machine: str) -> dict[tuple[str, str], set[str]]:
    """(source, dest) -> the event labels that must be on that edge, from the machine."""
    runner = RUNNERS[machine]
    edges: dict[tuple[str, str], set[str]] = {}
    for trigger in trigger_names(ALL_MACHINES[machine]):
        for state in runner.states:
            dest = runner.fire(state, trigger)
            if dest is not None:
                edges.setdefault((state, dest), set()).update(fired_by(machine, trigger))
    return edges


def names_every(events: set[str], labels: list[str]) -> bool:
    """Every event is on the edge: by its name, or by its name and the variant that fires it."""
    return all(any(label.split(" (")[0] == event for label in labels) for event in events)


def mermaid_edges(text: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The states (id -> name) and edges ((source, dest) names -> label) of Mermaid text."""
    names = dict((i, n) for n, i in re.findall(r'^\s*state "([^"]+)" as (\w+)$', text, re.M))
    edges = {
        (names[a], names[b]): label
        for a, b, label in re.findall(r"^\s*(\w+) --> (\w+): (.*)$", text, re.M)
        if a in names and b in names
    }
    return names, edges


def dot_edges(text: str) -> dict[tuple[str, str], str]:
    """The edges of DOT text: ("machine:state", "machine:state") -> label."""
    return {
        (a, b): label.replace("\\n", "\n")
        for a, b, label in re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[label="([^"]*)"', text, re.M)
    }


@pytest.mark.parametrize("machine", list(ALL_MACHINES))
def test_mermaid_draws_every_state_and_transition(machine: str) -> None:
    text = drawing.mermaid(diagram.diagram([machine]), {}, NOTHING)
    names, edges = mermaid_edges(text)
    assert set(names.values()) == set(states(machine))
    expected = expected_edges(machine)
    assert set(edges) == set(expected)
    for pair, events in expected.items():
        assert names_every(events, edges[pair].split("<br/>")), pair
    initial = ALL_MACHINES[machine]["initial"]
    assert f"[*] --> {drawing._id(machine, initial)}" in text
    ends = {names[i] for i in re.findall(r"^\s*(\w+) --> \[\*\]$", text, re.M)}
    assert ends == final_states(ALL_MACHINES[machine])


@pytest.mark.parametrize("machine", list(ALL_MACHINES))
def test_dot_draws_every_state_and_transition(machine: str) -> None:
    text = drawing.dot(diagram.diagram([machine]), {}, NOTHING)
    for state in states(machine):
        assert f'"{machine}:{state}" [label="{state}"' in text
    edges = dot_edges(text)
    expected = expected_edges(machine)
    assert set(edges) == {(f"{machine}:{a}", f"{machine}:{b}") for a, b in expected}
    for (source, dest), events in expected.items():
        labels = edges[(f"{machine}:{source}", f"{machine}:{dest}")].split("\n")
        assert names_every(events, labels), (source, dest)
    finals = set(re.findall(rf'"{machine}:([^"]+)" \[[^\]]*peripheries=2', text))
    assert finals == final_states(ALL_MACHINES[machine])


def test_rules_and_silent_changes_label_the_edges_they_make() -> None:
    _, edges = mermaid_edges(drawing.mermaid(diagram.diagram(["pdp"]), {}, NOTHING))
    assert "rule data_service" in edges[("Connected", "Disconnected")].split("<br/>")
    _, edges = mermaid_edges(drawing.mermaid(diagram.diagram(["data_quota"]), {}, NOTHING))
    assert "no event: refill" in edges[("Exhausted", "Active")].split("<br/>")


def test_every_trigger_is_fired_by_an_event_or_a_rule() -> None:
    labels = diagram.trigger_labels()
    unfired = [
        (machine, trigger)
        for machine, table in ALL_MACHINES.items()
        for trigger in trigger_names(table)
        if not labels.get((machine, trigger))
    ]
    assert unfired == []


def test_all_is_one_diagram_with_every_machine_and_the_views_they_feed() -> None:
    drawn = diagram.diagram(["all"])
    text = drawing.dot(drawn, {}, NOTHING)
    assert text.count("digraph") == 1
    clusters = re.findall(r'subgraph "cluster_(\w+)"', text)
    assert clusters == list(ALL_MACHINES)
    for view in VIEWS:
        fed = set(re.findall(rf'"(\w+):[^"]+" -> "view:{view}" \[ltail="cluster_\w+"', text))
        assert fed == {name for name in VIEW_FEEDS[view] if name in ALL_MACHINES}
    mermaid = drawing.mermaid(drawn, {}, NOTHING)
    assert [m for m in re.findall(r'^  state "(\w+)" as \w+ \{$', mermaid, re.M)] == list(
        ALL_MACHINES
    )
    assert set(re.findall(r"^  (\w+) --> view__connectivity$", mermaid, re.M)) == {
        name for name in VIEW_FEEDS["connectivity"] if name in ALL_MACHINES
    }


def test_the_current_state_and_the_visited_ones_are_highlighted() -> None:
    drawn = diagram.diagram(["network"])
    current = {"network": "GPRS Attached"}
    visited = {"network": {"Detached", "GPRS Attached"}}
    mermaid = drawing.mermaid(drawn, current, visited)
    assert re.findall(r"^\s*class (\w+) current$", mermaid, re.M) == ["network__GPRS_Attached"]
    assert re.findall(r"^\s*class (\w+) visited$", mermaid, re.M) == ["network__Detached"]
    dot = drawing.dot(drawn, current, visited)
    filled = re.findall(r'"network:([^"]+)" \[[^\]]*fillcolor="([^"]+)"', dot)
    assert filled == [("Detached", drawing.VISITED[0]), ("GPRS Attached", drawing.CURRENT[0])]


device_states = st.builds(
    DeviceState,
    **{name: st.sampled_from(states(name)) for name in MACHINES},
    data_quota_action=st.sampled_from(DEVICE_NAMES["data_quota_action"]),
    portal_offline=st.booleans(),
    imei_locked=st.booleans(),
    data_quota_managed=st.booleans(),
    sms_quota_managed=st.booleans(),
)
contexts = st.builds(
    Context,
    organisation=st.sampled_from(states("organisation")),
    data_quota_management=st.sampled_from((*states("data_quota_management"), UNKNOWN)),
    sms_quota_management=st.sampled_from((*states("sms_quota_management"), UNKNOWN)),
)


@given(device_states, contexts)
def test_a_view_reads_only_what_the_diagram_says_feeds_it(
    state: DeviceState, context: Context
) -> None:
    for view in VIEWS:
        assert set(view_inputs(view, state, context)) <= set(VIEW_FEEDS[view]), view


def test_diagram_command_writes_each_format(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    code, out, _ = run_cli(capsys, "diagram", "pdp", "--state", "pdp=Connected")
    assert code == 0 and out.startswith("stateDiagram-v2") and "class pdp__Connected current" in out
    code, out, _ = run_cli(capsys, "diagram", "sim", "--format", "dot")
    assert code == 0 and out.startswith('digraph "sim"')
    target = tmp_path / "pdp.mmd"
    code, out, _ = run_cli(capsys, "diagram", "pdp", "-o", str(target))
    assert code == 0 and out == f"wrote {target}\n"
    assert target.read_text().startswith("stateDiagram-v2")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pdpp"], "no machine 'pdpp' (did you mean 'pdp'?)"),
        (
            ["pdp", "--state", "pdp=connected"],
            "has no state 'connected' (did you mean 'Connected'?)",
        ),
        (["pdp", "--state", "pdp"], "expected MACHINE=STATE"),
        (["network", "--state", "pdp=Connected"], "--state names pdp, which is not drawn"),
        (["pdp", "--format", "png"], "invalid choice: 'png'"),
    ],
)
def test_diagram_command_refuses_what_it_cannot_draw(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, "diagram", *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.splitlines()) == 1


def test_svg_without_graphviz_says_how_to_get_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = run_cli(capsys, "diagram", "pdp", "--format", "svg")
    assert code == 2 and out == ""
    assert "apt-get install graphviz" in err and "--format dot" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("machine", [*ALL_MACHINES, "all"])
def test_svg_from_graphviz_has_every_state_and_edge(
    capsys: pytest.CaptureFixture[str], machine: str
) -> None:
    program("dot", "graphviz")
    code, svg, _ = run_cli(capsys, "diagram", machine, "--format", "svg")
    assert code == 0 and svg.lstrip().startswith("<?xml") and "</svg>" in svg
    titles = {html.unescape(t) for t in re.findall(r"<title>(.*?)</title>", svg)}
    for name in ALL_MACHINES if machine == "all" else [machine]:
        for state in states(name):
            assert f"{name}:{state}" in titles
        for source, dest in expected_edges(name):
            assert f"{name}:{source}->{name}:{dest}" in titles


def test_graphviz_accepts_the_dot_text_as_written() -> None:
    dot = program("dot", "graphviz")
    text = drawing.dot(diagram.diagram(["all"]), {"pdp": "Connected"}, NOTHING)
    done = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stderr == ""


def test_the_readme_shows_the_diagram_the_tables_draw(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    shown = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert shown is not None
    code, out, _ = run_cli(capsys, "diagram", "pdp", "--state", "pdp=Connected")
    assert code == 0 and shown.group(1) == out


def test_all_among_other_names_draws_everything() -> None:
    assert diagram.chosen(["pdp", "all"]) == (list(ALL_MACHINES), True)
    assert diagram.chosen(["pdp", "pdp"]) == (["pdp"], False)

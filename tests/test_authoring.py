"""Writing scenarios: every error of a file at once, failures that name the device, messages
that teach, one set of exit codes, help pages with examples, and ``devicesim new``."""

from __future__ import annotations

import json
import shlex
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from sim.cli.commands import build_parser, main
from sim.cli.help_table import GROUPS, HELP
from sim.errors import ScenarioError, ScenarioErrors
from sim.events.catalogue import CATALOGUE
from sim.io.safe_yaml import SafeLoader
from sim.scenarios.load import load_scenario, read_scenario
from sim.scenarios.reader import SHOWN_ERRORS
from sim.scenarios.runner import run_scenario
from sim.scenarios.schema import scenario_schema, schema_path, shipped_schema
from sim.scenarios.template import event_types, new_scenario
from tests.conftest import run_cli

MISTAKES = """\
name: two mistakes
setup:
  devices:
    a: {state: {network: Atached}}
    b: {}
steps:
  - event: Combined Atached
    device: a
    expect: {connectivity: Onlin}
  - wait: 5x
    device: b
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_error_of_a_file_is_reported_in_one_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, MISTAKES)
    code, out, err = run_cli(capsys, "validate", str(path))
    assert code == 2 and out == "0 valid, 1 invalid\n"
    assert err.splitlines() == [
        f"{path}:4:26: network state 'Atached' is not one of Detached, IMSI Attached, GPRS Attached, Combined Attached (did you mean 'Detached'?)",
        f"{path}:7:12: step 1: unknown event 'Combined Atached' (devicesim events lists them)",
        f"{path}:9:28: connectivity state 'Onlin' is not one of Online, Attached, Offline, Blocked (did you mean 'Online'?)",
        f"{path}:10:11: expected a duration such as 30s, 5m, 2h or 1d, got '5x'",
    ]
    code, out, err = run_cli(capsys, "run", str(path))
    assert code == 2 and len(err.splitlines()) == 4
    assert "0 passed, 0 failed, 1 invalid" in out and f"{path} ." not in out


def test_errors_beyond_the_cap_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = "".join(f"  - wait: {n}x\n" for n in range(SHOWN_ERRORS + 10))
    path = _write(tmp_path, f"name: many\nsteps:\n{steps}")
    with pytest.raises(ScenarioErrors) as caught:
        load_scenario(path)
    assert len(caught.value.errors) == SHOWN_ERRORS and caught.value.not_shown == 10
    assert str(caught.value).splitlines()[-1] == f"{path}: ... and 10 more errors"
    code, out, _ = run_cli(capsys, "run", str(path), "--json")
    invalid = json.loads(out)["invalid"]
    assert code == 2 and invalid[0]["not_shown"] == 10
    assert invalid[0]["errors"][0] == {
        "line": 3,
        "column": 11,
        "message": "expected a duration such as 30s, 5m, 2h or 1d, got '0x'",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a misspelt required key is one error, not also "missing"
        ("name: x\nstep:\n  - wait: 1s\n", ["2:1: unknown key 'step' in the scenario"]),
        ("nme: x\nsteps:\n  - wait: 1s\n", ["1:1: unknown key 'nme' in the scenario"]),
        # a device with a bad state still declares its alias: its steps are checked, and its
        # half-read state is not also reported inconsistent
        (
            "name: x\nsetup:\n  devices:\n    a: {state: {network: Nope, pdp: Connected}}\n"
            "steps:\n  - event: Update location\n    device: a\n",
            ["4:26: network state 'Nope'"],
        ),
        # the same mistake met twice in one check is one error
        (
            "name: x\nsetup:\n  devices: {a: {}, b: {}}\nsteps:\n  - wait: 1s\n"
            "    expect: {network: Detached, pdp: Disconnected}\n",
            ["6:13: step 1: expect names no device"],
        ),
    ],
)
def test_one_mistake_is_one_error(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{start}"), line


TWO_DEVICES = """\
name: two devices
setup:
  devices:
    a: {}
    b: {}
steps:
  - event: Update location
    device: a
  - event: Update GPRS location
    device: b
    expect: {connectivity: Online}
"""


def test_failures_name_the_device_in_text_json_and_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, TWO_DEVICES)
    junit = tmp_path / "report.xml"
    code, out, _ = run_cli(capsys, "run", str(path), "--junit-xml", str(junit))
    head = f"{path}:11:28: step 2: device b (endpoint 1002): expected connectivity Online, got Attached"
    assert code == 1 and head in out.splitlines()
    assert (
        "    because connectivity is Attached: network is GPRS Attached with no data session" in out
    )
    failure = ElementTree.parse(junit).getroot().find("testcase/failure")
    assert failure is not None and failure.get("message") == head.split("step 2: ")[1]
    assert failure.text is not None and failure.text.startswith(head)
    code, out, _ = run_cli(capsys, "run", str(path), "--json")
    found = json.loads(out)["scenarios"][0]["failures"][0]
    assert (found["device"], found["endpoint"], found["step"]) == ("b", 1002, 2)
    assert found["message"] == "expected connectivity Online, got Attached"


def test_the_per_alias_form_and_final_expectations_name_the_device(tmp_path: Path) -> None:
    text = TWO_DEVICES.replace(
        "    expect: {connectivity: Online}\n", "    expect: {a: {network: Detached}}\n"
    )
    path = _write(tmp_path, text + "expect:\n  b: {pdp: Connected}\n")
    failures = run_scenario(path).failures
    assert [f.lines()[0].split(": ", 1)[1] for f in failures] == [
        "step 2: device a (endpoint 1001): expected network Detached, got IMSI Attached"
    ]
    path.write_text(
        TWO_DEVICES.replace("    expect: {connectivity: Online}\n", "")
        + "expect:\n  b: {pdp: Connected}\n"
    )
    (failure,) = run_scenario(path).failures
    assert failure.text == "device b (endpoint 1002): expected pdp Connected, got Disconnected"


def test_a_one_device_scenario_does_not_repeat_its_device_but_json_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path, "name: one\nsteps:\n  - event: Update location\n    expect: {network: Detached}\n"
    )
    code, out, _ = run_cli(capsys, "run", str(path))
    assert code == 1 and f"{path}:4:23: step 1: expected network Detached, got IMSI Attached" in out
    code, out, _ = run_cli(capsys, "run", str(path), "--json")
    found = json.loads(out)["scenarios"][0]["failures"][0]
    assert (found["device"], found["endpoint"]) == ("device", 1001)


def test_the_pytest_plugin_names_the_device(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/two": TWO_DEVICES})
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenarios/two.yaml:11:28: step 2: device b (endpoint 1002): expected connectivity Online, got Attached"
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: x\nsteps:\n  - event: Update location\n    expect: {a: {network: Detached}}\n",
            "4:14: step 1: expect: 'a' is not a machine or view, nor a device alias: this scenario "
            "has one device ('device'), so write {machine: state}; the form {alias: {machine: "
            "state}} is for scenarios that declare several devices under setup.devices",
        ),
        (
            "name: x\nsetup:\n  devices: {tracker: {}, meter: {}}\nsteps:\n  - event: Update location\n"
            "    device: tracker\n    expect: {traker: {network: Detached}}\n",
            "7:14: step 1: expect: 'traker' is neither a machine or view nor a device alias (did "
            "you mean 'tracker'?) (aliases: tracker, meter); write {machine: state} for the "
            "step's device 'tracker', or {alias: {machine: state}}",
        ),
        (
            "name: x\nsteps:\n  - event: Update location\n    expect: {netwrk: Detached}\n",
            "4:14: machine or view 'netwrk' is not one of sim, sim_assignment, endpoint, policy, "
            "network, pdp, data_quota, sms_quota, connectivity, data_service, sms_service, "
            "data_quota_action, portal_offline, imei_locked (did you mean 'network'?)",
        ),
        (
            "name: x\nsetup:\n  service_profiles: {p: {}}\nsteps:\n  - event: Update location\n"
            "    service_profile: p\n",
            "6:5: step 1: 'service_profile' does not apply to 'Update location' (it names the "
            "profile of a service profile event)",
        ),
        (
            "name: x\nsteps:\n  - event: Update location\n    subject: alice\n",
            "4:5: step 1: 'subject' does not apply to 'Update location' (it names the user or "
            "breakout of an event about one)",
        ),
    ],
)
def test_messages_teach(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}:{expected}"


def test_a_one_device_scenario_may_expect_its_final_states_without_the_alias(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path, "name: x\nsteps:\n  - event: Update location\nexpect: {network: Detached}\n"
    )
    (failure,) = run_scenario(path).failures
    assert failure.message == "expected network Detached, got IMSI Attached"


def test_a_set_step_narrates_what_it_did_without_internal_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        "name: x\nsetup:\n  devices: {a: {state: {policy: Blocked}}}\nsteps:\n"
        "  - set: {policy: Unblocked}\n    expect: {policy: Blocked}\n",
    )
    code, out, _ = run_cli(capsys, "run", str(path), "--explain")
    lines = out.splitlines()
    assert code == 1 and "  step 1: set policy Unblocked" in lines
    assert (
        "    2025-01-01T00:00:00Z  set policy Blocked -> Unblocked (scenario) endpoint 1001"
        in lines
    )
    # The internal id of a set step (-2) never shows; the temporary folder's name may hold it.
    narration = out.replace(str(tmp_path), "")
    assert "-2" not in narration and "[set" not in narration
    assert "    because set by the scenario (step 1 (set policy))" in lines


@pytest.mark.parametrize(
    ("argv", "files", "code"),
    [
        (["run", "{dir}", "-k", "nomatch"], {"good.yaml": "ok"}, 5),
        (["run", "{dir}"], {}, 5),
        (["validate", "{dir}"], {}, 5),
        (["run", "{dir}"], {"good.yaml": "ok"}, 0),
        (["run", "{dir}"], {"good.yaml": "ok", "bad.yaml": "fail"}, 1),
        (["run", "{dir}"], {"bad.yaml": "fail", "broken.yaml": "invalid"}, 2),
        (["run", "{dir}", "-k", "a and (b"], {}, 2),
        (["validate", "{dir}"], {"good.yaml": "ok"}, 0),
        (["validate", "{dir}"], {"broken.yaml": "invalid"}, 2),
        (["replay", "{dir}/events.jsonl"], {"events.jsonl": "unreadable"}, 0),
        (["replay", "--strict", "{dir}/events.jsonl"], {"events.jsonl": "unreadable"}, 1),
        (["replay", "{dir}/missing.json"], {}, 2),
    ],
)
def test_one_set_of_exit_codes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    files: dict[str, str],
    code: int,
) -> None:
    contents = {
        "ok": "name: good\nsteps:\n  - event: Update location\n    expect: {network: IMSI Attached}\n",
        "fail": "name: bad\nsteps:\n  - event: Update location\n    expect: {network: Detached}\n",
        "invalid": "name: broken\nsteps: []\n",
        "unreadable": '{"id":1,"timestamp":"2025-05-01T07:00:01Z","event_type":{"id":1},"endpoint":{"id":1}}\nnot json\n',
    }
    for name, kind in files.items():
        (tmp_path / name).write_text(contents[kind])
    got, out, err = run_cli(capsys, *(a.format(dir=tmp_path) for a in argv))
    assert got == code, (out, err)
    if "unreadable" in files.values():
        assert f"{tmp_path}/events.jsonl:2: not valid JSON" in err


@pytest.mark.parametrize("name", sorted(HELP))
def test_every_command_has_a_help_page_with_examples_that_parse(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([name, "--help"])
    page = capsys.readouterr().out
    assert stopped.value.code == 0
    flat = " ".join(page.split())
    assert " ".join(HELP[name].description.split()) in flat
    assert all(f"# {comment} {command}" in flat for comment, command in HELP[name].examples)
    assert 2 <= len(HELP[name].examples) <= 3
    for _, command in HELP[name].examples:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        words = words[: next((i for i, w in enumerate(words) if w in (">", "|", "&&")), None)]
        assert words[0] == "devicesim"
        assert build_parser().parse_args(words[1:]).command == words[1]
    assert shlex.split(HELP[name].examples[0][1])[1] == name


def test_the_overview_groups_commands_by_what_people_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    page = capsys.readouterr().out
    titles = [title for title, _ in GROUPS]
    assert all(f"{title}:" in page for title in titles) and "integrate (Python):" in page
    assert sorted(name for _, names in GROUPS for name in names) == sorted(HELP)
    assert page.index("learn the machines:") < page.index("write and test scenarios:")


def test_replay_strict_help_says_it_changes_how_impossible_events_are_applied(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["replay", "--help"])
    page = " ".join(capsys.readouterr().out.split())
    assert "--strict exit 1 on an inconsistent or invalid event" in page
    assert "also stops following impossible events" in page


def test_a_mistyped_command_gets_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "rn")
    assert code == 2 and err.rstrip().endswith("(did you mean 'run'?)")


def test_new_writes_a_commented_scenario_that_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "new", "first-session")
    assert (
        code == 0
        and out == "wrote first-session.yaml; run it with: devicesim run first-session.yaml\n"
    )
    text = (tmp_path / "first-session.yaml").read_text()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={schema_path().as_uri()}"
    assert "name: First session" in text and "  - event: Create PDP Context" in text
    assert run_cli(capsys, "run", "first-session.yaml")[0] == 0
    # an author's first edit: a wrong expectation fails where it is written
    (tmp_path / "first-session.yaml").write_text(
        text.replace(
            "pdp: Connected, connectivity: Online}\n", "pdp: Connected, connectivity: Offline}\n", 1
        )
    )
    code, out, _ = run_cli(capsys, "run", "first-session.yaml")
    assert code == 1 and "expected connectivity Offline, got Online" in out


def test_new_refuses_to_overwrite_and_unknown_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("keep me")
    code, _, err = run_cli(capsys, "new", "mine")
    assert code == 2 and "mine.yaml exists" in err
    assert (tmp_path / "mine.yaml").read_text() == "keep me"
    code, _, err = run_cli(capsys, "new", "other", "--event", "Quota usd up")
    assert (
        code == 2
        and err
        == "devicesim: --event: unknown event 'Quota usd up' (did you mean 'Quota used up'?)\n"
    )
    assert run_cli(capsys, "new", "other", "--devices", "0")[0] == 2
    assert not (tmp_path / "other.yaml").exists()


def test_new_asserts_the_outcome_of_an_event_the_model_refuses(tmp_path: Path) -> None:
    text = new_scenario(
        tmp_path / "q.yaml", devices=2, events=event_types(["Quota used up"]), schema="s.json"
    )
    assert "    outcome: inconsistent  # " in text and "tracker2: {connectivity: Offline}" in text


EVENTS = sorted(etype.name for etype in CATALOGUE.values())


@given(
    devices=st.integers(1, 3),
    events=st.lists(st.sampled_from(EVENTS), max_size=6),
)
def test_every_template_passes_as_written(devices: int, events: list[str]) -> None:
    path = Path("generated.yaml")
    text = new_scenario(path, devices=devices, events=event_types(events), schema="s.json")
    jsonschema.Draft202012Validator(scenario_schema()).validate(yaml.load(text, SafeLoader))
    result = run_scenario(read_scenario(text, path))
    assert result.passed, [line for f in result.failures for line in f.lines()]
    assert len(result.steps) == (len(events) or 3 * devices)


def test_schema_path_is_the_installed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "schema", "--path")
    assert code == 0 and Path(out.strip()).read_text(encoding="utf-8") == shipped_schema()

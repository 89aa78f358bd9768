"""Running scenarios: the bundled library, the runner's checks, reports, and the pytest plugin."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import DATA

from sim.cli.commands import main
from sim.events.catalogue import CATALOGUE, lookup
from sim.io.safe_yaml import SafeLoader
from sim.scenarios.schema import scenario_schema, shipped_schema

ROOT = Path(__file__).parent.parent
LIBRARY = sorted((ROOT / "scenarios").rglob("*.yaml"))
SEED_IDS = {
    int(i) for i in re.findall(r"^\|\s*(\d+)\s*\|", (DATA / "event-types.md").read_text(), re.M)
}
STORY = """\
name: Quota story
mode: {mode}
setup:
  service_profiles:
    fleet: {{id: 7, data_quota_management: Enabled}}
  devices:
    tracker:
      service_profile: fleet
      state: {{network: Combined Attached, pdp: Connected}}
      data_quota: {{action_on_exhaustion: Block}}
steps:
  - event: Quota used up
    expect: {{data_quota: Exhausted, pdp: Disconnected}}
  - event: Create PDP Context
{extra}"""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime | date) else value


def _events_in(path: Path) -> set[int]:
    document = yaml.load(path.read_text(), Loader=SafeLoader)
    found = set()
    for step in document["steps"]:
        if "event" in step:
            etype = lookup(step["event"])
            assert etype is not None
            found.add(etype.id)
        if "event_json" in step:
            found.add(step["event_json"]["event_type"]["id"])
        if "events_file" in step:
            lines = (path.parent / step["events_file"]).read_text().splitlines()
            found |= {json.loads(line)["event_type"]["id"] for line in lines if line.strip()}
    return found


def test_every_seed_event_appears_in_the_bundled_library() -> None:
    covered = set().union(*(_events_in(p) for p in LIBRARY))
    assert SEED_IDS - covered == set()


def test_library_folders_follow_the_catalogue_sections() -> None:
    assert {p.parent.relative_to(ROOT / "scenarios").parts[0] for p in LIBRARY} == {
        "generic", "network-attachment", "data-connection", "authentication", "user-management", "device-status",
        "limit-enforcement", "data-quota", "sms-quota", "cloudconnect", "openvpn", "organisation-billing",
    }  # fmt: skip


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_scenarios_match_the_schema_and_teach(path: Path) -> None:
    document = _plain(yaml.load(path.read_text(), Loader=SafeLoader))
    jsonschema.Draft202012Validator(scenario_schema()).validate(document)
    assert len(document.get("description", "")) > 150, "each bundled scenario's description teaches"


def test_shipped_schema_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema.Draft202012Validator.check_schema(scenario_schema())
    assert json.loads(shipped_schema()) == scenario_schema()
    assert main(["schema"]) == 0 and json.loads(capsys.readouterr().out) == scenario_schema()


def test_the_library_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "scenarios")]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"==== {len(LIBRARY)} passed, 0 failed in \d+\.\d+s ====", out)


def _write(tmp_path: Path, mode: str = "strict", extra: str = "", name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(STORY.format(mode=mode, extra=extra))
    return path


def test_strict_mode_fails_an_unexpected_inconsistent_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path)
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{path}:14:5: step 2: unexpected inconsistent event (Create PDP Context) in strict mode"
        in out
    )
    assert (
        "because an accepted data session needs data service: data quota is Exhausted and the action on exhaustion is Block"
        in out
    )


def test_lenient_mode_follows_and_only_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(_write(tmp_path, mode="lenient"))]) == 0


def test_asserting_inconsistent_documents_a_forbidden_sequence(tmp_path: Path) -> None:
    assert main(["run", str(_write(tmp_path, extra="    outcome: inconsistent\n"))]) == 0


def test_failing_expectation_names_where_expected_actual_and_causes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path,
        extra="    rejected: true\n    expect: {connectivity: Online, data_quota: Active}\n",
    )
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:16:28: step 2: expected connectivity Online, got Attached" in out
    assert (
        "because connectivity is Attached: network is Combined Attached with no data session" in out
    )
    assert (
        "    because pdp Disconnected, because rule data_service (data quota is Exhausted and the "
        "action on exhaustion is Block), because step 1 (Quota used up)\n"
        "    because network Combined Attached, because it has not changed since the start\n" in out
    )
    assert (
        f"{path}:16:48: step 2: expected data_quota Active, got Exhausted\n"
        "    because step 1 (Quota used up)\n"
    ) in out


def test_keyword_exitfirst_json_and_junit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, name="a.yaml")
    _write(tmp_path, mode="lenient", name="b.yaml")
    assert main(["run", str(tmp_path), "-k", "b.yaml or nothing"]) == 0
    assert "1 passed, 0 failed, 1 deselected" in capsys.readouterr().out
    assert main(["run", str(tmp_path), "-x"]) == 1
    assert "0 passed, 1 failed" in capsys.readouterr().out
    junit = tmp_path / "report.xml"
    assert main(["run", str(tmp_path), "--json", "--junit-xml", str(junit)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [s["passed"] for s in document["scenarios"]] == [False, True]
    assert document["summary"] == {
        "passed": 1,
        "failed": 1,
        "invalid": 0,
        "deselected": 0,
        "seconds": document["summary"]["seconds"],
    }
    assert document["scenarios"][0]["failures"][0]["where"] == f"{tmp_path / 'a.yaml'}:14:5"
    suite = ElementTree.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")


def test_bad_keyword_and_missing_path_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tmp_path), "-k", "a and (b"]) == 2
    assert main(["run", str(tmp_path / "missing")]) == 2
    assert (
        capsys.readouterr().err.splitlines()[-1]
        == f"devicesim: {tmp_path / 'missing'}: no such file or directory"
    )


def test_explain_narrates_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "run",
                str(ROOT / "scenarios" / "data-quota" / "quota-used-up-block.yaml"),
                "--explain",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "  step 2: 19 Quota used up" in out
    assert (
        "pdp: Connected -> Disconnected  [rule:data_service: data quota is Exhausted and the action on exhaustion is Block]"
        in out
    )


def test_every_catalogue_event_can_be_a_step(tmp_path: Path) -> None:
    steps = []
    for etype in CATALOGUE.values():
        where = {
            "endpoint": "    device: tracker\n",
            "service_profile": "    service_profile: fleet\n",
        }.get(etype.scope, "")
        steps.append(f"  - event: {etype.name}\n{where}")
    path = tmp_path / "all.yaml"
    path.write_text(
        "name: all\nmode: lenient\nsetup:\n  service_profiles: {fleet: {id: 7}}\n  devices: {tracker: {}, other: {}}\nsteps:\n"
        + "".join(steps)
    )
    assert main(["run", str(path)]) == 0


def test_pytest_plugin_collects_scenarios(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"scenarios/good": STORY.format(mode="lenient", extra="")})
    pytester.makefile(".yaml", **{"scenarios/bad": STORY.format(mode="strict", extra="")})
    pytester.makefile(".yaml", **{"scenarios/broken": "name: x\nstep: []\n"})
    pytester.makefile(".yaml", **{"elsewhere/ignored": "not: a scenario\n"})
    result = pytester.runpytest("-v", "--continue-on-collection-errors")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    for line in (
        "*scenarios/good.yaml::Quota story PASSED*",
        "*scenarios/bad.yaml:14:5: step 2: unexpected inconsistent event (Create PDP Context) in strict mode*",
        "*scenarios/broken.yaml:2:1: unknown key 'step' in the scenario (did you mean 'steps'?)*",
    ):
        result.stdout.fnmatch_lines([line])


def test_pytest_plugin_folder_is_configurable(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", **{"specs/good": STORY.format(mode="lenient", extra="")})
    pytester.makeini("[pytest]\ndevicesim_scenarios = specs\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_runtime_problems_fail_their_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "set.yaml").write_text(
        "name: impossible set\nsetup:\n  devices:\n    a: {state: {sim: Deleted, sim_assignment: Unassigned}}\n"
        "steps:\n  - set: {sim: Activated}\n"
    )
    assert main(["run", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{tmp_path / 'set.yaml'}:6:5: step 1: no transition of sim leads from Deleted to Activated"
        in out
    )


def test_readme_scenario_example_passes(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```yaml\n(name: Quota used up.*?)```", readme, re.S)
    assert example is not None
    path = tmp_path / "readme.yaml"
    path.write_text(example.group(1))
    assert main(["run", str(path)]) == 0

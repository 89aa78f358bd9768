"""What a new user meets first: the help, the version, ``explain`` by keyword, the bundled
lessons from any directory (and copied out to edit), and ``run --explain`` saying what the
customer sees."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import run_cli

from sim.scenarios import suite
from sim.scenarios.library import bundled_library

LESSONS = len(suite.collect([str(bundled_library())]))


def devicesim(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, run in another directory."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *argv], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run_cli(capsys, "--version")
    assert done.value.code == 0
    assert capsys.readouterr().out == f"devicesim {version('emnify-devicesim')}\n"


def test_bare_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: devicesim") and "learn the machines:" in out
    assert "diagram" in out and "scenarios" in out


def test_help_loads_no_model() -> None:
    """``--help`` answers before the machines, the catalogue or YAML are imported."""
    probe = (
        "import sys\n"
        "from sim.cli.commands import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('sim.engine', 'sim.events', 'sim.io', 'sim.pictures', 'sim.web', 'statemachines',"
        " 'transitions', 'yaml', 'starlette', 'uvicorn')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "[]"
    assert "learn the machines:" in done.stdout


def test_explain_several_events(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", "19", "Update location")
    assert code == 0
    assert out.startswith("19 Quota used up\n") and "\n\n1 Update location\n" in out


def test_explain_a_keyword_lists_its_matches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", "quota")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "14 events match 'quota'; explain one by id or name:"
    assert [line.split(maxsplit=1)[0] for line in lines[1:]] == [
        str(n) for n in (18, 19, 20, 21, *range(52, 62))
    ]


def test_an_exact_name_wins_over_a_keyword(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", "Quota", "used", "up")
    assert code == 0 and out.startswith("19 Quota used up\n") and "match" not in out
    code, out, _ = run_cli(capsys, "explain", "sms quota used")
    assert code == 0 and out.startswith("21 SMS quota used up\n")


def test_run_outside_the_repository_runs_the_bundled_lessons(tmp_path: Path) -> None:
    done = devicesim("run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"no ./scenarios here: running the bundled library ({LESSONS} ")
    assert f"==== {LESSONS} passed, 0 failed" in done.stdout


def test_run_prefers_the_scenarios_folder_of_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    done = devicesim("new", "scenarios/mine", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = devicesim("run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "scenarios/mine.yaml ."
    assert "==== 1 passed, 0 failed" in done.stdout


def test_scenarios_copy_writes_the_library_to_edit(tmp_path: Path) -> None:
    done = devicesim("scenarios", "copy", "lessons", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"copied {LESSONS} scenario files to lessons;")
    assert (tmp_path / "lessons/network-attachment/recordings/morning.jsonl").is_file()
    ran = devicesim("run", "lessons", cwd=tmp_path)
    assert ran.returncode == 0 and f"==== {LESSONS} passed, 0 failed" in ran.stdout
    again = devicesim("scenarios", "copy", "lessons", cwd=tmp_path)
    assert again.returncode == 2 and "is not empty" in again.stderr
    assert len(again.stderr.splitlines()) == 1


def test_scenarios_path_names_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "scenarios", "path")
    assert code == 0 and Path(out.strip()) == bundled_library()
    assert (bundled_library() / "data-quota/quota-used-up-block.yaml").is_file()


def test_explain_says_what_the_customer_sees(capsys: pytest.CaptureFixture[str]) -> None:
    lesson = str(bundled_library() / "data-quota/quota-used-up-throttle.yaml")
    code, out, _ = run_cli(capsys, "run", "--explain", lesson)
    assert code == 0
    seen = [line.strip() for line in out.splitlines() if "customer sees" in line]
    assert seen == [
        "customer sees: Online, data Throttled, SMS Allowed",
        "customer sees: Attached, data Throttled, SMS Allowed",
        "customer sees: Attached, data Throttled, SMS Allowed",
        "customer sees: Online, data Throttled, SMS Allowed",
    ]


def test_explain_names_the_devices_whose_view_changed(capsys: pytest.CaptureFixture[str]) -> None:
    lesson = str(bundled_library() / "limit-enforcement/organisation-blocked.yaml")
    code, out, _ = run_cli(capsys, "run", "--explain", lesson)
    seen = [line.strip() for line in out.splitlines() if "customer sees" in line]
    assert code == 0
    assert seen[:4] == [
        "customer sees one: Blocked, data Denied, SMS Denied",
        "customer sees two: Blocked, data Denied, SMS Denied",
        "customer sees three: Blocked, data Denied, SMS Denied",
        "customer sees no change",
    ]


def test_the_command_line_offers_the_engines_assumptions() -> None:
    """``sim.cli.arguments`` names them itself so that ``--help`` loads no engine."""
    from sim.cli.arguments import ASSUMPTIONS
    from sim.engine.store import ASSUMPTIONS as ENGINE_ASSUMPTIONS

    assert ASSUMPTIONS == ENGINE_ASSUMPTIONS

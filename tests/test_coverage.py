"""Coverage reporting, and the generated coverage set that reaches every transition and rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sim.cli.commands import main
from sim.coverage.measure import ALL_RULES
from sim.engine.machines import RUNNERS

UNIVERSE_STATES = sum(len(r.states) for r in RUNNERS.values())
UNIVERSE_TRANSITIONS = sum(len(r.moves()) for r in RUNNERS.values())
ONE_STEP = """\
name: one update location
steps:
  - event: Update location
  - event: Update location
"""


def _coverage(capsys: pytest.CaptureFixture[str], *paths: str) -> dict:
    code = main(["run", *paths, "--coverage", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == 0, document["scenarios"]
    return document["coverage"]


def test_coverage_counts_exactly_what_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(ONE_STEP)
    coverage = _coverage(capsys, str(path))
    network = coverage["machines"]["network"]
    assert network["transitions"]["covered"] == 2  # Detached -> IMSI Attached, then the no-op
    assert "Detached --attach_cs--> IMSI Attached" not in network["transitions"]["missed"]
    assert "IMSI Attached --attach_cs--> IMSI Attached" not in network["transitions"]["missed"]
    assert network["states"] == {
        "covered": 2,
        "total": 4,
        "missed": ["GPRS Attached", "Combined Attached"],
    }
    assert coverage["machines"]["sim"]["states"]["covered"] == 1  # the set-up state only
    assert coverage["total"]["states"]["total"] == UNIVERSE_STATES
    assert coverage["total"]["transitions"] == {"covered": 2, "total": UNIVERSE_TRANSITIONS}
    assert coverage["total"]["rules"] == {
        "covered": 0,
        "total": len(ALL_RULES),
        "missed": ALL_RULES,
    }


def test_coverage_text_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(ONE_STEP)
    assert main(["run", str(path), "--coverage"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^network +2/4 \(50%\) +2/20 \(10%\) +0/2 \(0%\)$", out, re.M)
    assert "missed network states: GPRS Attached, Combined Attached" in out


def test_cover_writes_a_small_set_that_reaches_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cover", "--out", str(tmp_path)]) == 0
    written = capsys.readouterr().out.splitlines()[:-1]
    assert 10 <= len(written) <= 30 and all(Path(p).parent == tmp_path for p in written)
    coverage = _coverage(capsys, str(tmp_path))
    assert coverage["total"]["states"] == {"covered": UNIVERSE_STATES, "total": UNIVERSE_STATES}
    assert coverage["total"]["transitions"] == {
        "covered": UNIVERSE_TRANSITIONS,
        "total": UNIVERSE_TRANSITIONS,
    }
    assert coverage["total"]["rules"] == {
        "covered": len(ALL_RULES),
        "total": len(ALL_RULES),
        "missed": [],
    }


def test_cover_paths_are_shortest() -> None:
    from sim.coverage.search import Action, shortest_path

    path = shortest_path(("move", "sim", "Factory Test", "delete"))
    assert path is not None
    assert sorted(a.type_id for a in path) == [
        10,
        44,
        45,
        50,
    ]  # issued, factory test, released, deleted
    assert path[-1] == Action(10)
    assert shortest_path(("rule", "session_needs_ps_registration")) == [Action(3, "accepted")]
    assert shortest_path(("move", "policy", "Blocked", "unblock")) == [
        Action(11),
        Action(machine="policy", target="Unblocked"),
    ]


def test_bundled_library_coverage_is_what_the_readme_states(
    capsys: pytest.CaptureFixture[str],
) -> None:
    total = _coverage(capsys, str(Path(__file__).parent.parent / "scenarios"))["total"]
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for part in ("states", "transitions", "rules"):
        assert f"{total[part]['covered']}/{total[part]['total']} {part}" in readme

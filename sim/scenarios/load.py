"""Reading a scenario file: YAML with positions, checked key by key into a ``Scenario``.

Reading checks everything that can be checked without running: every key, event name, device
alias, machine and state name, with ``path:line:col`` and a did-you-mean in the one-line error.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.errors import ScenarioError
from sim.events.fields import parse_time
from sim.io.positioned_yaml import load
from sim.io.safe_yaml import problem_of
from sim.scenarios.expectations import read_final
from sim.scenarios.model import Scenario
from sim.scenarios.reader import Reader
from sim.scenarios.setup import read_setup
from sim.scenarios.steps import read_steps

MODES = ("strict", "lenient")
DEFAULT_START = "2025-01-01T00:00:00Z"
TOP_KEYS = (
    "name",
    "description",
    "tags",
    "mode",
    "start",
    "setup",
    "steps",
    "expect",
    "expect_organisation",
)


def load_scenario(path: Path) -> Scenario:
    """Read and check one scenario file; ScenarioError if anything is wrong (``ScenarioErrors``,
    one line each, when more than one thing is)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            f"cannot read: {getattr(exc, 'strerror', None) or exc}",
            path=str(path),
            line=1,
            column=1,
        ) from exc
    return read_scenario(text, path)


def read_scenario(text: str, path: Path) -> Scenario:
    """Check a scenario's YAML text, placed in messages (and recordings found) as ``path``."""
    reader = Reader(path)
    try:
        document = load(text)
    except yaml.YAMLError as exc:
        position, problem = problem_of(exc)
        reader.fail(position, f"not valid YAML: {problem}")
    top = reader.mapping(document, (1, 1), "a scenario")
    reader.keys(top, TOP_KEYS, "the scenario")
    start = parse_time(DEFAULT_START)
    with reader.recovering():
        start = reader.moment(top.get("start", DEFAULT_START), top.value_at("start"))
    setup = read_setup(reader, top, start)
    tags = top.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        with reader.recovering():
            reader.fail(top.value_at("tags"), "tags must be a list of words")
    mode = "strict"
    with reader.recovering():
        mode = reader.choice(top.get("mode", mode), top.value_at("mode"), MODES, "mode")
    steps = read_steps(reader, top, setup)
    name = description = ""
    with reader.recovering():
        name = reader.text(top, "name")
    with reader.recovering():
        description = reader.text(top, "description", "")
    expect = read_final(reader, top, setup)
    reader.finish()
    return Scenario(
        path=path,
        name=name,
        description=description,
        tags=list(tags),
        mode=mode,
        start=start,
        organisation=setup.organisation,
        devices=setup.devices,
        profiles=setup.profiles,
        initial=setup.initial,
        expiries=setup.expiries,
        steps=steps,
        expect=expect,
    )

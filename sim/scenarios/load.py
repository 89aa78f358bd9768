"""Reading a scenario file: YAML with positions, checked key by key into a ``Scenario``.

Reading checks everything that can be checked without running: every key, event name, device
alias, machine and state name, with ``path:line:col`` and a did-you-mean in the one-line error.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.errors import ScenarioError
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
    """Read and check one scenario file; ScenarioError (one line) if anything is wrong."""
    reader = Reader(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            f"cannot read: {getattr(exc, 'strerror', None) or exc}",
            path=str(path),
            line=1,
            column=1,
        ) from exc
    try:
        document = load(text)
    except yaml.YAMLError as exc:
        position, problem = problem_of(exc)
        reader.fail(position, f"not valid YAML: {problem}")
    top = reader.mapping(document, (1, 1), "a scenario")
    reader.keys(top, TOP_KEYS, "the scenario")
    start = reader.moment(top.get("start", DEFAULT_START), top.value_at("start"))
    setup = read_setup(reader, top, start)
    tags = top.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        reader.fail(top.value_at("tags"), "tags must be a list of words")
    mode = reader.choice(top.get("mode", "strict"), top.value_at("mode"), MODES, "mode")
    steps = read_steps(reader, top, setup)
    return Scenario(
        path=path,
        name=reader.text(top, "name"),
        description=reader.text(top, "description", ""),
        tags=list(tags),
        mode=mode,
        start=start,
        organisation=setup.organisation,
        devices=setup.devices,
        profiles=setup.profiles,
        initial=setup.initial,
        expiries=setup.expiries,
        steps=steps,
        expect=read_final(reader, top, setup),
    )

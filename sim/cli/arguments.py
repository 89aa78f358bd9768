"""Every subcommand's arguments, and which function runs it.

Only argparse and the help texts are imported here: ``devicesim --help`` and a usage error
must answer at once, before the model is loaded. A command names the function that runs it
as ``"module:function"`` (a module of ``sim.cli``), imported when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.help_table import command_parser

#: The most devices ``devicesim new`` writes into a set-up (a template, not a fleet).
MAX_NEW_DEVICES = 100
#: How ``replay`` and ``why`` may start a device first seen (``sim.engine.store``).
ASSUMPTIONS = ("evidence", "in-service")
#: Diagram formats: text that renders anywhere, and a picture drawn by Graphviz.
DIAGRAM_FORMATS = ("mermaid", "dot", "svg")


def whole_number(low: int, high: int | None = None) -> Any:
    """An argparse type: a whole number from ``low`` (to ``high``), said so when it is not."""
    span = f"from {low}" if high is None else f"from {low} to {high}"

    def parse(text: str) -> int:
        value = text.strip()
        if (
            not value.isascii()
            or not value.isdigit()
            or int(value) < low
            or (high is not None and int(value) > high)
        ):
            raise argparse.ArgumentTypeError(f"expected a whole number {span}, got {text!r}")
        return int(value)

    return parse


def add_learn_commands(commands: Any) -> None:
    """events, explain and diagram: the machines and the catalogue, to read and look at."""
    events = command_parser(commands, "events")
    events.add_argument("--json", action="store_true", help="print JSON instead of a table")
    events.set_defaults(run="learn_commands:cmd_events")
    explain = command_parser(commands, "explain")
    explain.add_argument(
        "event", nargs="+", metavar="EVENT",
        help="event ids, names or keywords, e.g. 19, 'Quota used up' or quota",
    )  # fmt: skip
    explain.set_defaults(run="learn_commands:cmd_explain")
    diagram = command_parser(commands, "diagram")
    diagram.add_argument(
        "machines", nargs="*", metavar="MACHINE",
        help="machines to draw (default all: every machine and the views they feed)",
    )  # fmt: skip
    diagram.add_argument(
        "--format", choices=DIAGRAM_FORMATS, default="mermaid",
        help="mermaid (default) or dot as text; svg drawn with Graphviz's dot",
    )  # fmt: skip
    diagram.add_argument(
        "--state", action="append", default=[], metavar="MACHINE=STATE",
        help="highlight a machine's current state (repeatable), e.g. pdp=Connected",
    )  # fmt: skip
    diagram.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not stdout")
    diagram.set_defaults(run="learn_commands:cmd_diagram")
    report = command_parser(commands, "report")
    report.add_argument(
        "paths", nargs="+", metavar="SCENARIO_OR_LOG",
        help="scenario files or folders (.yaml, .yml) and event logs (.json, .jsonl, .gz; - for stdin)",
    )  # fmt: skip
    report.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the HTML file to write"
    )
    report.set_defaults(run="report_command:cmd_report")
    play = command_parser(commands, "play")
    add_address(play, 8765)
    play.add_argument(
        "--no-browser", action="store_true", help="print the address without opening a browser"
    )
    play.set_defaults(run="play_command:cmd_play")


def add_address(server: Any, port: int) -> None:
    """Where a server listens: ``--host`` (this machine only by default) and ``--port``."""
    server.add_argument(
        "--port", type=whole_number(0, 65535), default=port, metavar="N",
        help=f"the port to listen on (default {port}; 0 picks a free one)",
    )  # fmt: skip
    server.add_argument(
        "--host", default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only)",
    )  # fmt: skip


def add_scenario_commands(commands: Any) -> None:
    """new, validate, run, cover, schema and scenarios."""
    new = command_parser(commands, "new")
    new.add_argument("name", metavar="NAME", help="the file to write: NAME.yaml")
    new.add_argument(
        "--devices", type=whole_number(1, MAX_NEW_DEVICES), default=1, metavar="N",
        help="devices in the set-up (default 1)",
    )  # fmt: skip
    new.add_argument(
        "--event", action="append", default=[], metavar="EVENT",
        help="an event (name or id) for a step, in order (repeatable; default: a device "
        "coming online)",
    )  # fmt: skip
    new.set_defaults(run="scenario_commands:cmd_new")
    validate = command_parser(commands, "validate")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    validate.set_defaults(run="scenario_commands:cmd_validate")
    run = command_parser(commands, "run")
    run.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="scenario files or folders (default: ./scenarios if there is one, else the "
        "bundled library)",
    )  # fmt: skip
    run.add_argument(
        "-k", dest="keyword", metavar="EXPR", help="only scenarios whose path, name or tags match"
    )
    run.add_argument("-x", "--exitfirst", action="store_true", help="stop after the first failure")
    run.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.add_argument(
        "--explain", action="store_true",
        help="narrate every step: what changed, why, and what the customer sees",
    )  # fmt: skip
    run.add_argument(
        "--coverage", action="store_true", help="report the states, transitions and rules exercised"
    )
    run.set_defaults(run="scenario_commands:cmd_run")
    cover = command_parser(commands, "cover")
    cover.add_argument("--out", required=True, metavar="DIR", help="folder for the scenario files")
    cover.set_defaults(run="scenario_commands:cmd_cover")
    schema = command_parser(commands, "schema")
    schema.add_argument(
        "--path", action="store_true", help="print where the installed schema file is"
    )
    schema.set_defaults(run="scenario_commands:cmd_schema")
    scenarios = command_parser(commands, "scenarios")
    actions = scenarios.add_subparsers(dest="action", required=True, metavar="ACTION")
    copy = actions.add_parser("copy", help="write the bundled library to DIR, to edit")
    copy.add_argument("folder", metavar="DIR", help="a new or empty folder")
    copy.set_defaults(run="scenario_commands:cmd_scenarios_copy")
    where = actions.add_parser("path", help="print where the bundled library is installed")
    where.set_defaults(run="scenario_commands:cmd_scenarios_path")


def _starting_options(parser: argparse.ArgumentParser) -> None:
    """How a replay starts: ``--initial`` and ``--assume``."""
    parser.add_argument("--initial", metavar="FILE", help="initial state (YAML or JSON)")
    parser.add_argument(
        "--assume",
        choices=ASSUMPTIONS,
        default=None,
        help="how a device first seen starts: its machines assumed until events show them "
        "(evidence, the default) or in service",
    )


def add_replay_commands(commands: Any) -> None:
    """replay and why."""
    replay = command_parser(commands, "replay")
    replay.add_argument("paths", nargs="+", metavar="PATH", help="event files; - reads stdin")
    replay.add_argument(
        "--strict", action="store_true",
        help="exit 1 on an inconsistent or invalid event (named on stderr); also stops "
        "following impossible events: the model keeps its state instead of taking the one "
        "the event reports",
    )  # fmt: skip
    replay.add_argument("--json", action="store_true", help="print one JSON document")
    replay.add_argument("--trace", action="store_true", help="also report every event and change")
    replay.add_argument(
        "--trace-where", action="append", default=[], metavar="FIELD=VALUE",
        help="report only trace entries with this field (repeatable; implies --trace): "
        "type, severity, alert, outcome, endpoint, organisation, refusal or synthesised, "
        "e.g. alert=true, type=19, severity=Warn",
    )  # fmt: skip
    replay.add_argument(
        "--trace-out", metavar="FILE",
        help="write the trace to FILE as JSON Lines, one entry per line, as the replay goes "
        "(filtered by --trace-where)",
    )  # fmt: skip
    replay.add_argument(
        "--device", action="append", default=[], metavar="ID", help="show this device (repeatable)"
    )
    replay.add_argument(
        "--where", action="append", default=[], metavar="NAME=STATE",
        help="show devices whose machine or view has this state (repeatable), e.g. pdp=Connected",
    )  # fmt: skip
    replay.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )  # fmt: skip
    replay.add_argument(
        "--out", metavar="DIR",
        help="for fleets too large for one document: write the devices' states as Parquet "
        "files in DIR (devices-00000.parquet, ...) and the rest of the --json document as "
        "DIR/fleet.json, instead of printing them (needs the dask extra, which has pyarrow)",
    )  # fmt: skip
    replay.add_argument(
        "--workers", type=whole_number(1), default=None, metavar="N",
        help="replay on a local Dask cluster of N worker processes (implies --dask; with "
        "--dask alone, one per core); 1, the default, replays in this process",
    )  # fmt: skip
    replay.add_argument(
        "--dask", action="store_true",
        help="replay on a Dask cluster: the files read, and the devices replayed, as partitions "
        "on its workers (a local cluster unless --scheduler is given); needs "
        "pip install 'emnify-devicesim[dask]'",
    )  # fmt: skip
    replay.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="the scheduler of a running Dask cluster, e.g. tcp://10.0.0.5:8786 (implies --dask; "
        "the workers must see the files at the same paths)",
    )  # fmt: skip
    replay.add_argument(
        "--save-state", metavar="FILE",
        help="write the whole fleet state after the replay to FILE, to continue from later",
    )  # fmt: skip
    replay.add_argument(
        "--from-state", metavar="FILE",
        help="continue from a state saved with --save-state instead of starting empty "
        "(it holds --initial and --assume); events older than its clock are counted late",
    )  # fmt: skip
    _starting_options(replay)
    replay.set_defaults(run="replay_commands:cmd_replay")
    why = command_parser(commands, "why")
    why.add_argument("device", metavar="ENDPOINT", help="endpoint id, or sim:<id>")
    why.add_argument("paths", nargs="+", metavar="PATH", help="event files; - reads stdin")
    why.add_argument("--json", action="store_true", help="print one JSON document")
    _starting_options(why)
    why.set_defaults(run="replay_commands:cmd_why")

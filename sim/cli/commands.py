"""The ``devicesim`` command: one small function per subcommand, each one library call.

``main(argv)`` returns the exit code (``sim.cli.exits``: 0 done, 1 failed, 2 usage error or
invalid input, 5 nothing to run, 130 interrupted) and never lets a traceback reach the user: every
error the package raises on purpose becomes one line on stderr, and everything printed goes
through ``sim.cli.terminal.escaping``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli import render, report
from sim.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_NOTHING, EXIT_OK, EXIT_USAGE
from sim.cli.help_table import command_parser, overview
from sim.cli.replay_commands import add_replay_commands, print_json
from sim.cli.terminal import escaping, writable_file, writable_folder
from sim.coverage.generate import write_cover
from sim.coverage.measure import coverage_of
from sim.errors import CommandLineError, DeviceSimError, ScenarioError, suggest
from sim.events.catalogue import lookup, names
from sim.scenarios import suite
from sim.scenarios.schema import schema_path, shipped_schema
from sim.scenarios.template import event_types, new_scenario

#: The most devices ``devicesim new`` writes into a set-up (a template, not a fleet).
MAX_NEW_DEVICES = 100


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and one line, as every other usage error here does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        wrong = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
        if wrong:
            message += suggest(wrong[1], re.findall(r"'(.*?)'", wrong[2]))
        raise CommandLineError(f"{self.prog}: {message}")


def cmd_events(args: argparse.Namespace) -> int:
    """List the event catalogue."""
    if args.json:
        print_json(render.events_json())
    else:
        print(render.events_table())
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain one event type: what it does to every machine it drives."""
    key = " ".join(args.event)
    etype = lookup(key)
    if etype is None:
        print(f"devicesim explain: unknown event {key!r}{suggest(key, names())}", file=sys.stderr)
        return EXIT_USAGE
    print(render.explain(etype))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    """Run scenario files: pytest-style progress, failures with causes, a summary line."""
    started = time.perf_counter()
    junit = writable_file(args.junit_xml, "--junit-xml") if args.junit_xml else None
    suite.matcher(args.keyword)  # a -k that does not parse is a usage error, found or not
    files = _scenario_files("run", args.paths or ["scenarios"])
    if not files:
        return EXIT_NOTHING
    result = suite.run_all(files, keyword=args.keyword, first_failure=args.exitfirst)
    seconds = time.perf_counter() - started
    for message in result.invalid:
        print(message, file=sys.stderr)
    if junit:
        junit.write_bytes(report.junit_xml(result, seconds))
    covered = coverage_of(result.results).report() if args.coverage else None
    if args.json:
        document = report.as_json(result, seconds)
        if covered is not None:
            document["coverage"] = covered
        print_json(document)
    else:
        _print_run(result, args.explain, seconds)
        if covered is not None:
            print(render.coverage_table(covered))
    if result.invalid:
        return EXIT_USAGE
    if result.failed:
        return EXIT_FAILED
    return EXIT_OK if result.results else EXIT_NOTHING


def _print_run(result: suite.SuiteResult, explain: bool, seconds: float) -> None:
    for outcome in result.results:
        print(report.progress_line(outcome))
        if explain:
            print("\n".join(report.narrate(outcome)))
    if result.failed:
        print("\n==== FAILURES ====")
        print("\n".join(report.failures(result)))
    print(f"==== {report.summary(result, seconds)} ====")


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files without running them: one line per invalid file."""
    files = _scenario_files("validate", args.paths)
    invalid = [str(item) for item in suite.load_all(files) if isinstance(item, ScenarioError)]
    for message in invalid:
        print(message, file=sys.stderr)
    print(f"{len(files) - len(invalid)} valid, {len(invalid)} invalid")
    if invalid:
        return EXIT_USAGE
    return EXIT_OK if files else EXIT_NOTHING


def _scenario_files(command: str, paths: list[str]) -> list[Path]:
    """The scenario files under ``paths``; saying so on stderr when there are none."""
    files = suite.collect(paths)
    if not files:
        print(
            f"devicesim {command}: no scenario files (*.yaml, *.yml) under {' '.join(paths)}",
            file=sys.stderr,
        )
    return files


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files (for editors), or where it is installed."""
    print(schema_path() if args.path else shipped_schema(), end="\n" if args.path else "")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    """Write a commented starting scenario that passes as written."""
    path = Path(args.name if Path(args.name).suffix in suite.SUFFIXES else f"{args.name}.yaml")
    if path.exists():
        print(f"devicesim new: {path} exists; choose another NAME or remove it", file=sys.stderr)
        return EXIT_USAGE
    events = event_types(args.event)
    text = new_scenario(path, devices=args.devices, events=events, schema=schema_path().as_uri())
    writable_file(str(path), "NAME").write_text(text, encoding="utf-8")
    print(f"wrote {path}; run it with: devicesim run {path}")
    return EXIT_OK


def _count(text: str) -> int:
    """A number of devices: a whole number from 1 to 100."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_NEW_DEVICES:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_NEW_DEVICES}, got {text!r}"
        )
    return int(text)


def cmd_cover(args: argparse.Namespace) -> int:
    """Write scenarios that together exercise every transition and rule."""
    written, missed = write_cover(writable_folder(args.out, "--out"))
    for path in written:
        print(path)
    for target in missed:
        print(f"devicesim cover: no path reaches {' '.join(target)}", file=sys.stderr)
    print(
        f"{len(written)} scenario files written to {args.out}; check them with: devicesim run {args.out} --coverage"
    )
    return EXIT_FAILED if missed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="devicesim",
        usage="devicesim [-h] COMMAND ...",
        description="Simulate what emnify events do to devices: the platform's state machines,\n"
        "driven by scenarios and by real event streams.",
        epilog=overview(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND",
        prog="devicesim", help=argparse.SUPPRESS,
    )  # fmt: skip
    events = command_parser(commands, "events")
    events.add_argument("--json", action="store_true", help="print JSON instead of a table")
    events.set_defaults(run=cmd_events)
    explain = command_parser(commands, "explain")
    explain.add_argument("event", nargs="+", help="event id or name, e.g. 19 or 'Quota used up'")
    explain.set_defaults(run=cmd_explain)
    _scenario_commands(commands)
    add_replay_commands(commands)
    return parser


def _scenario_commands(commands: Any) -> None:
    """new, validate, run, cover and schema."""
    new = command_parser(commands, "new")
    new.add_argument("name", metavar="NAME", help="the file to write: NAME.yaml")
    new.add_argument(
        "--devices", type=_count, default=1, metavar="N", help="devices in the set-up (default 1)"
    )
    new.add_argument(
        "--event", action="append", default=[], metavar="EVENT",
        help="an event (name or id) for a step, in order (repeatable; default: a device "
        "coming online)",
    )  # fmt: skip
    new.set_defaults(run=cmd_new)
    validate = command_parser(commands, "validate")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    validate.set_defaults(run=cmd_validate)
    run = command_parser(commands, "run")
    run.add_argument("paths", nargs="*", metavar="PATH", help="scenario files or folders")
    run.add_argument(
        "-k", dest="keyword", metavar="EXPR", help="only scenarios whose path, name or tags match"
    )
    run.add_argument("-x", "--exitfirst", action="store_true", help="stop after the first failure")
    run.add_argument("--junit-xml", metavar="FILE", help="also write a JUnit XML report")
    run.add_argument("--json", action="store_true", help="print one JSON document")
    run.add_argument("--explain", action="store_true", help="narrate every step")
    run.add_argument(
        "--coverage", action="store_true", help="report the states, transitions and rules exercised"
    )
    run.set_defaults(run=cmd_run)
    cover = command_parser(commands, "cover")
    cover.add_argument("--out", required=True, metavar="DIR", help="folder for the scenario files")
    cover.set_defaults(run=cmd_cover)
    schema = command_parser(commands, "schema")
    schema.add_argument(
        "--path", action="store_true", help="print where the installed schema file is"
    )
    schema.set_defaults(run=cmd_schema)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        with escaping():
            return _run(argv)
    except KeyboardInterrupt:
        print("devicesim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        code: int = args.run(args)
        return code
    except CommandLineError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except DeviceSimError as exc:
        print(f"devicesim: {exc}", file=sys.stderr)
        return EXIT_USAGE

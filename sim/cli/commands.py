"""The ``devicesim`` command: one small function per subcommand, each one library call.

``main(argv)`` returns the exit code (0 done, 1 strict failure or failed scenario, 2 usage
error or unreadable input, 130 interrupted) and never lets a traceback reach the user: every
error the package raises on purpose becomes one line on stderr, and everything printed goes
through ``sim.cli.terminal.escaping``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from sim.cli import render, report
from sim.cli.replay_commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_replay_commands,
    print_json,
)
from sim.cli.terminal import escaping, writable_file, writable_folder
from sim.coverage.generate import write_cover
from sim.coverage.measure import coverage_of
from sim.errors import CommandLineError, DeviceSimError, ScenarioError, suggest
from sim.events.catalogue import lookup, names
from sim.scenarios import suite
from sim.scenarios.schema import shipped_schema

#: The exit code of a command stopped with Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and one line, as every other usage error here does."""

    def error(self, message: str) -> None:  # type: ignore[override]
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
    files = suite.collect(args.paths or ["scenarios"])
    if not files:
        print(
            f"devicesim run: no scenario files (*.yaml, *.yml) under {' '.join(args.paths or ['scenarios'])}",
            file=sys.stderr,
        )
        return EXIT_USAGE
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
    return EXIT_FAILED if result.failed else EXIT_OK


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
    files = suite.collect(args.paths)
    invalid = [str(item) for item in suite.load_all(files) if isinstance(item, ScenarioError)]
    for message in invalid:
        print(message, file=sys.stderr)
    print(f"{len(files) - len(invalid)} valid, {len(invalid)} invalid")
    return EXIT_USAGE if invalid or not files else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files (for editors)."""
    print(shipped_schema(), end="")
    return EXIT_OK


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
    parser = _Parser(prog="devicesim", description="Simulate what emnify events do to devices.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    events = commands.add_parser("events", help="list the event catalogue")
    events.add_argument("--json", action="store_true", help="print JSON instead of a table")
    events.set_defaults(run=cmd_events)
    explain = commands.add_parser("explain", help="explain what one event type does")
    explain.add_argument("event", nargs="+", help="event id or name, e.g. 19 or 'Quota used up'")
    explain.set_defaults(run=cmd_explain)
    add_replay_commands(commands)
    run = commands.add_parser("run", help="run scenario files (default: scenarios/)")
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
    validate = commands.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    validate.set_defaults(run=cmd_validate)
    cover = commands.add_parser(
        "cover", help="write scenarios exercising every transition and rule"
    )
    cover.add_argument("--out", required=True, metavar="DIR", help="folder for the scenario files")
    cover.set_defaults(run=cmd_cover)
    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(run=cmd_schema)
    return parser


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

"""The ``devicesim`` command: the parser, and the one place that runs a subcommand.

``main(argv)`` returns the exit code (``sim.cli.exits``: 0 done, 1 failed, 2 usage error or
invalid input, 5 nothing to run, 130 interrupted) and never lets a traceback reach the user: every
error the package raises on purpose becomes one line on stderr, and everything printed goes
through ``sim.cli.terminal.escaping``. A subcommand's module is imported only when it runs, so
``--help``, ``--version`` and usage errors answer before the model is loaded.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from typing import Any

from sim.cli.arguments import add_learn_commands, add_replay_commands, add_scenario_commands
from sim.cli.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from sim.cli.help_table import overview
from sim.cli.terminal import escaping
from sim.cli.traffic_arguments import add_traffic_commands
from sim.errors import CommandLineError, DeviceSimError, suggest


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and one line, as every other usage error here does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        wrong = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)", message)
        if wrong:
            message += suggest(wrong[1], re.findall(r"'(.*?)'", wrong[2]))
        raise CommandLineError(f"{self.prog}: {message}")


def package_version() -> str:
    """The installed distribution's version (a source tree that was never installed has none)."""
    from importlib.metadata import PackageNotFoundError, version  # slow: only for --version

    try:
        return version("emnify-devicesim")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _Version(argparse.Action):
    """``--version``: print the version and exit, reading it only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        print(f"devicesim {package_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(
        prog="devicesim",
        usage="devicesim [-h] [--version] COMMAND ...",
        description="Simulate what emnify events do to devices: the platform's state machines,\n"
        "driven by scenarios and by real event streams.",
        epilog=overview(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the version and exit",
    )  # fmt: skip
    commands = parser.add_subparsers(
        dest="command", parser_class=_Parser, metavar="COMMAND", prog="devicesim",
        help=argparse.SUPPRESS,
    )  # fmt: skip
    add_learn_commands(commands)
    add_scenario_commands(commands)
    add_replay_commands(commands)
    add_traffic_commands(commands)
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
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        module, function = args.run.split(":")
        code: int = getattr(importlib.import_module(f"sim.cli.{module}"), function)(args)
        return code
    except CommandLineError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except DeviceSimError as exc:
        print(f"devicesim: {exc}", file=sys.stderr)
        return EXIT_USAGE

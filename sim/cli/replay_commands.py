"""The replay commands: ``devicesim replay`` (final states, trace, filters) and ``devicesim
why`` (the chains of causes behind one device's state). Both replay event files the same way
(``--initial``, ``--assume``); ``sim.cli.commands`` adds them to the command line.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from typing import Any

import orjson

from sim.cli import render, replay_table
from sim.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from sim.cli.help_table import command_parser
from sim.cli.terminal import colours, writable_file
from sim.cli.trace_filter import parse_trace_where
from sim.cli.trace_out import TraceWriter
from sim.engine.fleet import Fleet
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.store import ASSUMPTIONS, EVIDENCE
from sim.engine.trace import TraceEntry
from sim.errors import StrictReplayError, UsageError, suggest
from sim.events.event import Event
from sim.events.fields import digits_id
from sim.io.initial_file import load_initial
from sim.io.replay import Replay, read_all, replay_events

#: How many failed or invalid events are named on stderr (the rest are counted).
SHOWN_FAILURES = 20


def print_json(document: object) -> None:
    """One indented JSON document on stdout."""
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def _replayed(
    args: argparse.Namespace,
    *,
    strict: bool,
    trace: bool | Callable[[TraceEntry], object],
    progress: bool = True,
) -> tuple[Fleet, Replay]:
    """Replay the files of ``replay`` and ``why``; unreadable events are named on stderr."""
    if args.paths.count("-") > 1:
        raise UsageError("standard input ('-') can be read only once: name it once")
    initial = load_initial(args.initial) if args.initial else None
    fleet = Fleet(initial, lenient=not strict, trace=trace, assume=args.assume, silent_changes=True)
    replay = read_all(args.paths, strict=strict, progress=progress, workers=args.workers)
    if progress:
        for message in replay.invalid[:SHOWN_FAILURES]:
            print(f"invalid event: {message}", file=sys.stderr)
        if len(replay.invalid) > SHOWN_FAILURES:
            print(
                f"... and {len(replay.invalid) - SHOWN_FAILURES} more invalid events",
                file=sys.stderr,
            )
    replay_events(fleet, replay, progress=progress)
    return fleet, replay


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay event files and print the final states and outcome counts."""
    where = replay_table.parse_where(args.where)
    trace_where = parse_trace_where(args.trace_where)
    shown = args.trace or bool(trace_where)
    out = writable_file(args.trace_out, "--trace-out") if args.trace_out else None
    with out.open("wb") if out else nullcontext() as trace_file:
        writer = TraceWriter(
            trace_where, text=shown and not args.json, json=shown and args.json, out=trace_file
        )
        try:
            fleet, _ = _replayed(args, strict=args.strict, trace=writer if shown or out else False)
        except StrictReplayError as stop:
            print(
                f"devicesim replay: {stop} (--strict stops at the first invalid event)",
                file=sys.stderr,
            )
            return EXIT_FAILED
    keys = replay_table.chosen(fleet, args.device, where)
    if args.json:
        document = fleet.snapshot()
        document["devices"] = {str(key): document["devices"][str(key)] for key in keys}
        if writer.json:
            writer.finish(document)
        else:
            print_json(document)
    else:
        writer.finish()
        colour = replay_table.use_colour(args.color, sys.stdout.isatty())
        width = shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80
        with colours(colour):
            print(replay_table.replay_text(fleet, keys, max(width, 80), colour))
    failed = fleet.outcomes[INCONSISTENT] or fleet.outcomes[INVALID]
    if args.strict and failed:
        _say_what_failed(args)
        return EXIT_FAILED
    return EXIT_OK


def _say_what_failed(args: argparse.Namespace) -> None:
    """--strict: name the events that failed on stderr, where and why. The replay runs again
    with a trace, so that replays that pass pay nothing for it."""
    failed: list[TraceEntry] = []
    count = 0

    def keep(entry: TraceEntry) -> None:
        nonlocal count
        if entry.outcome in (INCONSISTENT, INVALID):
            count += 1
            if len(failed) < SHOWN_FAILURES:
                failed.append(entry)

    _replayed(args, strict=True, trace=keep, progress=False)
    for entry in failed:
        print(f"devicesim replay: {render.failure_line(entry)}", file=sys.stderr)
    if count > SHOWN_FAILURES:
        print(f"... and {count - SHOWN_FAILURES} more", file=sys.stderr)


def cmd_why(args: argparse.Namespace) -> int:
    """Replay event files and say why one device is in the state it is."""
    fleet, replay = _replayed(args, strict=False, trace=True)
    key = device_key(args.device, fleet, replay.events)
    if key is None:
        known = [str(k) for k in fleet.endpoints()]
        print(
            f"devicesim why: no device {args.device!r} in the events{suggest(args.device, known)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    found = fleet.why(key)
    if args.json:
        print_json(render.why_json(fleet, key, found))
    else:
        print(render.why_text(fleet, key, found))
    return EXIT_OK


def device_key(given: str, fleet: Fleet, events: Sequence[Event]) -> Hashable | None:
    """The fleet's key for a device named on the command line: an endpoint id, or
    ``sim:<id>`` (a SIM seen alone, or the last endpoint the SIM was seen in)."""
    text = given.strip()
    endpoint = digits_id(text)
    if endpoint is not None and endpoint in fleet:
        return endpoint
    sim_id = digits_id(text[4:]) if text.startswith("sim:") else None
    if sim_id is not None:
        if text in fleet:
            return text
        holders = [e.endpoint for e in events if e.sim == sim_id and e.endpoint is not None]
        return holders[-1] if holders else None
    return None


def _workers(text: str) -> int:
    """A number of processes for ``--workers``: a whole number from 1."""
    if not text.strip().isascii() or not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got {text!r}")
    return int(text)


def _starting_options(parser: argparse.ArgumentParser) -> None:
    """How a replay reads and starts: ``--workers``, ``--initial`` and ``--assume``."""
    parser.add_argument(
        "--workers", type=_workers, default=None, metavar="N",
        help="processes that decode a large JSON Lines file (default: one per core; "
        "1 reads everything in one process)",
    )  # fmt: skip
    parser.add_argument("--initial", metavar="FILE", help="initial state (YAML or JSON)")
    parser.add_argument(
        "--assume",
        choices=ASSUMPTIONS,
        default=EVIDENCE,
        help="how a device first seen starts: its machines assumed until events show them "
        "(evidence, the default) or in service",
    )


def add_replay_commands(commands: Any) -> None:
    """Add ``replay`` and ``why`` to the subcommands of the command line."""
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
    _starting_options(replay)
    replay.set_defaults(run=cmd_replay)
    why = command_parser(commands, "why")
    why.add_argument("device", metavar="ENDPOINT", help="endpoint id, or sim:<id>")
    why.add_argument("paths", nargs="+", metavar="PATH", help="event files; - reads stdin")
    why.add_argument("--json", action="store_true", help="print one JSON document")
    _starting_options(why)
    why.set_defaults(run=cmd_why)

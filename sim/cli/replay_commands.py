"""The replay commands: ``devicesim replay`` (final states, trace, filters) and ``devicesim
why`` (the chains of causes behind one device's state). Both replay event files the same way
(``--initial``, ``--assume``); their arguments are in ``sim.cli.arguments``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from pathlib import Path

from sim.cli import render, replay_table
from sim.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from sim.cli.replay_files import write_fleet
from sim.cli.replay_start import SHOWN_FAILURES, name_invalid, starting
from sim.cli.terminal import colours, print_json, writable_file, writable_folder
from sim.cli.trace_filter import parse_trace_where
from sim.cli.trace_out import TraceWriter
from sim.engine.fleet import Fleet
from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.trace import TraceEntry
from sim.errors import StrictReplayError, UsageError, suggest
from sim.events.event import Event
from sim.events.fields import digits_id
from sim.io.replay import Replay, read_all, replay_events
from sim.io.state_file import save_state, saved_after


def _replayed(
    args: argparse.Namespace,
    *,
    strict: bool,
    trace: bool | Callable[[TraceEntry], object],
    progress: bool = True,
    save: Path | None = None,
) -> tuple[Fleet, Replay]:
    """Replay the files of ``replay`` and ``why``; unreadable events are named on stderr.
    ``save`` is where the state is written afterwards (``--save-state``)."""
    if args.paths.count("-") > 1:
        raise UsageError("standard input ('-') can be read only once: name it once")
    if on_cluster(args):
        from sim.cli.cluster_replay import replayed_on_cluster

        return replayed_on_cluster(args, strict=strict, save=save)
    fleet, previous = starting(args, strict=strict, trace=trace)
    replay = read_all(args.paths, strict=strict, progress=progress)
    if progress:
        name_invalid(replay.invalid)
    replay_events(fleet, replay, progress=progress)
    if save is not None:
        save_state(save, saved_after(fleet, replay.events, previous))
    return fleet, replay


def on_cluster(args: argparse.Namespace) -> bool:
    """Whether ``replay`` runs on Dask: ``--dask``, ``--scheduler`` or ``--workers`` above 1."""
    dask = getattr(args, "dask", False) or getattr(args, "scheduler", None)
    return bool(dask) or (getattr(args, "workers", None) or 1) > 1


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay event files and print the final states and outcome counts."""
    where = replay_table.parse_where(args.where)
    trace_where = parse_trace_where(args.trace_where)
    shown = args.trace or bool(trace_where)
    if on_cluster(args) and (shown or args.trace_out):
        raise UsageError(
            "--trace, --trace-where and --trace-out follow one process: leave out --dask and --workers"
        )
    out = writable_file(args.trace_out, "--trace-out") if args.trace_out else None
    save = writable_file(args.save_state, "--save-state") if args.save_state else None
    folder = writable_folder(args.out, "--out") if args.out else None
    if folder is not None and args.json:
        raise UsageError("--out writes the --json document as files: give one of them")
    with out.open("wb") if out else nullcontext() as trace_file:
        writer = TraceWriter(
            trace_where, text=shown and not args.json, json=shown and args.json, out=trace_file
        )
        try:
            tracing = writer if shown or out else False
            fleet, _ = _replayed(args, strict=args.strict, trace=tracing, save=save)
        except StrictReplayError as stop:
            print(
                f"devicesim replay: {stop} (--strict stops at the first invalid event)",
                file=sys.stderr,
            )
            return EXIT_FAILED
    keys = replay_table.chosen(fleet, args.device, where)
    if folder is not None:
        writer.finish()
        print(write_fleet(folder, fleet, keys))
    elif args.json:
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

    one_process = argparse.Namespace(
        **{**vars(args), "dask": False, "scheduler": None, "workers": 1}
    )
    _replayed(one_process, strict=True, trace=keep, progress=False)
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

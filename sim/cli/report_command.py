"""``devicesim report``: scenarios and event logs as one self-contained HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.exits import EXIT_NOTHING, EXIT_OK, EXIT_USAGE
from sim.cli.replay_start import name_invalid
from sim.cli.terminal import writable_file
from sim.engine.fleet import Fleet
from sim.errors import UsageError
from sim.io.replay import read_all, replay_events
from sim.pictures.report_page import LogReplay, report_html
from sim.scenarios import suite

#: What a log's name ends with (``-`` is stdin); scenarios are ``suite.SUFFIXES``.
LOG_SUFFIXES = (".json", ".jsonl", ".gz")


def split_inputs(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Scenario files (folders are searched for them) and logs, or a UsageError naming the
    path that is neither."""
    scenarios: list[Path] = []
    logs: list[str] = []
    for name in paths:
        path = Path(name)
        if name == "-" or path.suffix in LOG_SUFFIXES:
            logs.append(name)
        elif path.is_dir() or path.suffix in suite.SUFFIXES:
            scenarios += suite.collect([path]) if path.exists() else [path]
        else:
            raise UsageError(
                f"report: {name}: expected a scenario (.yaml, .yml) or an event log (.json, "
                ".jsonl, .gz; - for stdin), or a folder of scenarios"
            )
    return scenarios, logs


def _replayed(logs: list[str]) -> LogReplay:
    replay = read_all(logs, progress=True, keep_raw=True)
    fleet = Fleet(lenient=True, trace=True, silent_changes=True)
    replay_events(fleet, replay, progress=True)
    name_invalid(replay.invalid)
    return LogReplay(logs, fleet, replay.events, replay.invalid)


def cmd_report(args: argparse.Namespace) -> int:
    """Run the scenarios, replay the logs, write the page."""
    out = writable_file(args.output, "-o")
    scenario_files, logs = split_inputs(args.paths)
    if not scenario_files and not logs:
        print(
            f"devicesim report: no scenario files or logs under {' '.join(args.paths)}",
            file=sys.stderr,
        )
        return EXIT_NOTHING
    ran = suite.run_all(scenario_files)
    for error in ran.invalid:
        print(error, file=sys.stderr)
    replayed = _replayed(logs) if logs else None
    text = report_html(ran.results, ran.invalid, replayed)
    out.write_text(text, encoding="utf-8")
    parts = [f"{len(ran.results)} scenarios ({len(ran.failed)} failed)"] if scenario_files else []
    if replayed is not None:
        parts.append(f"{len(replayed.events)} events of {len(replayed.fleet)} devices replayed")
    print(f"wrote {out} ({len(text.encode()) / 1e6:.1f} MB): {', '.join(parts)}")
    return EXIT_USAGE if ran.invalid else EXIT_OK

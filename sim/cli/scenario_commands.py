"""The commands that write and run scenarios: ``new``, ``validate``, ``run``, ``cover``,
``schema`` and ``scenarios`` (the bundled library, to run or copy out and edit)."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from sim.cli import render, report
from sim.cli.exits import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, EXIT_USAGE
from sim.cli.terminal import print_json, writable_file, writable_folder
from sim.coverage.generate import write_cover
from sim.coverage.measure import coverage_of
from sim.errors import ScenarioError, UsageError
from sim.scenarios import suite
from sim.scenarios.library import bundled_library, default_paths
from sim.scenarios.schema import schema_path, shipped_schema
from sim.scenarios.template import event_types, new_scenario


def cmd_run(args: argparse.Namespace) -> int:
    """Run scenario files: pytest-style progress, failures with causes, a summary line."""
    started = time.perf_counter()
    junit = writable_file(args.junit_xml, "--junit-xml") if args.junit_xml else None
    suite.matcher(args.keyword)  # a -k that does not parse is a usage error, found or not
    paths, bundled = (args.paths, False) if args.paths else default_paths()
    files = _scenario_files("run", paths)
    if not files:
        return EXIT_NOTHING
    if bundled and not args.json:
        print(
            f"no ./scenarios here: running the bundled library ({len(files)} files; "
            "'devicesim scenarios copy DIR' writes it out to edit)"
        )
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


def cmd_scenarios_copy(args: argparse.Namespace) -> int:
    """Write the bundled library into a new or empty folder."""
    target = writable_folder(args.folder, "DIR")
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"scenarios copy: {target} is not empty; name a new or empty folder")
    source = bundled_library()
    shutil.copytree(source, target, dirs_exist_ok=True)
    count = len(suite.collect([str(target)]))
    print(f"copied {count} scenario files to {target}; run them with: devicesim run {target}")
    return EXIT_OK


def cmd_scenarios_path(args: argparse.Namespace) -> int:
    """Print where the bundled library is installed."""
    print(bundled_library())
    return EXIT_OK

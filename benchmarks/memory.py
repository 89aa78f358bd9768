"""Memory benchmark: ``python -m benchmarks.memory`` (a few minutes on 2 cores).

Writes a JSON Lines log of about 2M events (``benchmarks.stream``), then runs, each in its own
process, and samples the resident memory of that process and its workers (summed, every 20 ms):

- ``devicesim replay LOG --json``, and the same with ``--trace`` (written as the replay goes);
- ``devicesim replay LOG`` (the text table), and the same with ``--trace-out FILE``;
- ``devicesim run`` on a scenario whose ``events_file`` is the log, against the first.

Target: each traced run at most 1.3x the peak of the same run without a trace. The last line
is machine-readable.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from benchmarks.stream import generate


def _write_log(path: Path, events: int) -> int:
    written = 0
    with path.open("wb") as out:
        for raw in generate(events // 7 + 1, seed=13):
            if written == events:
                break
            out.write(orjson.dumps(raw) + b"\n")
            written += 1
    return written


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_memory(command: list[str]) -> tuple[int, float]:
    """(peak summed resident bytes of the command and its workers, seconds)."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(_rss(pid) for pid in _tree(process.pid)))
            time.sleep(0.02)
        errors = process.stderr.read() if process.stderr else b""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {errors.decode()[-500:]}")
    return peak, time.perf_counter() - started


def main() -> None:
    """Write the log, measure the four runs, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    args = parser.parse_args()
    devicesim = [sys.executable, "-m", "sim"]
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "events.jsonl"
        written = _write_log(log, args.events)
        scenario = Path(folder) / "replay.yaml"
        scenario.write_text(
            "name: a long recording\nmode: lenient\nsteps:\n  - events_file: events.jsonl\n"
        )
        runs = {
            "replay --json": [*devicesim, "replay", str(log), "--json"],
            "replay --json --trace": [*devicesim, "replay", str(log), "--json", "--trace"],
            "replay": [*devicesim, "replay", str(log)],
            "replay --trace-out": [
                *devicesim, "replay", str(log), "--trace-out", os.path.join(folder, "t.jsonl"),
            ],
            "run (events_file)": [*devicesim, "run", str(scenario)],
        }  # fmt: skip
        peaks = {}
        print(f"{written} events, {log.stat().st_size / 1e6:,.0f} MB JSON Lines")
        for name, command in runs.items():
            peak, seconds = peak_memory(command)
            peaks[name] = peak
            print(f"  {name:<24} peak {peak / 2**20:8,.0f} MiB  {seconds:6.1f} s")
    pairs = {
        "json_trace": ("replay --json --trace", "replay --json"),
        "trace_out": ("replay --trace-out", "replay"),
        "events_file": ("run (events_file)", "replay --json"),
    }
    print("targets: each <= 1.3x the same run without a trace")
    print(" ".join(f"{key}={peaks[run] / peaks[base]:.2f}" for key, (run, base) in pairs.items()))


if __name__ == "__main__":
    main()

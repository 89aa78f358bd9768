"""Scale benchmark: ``python -m benchmarks.scale`` (about 15 minutes on 2 cores the first time,
of which 5 to write the archive; needs the ``dask`` extra).

Generates, once, a fleet archive of 10 million events (``devicesim generate``'s default fleet
over a week, cut into daily-sized gzip JSON Lines files) into a cache folder, then replays it
with ``devicesim replay --json``: in one process (``--workers 1``), and on a local Dask cluster
of 2 workers (``--dask --workers 2``), the two runs interleaved ``--repeat`` times. Prints the
events/s of each, the speed-up of each pair and of all runs together (target: 1.5x or more
on 2 cores), the peak resident memory of the one process and of each cluster process
(bounded: no worker holds the whole archive), and checks that both print the same bytes. The
last line is machine-readable.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.memory import _rss, _tree
from sim.traffic.history import generate
from sim.traffic.profile import read_profile

#: Events per device over a week with the default profile (measured): sizes the fleet.
EVENTS_PER_DEVICE_WEEK = 724
WEEK = 7 * 86400.0


def archive(folder: Path, events: int, files: int) -> list[Path]:
    """The cached archive of ``events`` events in ``files`` gzip files, written if missing."""
    paths = [folder / f"day{index:02}.jsonl.gz" for index in range(files)]
    done = folder / "complete"
    if done.exists() and done.read_text() == f"{events} {files}":
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    print(f"writing {events:,} events into {folder} (once) ...", flush=True)
    history = generate(read_profile(None), events // EVENTS_PER_DEVICE_WEEK + 1, WEEK, seed=1)
    lines = itertools.islice((line.encode() for c in history.chunks() for line in c), events)
    per_file = -(-events // files)
    for path in paths:
        with gzip.open(path, "wb", compresslevel=1) as out:
            out.writelines(itertools.islice(lines, per_file))
    done.write_text(f"{events} {files}")
    return paths


def measure(command: list[str], out: Path) -> tuple[float, int, list[int]]:
    """(seconds, peak resident bytes of the first process, peaks of the others) of a run."""
    started = time.perf_counter()
    peaks: dict[int, int] = {}
    with (
        out.open("wb") as stdout,
        subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE) as process,
    ):
        while process.poll() is None:
            for pid in _tree(process.pid):
                peaks[pid] = max(peaks.get(pid, 0), _rss(pid))
            time.sleep(0.05)
        errors = process.stderr.read() if process.stderr else b""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {errors.decode()[-800:]}")
    first = peaks.pop(process.pid, 0)
    return time.perf_counter() - started, first, sorted(peaks.values(), reverse=True)


def main() -> None:
    """Write the archive once, replay it both ways, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=1)
    default_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    parser.add_argument("--cache", type=Path, default=default_cache / "devicesim-benchmarks")
    args = parser.parse_args()
    paths = archive(args.cache / f"scale-{args.events}", args.events, args.files)
    size = sum(path.stat().st_size for path in paths)
    print(f"{args.events:,} events in {len(paths)} gzip files, {size / 1e6:,.0f} MB")
    devicesim = [sys.executable, "-m", "sim", "replay", "--json", *map(str, paths)]
    runs = {"one process": [*devicesim, "--workers", "1"],
            "dask, 2 workers": [*devicesim, "--dask", "--workers", "2"]}  # fmt: skip
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    memory: dict[str, tuple[int, list[int]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        outputs = {name: Path(folder) / f"{index}.json" for index, name in enumerate(runs)}
        for _ in range(args.repeat):
            for name, command in runs.items():
                took, first, others = measure(command, outputs[name])
                seconds[name].append(took)
                memory[name] = (first, others)
                rate = args.events / took
                workers = ", ".join(f"{peak / 2**20:,.0f}" for peak in others[:2])
                print(f"  {name:<16} {took:7.1f} s  {rate:10,.0f} events/s  peak "
                      f"{first / 2**20:6,.0f} MiB" + (f", workers {workers} MiB" if others else ""))  # fmt: skip
        same = outputs["one process"].read_bytes() == outputs["dask, 2 workers"].read_bytes()
    speedups = [
        a / b for a, b in zip(seconds["one process"], seconds["dask, 2 workers"], strict=True)
    ]
    one_peak = memory["one process"][0]
    worker_peak = max(memory["dask, 2 workers"][1][:2] or [0])
    print(f"same output: {same}")
    # The machine's speed drifts between runs: all runs together are the steadier figure.
    overall = sum(seconds["one process"]) / sum(seconds["dask, 2 workers"])
    print(f"speed-up: {', '.join(f'{s:.2f}x' for s in speedups)}; all runs together "
          f"{overall:.2f}x (target >= 1.5x)")  # fmt: skip
    print(
        f"peak per worker: {worker_peak / 2**20:,.0f} MiB, {worker_peak / one_peak:.2f}x the one process"
    )
    print(json.dumps({
        "events": args.events, "speedup": [round(s, 2) for s in speedups],
        "speedup_overall": round(overall, 2), "same_output": same,
        "one_process_s": [round(s, 1) for s in seconds["one process"]],
        "dask_s": [round(s, 1) for s in seconds["dask, 2 workers"]],
        "peak_one_process_mib": round(one_peak / 2**20),
        "peak_worker_mib": round(worker_peak / 2**20),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

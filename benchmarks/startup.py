"""Start-up benchmark: ``python -m benchmarks.startup`` (a few seconds).

Times, each in a fresh interpreter and repeated, the bare interpreter (``python -c pass``, the
baseline), ``devicesim --help``, ``devicesim --version``, a usage error, and loading the model
(``import sim.engine.fleet``: what every real command pays). Target: ``--help`` under 150 ms
on 2 cores, and well under the model's load time. The last line is machine-readable.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

RUNS = 15
COMMANDS = {
    "python -c pass (baseline)": ["-c", "pass"],
    "devicesim --help": ["-m", "sim", "--help"],
    "devicesim --version": ["-m", "sim", "--version"],
    "devicesim rn (usage error)": ["-m", "sim", "rn"],
    "import the model": ["-c", "import sim.engine.fleet, sim.scenarios.suite"],
}


def _median_ms(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, *argv], capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    """Print each command's median wall time and its ratio to the bare interpreter."""
    # Interleaved rounds: background noise hits every command alike.
    rounds: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(3):
        for name, argv in COMMANDS.items():
            rounds[name].append(_median_ms(argv))
    medians = {name: statistics.median(values) for name, values in rounds.items()}
    baseline = medians["python -c pass (baseline)"]
    for name, ms in medians.items():
        print(f"{name:<30} {ms:7.1f} ms  {ms / baseline:5.2f}x baseline")
    print(json.dumps({"ms": {k: round(v, 1) for k, v in medians.items()}}))


if __name__ == "__main__":
    main()

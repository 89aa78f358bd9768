"""Fuzzing benchmark: ``python -m benchmarks.fuzz`` (about two minutes on 2 cores).

- The guide's snippet (``docs/testing.md``), copied as written for the example consumer with
  its planted bug, run by pytest in a fresh process: seconds until it reports the failure,
  against the 15 s target, and against the same state machine run the way Hypothesis runs it
  by default (its explain phase included: the baseline, what the guide's snippet took before).
- ``devicesim fuzz`` over HTTP against the example consumer (``python -m examples.webhook_app``,
  its own process): seconds until the planted bug is reported, and seconds for the fixed
  consumer to pass 200 examples (histories per second).

Each time to a failure is the median of ``RUNS`` runs with different seeds (the baseline, a
minute, runs once). The last line is machine-readable.
"""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TARGET = 15.0
RUNS = 3
#: The state machine of the guide, run with Hypothesis' own defaults (explain phase included).
_BASELINE = """
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from test_snippet import WebhookConsumerMachine
try:
    run_state_machine_as_test(WebhookConsumerMachine, settings=settings(
        max_examples=300, stateful_step_count=30, deadline=None, database=None))
except AssertionError:
    pass
"""


def _snippet(folder: Path) -> None:
    guide = (ROOT / "docs" / "testing.md").read_text()
    code = next(
        b for b in re.findall(r"```python\n(.*?)```", guide, re.S) if "IntegrationStateMachine" in b
    )
    code = code.replace(
        "from myapp.webhook import DeviceTable", "from examples.webhook_consumer import DeviceTable"
    )
    (folder / "test_snippet.py").write_text(code)
    (folder / "baseline.py").write_text(_BASELINE)


def _timed(argv: list[str], folder: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run(argv, cwd=folder, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def guide_snippet() -> tuple[float, float]:
    """(median seconds of the snippet under pytest, of the baseline)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _snippet(folder)
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_snippet.py"]
        snippet = [_timed([*pytest, f"--hypothesis-seed={seed}"], folder) for seed in range(RUNS)]
        baseline = _timed([sys.executable, "baseline.py"], folder)  # a minute: once
    return statistics.median(snippet), baseline


@contextmanager
def _consumer(fixed: bool) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [sys.executable, "-m", "examples.webhook_app", "--port", str(port)] + (
        ["--fixed"] if fixed else []
    )
    server = subprocess.Popen(argv, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.post(f"{base}/reset")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait()


def _fuzz(base: str, seed: int, *extra: str) -> tuple[float, str]:
    argv = [
        sys.executable, "-m", "sim", "fuzz", "--webhook", f"{base}/events",
        "--observe", f"{base}/devices/{{endpoint}}", "--map", "connectivity=$.status",
        "--reset", f"{base}/reset", "--seed", str(seed), *extra,
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([*argv, "--out", out], capture_output=True, text=True, check=False)
        return time.perf_counter() - started, done.stdout.splitlines()[-1]


def main() -> None:
    snippet, baseline = guide_snippet()
    print(
        f"guide snippet, planted bug reported after {snippet:.1f} s: {snippet / TARGET:.2f}x the 15 s target, "
        f"{snippet / baseline:.2f}x Hypothesis' default run of the same machine ({baseline:.1f} s)"
    )
    with _consumer(fixed=False) as base:
        found = statistics.median(_fuzz(base, seed)[0] for seed in range(RUNS))
    print(
        f"devicesim fuzz over HTTP, planted bug reported after {found:.1f} s: {found / TARGET:.2f}x the target"
    )
    with _consumer(fixed=True) as base:
        passed, said = _fuzz(base, 0, "--max-examples", "200")
    histories = (
        int(re.search(r"(\d+) histories", said)[1]) if re.search(r"(\d+) histories", said) else 0
    )
    print(
        f"devicesim fuzz over HTTP, fixed consumer: {said} ({histories / passed:.1f} histories/s)"
    )
    print(json.dumps({
        "snippet_s": round(snippet, 2), "snippet_default_hypothesis_s": round(baseline, 2),
        "snippet_vs_target": round(snippet / TARGET, 3), "http_found_s": round(found, 2),
        "http_200_examples_s": round(passed, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()

"""Report benchmark: ``python -m benchmarks.report`` (about a minute on 2 cores; needs Chromium).

Generates 10,000 devices and 100,000 events (``benchmarks.stream``), then measures:

- writing the report (``devicesim report LOG -o FILE``) against replaying the same log
  (``devicesim replay LOG --json``, the baseline): what the page costs on top of the replay;
- the file's size, and its size per event;
- opening it in headless Chromium until its scripts are done (the data unpacked, the table
  live) against loading the same file with scripts off (the baseline: the browser parsing the
  HTML alone), both as the page's own navigation timing measures them, and opening one
  device's timeline from the table (wall clock).

The last line is machine-readable.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from benchmarks.stream import generate

DEVICES = 10_000
EVENTS = 100_000


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", *argv], check=True, capture_output=True)
    return time.perf_counter() - started


#: When the page finished loading, and when its scripts were done, as the page measures it
#: (milliseconds from the start of the navigation).
_LOADED = "performance.getEntriesByType('navigation')[0].loadEventEnd"
_READY = "performance.getEntriesByName('devicesim-ready')[0].startTime"


def _events() -> list[dict[str, Any]]:
    """``EVENTS`` events of ``DEVICES`` devices: more than that generated, then the last
    events of devices taken off in turn (a device's history stays a prefix of itself)."""
    by_device: dict[int, list[dict[str, Any]]] = {}
    for event in generate(DEVICES, seed=5, sessions=(2, 5)):
        by_device.setdefault(event["endpoint"]["id"], []).append(event)
    extra = sum(len(history) for history in by_device.values()) - EVENTS
    for history in itertools.islice(itertools.cycle(by_device.values()), max(extra, 0)):
        history.pop()
    return sorted(
        (e for history in by_device.values() for e in history), key=itemgetter("timestamp")
    )


def _load(report: Path, scripts: bool) -> tuple[float, float]:
    """Seconds until the page is loaded (without scripts) or ready (with them), as the page
    measures it, and until one device's timeline is drawn (wall clock)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("needs chromium: install the chromium package (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        tab = browser.new_context(java_script_enabled=scripts).new_page()
        tab.goto(report.as_uri(), timeout=120_000)
        if scripts:
            tab.wait_for_function(
                "document.documentElement.dataset.ready === 'true'", timeout=120_000
            )
        ready = tab.evaluate(_READY if scripts else _LOADED) / 1000
        opened = 0.0
        if scripts:
            started = time.perf_counter()
            tab.click("#devices tbody tr >> nth=5000")
            tab.locator("#device-panel circle.mark").first.wait_for()
            opened = time.perf_counter() - started
        browser.close()
    return ready, opened


def main() -> None:
    """Print the figures and their ratios to the baselines."""
    events = _events()
    devices = len({event["endpoint"]["id"] for event in events})
    with tempfile.TemporaryDirectory() as folder:
        log, report = Path(folder) / "fleet.jsonl", Path(folder) / "fleet.html"
        log.write_bytes(b"".join(orjson.dumps(event) + b"\n" for event in events))
        replay = _timed(["replay", str(log), "--json", "--workers", "1"])
        write = _timed(["report", str(log), "-o", str(report)])
        size = report.stat().st_size
        plain, _ = _load(report, scripts=False)
        ready, opened = _load(report, scripts=True)
    print(f"{devices} devices, {len(events)} events")
    print(
        f"write the report   {write:6.2f} s  {write / replay:5.2f}x replay --json ({replay:.2f} s)"
    )
    print(f"report file        {size / 1e6:6.1f} MB  {size / len(events):6.0f} bytes per event")
    print(
        f"open until ready   {ready:6.2f} s  {ready / plain:5.2f}x the HTML alone ({plain:.2f} s)"
    )
    print(f"open one timeline  {opened:6.2f} s")
    figures = {"devices": devices, "events": len(events), "write_s": round(write, 2),
               "replay_s": round(replay, 2), "bytes": size, "ready_s": round(ready, 2),
               "html_alone_s": round(plain, 2), "timeline_s": round(opened, 2)}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

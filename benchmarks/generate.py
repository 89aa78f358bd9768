"""Traffic benchmark: ``python -m benchmarks.generate`` (about a minute on 2 cores).

- ``generate``: a week of 2,000 devices (the default profile) written as JSON Lines, in events
  per second on one core, against the engine replaying the same events (parsed beforehand:
  the model's own cost, the baseline). The target is 200,000 events/s.
- ``stream`` in bulk mode (3,000 events per POST) of a file's events to a local receiver (an HTTP server on
  127.0.0.1 that reads each body and answers 200), in events per second, against posting the
  same bodies, made beforehand, with a bare httpx loop (the baseline: the HTTP round trips
  alone).

The last line is machine-readable.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from sim.engine.fleet import Fleet
from sim.io.replay import read_all
from sim.traffic.delivery import Delivery, deliver
from sim.traffic.history import generate
from sim.traffic.profile import read_profile

DEVICES = 2_000
DAYS = 7
BULK = 3_000
TARGET = 200_000


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _generated(path: Path) -> tuple[int, float]:
    generation = generate(read_profile(None), DEVICES, DAYS * 86400, 1)
    started, count = time.perf_counter(), 0
    with path.open("wb") as out:
        for chunk in generation.chunks():
            out.write("".join(chunk).encode())
            count += len(chunk)
    return count, time.perf_counter() - started


def _replayed(path: Path) -> float:
    events = read_all([str(path)]).events
    fleet = Fleet(lenient=True, silent_changes=True)
    started = time.perf_counter()
    fleet.apply_all(events)
    return time.perf_counter() - started


def _streamed(path: Path, url: str) -> tuple[int, float, float]:
    lines = [line.strip() for line in path.read_bytes().splitlines()]
    started = time.perf_counter()
    report = deliver(iter(lines), Delivery(url, bulk=BULK), live=False)
    streamed = time.perf_counter() - started
    assert report.delivered == len(lines), report
    bodies = [b"[" + b",".join(lines[i : i + BULK]) + b"]" for i in range(0, len(lines), BULK)]
    started = time.perf_counter()
    with httpx.Client(headers={"Content-Type": "application/json"}) as client:
        for body in bodies:
            client.post(url, content=body).raise_for_status()
    return len(lines), streamed, time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "week.jsonl"
        events, generating = _generated(path)
        replaying = _replayed(path)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            sent, streaming, posting = _streamed(
                path, f"http://127.0.0.1:{server.server_address[1]}/"
            )
        finally:
            server.shutdown()
            server.server_close()
    figures = {
        "events": events,
        "generate_events_per_s": round(events / generating),
        "generate_vs_replay": round(generating / replaying, 2),
        "generate_vs_target": round(events / generating / TARGET, 2),
        "stream_bulk_events_per_s": round(sent / streaming),
        "stream_vs_bare_posts": round(streaming / posting, 2),
    }
    print(f"generate: {events:,} events of {DEVICES:,} devices over {DAYS}d in {generating:.1f} s: "
          f"{figures['generate_events_per_s']:,} events/s ({figures['generate_vs_target']}x the "
          f"{TARGET:,} target); {figures['generate_vs_replay']}x the engine replaying them "
          f"({replaying:.1f} s)")  # fmt: skip
    print(f"stream --bulk {BULK}: {sent:,} events in {streaming:.1f} s: "
          f"{figures['stream_bulk_events_per_s']:,} events/s; {figures['stream_vs_bare_posts']}x "
          f"posting the same bodies with bare httpx ({posting:.1f} s)")  # fmt: skip
    print(json.dumps(figures))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

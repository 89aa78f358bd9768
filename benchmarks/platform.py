"""Local platform benchmark: ``python -m benchmarks.platform`` (about half a minute).

- start: ``devicesim serve --seed-fleet 1000`` from the command until it answers its first
  request, against a bare Starlette app on uvicorn started the same way (the baseline: what
  the web stack itself costs). Target: under a second.
- GET: simple authenticated requests (``GET /api/v1/endpoint/{id}``, one kept-alive
  connection, the server in its own process: one core each), in requests per second, against
  the bare app answering a constant JSON body. Target: 1,000 requests/s or more.

Rounds are interleaved; medians are printed. The last line is machine-readable.
"""

from __future__ import annotations

import json
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

ROUNDS = 3
REQUESTS = 3000
DEVICES = 1000
START_TARGET_S = 1.0
GET_TARGET = 1000

BARE = """
import socket, sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
BODY = {"id": 1, "name": "device-000001", "status": {"id": 0, "description": "Enabled"}}
async def answer(request):
    return JSONResponse(BODY)
app = Starlette(routes=[Route("/api/v1/endpoint/{endpoint}", answer), Route("/api/openapi.json", answer)])
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0)); sock.listen(128)
print(f"bare: http://127.0.0.1:{sock.getsockname()[1]}/api", flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off")).run(sockets=[sock])
"""


@contextmanager
def _running(argv: list[str]) -> Iterator[tuple[str, float]]:
    """A server process: its API address, and the seconds until it answered."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = next(word for word in process.stdout.readline().split() if word.startswith("http"))
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.005)
        yield url, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


def _gets(url: str, token: str | None) -> float:
    """Requests per second, sent one after another on one kept-alive connection by a client
    that costs next to nothing (so the server is what is measured): the requests are bytes
    made beforehand, the answers read by their Content-Length."""
    parsed = httpx.URL(url)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    requests = [
        f"GET {parsed.path}/v1/endpoint/{number % DEVICES + 1} HTTP/1.1\r\nHost: {parsed.host}\r\n{auth}\r\n".encode()
        for number in range(REQUESTS)
    ]
    with socket.create_connection((parsed.host, parsed.port or 80)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        answers = sock.makefile("rb")
        started = time.perf_counter()
        for request in requests:
            sock.sendall(request)
            status = answers.readline().split()[1]
            length = 0
            while (line := answers.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            answers.read(length)
            assert status == b"200", status
        return REQUESTS / (time.perf_counter() - started)


def _platform(database: Path) -> tuple[float, float]:
    argv = [sys.executable, "-m", "sim", "serve", "--port", "0", "--db", str(database),
            "--seed-fleet", str(DEVICES)]  # fmt: skip
    with _running(argv) as (url, start):
        token = httpx.post(f"{url}/v1/authenticate", json={"application_token": "devicesim"}).json()["auth_token"]  # fmt: skip
        return start, _gets(url, token)


def _bare() -> tuple[float, float]:
    with _running([sys.executable, "-c", BARE]) as (url, start):
        return start, _gets(url, None)


def main() -> None:
    starts: dict[str, list[float]] = {"platform": [], "bare": []}
    rates: dict[str, list[float]] = {"platform": [], "bare": []}
    with tempfile.TemporaryDirectory() as folder:
        for number in range(ROUNDS):
            # A fresh database each round: the start includes creating and seeding it.
            measured = {"platform": _platform(Path(folder) / f"{number}.db"), "bare": _bare()}
            for name, (start, rate) in measured.items():
                starts[name].append(start)
                rates[name].append(rate)
    start = {name: statistics.median(values) for name, values in starts.items()}
    rate = {name: statistics.median(values) for name, values in rates.items()}
    print(f"start: devicesim serve --seed-fleet {DEVICES:,} answers after {start['platform']:.2f} s "
          f"({start['platform'] / START_TARGET_S:.2f}x the {START_TARGET_S:.0f} s target; "
          f"{start['platform'] / start['bare']:.2f}x a bare Starlette app's {start['bare']:.2f} s)")  # fmt: skip
    print(f"GET /api/v1/endpoint/{{id}}: {rate['platform']:,.0f} requests/s "
          f"({rate['platform'] / GET_TARGET:.2f}x the {GET_TARGET:,} target; "
          f"{rate['platform'] / rate['bare']:.2f}x the bare app's {rate['bare']:,.0f} requests/s)")  # fmt: skip
    print(json.dumps({
        "start_s": round(start["platform"], 3), "bare_start_s": round(start["bare"], 3),
        "get_per_s": round(rate["platform"]), "bare_get_per_s": round(rate["bare"]),
        "get_vs_target": round(rate["platform"] / GET_TARGET, 2),
    }))  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""``devicesim generate`` and ``devicesim stream``: fleet traffic, made and delivered."""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from tqdm import tqdm

from sim.cli.exits import EXIT_FAILED, EXIT_OK
from sim.cli.terminal import writable_file
from sim.errors import UsageError
from sim.scenarios.values import duration
from sim.traffic.generator import START_MS
from sim.traffic.history import generate
from sim.traffic.profile import load_profile, read_profile


@contextmanager
def _output(path: Path | None) -> Iterator[IO[bytes]]:
    """Where the lines go: a file (gzip-compressed for .gz) or stdout."""
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    opened = cast(
        IO[bytes],
        gzip.open(path, "wb", compresslevel=6) if path.suffix == ".gz" else open(path, "wb"),  # noqa: SIM115
    )
    with opened:
        yield opened


def cmd_generate(args: argparse.Namespace) -> int:
    """Walk the model for the fleet and write its history as JSON Lines."""
    try:
        seconds = duration(args.duration)
    except ValueError as exc:
        raise UsageError(f"generate: --duration: {exc}") from None
    if seconds < 1:
        raise UsageError(f"generate: --duration: expected at least 1s, got {args.duration!r}")
    profile = load_profile(args.profile) if args.profile else read_profile(None)
    path = writable_file(args.output, "-o") if args.output else None
    generation = generate(profile, args.devices, seconds, args.seed)
    started = time.perf_counter()
    bar = tqdm(total=round(seconds), desc="generating", unit=" virtual s", unit_scale=True,
               delay=1.0, file=sys.stderr, disable=None)  # fmt: skip
    with _output(path) as out, bar:
        done = 0
        for chunk in generation.chunks():
            out.write("".join(chunk).encode())
            now = (generation.now - START_MS) // 1000
            bar.update(now - done)
            done = now
    elapsed = time.perf_counter() - started
    total = sum(generation.counts.values())
    where = f" to {path}" if path else ""
    print(
        f"devicesim generate: {total:,} events of {args.devices:,} devices over "
        f"{args.duration} (seed {args.seed}){where} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_stream(args: argparse.Namespace) -> int:
    """Deliver the events to the webhook; report what was delivered, retried and failed."""
    from sim.cli.stream_command import stream

    return EXIT_OK if stream(args) else EXIT_FAILED

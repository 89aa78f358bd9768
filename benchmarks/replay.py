"""Replay benchmark: ``python -m benchmarks.replay`` (a few minutes on 2 cores).

Measures, in one run, on streams from ``benchmarks.stream`` (and, in (b), ``generate``'s):

(a) the engine against a naive ``transitions`` baseline written the way a user would
    (``benchmarks.baseline``), both on the same pre-parsed events of the first ``--baseline``
    devices (the baseline needs ~0.4 ms to build each device's machines, so all 100k devices
    would take minutes), and the engine alone on the whole 100k-device stream (events/s);
(b) end-to-end replay of a 1M-event JSON Lines file (read, parse, order, apply) in one
    process against just decoding its lines with orjson (the baseline; ``benchmarks.scale``
    measures replay on several processes), for two files: a week of ``devicesim generate``'s
    default fleet, whose lines have the platform's payloads (a registration carries its
    network, as every real one does), and (a)'s synthetic stream, whose shorter lines make
    the decode cheaper (its registrations carry no detail);
(c) memory per device with 1M devices (everything the fleet holds, seen ids included).

Fleets start devices from evidence, as ``devicesim replay`` does; (a) also prints the engine
with devices assumed in service (no inference) on the same stream.

Targets: (a) >= 20x the baseline and >= 500k events/s; (b) <= 2.5x in one process on the
platform's payloads; (c) <= 300 bytes. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path

import orjson

from benchmarks.baseline import run_baseline
from benchmarks.stream import generate
from sim import Event, Fleet, parse_event
from sim.engine.store import EVIDENCE, IN_SERVICE
from sim.io.replay import read_all, replay_events
from sim.traffic.history import generate as generate_history
from sim.traffic.profile import read_profile

_ORDER = attrgetter("time", "id")


def _timed(work: Callable[[], object], repeat: int = 1) -> float:
    """Best wall time of ``repeat`` runs, with the cyclic GC paused as replay pauses it."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
        gc.enable()
    return best


def _fleet() -> Fleet:
    """A fleet as ``devicesim replay`` builds one: devices start from evidence."""
    return Fleet(assume=EVIDENCE)


def _parsed(devices: int, seed: int = 7) -> list[Event]:
    return sorted((parse_event(raw) for raw in generate(devices, seed)), key=_ORDER)


def engine_vs_baseline(devices: int, baseline_devices: int) -> tuple[float, float]:
    """(a): (ratio engine/baseline on the sample, engine events/s on the whole stream)."""
    sample = _parsed(baseline_devices)
    baseline = _timed(lambda: run_baseline(sample))
    engine_sample = _timed(lambda: _fleet().apply_all(sample), repeat=3)
    print(f"(a) sample of {baseline_devices} devices, {len(sample)} events:")
    print(
        f"    baseline {len(sample) / baseline:,.0f} events/s, engine {len(sample) / engine_sample:,.0f} events/s"
    )
    stream = _parsed(devices)
    engine = _timed(lambda: _fleet().apply_all(stream), repeat=3)
    rate = len(stream) / engine
    print(f"    whole stream: {devices} devices, {len(stream)} events: engine {rate:,.0f} events/s")
    in_service = len(stream) / _timed(lambda: Fleet(assume=IN_SERVICE).apply_all(stream), repeat=3)
    print(f"    the same, devices assumed in service (no inference): {in_service:,.0f} events/s")
    return baseline / engine_sample, rate


def _fleet_history(path: Path, events: int) -> None:
    """The first ``events`` lines of a week of ``devicesim generate``'s default fleet: the
    platform's payloads (a registration with its network, a session with its context)."""
    # A device of the default mix sends about 720 events a week: 600 leaves a margin.
    devices = events // 600 + 1
    with path.open("w") as out:
        written = 0
        for chunk in generate_history(read_profile(None), devices, 7 * 86_400, 11).chunks():
            out.write("".join(chunk[: events - written]))
            written += min(len(chunk), events - written)
            if written == events:
                return
    raise AssertionError(f"a week of {devices} devices has fewer than {events} events")


def _synthetic(path: Path, events: int) -> None:
    """The first ``events`` lines of (a)'s synthetic stream (registrations carry no detail)."""
    with path.open("wb") as out:
        for written, raw in enumerate(generate(events // 7 + 1, seed=11)):
            if written == events:
                break
            out.write(orjson.dumps(raw) + b"\n")


def _replay_vs_parse(path: Path) -> tuple[float, float, float]:
    """(orjson decode, the same read through replay's 1 MB buffer, replay) of one file."""

    def parse_only(buffering: int = -1) -> None:
        with path.open("rb", buffering=buffering) as stream:
            for line in stream:
                orjson.loads(line)

    def replay() -> object:
        return replay_events(_fleet(), read_all([str(path)]))

    # Interleaved rounds, best of each: the machine's speed drifts between runs.
    parse = buffered = single = float("inf")
    for _ in range(3):
        parse = min(parse, _timed(parse_only))
        buffered = min(buffered, _timed(lambda: parse_only(1 << 20)))
        single = min(single, _timed(replay))
    return parse, buffered, single


def replay_vs_parse(events: int) -> dict[str, float]:
    """(b): end-to-end replay of a JSON Lines file over decoding its lines, in one process,
    for a generated fleet's history and for (a)'s synthetic stream."""
    print(f"(b) replay of {events} events in one process vs decoding the same lines with orjson:")
    ratios = {}
    streams = (("fleet", _fleet_history, "`devicesim generate`'s fleet (the platform's payloads)"),
               ("synthetic", _synthetic, "(a)'s synthetic stream (registrations without detail)"))  # fmt: skip
    for name, write, label in streams:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.jsonl"
            write(path, events)
            size = path.stat().st_size / 1e6
            parse, buffered, single = _replay_vs_parse(path)
        ratios[name] = single / parse
        print(f"    {label}, {size:,.0f} MB: decode {parse:.2f} s, replay {single:.2f} s: "
              f"{single / parse:.2f}x the decode")  # fmt: skip
        # Replay reads with a 1 MB buffer; the same decode with it, so that no one credits the
        # decoding with what the buffer saves.
        print(f"      (the decode read through replay's 1 MB buffer {buffered:.2f} s: replay "
              f"{single / buffered:.2f}x that)")  # fmt: skip
    return ratios


def _one_event_each(devices: int) -> Iterator[Event]:
    raw = generate(1)[0]
    for number in range(devices):
        yield parse_event(raw | {"id": number, "endpoint": {"id": 10_000_000 + number}})


def bytes_per_device(devices: int) -> float:
    """(c): traced memory the fleet holds after one event each for ``devices`` devices."""
    fleet = _fleet()
    fleet.apply_all(_one_event_each(1000))  # warm the memo and the interned states
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fleet.apply_all(_one_event_each(devices))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_device = (after - before) / devices
    print(
        f"(c) {len(fleet):,} devices: {(after - before) / 1e6:,.0f} MB, {per_device:.0f} bytes per device"
    )
    return per_device


def main() -> None:
    """Run (a), (b) and (c) and print the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000, help="devices the baseline replays")
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="events in the JSON Lines file"
    )
    parser.add_argument("--memory-devices", type=int, default=1_000_000)
    args = parser.parse_args()
    ratio, rate = engine_vs_baseline(args.devices, args.baseline)
    single = replay_vs_parse(args.events)
    per_device = bytes_per_device(args.memory_devices)
    print(
        "targets: ratio >= 20, events/s >= 500000, one-process replay/decode <= 2.5, "
        "bytes/device <= 300"
    )
    print(
        f"ratio_vs_transitions={ratio:.1f} events_per_s={rate:.0f} "
        f"replay_vs_decode_one_process={single['fleet']:.2f} "
        f"replay_vs_decode_synthetic={single['synthetic']:.2f} "
        f"bytes_per_device={per_device:.0f}"
    )


if __name__ == "__main__":
    main()

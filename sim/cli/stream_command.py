"""``devicesim stream``: event files delivered to a webhook, and what happened to them.

Events are sent exactly as they are in the input (a JSON Lines line as written, an array's
items re-encoded); anything that is not a JSON object is named on stderr, counted as skipped
and not sent. The report says how many events were delivered, retried and failed, and why the
stream stopped if it did.
"""

from __future__ import annotations

import argparse
import base64
import sys
from collections.abc import Iterator

import orjson
from tqdm import tqdm

from sim.errors import UsageError, shown
from sim.io.readers import JsonLines, read_events, undecodable
from sim.traffic.delivery import Delivery, Report, deliver
from sim.traffic.faults import Injected, inject, parse_faults

#: Skipped events named one by one on stderr; the rest are counted.
NAMED = 20


def authorization(text: str) -> dict[str, str]:
    """The header of ``basic:USER:PASS`` or ``bearer:TOKEN``."""
    scheme, _, rest = text.partition(":")
    if scheme.lower() == "basic" and ":" in rest:
        token = base64.b64encode(rest.encode()).decode()
        return {"Authorization": f"Basic {token}"}
    if scheme.lower() == "bearer" and rest:
        return {"Authorization": f"Bearer {rest}"}
    raise UsageError("--auth: expected basic:USER:PASS or bearer:TOKEN")


class Inputs:
    """The events of every input, as JSON object bytes, and what was skipped."""

    def __init__(self, paths: list[str]) -> None:
        if paths.count("-") > 1:
            raise UsageError("stream: - (stdin) can be read only once")
        self.paths = paths
        self.skipped = 0

    def events(self) -> Iterator[bytes]:
        """Every event of every input, in order."""
        for path in self.paths:
            source, items = read_events(path)
            if isinstance(items, JsonLines):
                with items.reading():
                    for number, line in items.numbered():
                        if line.strip():
                            event = self._checked(line.strip(), f"{source.label}:{number}")
                            if event is not None:
                                yield event
                continue
            for index, item in items:
                if isinstance(item, dict):
                    yield orjson.dumps(item)
                else:
                    self._skip(
                        f"{source.where(index)}: expected an event object, got {shown(item)}"
                    )

    def _checked(self, line: bytes, where: str) -> bytes | None:
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            self._skip(f"{where}: {undecodable(line, exc)}")
            return None
        if not isinstance(value, dict):
            self._skip(f"{where}: expected an event object, got {shown(value)}")
            return None
        return line

    def _skip(self, message: str) -> None:
        self.skipped += 1
        if self.skipped <= NAMED:
            print(f"devicesim stream: skipped {message}", file=sys.stderr)


def stream(args: argparse.Namespace) -> bool:
    """Deliver; True when nothing failed."""
    if not args.to.startswith(("http://", "https://")):
        raise UsageError(f"stream: --to: expected an http:// or https:// URL, got {args.to!r}")
    for option, value in (("--interval", args.interval), ("--max-backoff", args.max_backoff),
                          ("--timeout", args.timeout), ("--rate", args.rate)):  # fmt: skip
        if value is not None and not value > 0:
            raise UsageError(f"stream: {option}: expected a number above 0, got {value}")
    delivery = Delivery(
        args.to, args.bulk, args.interval, authorization(args.auth) if args.auth else {},
        args.rate, args.retries, args.max_backoff, args.timeout,
    )  # fmt: skip
    faults = parse_faults(args.faults) if args.faults else None
    inputs, injected = Inputs(args.paths), Injected()
    events = inputs.events()
    if faults is not None:
        events = inject(events, faults, args.seed, injected)
    bar = tqdm(desc="delivering", unit=" events", unit_scale=True, delay=1.0, file=sys.stderr,
               disable=None)  # fmt: skip
    with bar:
        report = deliver(events, delivery, bar.update, live="-" in args.paths)
    print(summary(report, args.to, inputs.skipped, injected if faults else None), file=sys.stderr)
    return not report.failed


def summary(report: Report, url: str, skipped: int, injected: Injected | None) -> str:
    """The report's lines."""
    lines = [
        f"devicesim stream: {report.delivered:,} events delivered to {url} in "
        f"{report.requests:,} requests; {report.retried:,} delivered after a retry "
        f"({report.retries:,} retries); {report.failed:,} failed"
    ]
    if report.stopped:
        lines.append(f"stopped: {report.stopped}")
    if injected is not None:
        lines.append(
            f"faults: {injected.duplicated:,} duplicated, {injected.reordered:,} reordered"
        )
    if skipped:
        lines.append(
            f"skipped: {skipped:,} unreadable events (not sent; the first are named above)"
        )
    return "\n".join(lines)

"""Delivering events to a webhook as the Data Streamer does (``shared/domain.md`` section 6).

One event object per POST, or in bulk JSON arrays of up to ``bulk`` events, a batch sent when
full or ``interval`` seconds after its first event. A 2xx answer acknowledges the request.
Connection errors, timeouts, 408, 429 and 5xx are retried with exponential back-off (a
``Retry-After`` is honoured, both capped at ``max_backoff``); any other answer, redirects
included (never followed), stops the stream at once. At least once: an event is counted
delivered only when its request was acknowledged, and every event not delivered is counted
failed. httpx is the client: one kept-alive connection, timeouts, no redirects.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import httpx

from sim.errors import shown

_JSON = {"Content-Type": "application/json"}
#: The first retry waits this long; each next one twice as long.
FIRST_BACKOFF = 0.5


@dataclass(frozen=True)
class Delivery:
    """How to deliver: where, in which mode, how patiently."""

    url: str
    bulk: int | None = None
    interval: float = 1.0
    headers: Mapping[str, str] = field(default_factory=dict)
    rate: float | None = None
    retries: int = 5
    max_backoff: float = 30.0
    timeout: float = 30.0


@dataclass
class Report:
    """What happened to the events."""

    delivered: int = 0
    #: Events delivered only after their request was retried.
    retried: int = 0
    failed: int = 0
    requests: int = 0
    #: Retries made, over all requests.
    retries: int = 0
    #: Why the stream stopped early (a refused request, retries exhausted), if it did.
    stopped: str = ""


def deliver(
    events: Iterable[bytes],
    delivery: Delivery,
    acknowledged: Callable[[int], object] | None = None,
    *,
    live: bool = True,
) -> Report:
    """POST every event (JSON object bytes); ``acknowledged(n)`` after each acknowledged
    request of ``n`` events. After a stop the rest of the input is read and counted failed.
    ``live``: the input may pause (a pipe), so a bulk batch leaves ``interval`` seconds after
    its first event even if not full; False for files, whose events are all there."""
    report = Report()
    started, sent = time.monotonic(), 0
    headers = {**delivery.headers, **_JSON}
    with httpx.Client(timeout=delivery.timeout, follow_redirects=False, headers=headers) as client:
        batches = (
            _batches(events, delivery.bulk, delivery.interval)
            if live or delivery.bulk is None
            else _chunks(events, delivery.bulk)
        )
        for batch in batches:
            if report.stopped:
                report.failed += len(batch)
                continue
            if delivery.rate:
                time.sleep(max(0.0, started + sent / delivery.rate - time.monotonic()))
            sent += len(batch)
            body = batch[0] if delivery.bulk is None else b"[" + b",".join(batch) + b"]"
            if _post(client, body, len(batch), delivery, report) and acknowledged:
                acknowledged(len(batch))
    return report


def _post(
    client: httpx.Client, body: bytes, count: int, delivery: Delivery, report: Report
) -> bool:
    """One request, retried as the Data Streamer retries it; the report counts the result."""
    problem = ""
    for attempt in range(delivery.retries + 1):
        if attempt:
            report.retries += 1
        report.requests += 1
        wait = None
        try:
            response = client.post(delivery.url, content=body)
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            status = response.status_code
            if 200 <= status < 300:
                report.delivered += count
                report.retried += count if attempt else 0
                return True
            problem = f"{status} {response.reason_phrase}".strip()
            if not (status in (408, 429) or status >= 500):
                redirect = " (redirects are not followed)" if 300 <= status < 400 else ""
                said = response.text.strip()
                report.stopped = f"{delivery.url} answered {problem}{redirect}" + (
                    f": {shown(said)}" if said else ""
                )
                report.failed += count
                return False
            wait = _retry_after(response.headers.get("Retry-After"))
        if attempt < delivery.retries:
            backoff = FIRST_BACKOFF * 2**attempt if wait is None else wait
            time.sleep(min(delivery.max_backoff, backoff))
    report.stopped = f"{delivery.url}: gave up after {delivery.retries} retries: {problem}"
    report.failed += count
    return False


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds (dates are ignored)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def _chunks(events: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    """Full batches of an input that never pauses (the last one may be short)."""
    iterator = iter(events)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _batches(events: Iterable[bytes], size: int | None, interval: float) -> Iterator[list[bytes]]:
    """One event at a time, or bulk batches of up to ``size`` that leave when full or
    ``interval`` seconds after their first event."""
    if size is None:
        yield from ([event] for event in events)
        return
    waiting = _read_on_a_thread(events, 4 * size)
    batch: list[bytes] = []
    deadline = 0.0
    while True:
        try:
            item = waiting.get(timeout=max(0.0, deadline - time.monotonic()) if batch else None)
        except queue.Empty:
            yield batch
            batch = []
            continue
        if item is _END:
            break
        if isinstance(item, _Failed):
            raise item.error
        if not batch:
            deadline = time.monotonic() + interval
        batch.append(item)  # type: ignore[arg-type]
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_on_a_thread(events: Iterable[bytes], most: int) -> queue.Queue[object]:
    """The events as a thread reads them (so that a slow input such as a pipe still gets its
    batches on time), then ``_END``; a read error is handed over as ``_Failed``."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=most)

    def read() -> None:
        try:
            for event in events:
                waiting.put(event)
        except BaseException as exc:  # handed over: the sender raises it
            waiting.put(_Failed(exc))
        waiting.put(_END)

    threading.Thread(target=read, daemon=True, name="devicesim-stream-reader").start()
    return waiting

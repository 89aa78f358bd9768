"""The platform's Data Streamer: event streams pushed to the URLs customers configure, with
the same delivery as ``devicesim stream`` (``sim.traffic.delivery``: one event per POST or
bulk arrays, retried with back-off, redirects not followed).

Each stream remembers the id of the last event its receiver acknowledged, in the database:
events are read from there, in order, so nothing accepted is lost, a restart resumes where
delivery stopped, and a paused stream delivers what it missed when resumed. Delivery is at
least once: a request whose answer was lost is sent again. After the retries a stream goes to
Error with the reason; resuming it tries again. One thread per running stream.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Mapping
from sqlite3 import Row
from typing import Any

import httpx

from sim.errors import ApiError, shown
from sim.platform.core import Platform, iso
from sim.platform.listing import Field, Page, listed
from sim.platform.validation import known_fields, status_id, text
from sim.traffic.delivery import Delivery, deliver

FIELDS = ("api_callback_url", "api_type", "data_stream_type", "stream_historic_data",
          "api_username", "api_password")  # fmt: skip
API_TYPES = {1: "RestAPI", 2: "RestAPI (Bulk)"}
STREAM_TYPES = {1: "Events"}
STATUSES = {1: "Running", 2: "Paused", 3: "Error"}
RUNNING, PAUSED, ERROR = 1, 2, 3
#: Events per bulk request, the platform's documented limit; single events are read this many
#: at a time too.
BULK = 3000
LIST_FIELDS = {"id": Field(lambda s: s["id"]), "status": Field(lambda s: s["status"]["id"])}


def _callback_url(value: Any) -> str:
    """Where a stream delivers: an http:// or https:// URL with a host."""
    url = text(value, "api_callback_url") or ""
    try:
        parsed: httpx.URL | None = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ApiError(
            422,
            "invalid_value",
            f"api_callback_url: expected an http:// or https:// URL with a host, got {shown(url)}",
        )
    return url


def described(row: Row) -> dict[str, Any]:
    """A data stream as the API shows it (never its password)."""
    return {
        "id": row["id"],
        "api_callback_url": row["url"],
        "api_type": {"id": row["api_type"], "description": API_TYPES[row["api_type"]]},
        "data_stream_type": {"id": 1, "description": "Events"},
        "stream_historic_data": row["historic"],
        "api_username": row["username"],
        "status": {"id": row["status"], "description": STATUSES[row["status"]]},
        "delivered_up_to": row["position"],
        "error": row["reason"],
        "created": row["created"],
    }


class Streamer:
    """The Data Streamer of one platform: its streams' threads."""

    def __init__(
        self,
        platform: Platform,
        *,
        retries: int = 5,
        max_backoff: float = 30.0,
        timeout: float = 10.0,
    ) -> None:
        self.platform = platform
        self.retries, self.max_backoff, self.timeout = retries, max_backoff, timeout
        self._wake = threading.Condition()
        self._threads: dict[int, threading.Thread] = {}
        self._stopping = False
        platform.listeners.append(lambda emitted: self._notify())

    def start(self) -> None:
        """Start delivering every running stream (at start-up)."""
        for row in self.platform.database.rows(
            "SELECT id FROM data_stream WHERE status = ?", (RUNNING,)
        ):
            self._run(row["id"])

    def stop(self, patience: float = 2.0) -> None:
        """Stop every thread after the request it is sending, waiting ``patience`` seconds
        at most: a request cut short is sent again after a restart (at least once)."""
        self._stopping = True
        self._notify()
        deadline = time.monotonic() + patience
        for thread in list(self._threads.values()):
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _notify(self) -> None:
        with self._wake:
            self._wake.notify_all()

    # The API.
    def listing(self, params: Mapping[str, str]) -> tuple[list[dict[str, Any]], Page]:
        """A page of the streams."""
        with self.platform.reading():
            items = [
                described(row)
                for row in self.platform.database.rows("SELECT * FROM data_stream ORDER BY id")
            ]
        return listed(items, params, LIST_FIELDS, "id")

    def create(self, body: Any) -> int:
        """A new stream, running at once; with ``stream_historic_data`` 1 it starts from the
        first event, else from the next one."""
        body = known_fields(body, FIELDS, "data stream")
        url = _callback_url(body.get("api_callback_url"))
        api_type = status_id(body.get("api_type", {"id": 1}), "api_type", API_TYPES)
        status_id(body.get("data_stream_type", {"id": 1}), "data_stream_type", STREAM_TYPES)
        historic = body.get("stream_historic_data", 0)
        if historic not in (0, 1, True, False):
            raise ApiError(422, "invalid_value", "stream_historic_data: expected 0 or 1")
        with self.platform.action() as now:
            last = self.platform.database.row("SELECT COALESCE(MAX(id), 0) FROM event")
            values = {"url": url, "api_type": api_type, "historic": int(bool(historic)),
                      "username": text(body.get("api_username"), "api_username"),
                      "password": text(body.get("api_password"), "api_password"),
                      "status": RUNNING, "position": 0 if historic else (last[0] if last else 0),
                      "created": iso(now)}  # fmt: skip
            stream = self.platform.database.insert("data_stream", values)
        self._run(stream)
        return stream

    def ensure(self, url: str) -> None:
        """A running stream of single events to ``url`` (``--stream-to``): the one there is,
        resumed, or a new one from the next event."""
        found = self.platform.database.row("SELECT id FROM data_stream WHERE url = ?", (url,))
        if found is None:
            self.create({"api_callback_url": url})
        else:
            self.update(found["id"], {"status": {"id": RUNNING}})

    def retrieve(self, stream: int) -> dict[str, Any]:
        """One stream."""
        with self.platform.reading():
            return described(self._row(stream))

    def update(self, stream: int, body: Any) -> None:
        """Pause (status 2) or resume (status 1) a stream; resuming one in Error retries."""
        body = known_fields(body, ("status",), "data stream")
        wanted = status_id(body.get("status"), "status", {RUNNING: "Running", PAUSED: "Paused"})
        with self.platform.action():
            self._row(stream)
            self.platform.database.run(
                "UPDATE data_stream SET status = ?, reason = NULL WHERE id = ?", (wanted, stream)
            )
        if wanted == RUNNING:
            self._run(stream)
        self._notify()

    def delete(self, stream: int) -> None:
        """Delete a stream: its thread stops."""
        with self.platform.action():
            self._row(stream)
            self.platform.database.run("DELETE FROM data_stream WHERE id = ?", (stream,))
        self._notify()

    def _row(self, stream: int) -> Row:
        found = self.platform.database.row("SELECT * FROM data_stream WHERE id = ?", (stream,))
        if found is None:
            raise ApiError(404, "not_found", f"data stream {stream} not found")
        return found

    # Delivery.
    def _run(self, stream: int) -> None:
        running = self._threads.get(stream)
        if running is None or not running.is_alive():
            thread = threading.Thread(
                target=self._deliver, args=(stream,), daemon=True, name=f"devicesim-stream-{stream}"
            )
            self._threads[stream] = thread
            thread.start()

    def _deliver(self, stream: int) -> None:
        while not self._stopping:
            with self.platform.lock:
                row = self.platform.database.row(
                    "SELECT * FROM data_stream WHERE id = ?", (stream,)
                )
                if row is None or row["status"] != RUNNING:
                    return
                events = self.platform.database.rows(
                    "SELECT id, payload FROM event WHERE id > ? ORDER BY id LIMIT ?",
                    (row["position"], BULK),
                )
            if not events:
                with self._wake:
                    self._wake.wait(timeout=1.0)
                continue
            self._send(row, events)

    def _send(self, row: Row, events: list[Row]) -> None:
        ids = [event["id"] for event in events]
        done = 0

        def acknowledged(count: int) -> None:
            nonlocal done
            done += count
            self._save(row["id"], "position = ?", ids[done - 1])

        try:
            payloads = (event["payload"].encode() for event in events)
            stopped = deliver(payloads, self._delivery(row), acknowledged, live=False).stopped
        except Exception as exc:  # a stream's thread must not end without a word
            stopped = f"{row['url']}: {type(exc).__name__}: {exc}"
        if stopped:
            self._save(row["id"], f"status = {ERROR}, reason = ?", stopped)

    def _delivery(self, row: Row) -> Delivery:
        headers = {}
        if row["username"] is not None:
            credentials = f"{row['username']}:{row['password'] or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
        bulk = BULK if row["api_type"] == 2 else None
        return Delivery(row["url"], bulk=bulk, headers=headers, retries=self.retries,
                        max_backoff=self.max_backoff, timeout=self.timeout)  # fmt: skip

    def _save(self, stream: int, assignment: str, value: object) -> None:
        with self.platform.lock, self.platform.database.transaction():
            self.platform.database.run(
                f"UPDATE data_stream SET {assignment} WHERE id = ?", (value, stream)
            )

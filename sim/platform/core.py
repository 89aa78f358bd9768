"""The local platform: its database, the model of its devices, its tokens, and one action at
a time.

Every request runs as one action (``Platform.action``) or one read (``Platform.reading``), one
after another: first what the platform's clock fired meanwhile is stored, then the action
writes its rows and emits its events in one SQLite transaction. A failure rolls the
transaction back and rebuilds the model from what the database still holds, so a failed
request changes nothing, and no request ever sees another half done.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from sqlite3 import Row
from typing import Any

from sim.engine.fleet import Fleet
from sim.errors import ApiError
from sim.events.build import timestamp
from sim.platform.database import Database
from sim.platform.event_log import EventLog
from sim.platform.shapes import Names

#: The application token a platform accepts unless ``--token`` says otherwise.
DEFAULT_TOKEN = "devicesim"
#: Something to tell each emitted event to once it is stored for good (the Data Streamer).
Listener = Callable[[list[dict[str, Any]]], None]


def iso(ms: int) -> str:
    """A moment in milliseconds as the API writes dates (as events write them)."""
    return timestamp(ms / 1000)


class Platform:
    """The local platform over one database."""

    def __init__(
        self,
        database: Database,
        token: str = DEFAULT_TOKEN,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.token = token
        self.log = EventLog(database, wall)
        self.listeners: list[Listener] = []
        self.lock = threading.Lock()

    @property
    def fleet(self) -> Fleet:
        """The model of every device, as the stored events left it."""
        return self.log.fleet

    # One thing at a time.
    @contextmanager
    def action(self) -> Iterator[int]:
        """One change: whatever it writes and emits is kept together or not at all. Yields
        the platform's time."""
        with self.lock:
            emitted = self._catch_up()
            with self._undone_on_failure():
                yield self.log.now_ms()
                emitted += self.log.emitted
            self._tell(emitted)

    @contextmanager
    def reading(self) -> Iterator[int]:
        """One read, after what the clock fired meanwhile is stored; yields the time."""
        with self.lock:
            self._tell(self._catch_up())
            yield self.log.now_ms()

    def _catch_up(self) -> list[dict[str, Any]]:
        """Store what the platform's clock fired since the last request."""
        if not self.log.due(self.log.now_ms()):
            return []
        with self._undone_on_failure():
            self.log.catch_up(self.log.now_ms())
            return list(self.log.emitted)

    def _tell(self, emitted: list[dict[str, Any]]) -> None:
        if emitted:
            for listener in self.listeners:
                listener(emitted)

    @contextmanager
    def _undone_on_failure(self) -> Iterator[None]:
        log = self.log
        log.emitted, log.dirty = [], False
        try:
            with self.database.transaction():
                yield
        except BaseException:
            if log.dirty:
                log.reload()
            raise
        finally:
            log.dirty = False

    # Tokens.
    def authenticate(self, application_token: object) -> str:
        """A bearer token for the application token (401 for any other)."""
        if not isinstance(application_token, str) or not secrets.compare_digest(
            application_token.encode(), self.token.encode()
        ):
            raise ApiError(401, "invalid_token", "invalid application token")
        issued = secrets.token_urlsafe(24)
        with self.action() as now:
            self.database.insert("token", {"token": issued, "created": iso(now)})
        return issued

    def authorised(self, header: str | None) -> bool:
        """Whether an ``Authorization`` header carries a token this platform issued."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self.lock:
            return (
                self.database.row("SELECT 1 FROM token WHERE token = ?", (token.strip(),))
                is not None
            )

    # What the API shows resources with.
    def names(self) -> Names:
        """Profile names by id."""
        return Names(
            {row["id"]: row["name"] for row in self.database.rows("SELECT id, name FROM service_profile")},
            {row["id"]: row["name"] for row in self.database.rows("SELECT id, name FROM tariff_profile")},
        )  # fmt: skip

    def account(self) -> int:
        """The organisation the application token acts for (the first; 1 when seeded)."""
        found = self.database.row("SELECT MIN(id) FROM organisation")
        return int(found[0]) if found and found[0] is not None else 1

    def organisation(self, organisation: int | None) -> dict[str, Any] | None:
        """An organisation as ``{"id", "name"}``."""
        found = self.database.row("SELECT id, name FROM organisation WHERE id = ?", (organisation,))
        return None if found is None else {"id": found["id"], "name": found["name"]}

    def endpoint_row(self, endpoint: int) -> Row:
        """An endpoint that exists (404 otherwise)."""
        found = self.database.row(
            "SELECT * FROM endpoint WHERE id = ? AND deleted = 0", (endpoint,)
        )
        if found is None:
            raise ApiError(404, "not_found", f"endpoint {endpoint} not found")
        return found

    def sim_row(self, sim: int) -> Row:
        """A SIM that exists (404 otherwise)."""
        found = self.database.row(
            "SELECT * FROM sim WHERE id = ? AND organisation IS NOT NULL", (sim,)
        )
        if found is None:
            raise ApiError(404, "not_found", f"SIM {sim} not found")
        return found

    def sim_of(self, endpoint: int) -> Row | None:
        """The SIM in an endpoint, if any."""
        return self.database.row("SELECT * FROM sim WHERE endpoint = ?", (endpoint,))

    def close(self) -> None:
        """Close the database."""
        self.database.close()

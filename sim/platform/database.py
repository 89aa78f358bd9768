"""The local platform's SQLite database: what it holds, opening it, and one transaction at a
time.

The tables hold what the platform knows that events do not say: organisations, service and
tariff profiles, endpoints (with the state each started in), SIMs, issued tokens, settings;
and the events themselves, the platform's history. Device state is not stored: it is what the
model makes of the events, rebuilt from them when the database is opened
(``sim.platform.model_state``), so a restart continues exactly where it stopped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.errors import UsageError

#: Bumped when the tables change; a database of another version is refused.
FORMAT = "3"
#: The in-memory database, for tests.
MEMORY = ":memory:"

SCHEMA = """
CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE organisation (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE service_profile (
    id INTEGER PRIMARY KEY, organisation INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE tariff_profile (
    id INTEGER PRIMARY KEY, organisation INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE endpoint (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation INTEGER NOT NULL, name TEXT NOT NULL, tags TEXT,
    service_profile INTEGER NOT NULL, tariff_profile INTEGER NOT NULL,
    ip_address TEXT, imei TEXT, imei_lock INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL, last_updated TEXT NOT NULL,
    initial TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
    session_volume REAL NOT NULL DEFAULT 0);
CREATE TABLE sim (
    id INTEGER PRIMARY KEY, iccid TEXT NOT NULL UNIQUE, imsi TEXT NOT NULL,
    msisdn TEXT NOT NULL, bic TEXT NOT NULL, organisation INTEGER,
    endpoint INTEGER UNIQUE, production_date TEXT NOT NULL, activation_date TEXT);
CREATE TABLE quota (
    endpoint INTEGER NOT NULL, kind TEXT NOT NULL, volume REAL NOT NULL, used REAL NOT NULL,
    expiry_date TEXT, auto_refill INTEGER NOT NULL, threshold REAL NOT NULL,
    action INTEGER NOT NULL, assigned TEXT NOT NULL, PRIMARY KEY (endpoint, kind));
CREATE TABLE silent_change (
    id INTEGER PRIMARY KEY, after_event INTEGER NOT NULL, ms INTEGER NOT NULL,
    machine TEXT NOT NULL, target TEXT NOT NULL, organisation INTEGER);
CREATE TABLE data_stream (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, api_type INTEGER NOT NULL,
    historic INTEGER NOT NULL, username TEXT, password TEXT, status INTEGER NOT NULL,
    reason TEXT, position INTEGER NOT NULL, created TEXT NOT NULL);
CREATE TABLE sms (
    id INTEGER PRIMARY KEY, endpoint INTEGER NOT NULL, type INTEGER NOT NULL,
    source_address TEXT, payload TEXT NOT NULL, submitted TEXT NOT NULL, delivered TEXT,
    status INTEGER NOT NULL);
CREATE TABLE blacklist (endpoint INTEGER NOT NULL, operator INTEGER NOT NULL,
    PRIMARY KEY (endpoint, operator));
CREATE TABLE token (token TEXT PRIMARY KEY, created TEXT NOT NULL);
CREATE TABLE event (
    id INTEGER PRIMARY KEY, ms INTEGER NOT NULL, type INTEGER NOT NULL,
    source INTEGER NOT NULL, severity INTEGER NOT NULL, alert INTEGER NOT NULL,
    organisation INTEGER, endpoint INTEGER, sim INTEGER, iccid TEXT, imsi TEXT,
    synthesised INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE INDEX event_endpoint ON event (endpoint, id);
CREATE INDEX event_sim ON event (sim, id);
CREATE INDEX event_ms ON event (ms, id);
"""


class Database:
    """One SQLite connection (the server applies one action at a time) and its settings."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.connection = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False
            )
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA journal_mode=WAL")
            self._prepare()
        except sqlite3.DatabaseError as exc:
            raise UsageError(
                f"{self.path}: cannot be used as the platform's database: {exc}"
            ) from exc

    def _prepare(self) -> None:
        tables = {row[0] for row in self.rows("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            # One script, one transaction: a database is made whole or not at all.
            self.connection.executescript(
                f"BEGIN; {SCHEMA} INSERT INTO setting VALUES ('format', '{FORMAT}'); COMMIT;"
            )
            return
        found = self.setting("format") if "setting" in tables else None
        if found != FORMAT:
            raise UsageError(
                f"{self.path}: not a devicesim platform database of format {FORMAT} "
                f"(found {'no format' if found is None else 'format ' + found}): "
                "start with another --db"
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is written together or not at all."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Every row a query finds."""
        return self.connection.execute(sql, parameters).fetchall()

    def row(self, sql: str, parameters: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        """The first row a query finds, if any."""
        found: sqlite3.Row | None = self.connection.execute(sql, parameters).fetchone()
        return found

    def run(self, sql: str, parameters: tuple[Any, ...] = ()) -> int:
        """Execute a write; the id of the row it inserted, if any."""
        return self.connection.execute(sql, parameters).lastrowid or 0

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row; its id."""
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self.run(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))

    def setting(self, name: str) -> str | None:
        """A stored setting (the format, the clock's offset)."""
        found = self.row("SELECT value FROM setting WHERE name = ?", (name,))
        return None if found is None else str(found[0])

    def set(self, name: str, value: str) -> None:
        """Store a setting."""
        self.run("INSERT OR REPLACE INTO setting (name, value) VALUES (?, ?)", (name, value))

    def empty(self) -> bool:
        """Whether the database holds no organisation yet (``--seed-fleet`` fills only those)."""
        return self.row("SELECT 1 FROM organisation") is None

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

"""Reading scenario YAML: every problem becomes one positioned line, ``path:line:col: ...``.

``Reader`` wraps one file and offers typed getters (text, integer, choice, duration, time,
state maps) that fail with the position of the offending key or value and a did-you-mean.
Reading goes on past an error: each part that can be checked alone (a key, a device, a
step, an expectation) is read inside ``recovering()``, which keeps the error and lets the
next part be read, so one pass reports every error of a file (``finish()`` raises them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from sim.errors import ScenarioError, ScenarioErrors, closest, shown, suggest
from sim.events.fields import parse_time
from sim.io.positioned_yaml import Position, PositionedDict
from sim.scenarios.model import Expectation
from sim.scenarios.values import canonical, duration

#: How many errors of one file are kept and shown; the rest are counted.
SHOWN_ERRORS = 20
#: Up to how many valid names an error lists (all machines and views fit; events do not).
LISTED = 16


class Reader:
    """Reads one file's YAML, turning every problem into a positioned ScenarioError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[ScenarioError] = []
        self.error_count = 0
        #: Keys an unknown key was taken for: their absence is that same error, not another.
        self.misspelt: set[str] = set()

    @contextmanager
    def recovering(self) -> Iterator[None]:
        """Keep an error raised inside and go on with what follows the block."""
        try:
            yield
        except ScenarioError as error:
            if any(str(kept) == str(error) for kept in self.errors):
                return  # one mistake met again by a later part of the same check
            self.error_count += 1
            if len(self.errors) < SHOWN_ERRORS:
                self.errors.append(error)

    def finish(self) -> None:
        """Raise the errors kept, in file order: the one error, or all of them together."""
        if self.error_count == 1:
            raise self.errors[0]
        if self.errors:
            ordered = sorted(self.errors, key=lambda e: (e.line or 0, e.column or 0))
            raise ScenarioErrors(ordered, self.error_count)

    def where(self, position: Position) -> str:
        """``path:line:col``."""
        return f"{self.path}:{position[0]}:{position[1]}"

    def fail(self, position: Position, message: str) -> NoReturn:
        """Raise the one-line error for this file."""
        raise ScenarioError(message, path=str(self.path), line=position[0], column=position[1])

    def mapping(self, value: Any, position: Position, what: str) -> PositionedDict:
        """``value`` if it is a mapping, else an error naming ``what``."""
        if value is None:
            empty = PositionedDict()
            empty.position = position
            return empty
        if not isinstance(value, PositionedDict):
            self.fail(position, f"{what} must be a mapping, got {_kind(value)}")
        return value

    def part(self, value: Any, position: Position, what: str) -> PositionedDict:
        """A mapping to read on: when ``value`` is not one, the error is kept and an empty
        mapping stands in, so the parts around it are still checked."""
        with self.recovering():
            return self.mapping(value, position, what)
        return self.mapping(None, position, what)

    def keys(self, data: PositionedDict, allowed: tuple[str, ...], what: str) -> None:
        """Refuse keys that are not ``allowed``, suggesting the closest one."""
        for key in data:
            if key not in allowed:
                self.unknown_key(data, key, allowed, f"unknown key {shown(key)} in {what}")

    def unknown_key(
        self, data: PositionedDict, key: Any, allowed: tuple[str, ...], message: str
    ) -> None:
        """Keep the error of an unknown key, with the key it was probably meant to be."""
        meant = closest(key, allowed)
        if meant is not None:
            self.misspelt.add(meant)
        with self.recovering():
            self.fail(data.key_at(key), message + (f" (did you mean {meant!r}?)" if meant else ""))

    def misspelt_key(self, data: PositionedDict, key: str) -> bool:
        """True when ``key`` is absent because it was written misspelt (already reported)."""
        return key not in data and key in self.misspelt

    def text(self, data: PositionedDict, key: str, default: str | None = None) -> str:
        """A string value (required unless there is a default)."""
        value = data.get(key, default)
        if value is None:
            if self.misspelt_key(data, key):
                return ""  # the file is invalid already, for this very key
            self.fail(data.position, f"missing key {shown(key)}")
        if not isinstance(value, str):
            self.fail(data.value_at(key), f"{key} must be text, got {_kind(value)}")
        return value

    def integer(self, value: Any, position: Position, what: str) -> int:
        """A whole number."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(position, f"{what} must be a whole number, got {_kind(value)}")
        return value

    def choice(self, value: Any, position: Position, choices: tuple[str, ...], what: str) -> str:
        """One of ``choices`` (case-insensitive), with a did-you-mean."""
        found = canonical(value, choices)
        if found is None:
            listed = ", ".join(choices) if len(choices) <= LISTED else f"{len(choices)} names"
            self.fail(
                position,
                f"{what} {shown(value)} is not one of {listed}{suggest(str(value), choices)}",
            )
        return found

    def duration(self, value: Any, position: Position) -> float:
        """Seconds, from a number or 30s / 5m / 2h / 1d."""
        try:
            return duration(value)
        except ValueError as exc:
            self.fail(position, str(exc))

    def moment(self, value: Any, position: Position) -> float:
        """Epoch seconds from an ISO 8601 time."""
        try:
            return parse_time(value)
        except ValueError as exc:
            self.fail(position, str(exc))

    def alias(self, data: PositionedDict, key: str, known: Mapping[str, int], step: int) -> str:
        """An alias the setup declares (a number names the alias written as that number), or a
        did-you-mean error at its position."""
        value = data[key]
        if type(value) is int:
            value = str(value)
        if type(value) is not str or value not in known:
            what = key.replace("_", " ")
            listed = ", ".join(known) if len(known) <= LISTED else f"{len(known)} names"
            hint = suggest(str(value), tuple(known)) or f" (expected one of {listed or 'none'})"
            self.fail(data.value_at(key), f"step {step}: unknown {what} {shown(value)}{hint}")
        return str(value)

    def states(
        self, data: PositionedDict, names: Mapping[str, tuple[str, ...]], subject: str
    ) -> list[Expectation]:
        """``{machine or view: state}`` checked against ``names``."""
        found = []
        for name in data:
            with self.recovering():
                found.append(self.state(data, name, names, subject))
        return found

    def state(
        self, data: PositionedDict, name: Any, names: Mapping[str, tuple[str, ...]], subject: str
    ) -> Expectation:
        """The entry ``name: state`` of ``data``, checked against ``names``."""
        machine = self.choice(name, data.key_at(name), tuple(names), "machine or view")
        value = self.choice(data[name], data.value_at(name), names[machine], f"{machine} state")
        return Expectation(subject, machine, value, self.where(data.value_at(name)))


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else repr(value)

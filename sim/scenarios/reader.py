"""Reading scenario YAML: every problem becomes one positioned line, ``path:line:col: ...``.

``Reader`` wraps one file and offers typed getters (text, integer, choice, duration, time,
state maps) that fail with the position of the offending key or value and a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from sim.errors import ScenarioError, shown, suggest
from sim.events.fields import parse_time
from sim.io.positioned_yaml import Position, PositionedDict
from sim.scenarios.model import Expectation
from sim.scenarios.values import canonical, duration


class Reader:
    """Reads one file's YAML, turning every problem into a positioned ScenarioError."""

    def __init__(self, path: Path) -> None:
        self.path = path

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

    def keys(self, data: PositionedDict, allowed: tuple[str, ...], what: str) -> None:
        """Refuse keys that are not ``allowed``, suggesting the closest one."""
        for key in data:
            if key not in allowed:
                self.fail(
                    data.key_at(key),
                    f"unknown key {shown(key)} in {what}{suggest(str(key), allowed)}",
                )

    def text(self, data: PositionedDict, key: str, default: str | None = None) -> str:
        """A string value (required unless there is a default)."""
        value = data.get(key, default)
        if value is None:
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
            listed = ", ".join(choices) if len(choices) <= 8 else f"{len(choices)} names"
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

    def states(
        self, data: PositionedDict, names: Mapping[str, tuple[str, ...]], subject: str
    ) -> list[Expectation]:
        """``{machine or view: state}`` checked against ``names``."""
        found = []
        for name, state in data.items():
            machine = self.choice(name, data.key_at(name), tuple(names), "machine or view")
            value = self.choice(state, data.value_at(name), names[machine], f"{machine} state")
            found.append(Expectation(subject, machine, value, self.where(data.value_at(name))))
        return found


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else repr(value)

"""The one exception hierarchy of the package, and the did-you-mean every message may use.

Catch ``DeviceSimError`` to catch them all. Each error carries fields (the file, line, column,
event id or field it is about) as well as its message, so reports (JUnit XML, JSON, the CLI)
place it without parsing text; ``str(error)`` is the one line a person reads:
``path:line:col: message``. Third-party exceptions are wrapped with ``from`` so the cause stays
visible to developers without being shown to users.

This module may import nothing of the package but ``statemachines`` (whose definition error it
re-exports, imported when first asked for: the command line loads this module before it
loads any machine), so that every room can raise these errors and suggest names.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statemachines.table import MachineDefinitionError


def closest(word: object, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (case-insensitive), if one is close enough."""
    lowered = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(str(word).casefold(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def suggest(word: object, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a close match exists, else ''."""
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


#: How many characters of a bad value a message shows.
SHOWN_CHARACTERS = 80
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, SHOWN_CHARACTERS, SHOWN_CHARACTERS


def shown(value: object) -> str:
    """A bad value as a message shows it: its repr, cut to about 80 characters, whatever its
    size or depth (a 200 MB timestamp, a 5,000-digit number, 1,000 levels of nesting), with
    control characters escaped as repr escapes them."""
    if type(value) is int and value.bit_length() > 256:
        return f"a {value.bit_length()}-bit number"
    if type(value) is str and len(value) > SHOWN_CHARACTERS:
        return f"{value[:SHOWN_CHARACTERS]!r}... ({len(value)} characters)"
    text = _REPR.repr(value)
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "..."


class DeviceSimError(Exception):
    """Root of every error this package raises on purpose.

    ``path``, ``line`` and ``column`` place the error in a file (``index`` in a JSON array);
    ``field`` names the key or payload field; ``event_id`` the event.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        index: int | None = None,
        field: str | None = None,
        event_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.index = index
        self.field = field
        self.event_id = event_id

    @property
    def where(self) -> str:
        """``path:line:col`` (or ``path[index]``) as far as it is known; '' when nothing is."""
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        elif self.index is not None:
            where += f"[{self.index}]"
        return where

    def __str__(self) -> str:
        return ": ".join(part for part in (self.where, self._subject(), self.message) if part)

    def _subject(self) -> str:
        """What, within ``where``, the message is about, when the message does not say it."""
        return ""


class CatalogueError(DeviceSimError):
    """A catalogue row that contradicts the machine tables or the catalogue (``event_id`` is
    the type id), raised when the row is registered."""


class EventFormatError(DeviceSimError):
    """An event object that cannot be read: a missing or malformed required field (named in
    the message and in ``field``)."""


class InputError(DeviceSimError):
    """A file or stream that cannot be read at all (missing, not JSON, not YAML)."""


class InitialStateError(DeviceSimError):
    """An initial-state document names an unknown machine, state or key (``field`` is the
    dotted key path, ``path`` the document)."""

    def _subject(self) -> str:
        return self.field or ""


class ScenarioError(DeviceSimError):
    """A scenario file that is not valid, placed by ``path``, ``line`` and ``column``."""

    @property
    def errors(self) -> list[ScenarioError]:
        """Every error found in the file, in file order (this one alone here)."""
        return [self]

    #: Errors found beyond those ``errors`` holds (see ``ScenarioErrors``).
    not_shown = 0


class ScenarioErrors(ScenarioError):
    """Several errors of one scenario file, found in one pass: ``str()`` is one line per error,
    and a last line counting those beyond the first ``SHOWN_ERRORS`` when there are more.
    Placed (``path``, ``line``, ``column``) where the first one is."""

    def __init__(self, errors: list[ScenarioError], count: int) -> None:
        first = errors[0]
        super().__init__(first.message, path=first.path, line=first.line, column=first.column)
        self._errors = errors
        self.not_shown = count - len(errors)

    @property
    def errors(self) -> list[ScenarioError]:
        return self._errors

    def __str__(self) -> str:
        lines = [str(error) for error in self._errors]
        if self.not_shown:
            more = "error" if self.not_shown == 1 else "errors"
            lines.append(f"{self.path}: ... and {self.not_shown} more {more}")
        return "\n".join(lines)


class UsageError(DeviceSimError):
    """A command used wrongly: a path that does not exist, a -k expression that does not parse."""


class CommandLineError(UsageError):
    """Arguments the command line parser refused (its message names the command already)."""


class StrictReplayError(DeviceSimError):
    """The first invalid event of a strict replay, placed by ``path`` and ``line``/``index``."""


class ScenarioFailed(DeviceSimError):
    """A scenario whose checks did not all hold; ``lines`` are its failures as printed."""

    def __init__(self, name: str, lines: list[str], *, path: str | None = None) -> None:
        super().__init__(name, path=path)
        self.lines = lines


class Disagreement(AssertionError):
    """A system under test believes something other than the model: a property test's
    failure, whose message is the story (the events by name, both views side by side)."""


class ConsumerUnreachable(UsageError):
    """The system under test did not answer over HTTP (refused, timed out, reset): not a
    finding about its behaviour, so ``devicesim fuzz`` stops with exit code 2."""


class ApiError(Exception):
    """A request the local platform refuses, answered with ``status`` and the platform's error
    shape: ``{"error_code": status, "error_token": token, "message": message}``."""

    def __init__(self, status: int, token: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.token = token
        self.message = message


def __getattr__(name: str) -> Any:
    """``MachineDefinitionError``, from ``statemachines`` when it is first asked for."""
    if name == "MachineDefinitionError":
        from statemachines.table import MachineDefinitionError

        return MachineDefinitionError
    raise AttributeError(f"module 'sim.errors' has no attribute {name!r}")


__all__ = [
    "ApiError",
    "CatalogueError",
    "CommandLineError",
    "ConsumerUnreachable",
    "DeviceSimError",
    "Disagreement",
    "EventFormatError",
    "InitialStateError",
    "InputError",
    "MachineDefinitionError",
    "ScenarioError",
    "ScenarioErrors",
    "ScenarioFailed",
    "StrictReplayError",
    "UsageError",
    "closest",
    "shown",
    "suggest",
]

"""The one exception hierarchy of the package: catch ``DeviceSimError`` to catch them all.

Every error carries a message meant for the person who wrote the input: which file, which
line or step, what was expected. Third-party exceptions are wrapped with ``from`` so the cause
stays visible to developers without being shown to users.
"""

from __future__ import annotations


class DeviceSimError(Exception):
    """Root of every error this package raises on purpose."""


class EventFormatError(DeviceSimError):
    """An event object that cannot be read: a missing or malformed required field."""


class InputError(DeviceSimError):
    """A file or stream that cannot be read at all (missing, not JSON, not YAML)."""


class InitialStateError(DeviceSimError):
    """An initial-state document names an unknown machine, state or key."""


class ScenarioError(DeviceSimError):
    """A scenario file that is not valid: the message starts with ``path:line:col:``."""

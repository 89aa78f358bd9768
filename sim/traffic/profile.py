"""What a generated fleet is made of: the behaviour mix, their rates, and the operators' habits.

A profile file (YAML) overrides any part of ``DEFAULTS``; every key it names must exist there
(with a did-you-mean), durations are written as ``30s``, ``5m``, ``2h``, ``1d``, shares as
percentages and rates per device (or organisation) and week. The defaults make a plausible
fleet: mostly duty-cycled trackers, some always-on routers, roaming devices and devices that
fall silent; quota management on in some organisations, occasional suspensions, disabled
endpoints and blocked organisations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError, shown, suggest
from sim.io.positioned_yaml import PositionedDict, PositionedLoader
from sim.io.safe_yaml import load_document
from sim.scenarios.values import duration

#: Behaviours every device has one of, in the order the mix is drawn.
BEHAVIOURS = ("tracker", "router", "roamer", "silent")
_SESSION = {"period": "1h", "session": "40s", "volume": 0.05}

DEFAULTS: dict[str, Any] = {
    "organisations": 5,
    # Shares of the devices, in percent.
    "mix": {"tracker": 55, "router": 15, "roamer": 20, "silent": 10},
    # Duty-cycled: wake every period (+-50%), register, one session, sleep.
    "tracker": dict(_SESSION),
    # Always on: registered once, sessions of hours with an update now and then.
    "router": {"period": "1m", "session": "6h", "volume": 40, "update_every": "1h"},
    # A tracker that changes network now and then: purged by the old, registered on the new.
    "roamer": {**_SESSION, "roam": 15},
    # A tracker that stops for good after a while; the network purges it later.
    "silent": {**_SESSION, "active_for": "2d", "purge_after": "1d"},
    # Percent of devices provisioned during the run (their history opens with SIM activation).
    "new_devices": 10,
    # Percent of organisations whose service profile has data quota management switched on;
    # each of their devices gets a data quota, topped up after it runs out or expires.
    "quota_management": 40,
    "quota": {"volume": 20, "expires": "5d", "top_up_after": "4h"},
    # Operator actions, per device and week, and how long each lasts.
    "suspend": {"rate": 0.05, "lasts": "1d"},
    "disable": {"rate": 0.02, "lasts": "6h"},
    # Per organisation and week: a cost limit reached; unblocked silently when it ends.
    "organisation_block": {"rate": 0.5, "lasts": "3h"},
}
#: Percent of a data quota used when the platform says its threshold is reached.
THRESHOLD = 80
#: Keys whose values are durations; every other value is a number.
DURATIONS = {"period", "session", "update_every", "active_for", "purge_after", "expires",
             "top_up_after", "lasts"}  # fmt: skip


@dataclass(frozen=True)
class Behaviour:
    """One kind of device: how often it wakes, how long its sessions last, what they carry."""

    period: float
    session: float
    volume: float
    update_every: float = 0.0
    roam: float = 0.0
    active_for: float = 0.0
    purge_after: float = 0.0


@dataclass(frozen=True)
class Action:
    """An operator action: how often (per device or organisation and week) and how long."""

    rate: float
    lasts: float


@dataclass(frozen=True)
class Profile:
    """A whole fleet's make-up, read from ``DEFAULTS`` and a profile file."""

    organisations: int
    mix: Mapping[str, float]
    behaviours: Mapping[str, Behaviour]
    new_devices: float
    quota_management: float
    quota_volume: float
    quota_expires: float
    top_up_after: float
    suspend: Action
    disable: Action
    organisation_block: Action


def read_profile(document: object, source: str = "profile") -> Profile:
    """``DEFAULTS`` with ``document`` laid over it; ``InputError`` naming the key otherwise."""
    values = _merged(DEFAULTS, {} if document is None else document, source, "")
    organisations = values["organisations"]
    if organisations < 1 or organisations != int(organisations):
        raise InputError(f"{source}: organisations: expected a whole number of at least 1")
    if sum(values["mix"].values()) <= 0:
        raise InputError(f"{source}: mix: expected at least one share above 0")
    quota = values["quota"]
    return Profile(
        organisations=int(organisations),
        mix=values["mix"],
        behaviours={name: Behaviour(**values[name]) for name in BEHAVIOURS},
        new_devices=values["new_devices"] / 100,
        quota_management=values["quota_management"] / 100,
        quota_volume=quota["volume"],
        quota_expires=quota["expires"],
        top_up_after=quota["top_up_after"],
        suspend=Action(**values["suspend"]),
        disable=Action(**values["disable"]),
        organisation_block=Action(**values["organisation_block"]),
    )


def load_profile(path: str) -> Profile:
    """Read a profile file (YAML); errors name the file, line and column."""
    return read_profile(load_document(path, PositionedLoader), path)


def _merged(defaults: Mapping[str, Any], given: object, source: str, where: str) -> dict[str, Any]:
    if not isinstance(given, Mapping):
        raise InputError(
            f"{source}: {where or 'the profile'}: expected a mapping, got {shown(given)}"
        )
    merged = {key: _value(key, value) for key, value in defaults.items()}
    for key, value in given.items():
        here = f"{where}.{key}" if where else str(key)
        at = f"{source}:{_line(given, key)}: {here}"
        if key not in defaults:
            hint = suggest(str(key), list(defaults))
            raise InputError(f"{at}: unknown key{hint}; expected one of {', '.join(defaults)}")
        if isinstance(defaults[key], Mapping):
            merged[key] = _merged(defaults[key], value, source, here)
        else:
            merged[key] = _checked(key, value, at)
    return merged


def _line(mapping: Mapping[Any, Any], key: Any) -> str:
    """``line:column`` of a key in a file read with positions (``1:1`` otherwise)."""
    line, column = mapping.key_at(key) if isinstance(mapping, PositionedDict) else (1, 1)
    return f"{line}:{column}"


def _value(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _value(k, v) for k, v in value.items()}
    return duration(value) if key in DURATIONS else value


def _checked(key: str, value: object, where: str) -> float:
    if key in DURATIONS:
        try:
            return duration(value)
        except ValueError as exc:
            raise InputError(f"{where}: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1e9:
        raise InputError(f"{where}: expected a number of at least 0, got {shown(value)}")
    return float(value)

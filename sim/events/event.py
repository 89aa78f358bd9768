"""An event as the model reads it: the few fields every step needs, and the payload kept aside."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sim.errors import EventFormatError


class Quota(NamedTuple):
    """The parts of an assigned quota the model uses."""

    action: str | None
    expires: float | None
    volume: float | None


class Event(NamedTuple):
    """One platform event, read. ``raw`` keeps every field as it came, extras included."""

    id: int
    time: float
    type_id: int
    variant: str
    organisation: int | None
    endpoint: int | None
    sim: int | None
    description: str
    #: The payload as it came, extra fields included (None when parsed with keep_raw=False).
    raw: Mapping[str, Any] | None
    #: The number of (type id, variant) in ``sim.events.catalogue.KINDS``; -1 for an unknown type.
    kind_id: int = -1
    #: The service profile id of service-profile events (52-55), read from the description.
    service_profile: int | None = None
    #: The organisation-level entity an event is about: a breakout id or a user.
    subject: str | None = None
    quota: Quota | None = None
    #: The payload's severity and alert flag in one small number (``marks_of``).
    marks: int = 0

    @property
    def severity(self) -> str:
        """Info, Warn or Critical; empty when the payload gave none."""
        return SEVERITIES[(self.marks >> 1) - 1] if self.marks > 1 else ""

    @property
    def alert(self) -> bool:
        """The payload's ``alert`` flag (0/1 accepted)."""
        return bool(self.marks & 1)

    @property
    def kind(self) -> tuple[int, str]:
        """(type id, variant): what the model's step depends on."""
        return (self.type_id, self.variant)


#: The platform's severities by id (payloads spell them Info/INFO, Warn/WARN/WARNING, ...).
SEVERITIES = ("Info", "Warn", "Critical")


def marks_of(raw: Mapping[str, Any]) -> int:
    """A payload's severity and alert flag packed as ``(severity id + 1) << 1 | alert``: one
    small cached int per event instead of two fields. A severity without a known id is read
    from its description; none at all packs as 0."""
    severity = raw.get("event_severity")
    alert = raw.get("alert")
    flag = 1 if alert is True or (type(alert) is int and alert == 1) else 0
    if type(severity) is not dict:
        return flag
    number = severity.get("id")
    if type(number) is not int or not 0 <= number < len(SEVERITIES):
        text = str(severity.get("description") or "")[:4].casefold()
        number = next((i for i, s in enumerate(SEVERITIES) if s[:4].casefold() == text), -1)
    return (number + 1) << 1 | flag


def parse_time(value: object) -> float:
    """Seconds since the epoch (UTC) from any timestamp format the platform uses."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp string, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"expected an ISO 8601 timestamp, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def read_int(value: object, field: str) -> int:
    """An integer id, also from a digit string; EventFormatError naming ``field`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise EventFormatError(f"field '{field}': expected an integer id, got {value!r}", field=field)

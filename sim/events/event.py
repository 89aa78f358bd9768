"""An event as the model reads it: the few fields every step needs, and the payload kept aside."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Quota(NamedTuple):
    """The parts of an assigned quota the model uses."""

    action: str | None
    expires: float | None


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


#: The order a replay applies events in, (timestamp, id): the platform promises none. Anything
#: with a ``time`` and an ``id`` sorts by it (saved states' recent ids too).
ORDER = attrgetter("time", "id")
_TIME, _ID = attrgetter("time"), attrgetter("id")


def in_order(items: Iterable[T]) -> list[T]:
    """``items`` sorted by ``ORDER``, ties in the order given: by id, then (stable) by time.
    Two sorts on plain keys beat one on a (time, id) tuple made per item by about 45%."""
    ordered = sorted(items, key=_ID)
    ordered.sort(key=_TIME)
    return ordered


#: The platform's severities by id (payloads spell them Info/INFO, Warn/WARN/WARNING, ...).
SEVERITIES = ("Info", "Warn", "Critical")


def marks_of(raw: Mapping[str, Any]) -> int:
    """A payload's severity and alert flag packed as ``(severity id + 1) << 1 | alert``: one
    small cached int per event instead of two fields. A severity without a known id is read
    from its description; none at all packs as 0."""
    severity = raw.get("event_severity")
    if type(severity) is not dict:
        return pack_marks(None, raw.get("alert"))
    return pack_marks(severity.get("id"), raw.get("alert"), severity.get("description"))


def pack_marks(number: object, alert: object, description: object = None) -> int:
    """``marks_of`` from the parts: the severity's id, the alert flag (true or 1) and the
    severity's description (both None when the payload has no severity)."""
    flag = 1 if alert is True or (type(alert) is int and alert == 1) else 0
    if type(number) is not int or not 0 <= number < len(SEVERITIES):
        text = description[:4].casefold() if type(description) is str else ""
        number = next((i for i, s in enumerate(SEVERITIES) if s[:4].casefold() == text), -1)
    return (number + 1) << 1 | flag

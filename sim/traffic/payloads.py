"""Generated events in the platform's JSON shape, written fast.

A device's line is spliced from parts made once: the id and timestamp, the kind's part (type,
source, severity, alert, description, sample ``detail``: ``sim.events.build``'s, checked to
read back as that kind), the device's identity (organisation, endpoint, SIM, IMSI) and, for
registrations and sessions, a ``detail`` as the platform's examples carry it (the country and
operator, the PDP context, the volume a session carried). A quota assignment and organisation
events are built whole by ``build_event``: they are rare.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from sim.events.build import build_event
from sim.events.catalogue import KINDS, Kind
from sim.events.parse import parse_event

#: Networks devices register on, as the platform's ``detail`` names them.
NETWORKS = (
    ("Germany", "262", "49", "de", "Telekom"),
    ("France", "208", "33", "fr", "Orange"),
    ("Netherlands", "204", "31", "nl", "Vodafone"),
    ("Spain", "214", "34", "es", "Movistar"),
    ("United Kingdom", "234", "44", "gb", "EE"),
    ("United States", "310", "1", "us", "AT&T"),
)
_IDENTITY = ("organisation", "endpoint", "sim", "imsi")
_DAYS: dict[int, str] = {}
_CLOCK: list[str] = []
_MILLIS = [f".{milli:03}Z" for milli in range(1000)]


def stamp(ms: int) -> str:
    """The platform's timestamp of a moment in milliseconds since the epoch."""
    seconds, milli = divmod(ms, 1000)
    day = seconds // 86_400
    return _day(day) + _CLOCK[seconds - day * 86_400] + _MILLIS[milli]


def _day(day: int) -> str:
    """The date part of a day's timestamps (and the clock's table filled on first use)."""
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = _DAYS[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")
        if not _CLOCK:
            _CLOCK.extend(f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}" for s in range(86_400))
    return prefix


class Identity(NamedTuple):
    """Who a device is, as every event about it says: ids for the model, JSON for the line."""

    endpoint: int
    sim: int
    organisation: int
    json: str


def identity(endpoint: int, sim: int, organisation: int, name: str) -> Identity:
    """A device's identity part of every line."""
    parts = {
        "organisation": {"id": organisation, "name": f"Organisation {organisation}"},
        "endpoint": {"id": endpoint, "name": name, "imei": f"35{endpoint:013d}",
                     "ip_address": f"10.{endpoint >> 16 & 255}.{endpoint >> 8 & 255}.{endpoint & 255}",
                     "tags": None},
        "sim": {"id": sim, "iccid": f"8988{sim:015d}"},
        "imsi": {"id": sim, "imsi": f"9014{sim:011d}"},
    }  # fmt: skip
    return Identity(endpoint, sim, organisation, orjson.dumps(parts)[1:-1].decode())


def registration_detail(network: int) -> dict[str, Any]:
    """The ``detail`` of a registration on ``NETWORKS[network]``: its country and operator."""
    country, mcc, code, iso, operator = NETWORKS[network]
    return {"country": {"name": country, "mcc": mcc, "country_code": code, "iso_code": iso},
            "name": operator}  # fmt: skip


#: The ``detail`` of a registration on each of ``NETWORKS``, as it is spliced into a line.
REGISTRATION = tuple(
    ',"detail":' + orjson.dumps(registration_detail(network)).decode()
    for network in range(len(NETWORKS))
)
#: The share of a session's volume that was received (rx); the rest was sent (tx).
RECEIVED = 0.7


def session_detail(network: int, context_id: int) -> str:
    """The ``detail`` of an accepted Create PDP Context."""
    mcc, operator = NETWORKS[network][1], NETWORKS[network][4]
    return (f',"detail":{{"pdp_context":{{"pdp_context_id":{context_id},"apn":"em",'
            f'"rat_type":6,"mcc":"{mcc}"}},"name":"{operator}"}}')  # fmt: skip


def volume_detail(context_id: int, megabytes: float) -> str:
    """The ``detail`` of a Delete PDP Context: the volume the session carried (in MB)."""
    rx = megabytes * RECEIVED
    return (f',"detail":{{"volume":{{"rx":{rx:.6f},"tx":{megabytes - rx:.6f},'
            f'"total":{megabytes:.6f}}},"pdp_context":{{"pdp_context_id":{context_id}}}}}')  # fmt: skip


#: Kinds whose ``detail`` the generator writes per event (registrations, sessions); every
#: other kind keeps its sample's.
OWN_DETAIL: frozenset[Kind] = frozenset({(1, ""), (2, ""), (3, "accepted"), (5, "")})


class Templates:
    """Writes a device's lines: the cached part of each kind (made on first use, and read
    back to check it) and the date of the day the last line fell on (lines come in time
    order, so the date is looked up once a day)."""

    def __init__(self) -> None:
        self._parts = _Parts()
        self._start, self._date = 0, ""

    def line(self, kind_id: int, event_id: int, ms: int, who: Identity, detail: str = "") -> str:
        """One event about a device; ``detail`` is the event's own (kinds in ``OWN_DETAIL``)."""
        second = ms // 1000 - self._start
        if not 0 <= second < 86_400:
            day = ms // 86_400_000
            self._start, self._date = day * 86_400, _day(day)
            second = ms // 1000 - self._start
        return (f'{{"id":{event_id},"timestamp":"{self._date}{_CLOCK[second]}{_MILLIS[ms % 1000]}",'
                f"{self._parts[kind_id]},{who.json}{detail}}}\n")  # fmt: skip


class _Parts(dict[int, str]):
    """Each kind's part of a line, by kind id, made when first asked for."""

    def __missing__(self, kind_id: int) -> str:
        kind = KINDS[kind_id]
        sample = build_event(
            kind[0], event_id=1, time=0.0, organisation=1, endpoint=1, variant=kind[1]
        )
        if parse_event(sample).kind != kind:
            raise AssertionError(f"built {kind} reads back as another kind")
        if kind in OWN_DETAIL:
            sample.pop("detail", None)
        middle = {k: v for k, v in sample.items() if k not in ("id", "timestamp", *_IDENTITY)}
        self[kind_id] = part = orjson.dumps(middle)[1:-1].decode()
        return part


def built(
    kind: Kind, event_id: int, ms: int, who: Identity | None, organisation: int, **fields: Any
) -> dict[str, Any]:
    """An event of any kind as a whole payload (``fields`` as ``build_event`` takes them, and
    ``description``); ``who`` is None for organisation and service-profile events."""
    description = fields.pop("description", None)
    event = build_event(kind[0], event_id=event_id, time=ms / 1000, organisation=organisation,
                        variant=kind[1], **fields)  # fmt: skip
    event["timestamp"] = stamp(ms)
    if description is not None:
        event["description"] = description
    if who is not None:
        event.update(orjson.loads("{" + who.json + "}"))
    return event

"""Decoding a JSON Lines event straight into an ``Event``: the replay's fast path.

Replay spends most of its time outside the engine if every line is first decoded into a
dict of every field and then read field by field. ``decode_line`` decodes only the fields
the model reads, into msgspec structs that check their types while they decode, for the
shapes nearly every line has: the types whose variant needs no payload (the catalogue's
``PLAIN_KINDS``), registrations, data sessions and quota events with an object ``detail``
(the variant readers are ``sim.events.payload``'s, shared with the careful way). For
anything else (another type, a detail given as a string, an odd field, a value out of
range, text that is not JSON) it answers None, and the
caller reads the line the careful way (``orjson`` and ``sim.events.parse.parse_event``),
which names what is wrong. Both ways give the same ``Event`` for the same line (a property
test holds them to it); the payload itself is not kept on this path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
import orjson
from msgspec import UNSET, Raw, UnsetType

from sim.errors import EventFormatError
from sim.events.catalogue import CATALOGUE, FAILED_REGISTRATION, KIND_IDS, PLAIN_KINDS
from sim.events.event import SEVERITIES, Event, Quota
from sim.events.fields import MAX_ID, MAX_TIME, MIN_TIME
from sim.events.payload import REGISTRATION_FAILURE, quota_variant, session_variant

_new_event = tuple.__new__
_SEVERITY_COUNT = len(SEVERITIES)


#: An id as the model takes it; msgspec refuses others while it decodes.
_Id = Annotated[int, msgspec.Meta(ge=0, le=MAX_ID)]


class _Ref(msgspec.Struct, gc=False):
    id: _Id | None = None


class _Type(msgspec.Struct, gc=False):
    id: int


class _Severity(msgspec.Struct, gc=False):
    """A severity by its id: its description is read (the careful way) only for an unknown id."""

    id: int = -1


class _Detail(msgspec.Struct, gc=False):
    """The fields of an object ``detail`` the variant readers look at, kept undecoded: most
    lines need only to know whether ``pdp_context`` is there (decoding every detail into a
    dict cost a sixth of the decoding)."""

    pdp_context: Raw | UnsetType = UNSET
    data_service_failure_cause: Raw | UnsetType = UNSET
    update_location_failure_reason: Raw | UnsetType = UNSET
    quota: Raw | UnsetType = UNSET
    action_on_exhaustion: Raw | UnsetType = UNSET
    action_on_quota_exhaustion_id: Raw | UnsetType = UNSET
    expiryDate: Raw | UnsetType = UNSET
    expiry_date: Raw | UnsetType = UNSET

    def as_dict(self) -> dict[str, Any]:
        """The fields given, decoded: what the variant readers take."""
        return {
            name: orjson.loads(memoryview(value))
            for name in self.__struct_fields__
            if (value := getattr(self, name)) is not UNSET
        }


class _Line(msgspec.Struct, gc=False):
    """The fields of an event line that the model reads (others are skipped unread)."""

    id: _Id
    timestamp: Annotated[datetime, msgspec.Meta(tz=True)]
    event_type: _Type
    description: str | None = None
    endpoint: _Ref | None = None
    organisation: _Ref | None = None
    sim: _Ref | None = None
    #: A detail given as a JSON string is read the careful way.
    detail: _Detail | str | None = None
    event_source: _Ref | None = None
    event_severity: _Severity | None = None
    alert: bool | int | None = None
    update_location_failure_reason: Raw | UnsetType = UNSET


_decode = msgspec.json.Decoder(_Line).decode
#: A detail with none of the fields a variant reader looks at (a registration's country and
#: operator): the registration accepted, told without decoding anything more.
_BARE = _Detail()
#: Kind ids of accepted data sessions by type id (the most frequent variant, found first).
_ACCEPTED = {
    t.id: KIND_IDS[(t.id, "accepted")] for t in CATALOGUE.values() if t.payload == "session"
}


#: Kind ids of registrations the network accepted, by type id (a third of all events).
_ATTACH = {t.id: KIND_IDS[(t.id, "")] for t in CATALOGUE.values() if t.payload == "registration"}


def _variant(line: _Line, type_id: int) -> tuple[int, str, Quota | None] | None:
    """(kind id, variant, quota) of a registration, a data session or a quota event whose
    detail is an object (or absent); None for anything else. (``decode_line`` tells the most
    frequent itself: an accepted data session, a registration with no failure reason.)"""
    detail = line.detail
    etype = CATALOGUE.get(type_id)
    if etype is None or isinstance(detail, str):
        return None
    reason = line.update_location_failure_reason
    try:
        fields = {} if detail is None else detail.as_dict()
        failed = reason is not UNSET and orjson.loads(memoryview(reason))
    except orjson.JSONDecodeError:  # not UTF-8, or nested too deep: said the careful way
        return None
    quota = None
    if etype.payload == "registration":
        variant = FAILED_REGISTRATION if failed or fields.get(REGISTRATION_FAILURE) else ""
    elif etype.payload == "session":
        source = None if line.event_source is None else line.event_source.id
        variant = session_variant(source, line.description or "", fields)
    elif etype.payload == "quota":
        try:
            variant, quota = quota_variant(etype, fields, line.description or "")
        except EventFormatError:
            return None
    else:
        return None
    return KIND_IDS[(type_id, variant)], variant, quota


def decode_line(data: bytes) -> Event | None:
    """The event on one JSON line, or None when the careful way must read it.

    msgspec checks the types, the id range and the timestamp's offset while it decodes; the
    rest is inlined (this runs once per line of a replay).
    """
    try:
        line = _decode(data)
    except (msgspec.DecodeError, RecursionError):  # RecursionError: nested past msgspec's limit
        return None
    type_id = line.event_type.id
    kind_id = PLAIN_KINDS.get(type_id)
    variant, quota = "", None
    if kind_id is None:
        detail = line.detail
        if type(detail) is _Detail and detail.pdp_context is not UNSET and type_id in _ACCEPTED:
            kind_id, variant = _ACCEPTED[type_id], "accepted"
        elif (
            (detail is None or detail == _BARE)
            and line.update_location_failure_reason is UNSET
            and type_id in _ATTACH
        ):
            kind_id = _ATTACH[type_id]
        else:
            found = _variant(line, type_id)
            if found is None:
                return None
            kind_id, variant, quota = found
    seconds = line.timestamp.timestamp()
    if not MIN_TIME <= seconds <= MAX_TIME:
        return None
    organisation, endpoint, sim = line.organisation, line.endpoint, line.sim
    severity, flag = line.event_severity, 1 if line.alert == 1 else 0
    if severity is None:
        marks = flag
    elif 0 <= severity.id < _SEVERITY_COUNT:
        marks = (severity.id + 1) << 1 | flag
    else:
        return None
    return _new_event(
        Event,
        (
            line.id, seconds, type_id, variant,
            None if organisation is None else organisation.id,
            None if endpoint is None else endpoint.id,
            None if sim is None else sim.id,
            "", None, kind_id, None, None, quota, marks,
        ),
    )  # fmt: skip

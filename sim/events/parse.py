"""Reading one platform event object leniently into an ``Event``.

The platform's payloads vary (domain.md section 1): several timestamp formats, ``alert: 1``,
``name`` instead of ``description``, numbers as strings, and per type the parts that
``sim.events.payload`` reads. This module reads the common fields (through the checks of
``sim.events.fields``), asks the catalogue which variant reader and subject the type has, and
raises ``EventFormatError`` naming the field it cannot read; extra fields are kept in ``raw``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sim.errors import EventFormatError
from sim.events.catalogue import CATALOGUE, KIND_IDS, PLAIN_KINDS
from sim.events.event import Event, marks_of
from sim.events.fields import MAX_ID, MAX_TIME, MIN_TIME, parse_time, read_id, read_text
from sim.events.payload import (
    detail_of,
    profile_of,
    registration_variant,
    session_variant,
    source_of,
    subject_of,
    variant_of,
)

_new_event = tuple.__new__


def _object_id(raw: Mapping[str, Any], field: str) -> int | None:
    """The id of ``{"id": ...}`` or a bare id (both are read, the fast path too)."""
    value = raw.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, Mapping):
        return read_id(value, field)
    inner = value.get("id")
    return None if inner is None else read_id(inner, f"{field}.id")


def _type_id(raw: Mapping[str, Any]) -> int:
    event_type = raw.get("event_type")
    if event_type is None:
        raise EventFormatError("missing field 'event_type'", field="event_type")
    is_object = type(event_type) is dict or isinstance(event_type, Mapping)
    value = event_type.get("id") if is_object else event_type
    return read_id(value, "event_type.id")


def parse_event(raw: object, *, keep_raw: bool = True) -> Event:
    """Read one event object. Raises EventFormatError naming the field that is wrong.

    ``keep_raw=False`` drops the payload and description once read (``raw`` is then None):
    a replay of millions of events keeps only what the model needs.
    """
    if type(raw) is dict:
        fast = _parse_common(raw, keep_raw)
        if fast is not None:
            return fast
    return _parse_careful(raw, keep_raw)


def _parse_common(raw: dict[str, Any], keep_raw: bool) -> Event | None:
    """The shape nearly every payload has, read without checks; None means "look closer".

    This is the replay hot path, hence the plain type checks and the bare tuple
    construction; anything unusual goes to ``_parse_careful``, which names what is wrong.
    Plain types (the catalogue's ``PLAIN_KINDS``), registrations and data sessions are read
    here.
    """
    event_id = raw.get("id")
    event_type = raw.get("event_type")
    stamp = raw.get("timestamp")
    description = raw.get("description")
    if (
        type(event_id) is not int
        or type(event_type) is not dict
        or type(stamp) is not str
        or (description is not None and type(description) is not str)
    ):
        return None
    type_id = event_type.get("id")
    if type(type_id) is not int:
        return None
    kind_id = PLAIN_KINDS.get(type_id)
    variant = ""
    if kind_id is None:
        found = _common_variant(raw, type_id, description or "")
        if found is None:
            return None
        kind_id, variant = found
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None or not MIN_TIME <= (seconds := moment.timestamp()) <= MAX_TIME:
        return None
    endpoint, organisation, sim = raw.get("endpoint"), raw.get("organisation"), raw.get("sim")
    endpoint_id = endpoint.get("id") if type(endpoint) is dict else endpoint
    organisation_id = organisation.get("id") if type(organisation) is dict else organisation
    sim_id = sim.get("id") if type(sim) is dict else sim
    if not (
        0 <= event_id <= MAX_ID
        and (endpoint_id is None or (type(endpoint_id) is int and 0 <= endpoint_id <= MAX_ID))
        and (
            organisation_id is None
            or (type(organisation_id) is int and 0 <= organisation_id <= MAX_ID)
        )
        and (sim_id is None or (type(sim_id) is int and 0 <= sim_id <= MAX_ID))
    ):
        return None
    return _new_event(
        Event,
        (
            event_id, seconds, type_id, variant, organisation_id, endpoint_id, sim_id,
            description if keep_raw and type(description) is str else "",
            raw if keep_raw else None, kind_id, None, None, None, marks_of(raw),
        ),
    )  # fmt: skip


def _common_variant(raw: dict[str, Any], type_id: int, description: str) -> tuple[int, str] | None:
    """(kind id, variant) of a registration or a data session; None for other types."""
    etype = CATALOGUE.get(type_id)
    if etype is None:
        return None
    detail = raw.get("detail")
    if etype.payload == "registration":
        variant = registration_variant(raw, detail)
    elif etype.payload != "session":
        return None
    elif type(detail) is dict and "pdp_context" in detail:
        variant = "accepted"
    else:
        variant = session_variant(source_of(raw), description, detail_of(raw))
    return KIND_IDS[(etype.id, variant)], variant


def _parse_careful(raw: object, keep_raw: bool) -> Event:
    if not isinstance(raw, Mapping):
        raise EventFormatError(f"expected an event object, got {type(raw).__name__}")
    event_id = raw.get("id")
    if event_id is None:
        raise EventFormatError("missing field 'id'", field="id")
    type_id = _type_id(raw)
    try:
        time = parse_time(raw.get("timestamp"))
    except ValueError as exc:
        raise EventFormatError(f"field 'timestamp': {exc}", field="timestamp") from exc
    text = read_text(raw.get("description"), "description")
    etype = CATALOGUE.get(type_id)
    variant, quota = variant_of(etype, raw, text) if etype else ("", None)
    profile = subject = None
    if etype is not None and etype.subject == "service_profile":
        profile = profile_of(text)
    elif etype is not None and etype.subject == "entity":
        subject = subject_of(etype, raw, text)
    return Event(
        read_id(event_id, "id"),
        time,
        type_id,
        variant,
        _object_id(raw, "organisation"),
        _object_id(raw, "endpoint"),
        _object_id(raw, "sim"),
        text if keep_raw else "",
        raw if keep_raw else None,
        KIND_IDS.get((type_id, variant), -1),
        profile,
        subject,
        quota,
        marks_of(raw),
    )

"""Reading the parts of a payload that differ between event types: variant, quota, subject.

The catalogue says, per type, which reader applies (its ``payload``, its ``subject`` and where
the subject is written, ``subject_at``); this module holds the readers. They are lenient by
design: ``detail`` may be a JSON-encoded string whose inside is not always valid JSON,
numbers come as strings, quota fields in camelCase, the service profile only in the
description, refusal reasons in the description or in ``detail.data_service_failure_cause``,
a refused registration's reason in ``update_location_failure_reason``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from sim.errors import EventFormatError, shown
from sim.events.catalogue import (
    BLOCK,
    FAILED_REGISTRATION,
    POLICY_CONTROL,
    REFUSALS,
    THROTTLE,
    EventType,
)
from sim.events.event import Quota
from sim.events.fields import MAX_ID, parse_time, read_id

_PROFILE = re.compile(r"service profile \(id\s*=\s*(\d+)", re.IGNORECASE | re.ASCII)
_BARE_TIME = re.compile(r"(:\s*)(\d{4}-\d{2}-\d{2}[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)(?=\s*[,}])")
_QUOTED_USER = re.compile(r"user '([^']+)'", re.IGNORECASE)
_BREAKOUT = re.compile(r"breakout (\d+)", re.IGNORECASE | re.ASCII)
#: The platform's ids of the actions on exhaustion.
_ACTIONS = {1: BLOCK, 2: THROTTLE, "1": BLOCK, "2": THROTTLE}


def source_of(raw: Mapping[str, Any]) -> int | None:
    """The ``event_source`` id, if the payload has one."""
    source = raw.get("event_source")
    if isinstance(source, Mapping) and source.get("id") is not None:
        return read_id(source["id"], "event_source.id")
    return None


def detail_of(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """``detail`` as a mapping: an object, a JSON string (repaired if need be), or empty.

    A string is decoded with orjson, whose depth limit turns a deeply nested one into a
    decoding error (and so an empty detail) instead of a recursion error."""
    detail = raw.get("detail")
    if isinstance(detail, Mapping):
        return detail
    if isinstance(detail, str) and detail.strip():
        for text in (detail, _BARE_TIME.sub(r'\1"\2"', detail)):
            try:
                loaded = orjson.loads(text)
            except orjson.JSONDecodeError:
                continue
            if isinstance(loaded, Mapping):
                return loaded
    return {}


def session_variant(source: int | None, description: str, detail: Mapping[str, Any]) -> str:
    """``accepted``, or ``rejected:<refusal code>`` from the event source, the description or
    the failure cause."""
    text = description.lower()
    cause = detail.get("data_service_failure_cause")
    failure = (cause if type(cause) is str else "").lower()
    rejected = (
        source == POLICY_CONTROL or "rejected" in text or bool(failure)
    ) and "pdp_context" not in detail
    if not rejected:
        return "accepted"
    found = next((r for r in REFUSALS if failure in r.causes), None) if failure else None
    found = found or next((r for r in REFUSALS if any(m in text for m in r.matches)), REFUSALS[-1])
    return f"rejected:{found.code}"


#: Where a 1NCE v2 registration names why the network refused it.
REGISTRATION_FAILURE = "update_location_failure_reason"


def registration_variant(raw: Mapping[str, Any], detail: object) -> str:
    """A registration the network refused names its reason (``update_location_failure_reason``,
    at the top level or in ``detail``); any other is an attach."""
    failed = raw.get(REGISTRATION_FAILURE) or (
        isinstance(detail, Mapping) and detail.get(REGISTRATION_FAILURE)
    )
    return FAILED_REGISTRATION if failed else ""


def notice_variant(raw: Mapping[str, Any], description: str) -> str:
    """A Generic event disconnects when Policy Control says 'Disconnecting data access'."""
    disconnects = source_of(raw) == POLICY_CONTROL and description.lower().startswith(
        "disconnecting data access"
    )
    return "disconnect" if disconnects else "notice"


def quota_of(detail: Mapping[str, Any], description: str) -> Quota:
    """The action on exhaustion and the expiry of an assigned quota (the model reads no more)."""
    quota = detail.get("quota")
    fields: Mapping[str, Any] = quota if isinstance(quota, Mapping) else detail
    action_field = fields.get("action_on_exhaustion")
    action_id = (
        action_field.get("id")
        if isinstance(action_field, Mapping)
        else fields.get("action_on_quota_exhaustion_id", action_field)
    )
    if action_id is not None and type(action_id) not in (int, str):
        raise EventFormatError(
            "field 'detail.action_on_exhaustion': expected an id (1 block, 2 throttle), "
            f"got {shown(action_id)}",
            field="detail.action_on_exhaustion",
        )
    action = _ACTIONS.get(action_id)
    if action is None and "throttl" in description.lower():
        action = THROTTLE
    expiry = fields.get("expiryDate", fields.get("expiry_date"))
    try:
        expires = parse_time(expiry) if expiry else None
    except ValueError as exc:
        field = "detail.expiry_date"
        raise EventFormatError(f"field '{field}': {exc}", field=field) from exc
    return Quota(action, expires)


def variant_of(
    etype: EventType, raw: Mapping[str, Any], description: str
) -> tuple[str, Quota | None]:
    """The variant of an event of a known type, and its quota when it assigns one."""
    if etype.payload == "notice":
        return notice_variant(raw, description), None
    if etype.payload == "session":
        return session_variant(source_of(raw), description, detail_of(raw)), None
    if etype.payload == "registration":
        return registration_variant(raw, detail_of(raw)), None
    if etype.payload == "quota":
        return quota_variant(etype, detail_of(raw), description)
    return etype.default_variant, None


def quota_variant(
    etype: EventType, detail: Mapping[str, Any], description: str
) -> tuple[str, Quota]:
    """The variant of a quota event (its action on exhaustion, where the type has one), and
    the quota it assigns."""
    quota = quota_of(detail, description)
    action = (quota.action or BLOCK).lower()
    return (action if action in etype.effects else etype.default_variant), quota


def profile_of(description: str) -> int | None:
    """The service profile id a profile event names in its description."""
    match = _PROFILE.search(description)
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        raise EventFormatError(
            f"field 'description': a service profile id beyond 64 bits ({shown(digits)})",
            field="description",
        )
    return int(digits)


def _username(value: object) -> str | None:
    if isinstance(value, Mapping):
        return _found(value.get("username") or value.get("id"))
    return value if isinstance(value, str) and value else None


def _found(value: object) -> str | None:
    """A name given as a string or a number; anything else names nothing."""
    named = type(value) is str or (type(value) is int and value.bit_length() <= 64)
    return str(value) if value and named else None


Place = Callable[[Mapping[str, Any], Mapping[str, Any], str], "str | None"]
#: Where a payload may name the entity it is about (``EventType.subject_at``).
PLACES: dict[str, Place] = {
    "detail.breakout_id": lambda raw, detail, text: _found(detail.get("breakout_id")),
    "description:breakout": lambda raw, detail, text: (
        m.group(1) if (m := _BREAKOUT.search(text)) else None
    ),
    "description:user": lambda raw, detail, text: (
        m.group(1) if (m := _QUOTED_USER.search(text)) else None
    ),
    "detail": lambda raw, detail, text: _username(detail),
    "detail.user": lambda raw, detail, text: _username(detail.get("user")),
    "user": lambda raw, detail, text: _username(raw.get("user")),
}


def subject_of(etype: EventType, raw: Mapping[str, Any], description: str) -> str:
    """Which breakout, VPN client or user an entity event is about (``default`` if unnamed)."""
    detail = detail_of(raw)
    for place in etype.subject_at:
        found = PLACES[place](raw, detail, description)
        if found:
            return found
    return "default"

"""Reading one platform event object leniently into an ``Event``.

The platform's payloads vary (domain.md section 1): several timestamp formats, ``alert: 1``,
``name`` instead of ``description``, ``detail`` as a JSON-encoded string whose inside is not
always valid JSON, numbers as strings, camelCase quota fields, service profiles named only in
the description. This module absorbs all of that and decides the variant that matters for the
model (accepted or rejected Create PDP Context and why, Block or Throttle quota, ...). Anything
it cannot read raises ``EventFormatError`` naming the field; extra fields are kept in ``raw``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sim.errors import EventFormatError
from sim.events.catalogue import KIND_IDS

_PROFILE = re.compile(r"service profile \(id\s*=\s*(\d+)", re.IGNORECASE)
_BARE_TIME = re.compile(r"(:\s*)(\d{4}-\d{2}-\d{2}[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)(?=\s*[,}])")
_QUOTED_USER = re.compile(r"user '([^']+)'", re.IGNORECASE)
_BREAKOUT = re.compile(r"breakout (\d+)", re.IGNORECASE)
POLICY_CONTROL = 1


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
    #: The number of (type id, variant) in ``sim.catalogue.KINDS``; -1 for an unknown type.
    kind_id: int = -1
    #: The service profile id of service-profile events (52-55), read from the description.
    service_profile: int | None = None
    #: The organisation-level entity an event is about: a breakout id or a user.
    subject: str | None = None
    quota: Quota | None = None

    @property
    def kind(self) -> tuple[int, str]:
        """(type id, variant): what the model's step depends on."""
        return (self.type_id, self.variant)


_ORGANISATION_ENTITY_TYPES = frozenset({22, 23, 25, 26, 27, 28, 29, 30, 36, 40, 41, 46})
#: Types whose payload needs more than the common fields: the careful path reads them.
_SPECIAL_TYPES = frozenset({0, 56, 58, 52, 53, 54, 55, *_ORGANISATION_ENTITY_TYPES})
_KIND_IDS = dict(KIND_IDS)
#: Kind id by type id for the types the fast path reads (3 is refined by its variant).
_PLAIN_KINDS = {
    type_id: kind
    for (type_id, variant), kind in KIND_IDS.items()
    if variant == "" and type_id not in _SPECIAL_TYPES
} | {3: KIND_IDS[(3, "accepted")]}
_new_event = tuple.__new__


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


def _int(value: object, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise EventFormatError(f"field '{field}': expected an integer id, got {value!r}")


def _object_id(raw: Mapping[str, Any], field: str) -> int | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, Mapping):
        raise EventFormatError(f"field '{field}': expected an object with an 'id', got {value!r}")
    inner = value.get("id")
    return None if inner is None else _int(inner, f"{field}.id")


def _source(raw: Mapping[str, Any]) -> int | None:
    source = raw.get("event_source")
    if isinstance(source, Mapping) and source.get("id") is not None:
        return _int(source["id"], "event_source.id")
    return None


def detail_of(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """``detail`` as a mapping: an object, a JSON string (repaired if need be), or empty."""
    detail = raw.get("detail")
    if isinstance(detail, Mapping):
        return detail
    if isinstance(detail, str) and detail.strip():
        for text in (detail, _BARE_TIME.sub(r'\1"\2"', detail)):
            try:
                loaded = json.loads(text)
            except ValueError:
                continue
            if isinstance(loaded, Mapping):
                return loaded
    return {}


def _pdp_variant(raw: Mapping[str, Any], description: str, detail: Mapping[str, Any]) -> str:
    text = description.lower()
    failure = str(detail.get("data_service_failure_cause") or "").lower()
    rejected = (
        _source(raw) == POLICY_CONTROL or "rejected" in text or bool(failure)
    ) and "pdp_context" not in detail
    if not rejected:
        return "accepted"
    if "no quota" in text or failure == "no_quota":
        return "rejected:no_quota"
    if "exhausted" in text or failure == "quota_exhausted":
        return "rejected:quota_exhausted"
    if "not activated" in text or failure == "sim_not_activated":
        return "rejected:sim_not_activated"
    if "disabled" in text or failure == "data_service_disabled":
        return "rejected:service_disabled"
    return "rejected:other"


def _quota(detail: Mapping[str, Any], description: str) -> Quota:
    quota = detail.get("quota")
    fields: Mapping[str, Any] = quota if isinstance(quota, Mapping) else detail
    action_field = fields.get("action_on_exhaustion")
    action_id = (
        action_field.get("id")
        if isinstance(action_field, Mapping)
        else fields.get("action_on_quota_exhaustion_id", action_field)
    )
    action = {1: "Block", 2: "Throttle", "1": "Block", "2": "Throttle"}.get(action_id)
    if action is None and "throttl" in description.lower():
        action = "Throttle"
    expiry = fields.get("expiryDate", fields.get("expiry_date"))
    try:
        expires = parse_time(expiry) if expiry else None
    except ValueError:
        expires = None
    try:
        volume = float(fields["volume"]) if fields.get("volume") is not None else None
    except (TypeError, ValueError):
        volume = None
    return Quota(action, expires, volume)


def _username(value: object) -> str | None:
    if isinstance(value, Mapping):
        found = value.get("username") or value.get("id")
        return None if found is None else str(found)
    return value if isinstance(value, str) and value else None


def _subject(type_id: int, raw: Mapping[str, Any], detail: Mapping[str, Any], text: str) -> str:
    """Which breakout, VPN client or user an organisation-level event is about."""
    if 22 <= type_id <= 27:
        found = detail.get("breakout_id") or (m.group(1) if (m := _BREAKOUT.search(text)) else None)
        return str(found) if found is not None else "default"
    if type_id in (40, 41) and (m := _QUOTED_USER.search(text)):
        return m.group(1)
    if type_id == 36:
        return _username(detail) or _username(raw.get("user")) or "default"
    if type_id == 46:
        return _username(detail.get("user")) or "default"
    return _username(raw.get("user")) or "default"


def _variant(type_id: int, raw: Mapping[str, Any], description: str) -> tuple[str, Quota | None]:
    if type_id == 0:
        disconnects = _source(raw) == POLICY_CONTROL and description.lower().startswith(
            "disconnecting data access"
        )
        return ("disconnect" if disconnects else "notice"), None
    if type_id == 3:
        return _pdp_variant(raw, description, detail_of(raw)), None
    if type_id in (56, 58):
        quota = _quota(detail_of(raw), description)
        return ((quota.action or "Block").lower() if type_id == 56 else ""), quota
    return "", None


def _type_id(raw: Mapping[str, Any]) -> int:
    event_type = raw.get("event_type")
    if event_type is None:
        raise EventFormatError("missing field 'event_type'")
    is_object = type(event_type) is dict or isinstance(event_type, Mapping)
    value = event_type.get("id") if is_object else event_type
    return value if type(value) is int else _int(value, "event_type.id")


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
    """
    event_id = raw.get("id")
    event_type = raw.get("event_type")
    stamp = raw.get("timestamp")
    if type(event_id) is not int or type(event_type) is not dict or type(stamp) is not str:
        return None
    type_id = event_type.get("id")
    kind_id = _PLAIN_KINDS.get(type_id)  # type: ignore[arg-type]
    if kind_id is None:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    endpoint, organisation, sim = raw.get("endpoint"), raw.get("organisation"), raw.get("sim")
    endpoint_id = endpoint.get("id") if type(endpoint) is dict else endpoint
    organisation_id = organisation.get("id") if type(organisation) is dict else organisation
    sim_id = sim.get("id") if type(sim) is dict else sim
    if not (
        (endpoint_id is None or type(endpoint_id) is int)
        and (organisation_id is None or type(organisation_id) is int)
        and (sim_id is None or type(sim_id) is int)
    ):
        return None
    description = raw.get("description")
    variant = ""
    if type_id == 3:
        detail = raw.get("detail")
        if type(detail) is dict and "pdp_context" in detail:
            variant = "accepted"
        else:
            variant = _pdp_variant(raw, description or "", detail_of(raw))
        kind_id = _KIND_IDS[(3, variant)]
    return _new_event(
        Event,
        (
            event_id, moment.timestamp(), type_id, variant, organisation_id, endpoint_id, sim_id,
            description if keep_raw and type(description) is str else "",
            raw if keep_raw else None, kind_id, None, None, None,
        ),
    )  # fmt: skip


def _parse_careful(raw: object, keep_raw: bool) -> Event:
    if not isinstance(raw, Mapping):
        raise EventFormatError(f"expected an event object, got {type(raw).__name__}")
    event_id = raw.get("id")
    if event_id is None:
        raise EventFormatError("missing field 'id'")
    type_id = _type_id(raw)
    try:
        time = parse_time(raw.get("timestamp"))
    except ValueError as exc:
        raise EventFormatError(f"field 'timestamp': {exc}") from exc
    description = raw.get("description")
    text = description if isinstance(description, str) else ""
    variant, quota = _variant(type_id, raw, text)
    profile = subject = None
    if 52 <= type_id <= 55:
        match = _PROFILE.search(text)
        profile = int(match.group(1)) if match else None
    elif type_id in _ORGANISATION_ENTITY_TYPES:
        subject = _subject(type_id, raw, detail_of(raw), text)
    return Event(
        _int(event_id, "id"),
        time,
        type_id,
        variant,
        _object_id(raw, "organisation"),
        _object_id(raw, "endpoint"),
        _object_id(raw, "sim"),
        text if keep_raw else "",
        raw if keep_raw else None,
        _KIND_IDS.get((type_id, variant), -1),
        profile,
        subject,
        quota,
    )

"""Building events in the platform's JSON shape, for scenarios and generated tests.

A scenario step says ``event: Quota used up``; the simulator still feeds its engine what the
platform would send, so that scenarios exercise the same parser as real streams. Shapes follow
the real payloads (source, severity, alert, description wording, ``detail``) closely enough
that ``parse_event`` reads back exactly the kind that was asked for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sim.events.catalogue import CATALOGUE, REJECTION_REASONS

NETWORK, POLICY_CONTROL, API = 0, 1, 2
_SOURCE_NAMES = {NETWORK: "Network", POLICY_CONTROL: "Policy Control", API: "API"}
_NETWORK_TYPES = frozenset({1, 2, 4, 5, 15, 16, 49})
_POLICY_TYPES = frozenset({11, 12, 18, 19, 20, 21, 60, 61})
_REJECTIONS = {
    "no_quota": "endpoint has no quota",
    "quota_exhausted": "quota volume of endpoint is exhausted and defined action is to block data traffic",
    "sim_not_activated": "SIM is not activated",
    "service_disabled": "data service disabled in service profile",
    "other": "APN is not allowed",
}
_PROFILE_WORDS = {
    52: ("Data", "enabled"),
    53: ("Data", "disabled"),
    54: ("SMS", "enabled"),
    55: ("SMS", "disabled"),
}
assert set(_REJECTIONS) == set(REJECTION_REASONS)


def timestamp(moment: float) -> str:
    """The platform's usual timestamp format."""
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _source(type_id: int, variant: str) -> int:
    if type_id in _NETWORK_TYPES or variant == "accepted":
        return NETWORK
    if type_id in _POLICY_TYPES or variant.startswith("rejected") or variant == "disconnect":
        return POLICY_CONTROL
    return API


def _describe(type_id: int, variant: str, service_profile: int | None) -> str:
    name = CATALOGUE[type_id].name
    if type_id == 3:
        if variant == "accepted":
            return "New PDP Context successfully activated with SGSN CP=10.0.0.1, DP=10.0.0.2."
        return f"PDP Context Request rejected, because {_REJECTIONS[variant.partition(':')[2]]}."
    if type_id == 0:
        if variant == "disconnect":
            return "Disconnecting data access for endpoint, because quota has been updated."
        return "SMS to 1234 cannot be forwarded, because no API Callback URL defined in service profile."
    if type_id in _PROFILE_WORDS:
        kind, verb = _PROFILE_WORDS[type_id]
        return f"{kind} quota management {verb} for service profile (id = {service_profile} - Profile {service_profile})."
    if type_id == 56:
        action = "throttling" if variant == "throttle" else "blocking"
        return f"Data quota assigned with volume of 10.000000 MB and action on exhaustion set to {action}."
    return f"{name}."


def _detail(type_id: int, variant: str, subject: str | None, quota: dict[str, Any] | None) -> Any:
    if type_id == 3 and variant == "accepted":
        return {"pdp_context": {"pdp_context_id": 1, "apn": "em", "rat_type": 6}}
    if type_id == 5:
        return {"volume": {"rx": 0.2, "tx": 0.1, "total": 0.3}}
    if type_id in (18, 19, 20, 21):
        return {"quota": {"volume": "1.000000", "threshold_percentage": 20, "threshold_volume": 2}}
    if type_id in (56, 58):
        body: dict[str, Any] = {"status": {"id": 1, "description": "ACTIVE"}, "volume": 10}
        if type_id == 56:
            action = 2 if variant == "throttle" else 1
            body["action_on_exhaustion"] = {
                "id": action,
                "description": "Throttle" if action == 2 else "Block",
            }
        body |= quota or {}
        return {"quota": body}
    if 22 <= type_id <= 27:
        return {"breakout_id": int(subject) if subject and subject.isdigit() else subject}
    if type_id in (36, 46):
        return {"user": {"id": 1, "username": subject}} if type_id == 46 else {"username": subject}
    return None


def build_event(
    type_id: int,
    *,
    event_id: int,
    time: float,
    organisation: int | None,
    endpoint: int | None = None,
    variant: str = "",
    service_profile: int | None = None,
    subject: str | None = None,
    quota: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One event as the platform would send it. ``quota`` adds fields to a 56/58 quota
    (e.g. ``{"expiryDate": "2025-06-01T00:00:00Z"}``)."""
    source = _source(type_id, variant)
    warn = source == POLICY_CONTROL
    event: dict[str, Any] = {
        "id": event_id,
        "timestamp": timestamp(time),
        "event_type": {
            "id": type_id,
            "description": CATALOGUE[type_id].name if type_id in CATALOGUE else "Unknown",
        },
        "event_source": {"id": source, "description": _SOURCE_NAMES[source]},
        "event_severity": {"id": int(warn), "description": "Warn" if warn else "Info"},
        "alert": warn,
        "description": _describe(type_id, variant, service_profile) if type_id in CATALOGUE else "",
        "organisation": {"id": organisation, "name": f"Organisation {organisation}"},
    }
    if endpoint is not None:
        event["endpoint"] = {
            "id": endpoint,
            "name": f"device {endpoint}",
            "imei": None,
            "ip_address": None,
            "tags": None,
        }
        event["sim"] = {"id": endpoint + 1, "iccid": f"8988{endpoint:015d}"}
    if type_id in (28, 29, 30, 40, 41) and subject:
        event["user"] = {"id": 1, "name": subject, "username": subject}
        if type_id in (40, 41):
            event["description"] = (
                f"User '{subject}' {'verified successfully' if type_id == 41 else 'verification requested'}"
            )
    detail = _detail(type_id, variant, subject, quota)
    if detail is not None:
        event["detail"] = detail
    return event

"""Building events in the platform's JSON shape, for scenarios and generated tests.

A scenario step says ``event: Quota used up``; the simulator still feeds its engine what the
platform would send, so that scenarios exercise the same parser as real streams. Shapes follow
the real payloads (source, severity, alert, description wording, ``detail``) closely enough
that ``parse_event`` reads back exactly the kind that was asked for: the inverse of parsing.
What differs per type (source, wording, ``detail``) is the catalogue's ``sample`` of the
variant; this module fills it in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sim.events.catalogue import API, CATALOGUE, POLICY_CONTROL
from sim.events.fields import digits_id
from sim.events.semantics import SOURCE_NAMES


def timestamp(moment: float) -> str:
    """The platform's usual timestamp format."""
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _fill(template: Any, values: dict[str, Any]) -> Any:
    """The sample with ``{subject}``, ``{subject_number}`` and ``{service_profile}`` filled in;
    a string that is only ``{subject_number}`` becomes the number itself when it is one."""
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    if isinstance(template, str):
        if template == "{subject_number}":
            subject = values["subject"]
            found = digits_id(subject) if subject else None
            return subject if found is None else found
        if template == "{subject}":
            return values["subject"]
        return template.format(**values) if "{" in template else template
    return template


def _endpoint(endpoint: int) -> dict[str, Any]:
    return {"id": endpoint, "name": f"device {endpoint}", "imei": None, "ip_address": None,
            "tags": None}  # fmt: skip


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
    """One event as the platform would send it. ``quota`` adds fields to an assigned quota
    (e.g. ``{"expiryDate": "2025-06-01T00:00:00Z"}``)."""
    etype = CATALOGUE.get(type_id)
    effect = etype.effects[variant] if etype else None
    source = effect.source if effect else API
    warn = source == POLICY_CONTROL
    event: dict[str, Any] = {
        "id": event_id,
        "timestamp": timestamp(time),
        "event_type": {"id": type_id, "description": etype.name if etype else "Unknown"},
        "event_source": {"id": source, "description": SOURCE_NAMES[source]},
        "event_severity": {"id": int(warn), "description": "Warn" if warn else "Info"},
        "alert": warn,
        "description": f"{etype.name}." if etype else "",
        "organisation": {"id": organisation, "name": f"Organisation {organisation}"},
    }
    if endpoint is not None:
        event["endpoint"] = _endpoint(endpoint)
        event["sim"] = {"id": endpoint + 1, "iccid": f"8988{endpoint:015d}"}
    if effect is not None:
        values = {"subject": subject or "default", "service_profile": service_profile}
        event |= _fill(effect.sample, values)
    if quota and etype is not None and etype.payload == "quota":
        event["detail"]["quota"] |= quota
    return event

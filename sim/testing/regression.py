"""A walked history as a scenario document: the events as sent, and the states the model expects.

Used by the property-testing toolkit to turn a shrunk failing history into a regression case:
the document replays the exact payloads (``event_json`` steps) and asserts, after each
delivery, the states the model holds for the keys the user's system reported. It passes under
``devicesim run``; replayed against the user's system, it reproduces the failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.engine.trace import format_time
from sim.testing.walker import ORGANISATION, PROFILE, START


def alias(endpoint: int) -> str:
    """The scenario alias of a device."""
    return f"device-{endpoint}"


def scenario_document(
    name: str,
    description: str,
    endpoints: Sequence[int],
    deliveries: Sequence[tuple[list[dict[str, Any]], dict[int, dict[str, str]]]],
) -> dict[str, Any]:
    """A scenario: each delivery (events, expected states by endpoint) becomes steps."""
    steps: list[dict[str, Any]] = []
    for events, expected in deliveries:
        for event in events:
            steps.append({"event_json": event})
        if steps and expected:
            steps[-1]["expect"] = {alias(e): dict(states) for e, states in expected.items()}
    if not steps:
        steps.append({"wait": "1s"})
    return {
        "name": name,
        "description": description,
        "tags": ["generated"],
        "mode": "strict",
        "start": format_time(START),
        "setup": {
            "organisation": {"id": ORGANISATION},
            "service_profiles": {"profile": {"id": PROFILE}},
            "devices": {alias(e): {"endpoint": e, "service_profile": "profile"} for e in endpoints},
        },
        "steps": steps,
    }

"""The JSON Schema of scenario files, built from the same vocabulary the validator uses.

The schema ships as ``sim/scenarios/scenario.schema.json`` for editors (YAML language servers read
JSON Schema); a test keeps that file equal to ``scenario_schema()``. The validator in
``sim.scenario_file`` stays the authority: it also checks what a schema cannot (aliases that
exist, states that fit their machine, case-insensitive names) and says where.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from sim.engine.outcomes import OUTCOMES
from sim.engine.vocabulary import (
    DEVICE_NAMES,
    ENTITY_MACHINES,
    FLAG_VALUES,
    MACHINES,
    PROFILE_MACHINES,
    QUOTA_ACTIONS,
    STATE_ATTRIBUTES,
    states,
)
from sim.events.catalogue import CATALOGUE, KINDS, REFUSALS

SCHEMA_FILE = "scenario.schema.json"
Schema = dict[str, Any]


def _enum(values: Iterable[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


def _closed(properties: Schema, **extra: Any) -> Schema:
    return {"type": "object", "additionalProperties": False, "properties": properties, **extra}


_DURATION: Schema = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$"},
    ]
}
_SWITCHES: Schema = _closed({s: _enum(states(s)) for s in PROFILE_MACHINES})


def _device_states(names: Iterable[str]) -> Schema:
    return _closed({name: _device_value(name) for name in names})


def _device_value(name: str) -> Schema:
    """A flag is a YAML boolean (or its word); anything else one of its names."""
    values = DEVICE_NAMES[name]
    if values == FLAG_VALUES:
        return {"oneOf": [{"type": "boolean"}, _enum(values)]}
    return _enum(values)


def _expectations(whose: str) -> Schema:
    return {
        "description": f"{{alias: {{machine or view: state}}}}, or {{machine or view: state}} for {whose}",
        "type": "object",
        "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "boolean"}, _device_states(DEVICE_NAMES)]
        },
    }


def _organisation_expectations() -> Schema:
    return _closed(
        {
            "organisation": _enum(states("organisation")),
            "service_profiles": {"type": "object", "additionalProperties": _SWITCHES},
            **{
                m: {"type": "object", "additionalProperties": {"type": "string"}}
                for m in ENTITY_MACHINES
            },
        }
    )


def _step() -> Schema:
    actions = ("event", "event_json", "events_file", "wait", "set")
    variants = sorted({variant for _, variant in KINDS[1:] if variant})
    properties: Schema = {
        "event": {
            "description": "a catalogue name (case-insensitive) or id, e.g. 'Quota used up' or 19",
            "oneOf": [{"type": "integer", "enum": sorted(CATALOGUE)}, {"type": "string"}],
        },
        "event_json": {"type": "object", "description": "a raw event as the platform sends it"},
        "events_file": {
            "type": "string",
            "description": "JSON, JSON array or JSON Lines, relative to the scenario",
        },
        "wait": _DURATION,
        "set": {"type": "object", "additionalProperties": {"type": "string"}},
        "device": {"type": "string"},
        "service_profile": {"type": "string"},
        "subject": {"type": ["string", "integer"]},
        "outcome": _enum(OUTCOMES),
        "rejected": {"type": "boolean"},
        "reason": _enum(r.code for r in REFUSALS),
        "variant": _enum(variants),
        "after": _DURATION,
        "quota": _closed(
            {
                "action_on_exhaustion": _enum(QUOTA_ACTIONS),
                "expiry": _DURATION,
                "volume": {"type": "number"},
            }
        ),
        "expect": _expectations("the step's device"),
        "expect_organisation": _organisation_expectations(),
    }
    return _closed(properties, oneOf=[{"required": [action]} for action in actions])


def _setup() -> Schema:
    quota = _closed(
        {
            "volume": {"type": "number"},
            "action_on_exhaustion": _enum(QUOTA_ACTIONS),
            "threshold_percentage": {"type": "number"},
            "expiry": {"oneOf": [_DURATION, {"type": "string", "format": "date-time"}]},
        }
    )
    device = _closed(
        {
            "endpoint": {"type": "integer"},
            "service_profile": {"type": "string"},
            "state": _device_states([*MACHINES, *STATE_ATTRIBUTES]),
            "data_quota": quota,
            "sms_quota": quota,
        }
    )
    profile = _closed({"id": {"type": "integer"}, **_SWITCHES["properties"]})
    organisation = _closed(
        {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "state": _enum(states("organisation")),
        }
    )
    return _closed(
        {
            "organisation": organisation,
            "service_profiles": {"type": "object", "additionalProperties": profile},
            "devices": {"type": "object", "additionalProperties": device},
        }
    )


def scenario_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "emnify-devicesim scenario",
        "description": "A scenario replays emnify events against devices and asserts their states (docs/scenarios.md).",
        **_closed(
            {
                "name": {"type": "string"},
                "description": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "mode": _enum(["strict", "lenient"]),
                "start": {"type": "string", "format": "date-time"},
                "setup": _setup(),
                "steps": {"type": "array", "minItems": 1, "items": _step()},
                "expect": _expectations("the one device of a one-device scenario"),
                "expect_organisation": _organisation_expectations(),
            },
            required=["name", "steps"],
        ),
    }


def schema_path() -> Path:
    """Where the schema file is installed (what editors are pointed at)."""
    return Path(str(resources.files("sim.scenarios").joinpath(SCHEMA_FILE))).resolve()


def shipped_schema() -> str:
    """The schema file as installed with the package."""
    return resources.files("sim.scenarios").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")

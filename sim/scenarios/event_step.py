"""Reading an ``event`` step: a catalogue event by name or id, and what shapes its payload.

The device or service profile it is about, its variant (a refused session and why, the
action of an assigned quota), the user or breakout it names, its timing and its expected
outcome; every key that does not apply to the event named is refused, not ignored.
"""

from __future__ import annotations

from sim.engine.outcomes import OUTCOMES
from sim.engine.vocabulary import QUOTA_ACTIONS
from sim.errors import shown, suggest
from sim.events.catalogue import REFUSALS, EventType, lookup, names
from sim.io.positioned_yaml import PositionedDict
from sim.scenarios.model import ScenarioStep, Setup
from sim.scenarios.reader import Reader

#: The ``reason`` of a refused session left for the runner to choose, as the platform would.
AUTO_REASON = "auto"


def timing_and_outcome(reader: Reader, data: PositionedDict, step: ScenarioStep) -> None:
    if "after" in data:
        step.after = reader.duration(data["after"], data.value_at("after"))
    if "outcome" in data:
        where = data.value_at("outcome")
        step.outcome = reader.choice(
            data["outcome"], where, OUTCOMES, f"step {step.number}: outcome"
        )
        step.outcome_where = reader.where(where)


def read_event(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> None:
    etype = lookup(data["event"]) if isinstance(data["event"], int | str) else None
    if etype is None:
        reader.fail(
            data.value_at("event"),
            f"step {step.number}: unknown event {shown(data['event'])}"
            f"{suggest(str(data['event']), names()) or ' (devicesim events lists them)'}",
        )
    step.type_id, step.label = etype.id, f"{etype.id} {etype.name}"
    if etype.scope == "endpoint" and step.device is None:
        reader.fail(
            data.position,
            f"step {step.number}: '{etype.name}' needs a device: one of {', '.join(setup.devices)}",
        )
    if etype.scope != "endpoint" and "device" in data:
        reader.fail(
            data.key_at("device"),
            f"step {step.number}: '{etype.name}' is an {etype.scope.replace('_', ' ')} event: 'device' does not apply",
        )
    if etype.scope == "service_profile":
        step.service_profile = read_profile(reader, setup, data, step)
    for key, applies in (
        ("service_profile", etype.scope == "service_profile"),
        ("subject", _about_someone(etype)),
    ):
        if key in data and not applies:
            with reader.recovering():
                reader.fail(
                    data.key_at(key),
                    f"step {step.number}: {key!r} does not apply to '{etype.name}' (it names "
                    f"{'the profile of a service profile event' if key == 'service_profile' else 'the user or breakout of an event about one'})",
                )
    step.subject = str(data["subject"]) if "subject" in data else None
    step.variant = _variant(reader, data, etype, step)
    timing_and_outcome(reader, data, step)


def _about_someone(etype: EventType) -> bool:
    """True for the events about a user or a breakout, whose payload names a ``subject``."""
    return any("{subject" in repr(effect.sample) for effect in etype.effects.values())


def _variant(reader: Reader, data: PositionedDict, etype: EventType, step: ScenarioStep) -> str:
    variants = tuple(v for v in etype.effects if v)
    if "variant" in data:
        if not variants:
            reader.fail(
                data.key_at("variant"), f"step {step.number}: '{etype.name}' has no variants"
            )
        return reader.choice(
            data["variant"], data.value_at("variant"), variants, f"step {step.number}: variant"
        )
    if etype.payload == "session":
        return _session_variant(reader, data, step)
    for key in ("rejected", "reason"):
        if key in data:
            reader.fail(
                data.key_at(key),
                f"step {step.number}: {shown(key)} applies only to Create PDP Context",
            )
    if etype.payload == "quota" and "quota" in data:
        return _quota(reader, data, etype, step)
    if "quota" in data:
        reader.fail(
            data.key_at("quota"),
            f"step {step.number}: 'quota' applies only to Data or SMS quota assigned",
        )
    return etype.default_variant


def _session_variant(reader: Reader, data: PositionedDict, step: ScenarioStep) -> str:
    rejected = data.get("rejected", False)
    if not isinstance(rejected, bool):
        reader.fail(
            data.value_at("rejected"),
            f"step {step.number}: rejected must be true or false, got {shown(rejected)}",
        )
    if "reason" in data and not rejected:
        reader.fail(data.key_at("reason"), f"step {step.number}: 'reason' needs 'rejected: true'")
    if not rejected:
        return "accepted"
    if "reason" not in data:
        return f"rejected:{AUTO_REASON}"
    reasons = tuple(r.code for r in REFUSALS)
    return "rejected:" + reader.choice(
        data["reason"], data.value_at("reason"), reasons, f"step {step.number}: reason"
    )


def _quota(reader: Reader, data: PositionedDict, etype: EventType, step: ScenarioStep) -> str:
    quota = reader.mapping(data["quota"], data.value_at("quota"), f"step {step.number}: quota")
    actions = tuple(v for v in etype.effects if v)
    allowed = ("action_on_exhaustion", "expiry", "volume") if actions else ("expiry", "volume")
    reader.keys(quota, allowed, f"step {step.number}: quota")
    if "expiry" in quota:
        step.quota["expiry"] = reader.duration(quota["expiry"], quota.value_at("expiry"))
    if "volume" in quota:
        step.quota["volume"] = quota["volume"]
    if not actions:
        return etype.default_variant
    action = reader.choice(
        quota.get("action_on_exhaustion", QUOTA_ACTIONS[0]),
        quota.value_at("action_on_exhaustion"),
        QUOTA_ACTIONS,
        "action_on_exhaustion",
    )
    return action.lower()


def read_profile(reader: Reader, setup: Setup, data: PositionedDict, step: ScenarioStep) -> str:
    if "service_profile" not in data:
        if len(setup.profiles) == 1:
            return next(iter(setup.profiles))
        reader.fail(
            data.position,
            f"step {step.number}: name the service_profile: one of {', '.join(setup.profiles) or '(none declared in setup)'}",
        )
    return reader.alias(data, "service_profile", setup.profiles, step.number)

"""The events a person can send next in the playground, by section of the catalogue, each
marked possible or not from where the session is.

A device event is previewed on the selected device (the engine's own answer, preconditions
included); an organisation, service-profile or entity event is possible when each machine it
drives allows its trigger from the state that machine is in. Impossible events stay on offer:
the playground follows them as a lenient scenario does, and says why they were impossible.
"""

from __future__ import annotations

from typing import Any

from sim.engine.machines import RUNNERS
from sim.engine.organisation_state import OrganisationState
from sim.engine.outcomes import INCONSISTENT
from sim.events.catalogue import CATALOGUE, CATEGORIES, Effect, EventType
from sim.scenarios.session import SUBJECTS, Session

#: The variants offered as buttons of their own; every other type is offered as it usually comes.
ACCEPTED, REJECTED = "accepted", "rejected"
_OFFERED = {3: (ACCEPTED, REJECTED)}


def offered(etype: EventType) -> tuple[str, ...]:
    """The variants of a type that get a button."""
    return _OFFERED.get(etype.id, ("",))


def _machine_says(effect: Effect, holder: dict[str, str], subject: str | None) -> str | None:
    """Why a trigger of ``effect`` cannot fire from where its machine is, or None."""
    for machine, trigger in effect.triggers:
        current = holder.get(subject if subject is not None else machine, RUNNERS[machine].initial)
        if RUNNERS[machine].fire(current, trigger) is None:
            return f"{machine} cannot '{trigger}' from {current}"
    return None


def _organisation_level(
    etype: EventType, organisation: OrganisationState, profile: int | None
) -> str | None:
    effect = etype.effects[etype.default_variant]
    if not effect.triggers:
        return None
    machine = effect.triggers[0][0]
    if etype.scope == "service_profile":
        return _machine_says(effect, organisation.profile(profile) if profile else {}, None)
    if etype.subject == "entity":
        return _machine_says(effect, organisation.entities.get(machine, {}), SUBJECTS[machine])
    return _machine_says(effect, organisation.status, None)


def why_impossible(session: Session, etype: EventType, variant: str) -> str | None:
    """Why sending ``etype`` now is impossible (what the model would warn), or None."""
    result = session.result()
    fleet = result.fleet
    assert fleet is not None, "a session's run keeps its fleet"
    if etype.scope == "endpoint":
        if variant == REJECTED:
            return None
        kind = (
            etype.id,
            etype.default_variant if variant == ACCEPTED else variant or etype.default_variant,
        )
        preview = fleet.preview(session.devices[session.selected], kind)
        return (preview.warnings or ("impossible",))[0] if preview.outcome == INCONSISTENT else None
    organisation = fleet.organisations[result.scenario.organisation]
    profile = next(iter(result.scenario.profiles.values()), None)
    return _organisation_level(etype, organisation, profile)


def choices(session: Session) -> list[dict[str, Any]]:
    """Every offered event by catalogue section: type id, variant, label, whether it is
    possible now and why not."""
    sections: dict[str, list[dict[str, Any]]] = {category: [] for category in CATEGORIES}
    for etype in CATALOGUE.values():
        for variant in offered(etype):
            why = why_impossible(session, etype, variant)
            sections[etype.category].append({
                "type": etype.id,
                "variant": variant,
                "label": f"{etype.id} {etype.name}" + (f" ({variant})" if variant else ""),
                "possible": why is None,
                "why": why,
                "explanation": etype.explanation,
            })  # fmt: skip
    return [{"category": c, "events": events} for c, events in sections.items() if events]

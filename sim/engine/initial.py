"""What the model knows about devices and organisations before the first event.

A device seen for the first time is an in-service device (SIM Activated and Assigned, endpoint
Enabled, policy Unblocked, Detached, no data session, no quotas) unless the initial state says
otherwise, per device or for all devices; when a replay starts from evidence, those values are
assumptions and only what a device entry states is known. Organisations start Active and service profiles with
quota management Disabled. Service-profile membership is never in the events, so it comes
only from here. ``sim.io.initial_file`` reads these from a YAML or JSON document; scenarios
build them from their ``setup``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from sim.engine.organisation_state import OrganisationState
from sim.engine.state import Context, DeviceState
from sim.engine.step import apply_rules
from sim.errors import InitialStateError
from statemachines import organisation as organisation_machine


@dataclass(frozen=True)
class DeviceSetup:
    """What is known about one device before the stream starts."""

    state: DeviceState = field(default_factory=DeviceState)
    organisation: int | None = None
    service_profile: int | None = None
    #: The machines the setup states (facts); the others come from the defaults and, when a
    #: replay starts from evidence, are assumptions. None: every machine is stated.
    known: frozenset[str] | None = None


@dataclass(frozen=True)
class OrganisationSetup:
    """What is known about one organisation: its status and its profiles' switches."""

    organisation: str = organisation_machine.ACTIVE
    service_profiles: Mapping[int, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class InitialState:
    """Defaults for new devices, plus known devices and organisations."""

    defaults: DeviceState = field(default_factory=DeviceState)
    devices: Mapping[Hashable, DeviceSetup] = field(default_factory=dict)
    organisations: Mapping[int | None, OrganisationSetup] = field(default_factory=dict)


def consistent(state: DeviceState, context: Context, where: str) -> None:
    """Refuse a starting state that a cross-machine rule would change at once."""
    _, changes = apply_rules(state, context)
    if changes:
        first = changes[0]
        rule = first.cause.removeprefix("rule:")
        raise InitialStateError(
            f"{first.machine} {first.source} breaks rule {rule} ({first.reason})", field=where
        )


def organisation_state(setup: OrganisationSetup | None) -> OrganisationState:
    """A fresh, mutable ``OrganisationState`` holding what the setup says."""
    if setup is None:
        return OrganisationState()
    profiles = {pid: dict(switches) for pid, switches in setup.service_profiles.items()}
    return OrganisationState({"organisation": setup.organisation}, profiles)

"""Organisation-level state: status, service profiles, and the entities events name.

Organisations and service profiles are kept apart from devices and consulted by them: a
device reads its ``Context`` (organisation status, quota management of its profile) from here.
CloudConnect breakouts, OpenVPN clients and users are machines keyed by the id the event
names. Events that change nothing are counted in an audit trail by type name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sim.engine.machines import RUNNERS
from sim.engine.state import Context
from sim.engine.vocabulary import ENTITY_MACHINES, PROFILE_MACHINES, UNKNOWN


@dataclass
class OrganisationState:
    """One organisation: its status, its service profiles and organisation-level entities."""

    #: The organisation machine's state, as a one-slot mapping like every other holder.
    status: dict[str, str] = field(
        default_factory=lambda: {"organisation": RUNNERS["organisation"].initial}
    )
    #: profile id -> machine name -> state.
    service_profiles: dict[int, dict[str, str]] = field(default_factory=dict)
    #: machine name -> entity key -> state.
    entities: dict[str, dict[str, str]] = field(default_factory=dict)
    audit: Counter[str] = field(default_factory=Counter)

    @property
    def organisation(self) -> str:
        """Active or Blocked."""
        return self.status["organisation"]

    def holder(self, machine: str, profile_id: int | None = None) -> dict[str, str]:
        """The mapping a machine's state lives in: the organisation's status, a service
        profile's switches (``profile_id`` required) or the entities of one kind, by key."""
        if machine == "organisation":
            return self.status
        if machine in PROFILE_MACHINES:
            if profile_id is None:
                raise ValueError(f"{machine} belongs to a service profile: name one")
            return self.profile(profile_id)
        return self.entities.setdefault(machine, {})

    def profile(self, profile_id: int) -> dict[str, str]:
        """The profile's switches, created with the machines' initial states on first use."""
        found = self.service_profiles.get(profile_id)
        if found is None:
            found = self.service_profiles[profile_id] = {
                m: RUNNERS[m].initial for m in PROFILE_MACHINES
            }
        return found

    def context(self, profile_id: int | None) -> Context:
        """What a device of this organisation and profile reads."""
        if profile_id is None:
            return Context(self.organisation, UNKNOWN, UNKNOWN)
        switches = self.profile(profile_id)
        return Context(
            self.organisation,
            switches["data_quota_management"],
            switches["sms_quota_management"],
        )

    def to_json(self) -> dict[str, object]:
        """The organisation as ``devicesim replay --json`` prints it."""
        out: dict[str, object] = {
            "organisation": self.organisation,
            "service_profiles": {str(k): dict(v) for k, v in sorted(self.service_profiles.items())},
        }
        for machine in ENTITY_MACHINES:
            if self.entities.get(machine):
                out[machine] = dict(sorted(self.entities[machine].items()))
        if self.audit:
            out["audit"] = dict(sorted(self.audit.items()))
        return out

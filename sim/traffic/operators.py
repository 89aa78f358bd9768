"""What operators do: switch quota management on, suspend SIMs, disable endpoints, and the
organisation's cost limit that blocks it for a while.

One ``Operator`` per organisation acts at random moments (a Poisson process at the profile's
rates per device or organisation and week) and undoes what it did after the action's
``lasts``: SIM activation after a suspension, Endpoint enabled after a disable, and an
organisation unblocked with no event (the platform reports none; the model is told, and a
replay proves it from the next registration).
"""

from __future__ import annotations

from sim.events.catalogue import KIND_IDS, Kind
from sim.traffic.devices import Device
from sim.traffic.generator import Generation
from statemachines import organisation as organisation_machine

WEEK_MS = 7 * 86_400_000
_SUSPEND, _DISABLE, _BLOCK = (9, ""), (43, ""), (12, "")
_UNDO: dict[Kind, Kind] = {_SUSPEND: (8, ""), _DISABLE: (42, "")}


class Operator:
    """The people running one organisation's fleet."""

    def __init__(self, generation: Generation, organisation: int, devices: list[Device]) -> None:
        self.generation = generation
        self.organisation = organisation
        self.devices = devices
        profile = generation.profile
        actions = (profile.suspend, profile.disable, profile.organisation_block)
        self.kinds = (_SUSPEND, _DISABLE, _BLOCK)
        #: Per week: suspensions and disables for each device, blocks for the organisation.
        self.rates = tuple(
            a.rate * (len(devices) if a is not profile.organisation_block else 1) for a in actions
        )
        self.lasts = tuple(action.lasts for action in actions)
        self.total = sum(self.rates)

    def switch_quota_management_on(self, ms: int) -> None:
        """Data quota enabled for the organisation's service profile."""
        profile_id = self.generation.setup.profile_of(self.organisation)
        self.generation.organisation_event(
            (52, ""), ms, self.organisation, service_profile=profile_id
        )

    def schedule(self, ms: int) -> None:
        """The next action, after an exponentially distributed wait."""
        if self.total > 0:
            wait = round(self.generation.rng.expovariate(self.total) * WEEK_MS)
            self.generation.at(ms + max(1, wait), Operator.act, self)

    def act(self, ms: int) -> None:
        """One action, chosen by the rates; undone after it lasted."""
        generation = self.generation
        rng = generation.rng
        pick = rng.choices(range(len(self.kinds)), self.rates)[0]
        kind, later = self.kinds[pick], ms + generation.spread(self.lasts[pick])
        if kind == _BLOCK:
            state = generation.fleet.organisations[self.organisation].organisation
            if state == organisation_machine.ACTIVE:
                generation.organisation_event(_BLOCK, ms, self.organisation)
                generation.at(later, Operator.unblock, self)
        elif self.devices:
            device = rng.choice(self.devices)
            if generation.send(device, KIND_IDS[kind], ms):
                generation.at(later, _undo, (device, _UNDO[kind]))
        self.schedule(ms)

    def unblock(self, ms: int) -> None:
        """The cost limit raised or the balance topped up: no event says so."""
        self.generation.fleet.set_state(
            None,
            "organisation",
            organisation_machine.ACTIVE,
            organisation=self.organisation,
            by="generate",
        )


def _undo(subject: tuple[Device, Kind], ms: int) -> None:
    device, kind = subject
    device.generation.send(device, KIND_IDS[kind], ms)


def operate(generation: Generation, devices: list[Device], ms: int) -> None:
    """Every organisation's operator: quota management on where the profile says, at once;
    then actions at random."""
    members: dict[int, list[Device]] = {org: [] for org in generation.setup.organisations}
    for device in devices:
        members[device.who.organisation].append(device)
    for index, (org, devices) in enumerate(members.items()):
        operator = Operator(generation, org, devices)
        if org in generation.setup.managed:
            generation.at(ms + 1000 + index, Operator.switch_quota_management_on, operator)
        operator.schedule(ms + 60_000)

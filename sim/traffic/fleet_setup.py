"""Who is in a generated fleet: devices with their behaviour, organisation and profile.

Devices are endpoints 10,000,000 + n (SIM 30,000,000 + n) of organisations 5,000 + k, spread
evenly; organisation 5,000 + k has one service profile, 700 + k. Behaviours are drawn from the
profile's mix, and so are the devices provisioned during the run (their SIM starts Issued) and
the organisations whose profile switches data quota management on.
"""

from __future__ import annotations

import random
from collections.abc import Hashable

from sim.engine.initial import DeviceSetup, InitialState, OrganisationSetup
from sim.engine.state import DeviceState
from sim.traffic.behaviours import SCRIPTS
from sim.traffic.devices import Device
from sim.traffic.payloads import NETWORKS, identity
from sim.traffic.profile import Profile
from statemachines import sim

FIRST_ENDPOINT = 10_000_000
FIRST_SIM = 30_000_000
FIRST_ORGANISATION = 5_000
FIRST_PROFILE = 700
#: A device provisioned during the run: its SIM is activated by the operator first.
PROVISIONED = DeviceState(sim=sim.ISSUED)


class FleetSetup:
    """The devices (by endpoint id) and organisations of a generated fleet."""

    def __init__(self, profile: Profile, devices: int, rng: random.Random) -> None:
        self.organisations = [FIRST_ORGANISATION + k for k in range(profile.organisations)]
        self.managed = {
            org for org in self.organisations if rng.random() < profile.quota_management
        }
        names = [name for name, share in profile.mix.items() if share > 0]
        weights = [profile.mix[name] for name in names]
        self.devices: dict[int, Device] = {}
        for number in range(devices):
            behaviour = rng.choices(names, weights)[0]
            org = self.organisations[number % len(self.organisations)]
            who = identity(
                FIRST_ENDPOINT + number, FIRST_SIM + number, org, f"{behaviour}-{number:06d}"
            )
            script = SCRIPTS[behaviour](random.Random(rng.random()), profile.behaviours[behaviour])
            self.devices[who.endpoint] = Device(
                who,
                script,
                network=rng.randrange(len(NETWORKS)),
                new=rng.random() < profile.new_devices,
                managed=org in self.managed,
            )

    def profile_of(self, organisation: int) -> int:
        """The service profile of an organisation's devices."""
        return FIRST_PROFILE + organisation - FIRST_ORGANISATION

    def initial(self) -> InitialState:
        """What the model knows before the first event: every device's organisation and
        profile, and which ones are still to be provisioned."""
        devices: dict[Hashable, DeviceSetup] = {
            endpoint: DeviceSetup(
                PROVISIONED if device.new else DeviceState(),
                device.who.organisation,
                self.profile_of(device.who.organisation),
            )
            for endpoint, device in self.devices.items()
        }
        return InitialState(
            devices=devices, organisations={o: OrganisationSetup() for o in self.organisations}
        )

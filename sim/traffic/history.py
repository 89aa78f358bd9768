"""A generated fleet history, ready to run: ``generate``."""

from __future__ import annotations

import random

from sim.traffic.devices import start
from sim.traffic.fleet_setup import FleetSetup
from sim.traffic.generator import START_MS, Generation
from sim.traffic.operators import operate
from sim.traffic.profile import Profile


def generate(profile: Profile, devices: int, duration: float, seed: int) -> Generation:
    """A history of ``devices`` devices over ``duration`` seconds, deterministic per ``seed``:
    iterate the result's ``chunks()``."""
    rng = random.Random(seed)
    setup = FleetSetup(profile, devices, rng)
    generation = Generation(profile, setup, setup.initial(), duration, rng)
    operate(generation, list(setup.devices.values()), START_MS)
    for device in setup.devices.values():
        start(generation, device, START_MS)
    return generation

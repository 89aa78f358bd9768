"""What devices do, as scripts: each yields what the device tries next and how long it waits.

A script says what the device *tries*; the generator asks the model whether the network and the
platform let it (a suspended SIM cannot register, a session is refused without quota) and sends
back whether it worked. So a script stays a few lines of habit, and every consequence, refusals
and cut sessions included, comes from the model.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from typing import NamedTuple

from sim.traffic.profile import Behaviour

#: Register on the network (Update location, then Update GPRS location).
ATTACH = "attach"
#: Open a data session that carries ``volume`` MB over ``length`` seconds.
SESSION = "session"
#: Move to another network: purged by the old one, registered on the new one.
ROAM = "roam"
#: Fall silent: the network purges the registration after the wait.
PURGE = "purge"


class Intent(NamedTuple):
    """What a device tries after waiting ``wait`` seconds."""

    wait: float
    what: str
    volume: float = 0.0
    length: float = 0.0
    #: Update PDP Context events during the session (handovers of an always-on device).
    updates: int = 0


#: A device's script: yields intents, is sent whether each one worked.
Script = Generator[Intent, bool, None]


def spread(rng: random.Random, mean: float) -> float:
    """A value around ``mean`` (from half to one and a half times it)."""
    return mean * (0.5 + rng.random())


def _session(rng: random.Random, habit: Behaviour, wait: float) -> Intent:
    length = spread(rng, habit.session)
    updates = int(length // habit.update_every) if habit.update_every else 0
    return Intent(wait, SESSION, spread(rng, habit.volume), length, updates)


def tracker(rng: random.Random, habit: Behaviour) -> Script:
    """Duty-cycled: wake, register, send in one session, sleep."""
    yield Intent(rng.uniform(0, habit.period), ATTACH)
    while True:
        yield _session(rng, habit, rng.uniform(1, 5))
        yield Intent(spread(rng, habit.period), ATTACH)


def router(rng: random.Random, habit: Behaviour) -> Script:
    """Always on: long sessions, reopened at once; refused ones retried every quarter hour."""
    wait = rng.uniform(0, habit.period)
    while True:
        yield Intent(wait, ATTACH)
        accepted = yield _session(rng, habit, rng.uniform(1, 10))
        wait = rng.uniform(1, habit.period) if accepted else spread(rng, 900)


def roamer(rng: random.Random, habit: Behaviour) -> Script:
    """A tracker that changes network on ``roam`` percent of its wakes."""
    yield Intent(rng.uniform(0, habit.period), ATTACH)
    while True:
        yield _session(rng, habit, rng.uniform(1, 5))
        roams = rng.random() * 100 < habit.roam
        yield Intent(spread(rng, habit.period), ROAM if roams else ATTACH)


def silent(rng: random.Random, habit: Behaviour) -> Script:
    """A tracker that stops for good within ``active_for``; purged ``purge_after`` later."""
    left = rng.uniform(0, habit.active_for)
    wait = rng.uniform(0, habit.period)
    while left > 0:
        yield Intent(wait, ATTACH)
        yield _session(rng, habit, rng.uniform(1, 5))
        wait = spread(rng, habit.period)
        left -= wait
    yield Intent(spread(rng, habit.purge_after), PURGE)


SCRIPTS: dict[str, Callable[[random.Random, Behaviour], Script]] = {
    "tracker": tracker,
    "router": router,
    "roamer": roamer,
    "silent": silent,
}

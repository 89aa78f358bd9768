"""Delivery faults, opt-in and seeded: events delivered twice, and events delivered late.

The Data Streamer delivers at least once and promises no order, so a receiver must
de-duplicate by id and must not assume time order. ``inject`` makes both happen on purpose: a
duplicated event is sent again a few events later; a reordered one is held back past a few
later events.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sim.errors import UsageError, suggest

#: How many later events a duplicate or a held-back event comes after, at most.
WINDOW = 10


@dataclass(frozen=True)
class Faults:
    """Probabilities per event."""

    duplicate: float = 0.0
    reorder: float = 0.0


@dataclass
class Injected:
    """What ``inject`` did."""

    duplicated: int = 0
    reordered: int = 0


def parse_faults(text: str) -> Faults:
    """``duplicate=0.01,reorder=0.05``; ``UsageError`` for anything else."""
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in ("duplicate", "reorder"):
            hint = suggest(name, ("duplicate", "reorder"))
            raise UsageError(
                f"--faults: unknown fault {name!r}{hint}; expected duplicate or reorder"
            )
        try:
            probability = float(value)
        except ValueError:
            probability = -1.0
        if not 0 <= probability <= 1:
            raise UsageError(f"--faults: {name}: expected a probability from 0 to 1, got {value!r}")
        values[name] = probability
    if not values:
        raise UsageError("--faults: expected e.g. duplicate=0.01,reorder=0.05")
    return Faults(**values)


def inject(events: Iterable[bytes], faults: Faults, seed: int, done: Injected) -> Iterator[bytes]:
    """The events with duplicates and late ones, as ``faults`` and ``seed`` decide; every
    event still comes out (held ones at the latest at the end)."""
    rng = random.Random(seed)
    held: list[tuple[int, bytes]] = []
    for number, event in enumerate(events):
        if rng.random() < faults.reorder:
            held.append((number + rng.randint(1, WINDOW), event))
            done.reordered += 1
        else:
            yield event
        if rng.random() < faults.duplicate:
            held.append((number + rng.randint(1, WINDOW), event))
            done.duplicated += 1
        if held and min(due for due, _ in held) <= number:
            due_now = [e for due, e in held if due <= number]
            held = [(due, e) for due, e in held if due > number]
            yield from due_now
    yield from (event for _, event in held)

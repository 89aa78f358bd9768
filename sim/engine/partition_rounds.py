"""The rounds of a replay split by device: partitions replayed until they agree on when each
organisation was unblocked.

Devices act on each other in one way only: an event that is impossible only because its
organisation is Blocked proves the organisation unblocked (domain.md rule 11), for every
device of it from then on, in every partition. A partition cannot know another's proofs. So
every partition first replays on its own and reports what it proved and what touched its
Blocked organisations' devices (``sim.engine.partition_watch``). The real unblocks are the
first proof of each organisation after each change of its status, in any partition. A
partition that proved an unblock later than another did (or never) ends as one process
would when nothing touched the organisation's devices in between; then only its
organisation's status is set at the end, if it never proved it. Otherwise every partition
replays again with the unblocks injected at their place in (timestamp, id) order, until the
proofs each makes are exactly those injected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from sim.engine.partition_run import Injected, Proof, Report

#: Replays every partition with the given unblocks injected; their reports, in order.
RoundRunner = Callable[[list[Injected]], Sequence[Report]]
#: At most this many rounds; partitions that still disagree then are a bug, said so.
MAX_ROUNDS = 20


class Settled(NamedTuple):
    """How the rounds ended: the real unblocks, and per partition the organisations it must
    still unblock in its final state (it never proved them, and nothing needed it sooner)."""

    unblocks: list[Injected]
    fixes: dict[int, list[int | None]]


def replay_rounds(run_round: RoundRunner, changes: Sequence[Proof]) -> Settled:
    """Run the rounds (``run_round`` keeps each round's results: the last are the replay's);
    ``changes`` are the events that may change an organisation's status."""
    reports = run_round([])
    injected = _first_per_change(_found(reports), changes)
    fixes = _settled(reports, injected)
    if fixes is not None:
        return Settled(injected, fixes)
    for _ in range(MAX_ROUNDS):
        found = _found(run_round(injected))
        if found == injected:
            return Settled(injected, {})
        injected = _first_per_change(found, changes)
    raise RuntimeError(f"the partitions still disagree after {MAX_ROUNDS} rounds")


def _found(reports: Sequence[Report]) -> list[Injected]:
    return sorted(
        Injected(time, event_id, org, owner)
        for owner, report in enumerate(reports)
        for time, event_id, org in report.proofs
    )


def _first_per_change(found: list[Injected], changes: Sequence[Proof]) -> list[Injected]:
    """The proofs that can be real: per organisation, the first after each status change."""
    marks = sorted([(time, event_id, 0, org) for time, event_id, org in changes]
                   + [(p.time, p.id, 1, p.organisation) for p in found])  # fmt: skip
    by_key = {(p.time, p.id): p for p in found}
    proven: set[int | None] = set()
    kept = []
    for time, event_id, kind, org in marks:
        if kind == 0:
            proven.discard(org)
        elif org not in proven:
            proven.add(org)
            kept.append(by_key[(time, event_id)])
    return kept


def _settled(
    reports: Sequence[Report], unblocks: list[Injected]
) -> dict[int, list[int | None]] | None:
    """Whether the first round already ends as one process would: None when a partition must
    replay again; else the organisations each must still unblock at its end."""
    fixes: dict[int, list[int | None]] = {}
    for index, report in enumerate(reports):
        for unblock in unblocks:
            if unblock.owner == index:
                continue
            key = (unblock.time, unblock.id)
            period = next(
                (p for p in report.periods
                 if p.organisation == unblock.organisation and p.start < key
                 and (p.end is None or key < p.end)),
                None,
            )  # fmt: skip
            if period is None:
                continue  # Active here too at that moment
            # The proving event itself counts when it moved a device into the organisation.
            if any(org == unblock.organisation and key <= at and (period.end is None or at <= period.end)
                   for at, org in report.hazards):  # fmt: skip
                return None
            if period.end is None:  # still Blocked here at the end
                fixes.setdefault(index, []).append(unblock.organisation)
    return fixes

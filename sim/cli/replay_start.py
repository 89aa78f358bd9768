"""How a replay starts (empty, from ``--initial`` and ``--assume``, or from a saved state), and
the unreadable events it names: shared by ``replay`` and ``why`` in one process and by
``replay --dask`` (``sim.cli.cluster_replay``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sim.engine.fleet import Fleet
from sim.engine.saved_state import SavedState, restore
from sim.engine.store import EVIDENCE
from sim.engine.trace import TraceEntry
from sim.errors import UsageError
from sim.io.initial_file import load_initial
from sim.io.state_file import load_state

#: How many failed or invalid events are named on stderr (the rest are counted).
SHOWN_FAILURES = 20


def name_invalid(invalid: Sequence[str]) -> None:
    """The unreadable events on stderr: the first ``SHOWN_FAILURES``, then how many more."""
    for message in invalid[:SHOWN_FAILURES]:
        print(f"invalid event: {message}", file=sys.stderr)
    if len(invalid) > SHOWN_FAILURES:
        print(f"... and {len(invalid) - SHOWN_FAILURES} more invalid events", file=sys.stderr)


def starting(
    args: argparse.Namespace, *, strict: bool, trace: bool | Callable[[TraceEntry], object]
) -> tuple[Fleet, SavedState | None]:
    """The fleet a replay starts with (from ``--from-state``, or from ``--initial`` and
    ``--assume``), and the saved state it continues, if any."""
    previous = _previous_state(args)
    if previous is not None:
        return restore(previous, lenient=not strict, trace=trace), previous
    initial = load_initial(args.initial) if args.initial else None
    assume = args.assume or EVIDENCE
    fleet = Fleet(initial, lenient=not strict, trace=trace, assume=assume, silent_changes=True)
    return fleet, None


def _previous_state(args: argparse.Namespace) -> SavedState | None:
    """The state ``--from-state`` names, if any; it holds how the fleet started, so
    ``--initial`` and ``--assume`` cannot be given with it."""
    path = getattr(args, "from_state", None)
    if not path:
        return None
    for option, value in (("--initial", args.initial), ("--assume", args.assume)):
        if value:
            raise UsageError(f"{option} cannot be given with --from-state: the saved state "
                             "holds how the fleet started")  # fmt: skip
    return load_state(path)

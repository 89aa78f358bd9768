"""``devicesim replay --dask``: the replay run on a Dask cluster (``sim.scale``), then shown
and saved exactly as a replay in one process is.

Dask is an optional extra, so ``sim.scale`` is imported only here, when ``--dask`` is asked for.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sim.cli.replay_start import name_invalid, starting
from sim.engine.fleet import Fleet
from sim.engine.saved_state import capture, restore
from sim.errors import UsageError
from sim.io.replay import Replay
from sim.io.state_file import save_state


def replayed_on_cluster(
    args: argparse.Namespace, *, strict: bool, save: Path | None
) -> tuple[Fleet, Replay]:
    """The fleet after replaying ``args.paths`` on the cluster; unreadable events are named
    on stderr and counted, as in one process."""
    if "-" in args.paths:
        raise UsageError("--dask reads files on its workers, not standard input: save it first")
    from sim.scale.dask_replay import connected, replay_on

    fleet, previous = starting(args, strict=strict, trace=False)
    start = previous if previous is not None else capture(fleet, [])
    # The workers have working folders of their own.
    paths = [os.path.abspath(path) for path in args.paths]
    with connected(args.scheduler, args.workers) as client:
        merged, invalid = replay_on(client, paths, start, strict=strict, remember=save is not None)
    name_invalid(invalid)
    fleet = restore(merged, lenient=not strict)
    for message in invalid:
        fleet.reject_invalid(message)
    if save is not None:
        save_state(save, capture(fleet, merged.recent))
    return fleet, Replay([], invalid)

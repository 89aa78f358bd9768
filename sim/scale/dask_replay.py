"""``devicesim replay --dask``: event files read, routed and replayed as partitions on Dask.

Each file, or chunk of a large one (``sim.scale.archive``), is read on a worker and stays
there; only the groups of endpoints and SIMs its events name together come back, so that the
client can route every device (``sim.engine.routing``). Each piece then splits its events by
partition on its worker, and each partition gathers its share of every piece (the one
exchange of events between workers) on the worker that replays it, where it stays for as
many rounds as the organisations' unblocks need (``sim.engine.partition_rounds``). Only the
partitions' states come back, and are merged into the state one process would have. A
partition's share of a piece stays as it is when the piece was read on the partition's own
worker, and travels as MessagePack otherwise (``_bucket``).
"""

from __future__ import annotations

import atexit
import gc
import math
import operator
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from sim.engine.partition_rounds import replay_rounds
from sim.engine.partition_run import Injected, Proof, Report, run_partition
from sim.engine.partition_states import merge, split, unblocked
from sim.engine.routing import DeviceLinks, Node, Router, key_node, status_changes
from sim.engine.saved_state import SavedState
from sim.errors import UsageError
from sim.events.catalogue import DEVICE_KINDS
from sim.events.event import Event
from sim.io.decoding import paused_gc
from sim.scale.archive import Read, messages, pieces, read_piece

if TYPE_CHECKING:
    from distributed import Client, Future


def dask_client(scheduler: str | None, workers: int | None) -> Client:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers``
    processes (default: one per core); UsageError when the extra is not installed."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError(
            "replaying on several processes (--dask, --workers above 1) needs Dask: "
            "pip install 'emnify-devicesim[dask]'"
        ) from exc
    if scheduler:
        return Client(scheduler)
    import dask.config

    # These workers live as long as the replay, so they are set up for it, not for a long
    # life: they keep freed memory rather than hand it back to the system at once (Dask's
    # MALLOC_TRIM_THRESHOLD_ makes reading a fifth slower), do not sample their own stacks for
    # a dashboard nobody watches, and more (``_for_one_replay``).
    environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    short_lived = {
        "distributed.nanny.pre-spawn-environ": {
            name: value for name, value in environ.items() if name != "MALLOC_TRIM_THRESHOLD_"
        },
        "distributed.worker.profile.enabled": False,
    }
    with dask.config.set(short_lived):
        cluster = LocalCluster(
            n_workers=workers or _cores(), threads_per_worker=1, processes=True,
            host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50,
        )  # fmt: skip
    client = Client(cluster)
    client.run(_for_one_replay)
    return client


def _for_one_replay() -> None:
    """Set up a worker of the local cluster: without the cyclic garbage collector, whose
    passes over the millions of events it holds free nothing (see ``paused_gc``), and ending
    without freeing them one by one when the cluster closes (that took 3 to 4 s): the
    system takes its memory back at once."""
    gc.disable()
    atexit.register(os._exit, 0)


@contextmanager
def connected(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """``dask_client``, closed (with its local cluster) at the end."""
    client = dask_client(scheduler, workers)
    try:
        yield client
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None and not scheduler:
            cluster.close()


def replay_on(
    client: Client,
    paths: Sequence[str],
    start: SavedState,
    *,
    strict: bool = False,
    partitions: int | None = None,
    remember: bool = True,
) -> tuple[SavedState, list[str]]:
    """Replay the files on the cluster; the merged state and the messages of the events
    that could not be read (not yet counted in the state: the caller counts them). Without
    ``remember`` the state keeps no recent ids: it is shown, not saved."""
    count = partitions or max(1, sum(client.nthreads().values()))
    parts = [piece for path in paths for piece in pieces(path)]
    read: list[Future[Any]] = [client.submit(read_piece, p, strict, pure=False) for p in parts]
    holders, summaries = _summarised(client, read)
    invalid = messages(parts, [(s.invalid, s.positioned, s.lines) for s in summaries], strict)
    links = DeviceLinks()
    for summary in summaries:
        for node, group in summary.links:
            links.join(node, group)
    for sim_id, home in start.sim_homes:
        links.join(("sim", sim_id), key_node(home))
    router = Router(links.pairs(), count)
    routed = client.scatter(router, broadcast=True)
    # Each partition is replayed on one worker, round after round.
    workers = sorted(client.nthreads())
    placed = [workers[p % len(workers)] for p in range(count)]
    buckets = [
        client.submit(_bucket, replay, routed, placed, workers=at)
        for replay, at in zip(read, holders, strict=True)
    ]
    del read
    # One future per (file, partition): a partition fetches its share of each file only.
    shares = [
        [client.submit(operator.getitem, b, p, workers=at) for p in range(count + 1)]
        for b, at in zip(buckets, holders, strict=True)
    ]
    del buckets
    shared = [client.submit(_events, *(share[count] for share in shares), workers=[where])
              for where in placed]  # fmt: skip
    own = [
        client.submit(_events, *(share[p] for share in shares), workers=[placed[p]])
        for p in range(count)
    ]
    del shares
    starts = split(start, router)
    last = max((summary.last for summary in summaries), default=-math.inf)
    until = max(last, start.clock) if start.clock is not None else last
    lenient = not strict
    results: list[Future[Any]] = []

    def run_round(injected: list[Injected]) -> list[Report]:
        def one(p: int) -> Future[Any]:
            task = (own[p], shared[p], starts[p], p, injected, until, lenient, False, remember)
            return client.submit(_run, *task, workers=[placed[p]], pure=False)

        results[:] = [one(p) for p in range(count)]
        reports: list[Report] = client.gather([client.submit(_report, r) for r in results])
        return reports

    settled = replay_rounds(run_round, sorted(c for s in summaries for c in s.changes))
    encoded: list[bytes] = client.gather([client.submit(_state, r) for r in results])
    states = [_DECODE_STATE(state) for state in encoded]
    for index, organisations in settled.fixes.items():
        states[index] = unblocked(states[index], organisations)
    # The events every partition got, replayed once more with the unblocks in place: the
    # organisations as one process has them, and the counts of those events.
    everyone: list[Event] = client.gather(shared[0])
    alone = _run(
        [], everyone, starts[count], count, settled.unblocks, until, lenient, True, remember
    )
    return merge([*states, _DECODE_STATE(alone[0])]), invalid


def _summarised(client: Client, read: list[Future[Any]]) -> tuple[list[list[str]], list[_Summary]]:
    """The worker each piece was read on, and its summary, made there as soon as it is read
    (the first error raised). What was read stays there: every task on it is pinned to it,
    since Dask would otherwise move some, pickling the events one by one."""
    from distributed import as_completed

    position = {future.key: at for at, future in enumerate(read)}
    home: list[list[str]] = [[] for _ in read]
    summaries: list[Future[Any] | None] = [None for _ in read]
    for batch in as_completed(read).batches():
        held = client.who_has(batch)
        for done in batch:
            if done.status == "error":
                done.result()
            at = position[done.key]
            home[at] = [held[done.key][0]]
            summaries[at] = client.submit(_summary, done, workers=home[at])
    return home, client.gather(summaries)


class _Summary(NamedTuple):
    """What the client needs of a piece read on a worker."""

    links: list[tuple[Node, Node]]
    last: float
    changes: list[Proof]
    invalid: list[str]
    positioned: list[tuple[int, str]]
    lines: int


# Tasks: module functions, so that workers import them by name. Events cross between workers
# as MessagePack, decoded straight into ``Event`` tuples.
_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(list[Event]).decode
_DECODE_STATE = msgspec.msgpack.Decoder(SavedState).decode
_TIME = operator.attrgetter("time")
#: A partition's share of a piece: its events, encoded when they go to another worker.
Share = list[Event] | bytes


def _summary(read: Read) -> _Summary:
    events = read.events
    links = DeviceLinks()
    with paused_gc():
        links.add_events(events)
        last = max(map(_TIME, events), default=-math.inf)
    changes = status_changes(events)
    return _Summary(links.pairs(), last, changes, read.invalid, read.positioned, read.lines)


def _bucket(read: Read, router: Router, placed: list[str]) -> list[Share]:
    """The piece's events by partition (the last holds every partition's): as they are for a
    partition replayed on this worker, encoded for one replayed on another (``placed``: each
    partition's worker). Pickling ``Event`` tuples one by one would cost thirty times as much
    as MessagePack, which encodes and decodes a list of them in one call."""
    buckets: list[list[Event]] = [[] for _ in range(router.partitions + 1)]
    # Each endpoint's partition found once: most events name one, and there are many events
    # per endpoint.
    by_endpoint: dict[int, list[Event]] = {}
    with paused_gc():
        for event in read.events:
            endpoint = event.endpoint
            if endpoint is not None and event.kind_id in DEVICE_KINDS:
                bucket = by_endpoint.get(endpoint)
                if bucket is None:
                    bucket = by_endpoint[endpoint] = buckets[router.of_event(event) or 0]
                bucket.append(event)
            else:
                index = router.of_event(event)
                buckets[-1 if index is None else index].append(event)
    from distributed import get_worker  # a task: it runs where Dask is installed

    here = get_worker().address
    # Every partition gets the last bucket: always encoded.
    return [
        bucket if index < len(placed) and placed[index] == here else _ENCODE(bucket)
        for index, bucket in enumerate(buckets)
    ]


def _events(*shares: Share) -> list[Event]:
    events: list[Event] = []
    with paused_gc():
        for share in shares:
            events += _DECODE(share) if isinstance(share, bytes) else share
    return events


def _run(
    own: list[Event],
    shared: list[Event],
    start: SavedState,
    index: int,
    injected: list[Injected],
    until: float,
    lenient: bool,
    counted: bool,
    remember: bool,
) -> tuple[bytes, Report]:
    finite = until if math.isfinite(until) else None
    with paused_gc():
        result = run_partition(
            own, shared, start, index=index, injected=injected, until=finite, lenient=lenient,
            counted=counted, remember=remember,
        )  # fmt: skip
    return _ENCODE(result.state), result.report


def _report(result: tuple[bytes, Report]) -> Report:
    return result[1]


def _state(result: tuple[bytes, Report]) -> bytes:
    return result[0]


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

"""A replay split by device across partitions, in one process or on a Dask cluster, gives
exactly what one process gives: states, counts and the saved state."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import BUSY, examples, histories, history, run_cli, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.fleet import Fleet
from sim.engine.saved_state import SavedState, capture
from sim.engine.store import EVIDENCE
from sim.io.replay import read_all, replay_events
from sim.io.state_file import load_state, saved_after
from sim.traffic.generator import Generation

distributed = pytest.importorskip("distributed", reason="needs the dask extra")


def messy(lines: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """A generated history made as hard as real archives are: devices moved to another
    organisation, SIMs seen without their endpoint first, a SIM moved to another endpoint,
    retransmissions, and no order."""
    payloads = [orjson.loads(line) for line in lines]
    devices = sorted({p["endpoint"]["id"] for p in payloads if "endpoint" in p})
    organisations = sorted({p["organisation"]["id"] for p in payloads})
    for endpoint in rng.sample(devices, min(3, len(devices))):
        mine = [p for p in payloads if p.get("endpoint", {}).get("id") == endpoint]
        cut = rng.randrange(len(mine))
        moved = rng.choice(organisations) + rng.randrange(2)  # another, or a new one
        for payload in mine[cut:]:
            payload["organisation"] = {"id": moved, "name": f"Organisation {moved}"}
        for payload in mine[: rng.randrange(3)]:
            if "sim" in payload:
                del payload["endpoint"]  # the SIM alone, before it is seen in its endpoint
    sims = {p["endpoint"]["id"]: p["sim"] for p in payloads if "endpoint" in p and "sim" in p}
    if len(sims) > 1:
        first, second = rng.sample(sorted(sims), 2)
        later = [p for p in payloads if p.get("endpoint", {}).get("id") == second and "sim" in p]
        for payload in later[len(later) // 2 :]:
            payload["sim"] = sims[first]  # the first device's SIM, now in the second endpoint
    payloads += [dict(p) for p in rng.sample(payloads, min(8, len(payloads)))]
    rng.shuffle(payloads)
    return payloads


def write_files(folder: Path, payloads: list[dict[str, Any]], count: int) -> list[str]:
    """The payloads over ``count`` files: JSON Lines, gzip-compressed JSON Lines, JSON arrays."""
    paths = []
    for index in range(count):
        part = payloads[index::count]
        if index % 3 == 0:
            paths.append(write_jsonl(folder / f"part{index}.jsonl", part))
        elif index % 3 == 1:
            path = folder / f"part{index}.jsonl.gz"
            path.write_bytes(gzip.compress(b"".join(orjson.dumps(p) + b"\n" for p in part)))
            paths.append(str(path))
        else:
            path = folder / f"part{index}.json"
            path.write_bytes(orjson.dumps(part))
            paths.append(str(path))
    return paths


def empty() -> SavedState:
    return capture(Fleet(None, assume=EVIDENCE, silent_changes=True), [])


def one_process(paths: list[str]) -> SavedState:
    read = read_all(paths, workers=1)
    fleet = replay_events(Fleet(None, assume=EVIDENCE, silent_changes=True), read)
    return saved_after(fleet, read.events, None)


def assert_as_one_process(
    client: Any, folder: Path, lines: list[str], seed: int, partitions: int
) -> None:
    """The history, made messy and written to three files, replayed on the cluster in
    ``partitions`` partitions, ends in one process's state."""
    from sim.scale.dask_replay import replay_on

    paths = write_files(folder, messy(lines, random.Random(seed)), 3)
    merged, invalid = replay_on(client, paths, empty(), partitions=partitions)
    assert invalid == []
    assert merged == one_process(paths)


@pytest.fixture(scope="module")
def threads() -> Iterator[Any]:
    """A Dask cluster of two workers in this process: quick to start, for many examples."""
    with distributed.Client(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0"
    ) as client:
        yield client


@settings(max_examples=examples(25))
@given(generated=histories(devices=20), seed=st.integers(0, 2**32), partitions=st.integers(1, 5))
def test_partitions_give_one_process_s_state(
    tmp_path_factory: pytest.TempPathFactory,
    threads: Any,
    generated: tuple[Generation, list[str]],
    seed: int,
    partitions: int,
) -> None:
    _, lines = generated
    assert_as_one_process(threads, tmp_path_factory.mktemp("archive"), lines, seed, partitions)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A local Dask cluster of two worker processes, for the whole module."""
    from sim.scale.dask_replay import connected

    with connected(None, 2) as client:
        yield client


@settings(max_examples=examples(4))
@given(generated=histories(devices=15), seed=st.integers(0, 2**32), partitions=st.integers(2, 4))
def test_a_local_cluster_gives_one_process_s_state(
    tmp_path_factory: pytest.TempPathFactory,
    cluster: Any,
    generated: tuple[Generation, list[str]],
    seed: int,
    partitions: int,
) -> None:
    _, lines = generated
    assert_as_one_process(cluster, tmp_path_factory.mktemp("archive"), lines, seed, partitions)


def test_replay_dask_on_a_folder_of_gzip_files_prints_the_same_bytes_and_saves_the_same_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = history(60, 48, seed=4, profile={**BUSY, "organisations": 3})
    payloads = messy(lines, random.Random(4))
    gzipped = []
    for day in range(3):
        path = tmp_path / f"day{day}.jsonl.gz"
        path.write_bytes(gzip.compress(b"".join(orjson.dumps(p) + b"\n" for p in payloads[day::3])))
        gzipped.append(str(path))

    code, alone, _ = run_cli(
        capsys, "replay", "--json", *gzipped, "--save-state", str(tmp_path / "one.state")
    )
    dask_code, on_cluster, err = run_cli(
        capsys,
        "replay",
        "--json",
        "--dask",
        "--workers",
        "2",
        *gzipped,
        "--save-state",
        str(tmp_path / "dask.state"),
    )

    assert (code, dask_code, err) == (0, 0, "")
    assert on_cluster == alone
    assert (tmp_path / "dask.state").read_bytes() == (tmp_path / "one.state").read_bytes()
    assert load_state(tmp_path / "dask.state").organisations


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--trace"],
            "--trace, --trace-where and --trace-out follow one process: leave out --dask",
        ),
        (["-"], "--dask reads files on its workers, not standard input: save it first"),
    ],
)
def test_what_the_cluster_cannot_do_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    events = write_jsonl(tmp_path / "a.jsonl", [])
    code, out, err = run_cli(capsys, "replay", "--dask", events, *options)
    assert (code, out) == (2, "")
    assert err == f"devicesim: {expected}\n"


def test_without_the_extra_the_message_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    events = write_jsonl(tmp_path / "a.jsonl", [])
    code, _, err = run_cli(capsys, "replay", "--dask", events)
    assert code == 2
    assert err == "devicesim: --dask needs Dask: pip install 'emnify-devicesim[dask]'\n"


def rounds_of(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rounds each replay on the cluster takes, as it goes."""
    from sim.engine.partition_rounds import replay_rounds as real

    counted: list[int] = []

    def counting(run_round: Any, changes: Any) -> Any:
        counted.append(0)

        def counted_round(injected: Any) -> Any:
            counted[-1] += 1
            return run_round(injected)

        return real(counted_round, changes)

    monkeypatch.setattr("sim.scale.dask_replay.replay_rounds", counting)
    return counted


@pytest.mark.parametrize(("seed", "rounds"), [(0, 1), (2, 2)])
def test_partitions_replay_again_only_when_an_unblock_they_missed_could_matter(
    tmp_path: Path, threads: Any, monkeypatch: pytest.MonkeyPatch, seed: int, rounds: int
) -> None:
    """Seed 0: organisations blocked and proved unblocked, and the partitions that proved it
    later had nothing happen in between: one round. Seed 2 (devices moved between
    organisations): a partition could have diverged, so every partition replays again."""
    from sim.scale.dask_replay import replay_on

    counted = rounds_of(monkeypatch)
    _, lines = history(12, 48, seed, {**BUSY, "organisations": 2})
    payloads = (
        messy(lines, random.Random(seed)) if rounds > 1 else [orjson.loads(line) for line in lines]
    )
    paths = write_files(tmp_path, payloads, 2)
    read = read_all(paths, workers=1)
    alone = replay_events(Fleet(None, assume=EVIDENCE, silent_changes=True), read)
    assert len(alone.ledger.unblocks) > 2

    merged, _ = replay_on(threads, paths, empty(), partitions=2)

    assert counted == [rounds]
    assert merged == saved_after(alone, read.events, None)

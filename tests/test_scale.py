"""A replay split by device across partitions, in one process or on a Dask cluster, gives
exactly what one process gives: states, counts and the saved state."""

from __future__ import annotations

import dataclasses
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
from sim.errors import StrictReplayError
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
    """The payloads over ``count`` files: Parquet, JSON Lines, gzip-compressed JSON Lines,
    JSON arrays."""
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        part = payloads[index::count]
        path = folder / f"part{index}"
        if index % 4 == 0:
            write_parquet(path, part)
        elif index % 4 == 1:
            write_jsonl(path, part)
        elif index % 4 == 2:
            path.write_bytes(gzip.compress(b"".join(orjson.dumps(p) + b"\n" for p in part)))
        else:
            path.write_bytes(orjson.dumps(part))
        paths.append(str(path))
    return paths


def write_parquet(path: Path, payloads: list[dict[str, Any]]) -> None:
    """Payloads as a data lake keeps them: a column per field, nested fields as structs, and
    ``detail`` (whose shape differs by event type) as JSON text."""
    import pyarrow
    import pyarrow.parquet

    rows = [
        {**p, "detail": orjson.dumps(p["detail"]).decode()} if "detail" in p else p
        for p in payloads
    ]
    table = pyarrow.Table.from_struct_array(pyarrow.array(rows or [{"id": None}]))
    pyarrow.parquet.write_table(table.slice(0, len(rows)), path)


def empty() -> SavedState:
    return capture(Fleet(None, assume=EVIDENCE, silent_changes=True), [])


def one_process(paths: list[str]) -> SavedState:
    read = read_all(paths)
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
            "--trace, --trace-where and --trace-out follow one process: leave out --dask and --workers",
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
    assert err == (
        "devicesim: replaying on several processes (--dask, --workers above 1) needs Dask: "
        "pip install 'emnify-devicesim[dask]'\n"
    )


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
    read = read_all(paths)
    alone = replay_events(Fleet(None, assume=EVIDENCE, silent_changes=True), read)
    assert len(alone.ledger.unblocks) > 2

    merged, _ = replay_on(threads, paths, empty(), partitions=2)

    assert counted == [rounds]
    assert merged == saved_after(alone, read.events, None)


def test_replay_out_writes_the_devices_as_parquet_and_the_rest_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet

    _, lines = history(30, 24, seed=5, profile={**BUSY, "organisations": 2})
    paths = write_files(tmp_path, [orjson.loads(line) for line in lines], 2)
    _, document, _ = run_cli(capsys, "replay", "--json", *paths)
    code, out, err = run_cli(capsys, "replay", "--out", str(tmp_path / "out"), *paths)

    expected = orjson.loads(document)
    assert (code, err) == (0, "")
    assert (
        out
        == f"{len(expected['devices'])} devices in 1 Parquet files, and fleet.json, written to {tmp_path / 'out'}\n"
    )
    rows = pyarrow.parquet.read_table(tmp_path / "out" / "devices-00000.parquet").to_pylist()
    assert {row.pop("device"): row for row in rows} == {
        key: {"organisation": row["organisation"], **device}
        for (key, device), row in zip(expected["devices"].items(), rows, strict=True)
    }
    del expected["devices"]
    assert orjson.loads((tmp_path / "out" / "fleet.json").read_bytes()) == expected


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [
        (b"PAR1 and then nothing a Parquet file has", [], "not a readable Parquet file: "),
        (
            b'{"id": 1}\n',
            ["--json", "--out", "{tmp}/out"],
            "--out writes the --json document as files: give one of them",
        ),
    ],
    ids=["damaged parquet", "json and out"],
)
def test_bad_parquet_and_conflicting_outputs_get_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    options: list[str],
    expected: str,
) -> None:
    path = tmp_path / "events"
    path.write_bytes(content)
    code, out, err = run_cli(
        capsys, "replay", str(path), *(o.format(tmp=tmp_path) for o in options)
    )
    assert (code, out) == (2, "")
    assert expected in err
    assert err.count("\n") == 1


def test_without_pyarrow_parquet_says_what_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "events.parquet"
    write_parquet(path, [orjson.loads(line) for line in history(2, 2)[1]])
    monkeypatch.setitem(__import__("sys").modules, "pyarrow.parquet", None)
    code, _, err = run_cli(capsys, "replay", str(path))
    assert code == 2
    assert (
        err
        == f"devicesim: {path}: reading Parquet needs pyarrow: pip install 'emnify-devicesim[dask]'\n"
    )


def test_a_large_file_is_read_in_chunks_by_every_worker_with_its_lines_numbered(
    tmp_path: Path, threads: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.scale.archive
    from sim.scale.dask_replay import replay_on

    _, lines = history(20, 24, seed=3)
    encoded = [line.encode().rstrip(b"\n") for line in lines]
    encoded.insert(777, b"{broken")
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(encoded) + b"\n")
    monkeypatch.setattr(sim.scale.archive, "PIECE_BYTES", 1)
    monkeypatch.setattr(sim.scale.archive, "CHUNK_BYTES", 20_000)
    assert len(sim.scale.archive.pieces(str(path))) > 10

    merged, invalid = replay_on(threads, [str(path)], empty(), partitions=2)

    alone = read_all([str(path)])
    assert invalid == alone.invalid
    assert [message.split(" (")[0] for message in invalid] == [f"{path}:778: not valid JSON"]
    fleet = replay_events(Fleet(None, assume=EVIDENCE, silent_changes=True), alone)
    expected = saved_after(fleet, alone.events, None)
    assert dataclasses.replace(merged, outcomes={**merged.outcomes, "invalid": 1}) == expected


def test_strict_stops_at_the_first_unreadable_event_as_one_process_does(
    tmp_path: Path, threads: Any
) -> None:
    from sim.scale.dask_replay import replay_on

    _, lines = history(4, 12, seed=5)
    good = write_jsonl(tmp_path / "good.jsonl", [orjson.loads(line) for line in lines])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "{broken\n")
    with pytest.raises(StrictReplayError) as alone:
        read_all([good, str(bad)], strict=True)

    with pytest.raises(StrictReplayError) as on_cluster:
        replay_on(threads, [good, str(bad)], empty(), strict=True)

    assert str(on_cluster.value) == str(alone.value)
    assert f"{bad}:2" in str(alone.value)


def test_a_device_moving_into_an_organisation_unblocked_elsewhere_is_replayed_again(
    tmp_path: Path, threads: Any
) -> None:
    """Found by the property above: a device moved into an organisation that its own
    partition still had Blocked, but another partition had proved unblocked; the move, which
    is also the proof in its partition, went otherwise there."""
    from sim.scale.dask_replay import replay_on

    rng = random.Random(45)
    devices, hours, organisations, busy = (
        rng.randint(1, 15),
        rng.randint(1, 72),
        rng.randint(1, 4),
        rng.random() < 0.5,
    )
    _, lines = history(
        devices,
        hours,
        rng.randint(0, 2**32),
        {**(BUSY if busy else {}), "organisations": organisations},
    )
    paths = write_files(tmp_path, messy(lines, random.Random(45)), 3)
    merged, _ = replay_on(threads, paths, empty(), partitions=rng.randint(2, 4))
    assert merged == one_process(paths)


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_a_cluster_continues_from_a_saved_state_as_one_process_does(
    tmp_path: Path, threads: Any, cut: float
) -> None:
    from sim.scale.dask_replay import replay_on

    _, lines = history(25, 48, seed=8, profile={**BUSY, "organisations": 3})
    at = round(cut * len(lines))
    first = write_files(tmp_path / "a", [orjson.loads(line) for line in lines[:at]], 2)
    second = write_files(tmp_path / "b", [orjson.loads(line) for line in lines[at:]], 3)
    before = read_all(first)
    saved = saved_after(
        replay_events(Fleet(None, assume=EVIDENCE, silent_changes=True), before),
        before.events,
        None,
    )
    assert saved.timers, "timers are pending at the split"

    merged, _ = replay_on(threads, second, saved, partitions=3)

    assert merged == one_process(first + second)

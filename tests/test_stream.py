"""``devicesim stream``: delivery as the Data Streamer does it, against real local receivers."""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from conftest import run_cli
from receiver import receiving

from sim.traffic.delivery import Delivery, deliver
from sim.traffic.faults import Faults, Injected, inject
from sim.traffic.history import generate
from sim.traffic.profile import read_profile


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated day of 30 devices (about 3,000 events)."""
    generation = generate(read_profile(None), 30, 86400, 2)
    path = tmp_path_factory.mktemp("stream") / "day.jsonl"
    path.write_text("".join(line for chunk in generation.chunks() for line in chunk))
    return path


@pytest.fixture(scope="module")
def small_log(log: Path) -> Path:
    """Its first 500 events: enough for one request per event."""
    path = log.with_name("morning.jsonl")
    path.write_text("".join(log.read_text().splitlines(keepends=True)[:500]))
    return path


def ids_of(path: Path) -> list[int]:
    return [orjson.loads(line)["id"] for line in path.read_text().splitlines()]


def flaky(number: int) -> int | str:
    """Fails a third of the requests with 500, drops some connections before and after
    processing (an acknowledgement lost: the platform resends what the receiver kept)."""
    return {1: 500, 2: "drop", 4: "ack-lost", 5: 503}.get(number % 7, 200)


@pytest.mark.parametrize("mode", [[], ["--bulk", "250"]], ids=["single", "bulk"])
def test_a_flaky_receiver_still_gets_every_event_exactly_once_after_deduplicating(
    log: Path, small_log: Path, mode: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    log = log if mode else small_log
    with receiving(flaky) as receiver:
        code, _, err = run_cli(
            capsys, "stream", str(log), "--to", receiver.url, *mode, "--max-backoff", "0.001"
        )
    assert code == 0, err
    received = [event["id"] for event in receiver.events()]
    assert sorted(set(received)) == sorted(ids_of(log))
    assert len(received) > len(set(received))  # acknowledgements were lost: duplicates arrived
    total = len(ids_of(log))
    assert f"{total:,} events delivered to {receiver.url}" in err and "0 failed" in err
    if mode:
        assert all(isinstance(body, list) and len(body) <= 250 for body in receiver.bodies)
    else:
        assert all(isinstance(body, dict) for body in receiver.bodies)
    assert {h.get("Content-Type") for h in receiver.headers} == {"application/json"}


def test_a_401_stops_the_stream_at_once_with_a_clear_message(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with receiving(lambda n: 401) as receiver:
        code, out, err = run_cli(capsys, "stream", str(log), "--to", receiver.url, "--bulk")
    assert code == 1 and not out
    assert receiver.requests == 1  # not retried
    total = len(ids_of(log))
    assert f"0 events delivered to {receiver.url} in 1 requests" in err
    assert f"{total:,} failed" in err
    assert f"stopped: {receiver.url} answered 401 Unauthorized: 'not today'" in err


def test_a_redirect_is_not_followed(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with receiving(lambda n: 302) as receiver:
        code, _, err = run_cli(capsys, "stream", str(log), "--to", receiver.url)
    assert code == 1 and receiver.requests == 1
    assert "answered 302 Found (redirects are not followed)" in err


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_temporary_answers_are_retried_until_the_retries_run_out(
    log: Path, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with receiving(lambda n: status) as receiver:
        code, _, err = run_cli(
            capsys,
            "stream",
            str(log),
            "--to",
            receiver.url,
            "--bulk",
            "--retries",
            "3",
            "--max-backoff",
            "0.001",
        )
    assert code == 1
    assert receiver.requests == 4
    assert f"gave up after 3 retries: {status} " in err


def test_an_unreachable_receiver_fails_after_its_retries(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with receiving() as receiver:
        url = receiver.url  # the port is free again after the block
    code, _, err = run_cli(
        capsys,
        "stream",
        str(log),
        "--to",
        url,
        "--bulk",
        "--retries",
        "2",
        "--max-backoff",
        "0.001",
    )
    assert code == 1
    assert "gave up after 2 retries: ConnectError" in err


def test_retry_after_is_honoured_up_to_the_longest_backoff() -> None:
    answered: list[float] = []

    def plan(number: int) -> int:
        answered.append(time.monotonic())
        return 429 if number == 0 else 200

    with receiving(plan) as receiver:
        report = deliver([b'{"id": 1}'], Delivery(receiver.url, max_backoff=0.2))
    assert report.delivered == 1 and report.retried == 1 and report.retries == 1
    # No Retry-After: the first back-off, 0.5 s, capped at 0.2 s.
    assert 0.15 < answered[1] - answered[0] < 1.0


def test_authorization_headers(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with receiving() as receiver:
        run_cli(
            capsys, "stream", str(log), "--to", receiver.url, "--bulk", "--auth", "basic:me:s3cr:et"
        )
        run_cli(capsys, "stream", str(log), "--to", receiver.url, "--bulk", "--auth", "bearer:tok")
    seen = {h["Authorization"] for h in receiver.headers}
    assert seen == {"Basic " + base64.b64encode(b"me:s3cr:et").decode(), "Bearer tok"}


def test_a_bulk_batch_leaves_after_the_interval_when_the_input_is_slow() -> None:
    def slow() -> Iterator[bytes]:
        for number in range(3):
            yield orjson.dumps({"id": number})
            time.sleep(0.3)

    with receiving() as receiver:
        report = deliver(slow(), Delivery(receiver.url, bulk=100, interval=0.05))
    assert report.delivered == 3
    assert [len(body) for body in receiver.bodies] == [1, 1, 1]


def test_faults_are_seeded_and_every_event_still_arrives(
    log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = ids_of(log)
    with receiving() as receiver:
        code, _, err = run_cli(
            capsys,
            "stream",
            str(log),
            "--to",
            receiver.url,
            "--bulk",
            "--faults",
            "duplicate=0.05,reorder=0.1",
            "--seed",
            "3",
        )
    assert code == 0, err
    received = [event["id"] for event in receiver.events()]
    assert sorted(set(received)) == sorted(sent)
    assert received != sent and len(received) > len(sent)
    done = Injected()
    again = list(inject((str(i).encode() for i in sent), Faults(0.05, 0.1), 3, done))
    assert f"faults: {done.duplicated:,} duplicated, {done.reordered:,} reordered" in err
    assert [int(e) for e in again] == received


def test_unreadable_events_are_named_counted_and_not_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": 1}\n[1, 2]\n{"id": 2\n\n{"id": 3}\n')
    with receiving() as receiver:
        code, _, err = run_cli(capsys, "stream", str(path), "--to", receiver.url)
    assert code == 0
    assert [e["id"] for e in receiver.events()] == [1, 3]
    assert f"skipped {path}:2: expected an event object, got [1, 2]" in err
    assert f"skipped {path}:3: not valid JSON" in err
    assert "skipped: 2 unreadable events" in err


def test_generate_piped_into_stream(capsys: pytest.CaptureFixture[str]) -> None:
    with receiving() as receiver:
        made = subprocess.Popen(
            [sys.executable, "-m", "sim", "generate", "--devices", "5", "--duration", "6h"],
            stdout=subprocess.PIPE,
        )
        streamed = subprocess.run(
            [sys.executable, "-m", "sim", "stream", "-", "--to", receiver.url, "--bulk", "100"],
            stdin=made.stdout, capture_output=True, text=True, check=False,
        )  # fmt: skip
        made.wait()
    assert streamed.returncode == 0, streamed.stderr
    delivered = len(receiver.events())
    assert delivered > 20 and f"{delivered:,} events delivered" in streamed.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--auth", "token"], "--auth: expected basic:USER:PASS or bearer:TOKEN"),
        (
            ["--faults", "duplicate=2"],
            "--faults: duplicate: expected a probability from 0 to 1, got '2'",
        ),
        (["--faults", "dupe=0.1"], "unknown fault 'dupe' (did you mean 'duplicate'?)"),
        (["--interval", "0"], "--interval: expected a number above 0"),
    ],
)
def test_usage_errors(
    log: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "stream", str(log), "--to", "http://127.0.0.1:9/x", *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(capsys, "stream", str(log), "--to", "ftp://x")
    assert code == 2 and "expected an http:// or https:// URL" in err

"""Saved states: ``replay --save-state`` and ``--from-state`` continue a replay exactly."""

from __future__ import annotations

import dataclasses
import os
import stat
from operator import attrgetter
from pathlib import Path

import orjson
import pytest
from conftest import BUSY, ENDPOINT, Clock, examples, histories, history, run_cli, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.fleet import Fleet
from sim.engine.saved_state import RECENT_WINDOW, SavedState, restore
from sim.engine.store import EVIDENCE
from sim.errors import InputError
from sim.events.event import Event
from sim.io.decoding import parse_lines
from sim.io.replay import Replay, replay_events
from sim.io.state_file import load_state, save_state, saved_after
from sim.traffic.generator import Generation

ORDER = attrgetter("time", "id")


def parsed(lines: list[str]) -> list[Event]:
    events: list[Event] = []
    parse_lines(enumerate(lines, 1), events, lambda at, why: pytest.fail(f"{at}: {why}"))
    return sorted(events, key=ORDER)


def replayed(events: list[Event], fleet: Fleet | None = None) -> Fleet:
    """``events`` replayed as ``devicesim replay`` does, on a new fleet or on ``fleet``."""
    if fleet is None:
        fleet = Fleet(None, assume=EVIDENCE, silent_changes=True)
    return replay_events(fleet, Replay(list(events)))


def through_file(path: Path, saved: SavedState) -> SavedState:
    save_state(path, saved)
    return load_state(path)


@settings(max_examples=examples(15))
@given(
    generated=histories(devices=20, organisations=3),
    cut=st.floats(0, 1),
    repeats=st.lists(st.integers(0, 10**6), max_size=6),
)
def test_replaying_a_then_b_from_the_saved_state_is_replaying_a_and_b(
    tmp_path_factory: pytest.TempPathFactory,
    generated: tuple[Generation, list[str]],
    cut: float,
    repeats: list[int],
) -> None:
    _, lines = generated
    events = parsed(lines)
    at = round(cut * len(events))
    first, second = events[:at], events[at:]
    # Retransmissions in B of events on both sides of the split (those of A within the window
    # the saved state remembers ids for).
    since = (first[-1].time if first else 0.0) - RECENT_WINDOW
    second += [e for e in (events[i % len(events)] for i in repeats) if e.time >= since]
    whole = replayed(first + second)

    before = replayed(first)
    saved = through_file(
        tmp_path_factory.mktemp("state") / "fleet.state", saved_after(before, first, None)
    )
    after = replayed(second, restore(saved))

    assert after.snapshot() == whole.snapshot()
    assert saved_after(after, second, saved) == saved_after(whole, first + second, None)
    assert after.snapshot()["late"] == 0


def session(clock: Clock, endpoint: int = ENDPOINT) -> list[dict[str, object]]:
    """A device registers, opens a data session and closes it: Device offline is due 5 min on."""
    return [
        clock.event(1, endpoint=endpoint),
        clock.event(2, endpoint=endpoint),
        clock.event(3, "accepted", endpoint=endpoint),
        clock.event(5, endpoint=endpoint),
    ]


def test_a_timer_pending_at_the_split_fires_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    first = write_jsonl(tmp_path / "a.jsonl", session(clock))
    clock.n += 10  # ten minutes on: the device's Device offline comes due before this event
    second = write_jsonl(tmp_path / "b.jsonl", session(clock, endpoint=ENDPOINT + 1))
    state = str(tmp_path / "fleet.state")

    assert run_cli(capsys, "replay", "--json", first, "--save-state", state)[0] == 0
    assert load_state(state).timers == [(ENDPOINT, 49, clock_time(first, -1) + 300)]
    code, resumed, _ = run_cli(capsys, "replay", "--json", "--from-state", state, second)
    _, whole, _ = run_cli(capsys, "replay", "--json", first, second)

    assert code == 0
    assert resumed == whole
    document = orjson.loads(resumed)
    assert document["synthesised"] == {"49": 1}
    assert document["devices"][str(ENDPOINT)]["connectivity"] == "Offline"
    assert document["devices"][str(ENDPOINT)]["portal_offline"] is True


def clock_time(path: str, index: int) -> float:
    line = Path(path).read_text().splitlines()[index]
    return parsed([line])[0].time


def test_the_command_line_output_is_the_same_and_a_daily_job_reuses_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines = history(30, 48, seed=7, profile=BUSY)
    days = [
        lines[: len(lines) // 3],
        lines[len(lines) // 3 : 2 * len(lines) // 3],
        lines[2 * len(lines) // 3 :],
    ]
    paths = []
    for number, day in enumerate(days):
        paths.append(tmp_path / f"day{number}.jsonl")
        paths[-1].write_text("".join(day))
    state = tmp_path / "fleet.state"
    outputs = []
    for number, path in enumerate(paths):
        resume = ["--from-state", str(state)] if number else []
        code, out, err = run_cli(
            capsys, "replay", "--json", *resume, str(path), "--save-state", str(state)
        )
        assert (code, err) == (0, "")
        outputs.append(out)
    _, whole, _ = run_cli(capsys, "replay", "--json", *map(str, paths))
    assert outputs[-1] == whole
    assert state.read_bytes().startswith(b"devicesim saved state, format 1\n")
    assert not list(tmp_path.glob(".fleet.state.*")), "no temporary file is left behind"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(state.stat().st_mode) == 0o666 & ~umask


def test_events_older_than_the_saved_clock_are_applied_in_order_and_counted_late(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = Clock()
    early = clock.event(2)  # sent late: its timestamp is before the saved state's clock
    first = write_jsonl(tmp_path / "a.jsonl", [clock.event(1, endpoint=ENDPOINT + 1)])
    state = str(tmp_path / "fleet.state")
    run_cli(capsys, "replay", first, "--save-state", state)
    second = write_jsonl(tmp_path / "b.jsonl", [clock.event(3, "accepted"), early])

    code, out, _ = run_cli(capsys, "replay", "--from-state", state, second)
    _, document, _ = run_cli(capsys, "replay", "--json", "--from-state", state, second)

    assert code == 0
    assert "1 event older than the saved state's clock (late: applied in their order)" in out
    document = orjson.loads(document)
    assert document["late"] == 1
    assert document["outcomes"]["applied"] == 3
    assert document["devices"][str(ENDPOINT)]["pdp"] == "Connected"


def test_ids_are_remembered_for_two_days_of_event_time(tmp_path: Path) -> None:
    clock = Clock()
    old, recent = clock.event(1), clock.event(1, endpoint=ENDPOINT + 1)
    later = clock.event(3, "accepted", endpoint=ENDPOINT + 1)
    later["timestamp"] = "2025-05-04T00:00:00Z"  # more than two days after ``old``
    events = parsed([orjson.dumps(e).decode() for e in (old, recent, later)])
    saved = through_file(tmp_path / "fleet.state", saved_after(replayed(events), events, None))
    assert [e.id for e in saved.recent] == [later["id"]]

    again = replayed(
        parsed([orjson.dumps(old).decode(), orjson.dumps(later).decode()]), restore(saved)
    )

    assert again.outcomes["duplicate"] == 1  # ``later``, within the window
    assert again.ledger.late == 1  # ``old``: forgotten, so applied again, and late


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"id": 1, "event_type": {"id": 1}}\n',
            'not a devicesim saved state: it starts with \'{"id": 1',
        ),
        (
            b"devicesim saved state, format 0\n\x00",
            "a saved state of format '0'; this devicesim reads format 1",
        ),
        (b"devicesim saved state, format 1\nx\x9c\x03", "the saved state is damaged: "),
        (b"", "not a devicesim saved state: it starts with ''"),
    ],
    ids=["events", "older format", "cut short", "empty"],
)
def test_a_file_that_is_not_a_saved_state_of_this_format_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str
) -> None:
    state = tmp_path / "fleet.state"
    state.write_bytes(content)
    events = write_jsonl(tmp_path / "b.jsonl", [Clock().event(1)])

    code, out, err = run_cli(capsys, "replay", "--from-state", str(state), events)

    assert (code, out) == (2, "")
    assert err.startswith(f"devicesim: {state}: {expected}")
    assert err.count("\n") == 1


def test_a_saved_state_naming_a_state_no_machine_has_is_refused(tmp_path: Path) -> None:
    events = parsed([orjson.dumps(Clock().event(1)).decode()])
    saved = saved_after(replayed(events), events, None)
    path = tmp_path / "fleet.state"
    save_state(path, dataclasses.replace(saved, states=[saved.states[0]._replace(sim="Bogus")]))

    with pytest.raises(InputError, match="the saved state is damaged: sim has no state 'Bogus'"):
        load_state(path)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--from-state", "{tmp}/missing.state"],
            "{tmp}/missing.state: cannot read the saved state",
        ),
        (
            ["--from-state", "{tmp}/a.state", "--initial", "x.yaml"],
            "--initial cannot be given with --from-state",
        ),
        (
            ["--from-state", "{tmp}/a.state", "--assume", "in-service"],
            "--assume cannot be given with --from-state",
        ),
        (
            ["--save-state", "{tmp}/no/such/folder/a.state"],
            "--save-state {tmp}/no/such/folder/a.state",
        ),
    ],
    ids=["missing", "initial", "assume", "unwritable"],
)
def test_options_that_cannot_work_are_refused_before_anything_is_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    events = write_jsonl(tmp_path / "b.jsonl", [Clock().event(1)])
    run_cli(capsys, "replay", events, "--save-state", str(tmp_path / "a.state"))
    given = [option.format(tmp=tmp_path) for option in options]

    code, out, err = run_cli(capsys, "replay", events, *given)

    assert (code, out) == (2, "")
    assert err.startswith(f"devicesim: {expected.format(tmp=tmp_path)}")

"""Properties of the model over arbitrary event histories (possible or not)."""

from __future__ import annotations

from typing import Any, NamedTuple

from hypothesis import given
from hypothesis import strategies as st

import sim
from sim import Fleet
from sim.engine.outcomes import OUTCOMES
from sim.engine.store import ASSUMPTIONS
from sim.events.catalogue import RECHECK_KIND
from sim.events.event import ORDER, in_order
from sim.events.parse import parse_event
from sim.testing import histories
from statemachines.network import PS_REGISTERED
from statemachines.organisation import ACTIVE, BLOCKED


def _replay(raw_events: list[Any], **options: Any) -> Fleet:
    # sim.replay reads a string as a path: a malformed event that is a string goes in a list.
    events = [[raw] if isinstance(raw, str) else raw for raw in raw_events]
    return sim.replay(events, fleet=Fleet(**options))


def _result(fleet: Fleet) -> dict[str, Any]:
    snapshot = fleet.snapshot()
    return {"devices": snapshot["devices"], "organisations": snapshot["organisations"]}


@given(histories(), st.booleans())
def test_no_input_raises_and_every_input_gets_one_outcome(events: list[Any], lenient: bool) -> None:
    fleet = Fleet(lenient=lenient, trace=True)
    for event in events:
        assert fleet.apply(event).outcome in OUTCOMES
    assert sum(fleet.outcomes.values()) == len(events)
    assert len([e for e in fleet.trace or [] if not e.synthesised]) == len(events)


ASSUME = st.sampled_from(ASSUMPTIONS)


@given(histories(malformed_events=False), st.booleans(), ASSUME)
def test_a_deleted_sim_stays_deleted(events: list[Any], lenient: bool, assume: str) -> None:
    fleet = Fleet(lenient=lenient, assume=assume)
    deleted: set[object] = set()
    for event in events:
        fleet.apply(event)
        for key in fleet.endpoints():
            if key in deleted:
                assert fleet.device(key)["sim"] == "Deleted"
            elif fleet.device(key)["sim"] == "Deleted":
                deleted.add(key)


@given(histories(malformed_events=False), st.booleans(), ASSUME)
def test_a_connected_session_has_ps_registration_and_data_service(
    events: list[Any], lenient: bool, assume: str
) -> None:
    fleet = Fleet(lenient=lenient, assume=assume)
    for event in events:
        fleet.apply(event)
        for key in fleet.endpoints():
            device = fleet.device(key)
            if device["pdp"] == "Connected":
                assert device["network"] in PS_REGISTERED
                assert device["data_service"] != "Denied"
                assert device["connectivity"] == "Online"


@given(histories(), st.data())
def test_retransmissions_do_not_change_the_result(events: list[Any], data: st.DataObject) -> None:
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=5)) if events else []
    assert _result(_replay(events)) == _result(_replay(events + repeats))


@given(histories(), st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_result(events: list[Any], random: Any) -> None:
    shuffled = list(events)
    random.shuffle(shuffled)
    first, second = _replay(events), _replay(shuffled)
    assert _result(first) == _result(second)
    assert first.outcomes == second.outcomes


@given(histories(max_size=60), st.booleans(), ASSUME)
def test_the_fast_path_equals_the_transitions_machines(
    events: list[Any], lenient: bool, assume: str
) -> None:
    fast = _replay(events, lenient=lenient, trace=True, assume=assume)
    reference = _replay(events, lenient=lenient, trace=True, memo=False, assume=assume)
    assert reference.store.stepper.memo == {}
    assert _result(fast) == _result(reference)
    assert fast.trace == reference.trace


@given(histories(malformed_events=False), ASSUME)
def test_strict_mode_never_follows_an_impossible_event(events: list[Any], assume: str) -> None:
    fleet = Fleet(lenient=False, trace=True, assume=assume)
    for event in events:
        fleet.advance_to(parse_event(event).time)  # timers due first: they are not the event
        before = {key: fleet.state(key) for key in fleet.endpoints()}
        entry = fleet.apply(event)
        if entry.outcome != "inconsistent":
            continue
        # Nothing the event reports is applied; only the rules may act, when the event moved
        # the device to another organisation (whose context then holds).
        assert all(item.change.cause != "event" for item in entry.changes)
        if entry.endpoint in before and not entry.changes:
            # (A move to another organisation may show machines the rules force there.)
            after = fleet.state(entry.endpoint)
            assert after._replace(assumed=before[entry.endpoint].assumed) == before[entry.endpoint]


@given(histories(malformed_events=False), ASSUME)
def test_unblocking_an_organisation_changes_no_device_by_itself(
    events: list[Any], assume: str
) -> None:
    """What a replay split across partitions relies on (``sim.engine.partition_watch``): the
    rules re-applied when an organisation is unblocked take no service away and give none
    back, so a device stepped under Blocked is left as it is."""
    fleet = Fleet(assume=assume)
    stepper = fleet.store.stepper
    for event in events:
        fleet.apply(event)
    for key in fleet.endpoints():
        context = fleet.context(key)
        blocked = stepper.context_id(context._replace(organisation=BLOCKED))
        active = stepper.context_id(context._replace(organisation=ACTIVE))
        state = stepper.step(stepper.pool.index(fleet.state(key)), blocked, RECHECK_KIND).state_id
        assert stepper.step(state, active, RECHECK_KIND).changes == ()


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.5, 2.0, 1e9]), st.integers(0, 3), st.integers()),
        max_size=30,
    )
)
def test_in_order_is_the_replay_order_with_ties_as_given(
    items: list[tuple[float, int, int]],
) -> None:
    """Replay's two stable sorts give what one sort on (time, id) gives, equal pairs included."""
    marked = [_Timed(time, event_id, mark) for time, event_id, mark in items]
    assert in_order(marked) == sorted(marked, key=ORDER)


class _Timed(NamedTuple):
    time: float
    id: int
    mark: int

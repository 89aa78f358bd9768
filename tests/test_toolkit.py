"""The property-testing toolkit: strategies, the walker, the stateful base class, the example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import sim
from examples.test_webhook_consumer import WebhookConsumerMachine
from examples.webhook_consumer import DeviceTable
from sim import Fleet, parse_event
from sim.cli.commands import main
from sim.events.catalogue import KINDS
from sim.io.initial_file import initial_state
from sim.testing import IntegrationStateMachine, event_streams, events, scenarios
from sim.testing.walker import EXPIRES_IN, ORGANISATION, PROFILE, Choice, Walker
from statemachines.network import PS_REGISTERED

DEVICES = {
    "devices": {e: {"organisation": ORGANISATION, "service_profile": PROFILE} for e in (1001, 1002)}
}


def _replay(history: list[Any], profile: dict[str, str] | None = None, **options: Any) -> Fleet:
    document = DEVICES | {
        "organisations": {ORGANISATION: {"service_profiles": {PROFILE: profile or {}}}}
    }
    return sim.replay(history, fleet=Fleet(initial_state(document), **options))


@given(st.data())
def test_events_are_valid_platform_payloads_of_the_asked_types(data: st.DataObject) -> None:
    types = data.draw(
        st.lists(st.sampled_from(sorted({t for t, _ in KINDS[1:]})), min_size=1, max_size=3)
    )
    event = data.draw(events(types=types))
    parsed = parse_event(event)
    assert parsed.type_id in types and parsed.kind_id >= 0
    assert {
        "id",
        "timestamp",
        "event_type",
        "event_source",
        "event_severity",
        "organisation",
    } <= set(event)


def test_events_accept_names() -> None:
    event = find(events(types=["Quota used up"]), lambda e: True)
    assert event["event_type"]["id"] == 19
    with pytest.raises(ValueError, match="unknown event type 'Quota usd up'"):
        find(events(types=["Quota usd up"]), lambda e: True)


@given(event_streams(devices=2, max_size=25))
def test_streams_are_accepted_without_inconsistency_and_in_time_order(
    history: list[dict[str, Any]],
) -> None:
    times = [parse_event(e).time for e in history]
    assert times == sorted(times)
    fleet = _replay(history, lenient=False)
    assert fleet.outcomes["inconsistent"] == fleet.outcomes["invalid"] == 0


@given(st.data())
def test_every_session_a_rule_ends_is_closed_by_a_delete_in_the_stream(data: st.DataObject) -> None:
    walker = Walker(2)
    for _ in range(data.draw(st.integers(1, 25))):
        before = {e: walker.fleet.device(e)["pdp"] for e in walker.endpoints}
        sent = walker.fire(data.draw(st.sampled_from(walker.choices())))
        for endpoint in walker.endpoints:
            if (
                before[endpoint] == "Connected"
                and walker.fleet.device(endpoint)["pdp"] == "Disconnected"
            ):
                deletes = [
                    e
                    for e in sent
                    if e["event_type"]["id"] == 5 and e["endpoint"]["id"] == endpoint
                ]
                assert len(deletes) == 1, sent


@given(event_streams(devices=2, max_size=25))
def test_model_invariants_hold_along_valid_streams(history: list[dict[str, Any]]) -> None:
    fleet = _replay([], lenient=False, trace=True)
    deleted: set[int] = set()
    for event in history:
        entry = fleet.apply(event)
        for endpoint in (1001, 1002):
            device = fleet.device(endpoint)
            assert (device["connectivity"] == "Online") == (device["pdp"] == "Connected")
            if device["pdp"] == "Connected":
                assert device["network"] in PS_REGISTERED and device["data_service"] != "Denied"
            if endpoint in deleted:
                assert device["sim"] == "Deleted"
            if device["sim"] == "Deleted":
                deleted.add(endpoint)
        if entry.outcome == "rejected":  # the platform refuses only what the model denies
            assert not entry.warnings


@given(event_streams(devices=2, max_size=20, valid=False))
def test_invalid_streams_never_raise_and_order_does_not_matter(
    history: list[dict[str, Any]],
) -> None:
    first = _replay(history)
    second = _replay(list(reversed(history)))
    assert first.snapshot()["devices"] == second.snapshot()["devices"]


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(document=scenarios(devices=2))
def test_generated_scenarios_pass_devicesim_run(
    document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("generated") / "scenario.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    assert main(["run", str(path)]) == 0


class ModelAsSystem(IntegrationStateMachine):
    """A system under test that is right by construction: another fleet fed the same events."""

    devices = 2

    def __init__(self) -> None:
        super().__init__()
        self.system: Fleet | None = None

    def deliver(self, events: list[dict[str, Any]]) -> None:
        if self.system is None:
            self.system = Fleet(self.walker.fleet.initial)
        for event in events:
            self.system.apply(event)

    def observe(self, endpoint_id: int) -> dict[str, str]:
        if self.system is None:
            return {}
        device = self.system.device(endpoint_id)
        return {k: device[k] for k in ("connectivity", "pdp", "data_quota", "sim", "data_service")}


TestModelAsSystem = ModelAsSystem.TestCase
TestModelAsSystem.settings = settings(max_examples=50, stateful_step_count=20, deadline=None)


def test_the_example_consumer_bug_is_found_and_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class Machine(WebhookConsumerMachine):
        export_dir = tmp_path

    Machine.TestCase.settings = settings(
        max_examples=300,
        stateful_step_count=30,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
    )
    with pytest.raises(
        AssertionError, match=r"device-1001 +connectivity +\w+ +Online\nregression scenario: "
    ) as caught:
        Machine.TestCase("runTest").runTest()
    exported = tmp_path / "machine.yaml"
    assert str(exported) in str(caught.value)
    assert main(["run", str(exported)]) == 0  # the model side passes
    document = yaml.safe_load(exported.read_text())
    table = DeviceTable()
    disagreements = 0
    for step in document["steps"]:
        table.handle([step["event_json"]])
        for alias, states in step.get("expect", {}).items():
            disagreements += (
                table.connectivity(int(alias.removeprefix("device-"))) != states["connectivity"]
            )
    assert disagreements >= 1  # replayed against the consumer, the file reproduces the bug
    last = document["steps"][-1]["event_json"]  # the shrunk history ends with the cause:
    assert (last["event_type"]["id"], last["event_source"]["id"]) == (3, 1)  # a refused session
    assert last["description"].startswith("PDP Context Request rejected")


def test_the_walker_sends_device_offline_as_the_platform_does() -> None:
    walker = Walker(1)
    for type_id, variant in [(2, ""), (3, "accepted"), (5, "")]:
        walker.fire(Choice(type_id, variant, 1001))
    sent = walker.fire(Choice(1, "", 1001), gap=600)
    assert [e["event_type"]["id"] for e in sent] == [49, 1]
    assert sent[0]["timestamp"] < sent[1]["timestamp"]
    replayed = sim.replay(walker.history, strict=True, assume="in-service")
    assert replayed.outcomes["inconsistent"] == 0
    assert replayed.device(1001) == walker.fleet.device(1001)


def test_the_walker_sends_quota_expiry_at_its_date_and_the_end_of_the_session() -> None:
    walker = Walker(1)
    walker.open_with(True, False)
    for choice in [
        Choice(56, "block", 1001, expires=True),
        Choice(2, "", 1001),
        Choice(3, "accepted", 1001),
    ]:
        walker.fire(choice, gap=60)
    assigned = next(e for e in walker.history if e["event_type"]["id"] == 56)
    assert walker.wait(EXPIRES_IN - 121) == []  # a second before the date: nothing yet
    sent = walker.wait(1)
    assert [e["event_type"]["id"] for e in sent] == [60, 5]  # expired, then the session's end
    assert sent[0]["timestamp"] == assigned["detail"]["quota"]["expiryDate"]
    assert "expires in 15 min" in repr(Choice(56, "block", 1001, expires=True))
    replayed = sim.replay(walker.history, initial=walker.fleet.initial, strict=True)
    assert replayed.outcomes["inconsistent"] == 0
    assert replayed.device(1001) == walker.fleet.device(1001)
    assert walker.fleet.value(1001, "data_quota") == "Expired"

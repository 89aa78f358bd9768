"""Adding an event type takes a catalogue row and a machine table entry, nothing else.

The test registers a temporary type, 99 "Device rebooted", that drives a new trigger of the
network machine (``reboot``: any registration is dropped), and one example payload of it as
the platform would send it. Everything else (parsing, building, replaying, ``explain``, the
walker that generates histories) must follow from those rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sim import Fleet, parse_event
from sim.cli.render import explain
from sim.engine.memo import Stepper
from sim.errors import CatalogueError
from sim.events import semantics
from sim.events.build import build_event
from sim.events.catalogue import KIND_IDS, NETWORK_ATTACHMENT, Effect, EventType, lookup
from sim.testing.walker import Choice, Walker
from statemachines import ALL_MACHINES, validate
from statemachines import network as network_machine

REBOOTED = EventType(
    99,
    "Device rebooted",
    NETWORK_ATTACHMENT,
    "endpoint",
    "The device rebooted: the network dropped every registration it held.",
    {"": Effect(triggers=(("network", "reboot"),), source=semantics.NETWORK)},
)
EXAMPLE: dict[str, Any] = {
    "id": 5001,
    "timestamp": "2025-05-01T08:01:00.000+0000",
    "event_type": {"id": 99, "description": "Device rebooted"},
    "event_source": {"id": 0, "description": "Network"},
    "organisation": {"id": 100, "name": "Demo"},
    "endpoint": {"id": 1001, "name": "tracker"},
    "sim": {"id": 2001, "iccid": "8988000000000001001"},
    "description": "Device rebooted.",
}


@pytest.fixture
def rebooted() -> Iterator[EventType]:
    """The temporary type, registered with its machine table entry, removed afterwards."""
    table = network_machine.TABLE
    extended = validate(
        {
            **table,
            "transitions": [
                *table["transitions"],
                {
                    "trigger": "reboot",
                    "source": [network_machine.IMSI_ATTACHED, network_machine.GPRS_ATTACHED,
                               network_machine.COMBINED_ATTACHED],
                    "dest": network_machine.DETACHED,
                },
                {"trigger": "reboot", "source": network_machine.DETACHED, "dest": None},
            ],
        }
    )  # fmt: skip
    ALL_MACHINES["network"] = extended
    semantics.register(REBOOTED)
    Stepper.forget_shared()
    try:
        yield REBOOTED
    finally:
        semantics.unregister(99)
        ALL_MACHINES["network"] = table
        Stepper.forget_shared()


def test_it_parses(rebooted: EventType) -> None:
    event = parse_event(EXAMPLE)
    assert (event.type_id, event.variant, event.endpoint) == (99, "", 1001)
    assert event.kind_id == KIND_IDS[(99, "")]
    assert lookup("device rebooted") is rebooted


def test_it_builds_what_parses_back(rebooted: EventType) -> None:
    built = build_event(99, event_id=1, time=1_746_086_400, organisation=100, endpoint=1001)
    assert built["event_source"] == {"id": 0, "description": "Network"}
    assert built["description"] == "Device rebooted."
    assert parse_event(built).kind == (99, "")


def test_it_replays(rebooted: EventType) -> None:
    fleet = Fleet(trace=True)
    fleet.apply(EXAMPLE | {"id": 1, "event_type": {"id": 1}})
    fleet.apply(EXAMPLE | {"id": 2, "event_type": {"id": 2}, "timestamp": "2025-05-01T08:02:00Z"})
    entry = fleet.apply(EXAMPLE | {"timestamp": "2025-05-01T08:03:00Z"})
    assert entry.outcome == "applied"
    assert [(c.change.machine, c.change.source, c.change.dest) for c in entry.changes] == [
        ("network", "Combined Attached", "Detached")
    ]
    assert fleet.device(1001)["connectivity"] == "Offline"
    assert fleet.apply(EXAMPLE | {"id": 5002}).outcome == "unchanged"


def test_it_is_explained(rebooted: EventType) -> None:
    text = explain(rebooted)
    assert text.splitlines()[0] == "99 Device rebooted"
    assert "  network (reboot):" in text
    assert "    Combined Attached -> Detached" in text
    assert "    Detached -> Detached  (no change)" in text
    assert "ps_registration" in text  # a registration change can end a data session


def test_the_walker_draws_it(rebooted: EventType) -> None:
    walker = Walker(1)
    assert Choice(99, "", 1001) in walker.choices()
    walker.fire(Choice(1, "", 1001))
    sent = walker.fire(Choice(99, "", 1001))
    assert [event["event_type"]["id"] for event in sent] == [99]
    assert walker.fleet.device(1001)["network"] == "Detached"


def test_registration_checks_the_row_against_the_tables() -> None:
    broken = EventType(98, "Broken", NETWORK_ATTACHMENT, "endpoint", "No such trigger.",
                       {"": Effect(triggers=(("network", "teleport"),))})  # fmt: skip
    with pytest.raises(CatalogueError, match=r"no trigger network\.teleport"):
        semantics.register(broken)
    with pytest.raises(CatalogueError, match="already registered"):
        semantics.register(lookup(1))  # type: ignore[arg-type]
    with pytest.raises(CatalogueError, match="registered last"):
        semantics.unregister(1)

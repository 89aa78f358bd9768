"""Hypothesis strategies and a stateful test base for systems that consume emnify events.

Import needs Hypothesis (``pip install 'emnify-devicesim[test]'``). See docs/testing.md.

- ``events()``: single events in the platform's JSON shape, of any type, valid for the parser.
- ``event_streams()``: time-ordered histories the platform could really have sent, generated
  by walking the model (with the follow-up events the platform sends when a rule ends a data
  session); ``valid=False`` mixes in retransmissions, reordering and impossible events.
- ``scenarios()``: whole scenario documents that ``devicesim run`` accepts.
- ``histories()``: arbitrary sequences, possible or not, malformed payloads included.
- ``IntegrationStateMachine``: subclass it, implement ``deliver`` and ``observe``; Hypothesis
  drives your system with allowed events and compares what it believes with the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

try:
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("sim.testing needs Hypothesis: pip install 'emnify-devicesim[test]'") from exc

from sim.events.build import build_event
from sim.events.catalogue import CATALOGUE, KINDS, lookup
from sim.scenarios.vocabulary import DEVICE_NAMES
from sim.scenarios.writer import write_scenario
from sim.testing.export import alias, scenario_document
from sim.testing.walker import START, Choice, Walker

ORGANISATIONS = (100, 200)
PROFILES = (7, 8)
SUBJECTS = ("alice@example.com", "bob@example.com", "385", "386")
EVENT_KINDS: tuple[tuple[int, str], ...] = KINDS[1:]
_GAPS = st.integers(1, 600)


def _kinds(types: Sequence[int | str] | None) -> list[tuple[int, str]]:
    if types is None:
        return list(EVENT_KINDS)
    wanted = set()
    for key in types:
        etype = lookup(key)
        if etype is None:
            raise ValueError(f"unknown event type {key!r}")
        wanted.add(etype.id)
    return [kind for kind in EVENT_KINDS if kind[0] in wanted]


@st.composite
def events(
    draw: st.DrawFn,
    types: Sequence[int | str] | None = None,
    endpoints: Sequence[int] = (1001, 1002, 1003),
    event_id: int | None = None,
    time: float | None = None,
) -> dict[str, Any]:
    """One event dict as the platform sends it, of one of ``types`` (ids or names)."""
    type_id, variant = draw(st.sampled_from(_kinds(types)))
    endpoint_scoped = CATALOGUE[type_id].scope == "endpoint"
    return build_event(
        type_id,
        event_id=event_id if event_id is not None else draw(st.integers(1, 2**53)),
        time=time if time is not None else START + draw(st.integers(0, 86_400 * 30)),
        organisation=draw(st.sampled_from(ORGANISATIONS)),
        endpoint=draw(st.sampled_from(endpoints)) if endpoint_scoped else None,
        variant=variant,
        service_profile=draw(st.sampled_from(PROFILES)),
        subject=draw(st.sampled_from(SUBJECTS)),
    )


#: How often each kind of event is drawn, in percent, network and data sessions first: that is
#: what real streams are mostly made of, and where shrinking heads. Empty groups pass their
#: share to the next non-empty one.
_GROUPS: tuple[tuple[str, int], ...] = (
    ("traffic", 55),
    ("quota", 20),
    ("status", 15),
    ("organisation", 10),
)
_GROUP_OF = {
    "Network Attachment and Location": "traffic",
    "Data Connection Lifecycle": "traffic",
    "Generic Events": "traffic",
    "Data Quota Management": "quota",
    "SMS Quota Management": "quota",
    "Device Status Management": "status",
    "Limit Enforcement": "status",
}


def _group(choice: Choice) -> str:
    if choice.endpoint is None:
        return "organisation"
    return _GROUP_OF.get(CATALOGUE[choice.type_id].category, "status")


def _choose(draw: st.DrawFn, walker: Walker) -> Choice:
    """One allowed event, its kind weighted as in real streams."""
    grouped: dict[str, list[Choice]] = {}
    for choice in walker.choices():
        grouped.setdefault(_group(choice), []).append(choice)
    roll, floor = draw(st.integers(0, 99)), 0
    for name, share in _GROUPS:
        floor += share
        if roll < floor and name in grouped:
            return draw(st.sampled_from(grouped[name]))
    return draw(st.sampled_from(next(grouped[name] for name, _ in _GROUPS if name in grouped)))


def walk(draw: st.DrawFn, devices: int, size: int, organisation_events: bool = True) -> Walker:
    """A walker after ``size`` drawn steps (each step may send follow-up events too). The story
    may open with quota management switched on (52, 54), as many real fleets run."""
    walker = Walker(devices, organisation_events=organisation_events)
    walker.open_with(draw(st.booleans()), draw(st.booleans()))
    for _ in range(size):
        walker.fire(_choose(draw, walker), draw(_GAPS))
    return walker


@st.composite
def event_streams(
    draw: st.DrawFn,
    devices: int = 1,
    min_size: int = 1,
    max_size: int = 30,
    valid: bool = True,
    organisation_events: bool = True,
) -> list[dict[str, Any]]:
    """Histories for ``devices`` devices (endpoints 1001, ...; organisation 100, service profile
    7) that the model accepts without an inconsistent outcome, in time order. ``min_size`` and
    ``max_size`` count steps; follow-ups come on top. ``valid=False`` also retransmits events,
    shuffles some and inserts impossible ones."""
    walker = walk(draw, devices, draw(st.integers(min_size, max_size)), organisation_events)
    history = list(walker.history)
    if valid:
        return history
    for _ in range(draw(st.integers(0, 3))):
        if history:
            history.insert(draw(st.integers(0, len(history))), draw(st.sampled_from(history)))
    if len(history) > 1 and draw(st.booleans()):
        history = draw(st.permutations(history))
    for _ in range(draw(st.integers(0, 3))):
        impossible = draw(
            events(endpoints=walker.endpoints, event_id=walker.next_id, time=walker.now + 1)
        )
        walker.next_id += 1
        history.insert(draw(st.integers(0, len(history))), impossible)
    return history


@st.composite
def scenarios(draw: st.DrawFn, devices: int = 1, max_size: int = 15) -> dict[str, Any]:
    """A scenario document (as loaded from YAML) that ``devicesim run`` accepts and passes."""
    walker = Walker(devices)
    deliveries: list[tuple[list[dict[str, Any]], dict[int, dict[str, str]]]] = [
        (walker.open_with(draw(st.booleans()), draw(st.booleans())), {})
    ]
    for _ in range(draw(st.integers(1, max_size))):
        sent = walker.fire(_choose(draw, walker), draw(_GAPS))
        keys = draw(st.sets(st.sampled_from(sorted(DEVICE_NAMES)), max_size=3))
        deliveries.append(
            (
                sent,
                {e: {k: walker.fleet.value(e, k) for k in sorted(keys)} for e in walker.endpoints},
            )
        )
    return scenario_document(
        "Generated scenario", "Generated by sim.testing.scenarios().", walker.endpoints, deliveries
    )


def malformed() -> st.SearchStrategy[Any]:
    """Values that are not valid events: wrong types, missing or broken fields."""
    broken_fields = st.fixed_dictionaries(
        {"id": st.one_of(st.none(), st.text(max_size=3), st.integers())},
        optional={
            "timestamp": st.one_of(st.text(max_size=12), st.integers(), st.none()),
            "event_type": st.one_of(
                st.integers(-5, 80), st.fixed_dictionaries({"id": st.integers(-5, 80)})
            ),
            "endpoint": st.one_of(
                st.none(), st.text(max_size=3), st.fixed_dictionaries({"id": st.text(max_size=3)})
            ),
            "detail": st.one_of(st.text(max_size=20), st.none()),
        },
    )
    return st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
        broken_fields,
    )


@st.composite
def histories(
    draw: st.DrawFn,
    min_size: int = 0,
    max_size: int = 40,
    devices: int = 3,
    malformed_events: bool = True,
) -> list[Any]:
    """Sequences of events over ``devices`` devices in any order: distinct timestamps and
    ids, occasional retransmissions (same id and payload), unknown types and, if asked,
    malformed payloads. Nothing is guaranteed to be possible."""
    endpoints = tuple(1001 + n for n in range(devices))
    size = draw(st.integers(min_size, max_size))
    offsets = draw(st.lists(st.integers(0, 10**6), min_size=size, max_size=size, unique=True))
    drawn: list[Any] = []
    for number, offset in enumerate(offsets, start=1):
        roll = draw(st.integers(0, 99))
        if roll < 3 and drawn:
            drawn.append(draw(st.sampled_from(drawn)))  # a retransmission
        elif roll < 5:
            unknown = build_event(0, event_id=number, time=START + offset, organisation=100)
            unknown["event_type"] = {
                "id": draw(st.sampled_from([24, 35, 47, 62, 99])),
                "description": "?",
            }
            drawn.append(unknown)
        elif roll < 7 and malformed_events:
            drawn.append(draw(malformed()))
        else:
            drawn.append(draw(events(endpoints=endpoints, event_id=number, time=START + offset)))
    return drawn


class IntegrationStateMachine(RuleBasedStateMachine):
    """Property-test a system that consumes emnify events against the model.

    Subclass it and implement ``deliver`` (hand events to the system under test) and
    ``observe`` (what it believes about a device, keyed by machine or view names). Hypothesis
    then fires events the model allows; after each step every device's observed keys are
    compared with the model. On a mismatch the shrunk history is written as a scenario YAML
    file under ``export_dir`` (named in the failure message): it passes under
    ``devicesim run`` and is the regression case to replay against your system.
    """

    #: How many devices (endpoint ids 1001, 1002, ...) the histories involve.
    devices: ClassVar[int] = 2
    #: Include organisation and service-profile events (organisation blocked, quota management).
    organisation_events: ClassVar[bool] = True
    #: Where failing histories are written.
    export_dir: ClassVar[str | Path] = "devicesim-failures"

    def __init__(self) -> None:
        super().__init__()
        self.walker = Walker(self.devices, organisation_events=self.organisation_events)
        self.deliveries: list[tuple[list[dict[str, Any]], dict[int, dict[str, str]]]] = []

    def deliver(self, events: list[dict[str, Any]]) -> None:
        """Hand these events, in order, to the system under test (e.g. POST them to it)."""
        raise NotImplementedError

    def observe(self, endpoint_id: int) -> dict[str, str]:
        """What the system under test believes about a device: {machine or view: state}."""
        raise NotImplementedError

    @initialize(data_quota_management=st.booleans(), sms_quota_management=st.booleans())
    def quota_management(self, data_quota_management: bool, sms_quota_management: bool) -> None:
        """The story may open with quota management switched on for the devices' profile."""
        sent = self.walker.open_with(data_quota_management, sms_quota_management)
        if sent:
            self.deliveries.append((sent, {}))
            self.deliver(sent)

    @rule(data=st.data())
    def platform_sends(self, data: st.DataObject) -> None:
        """The platform sends one allowed event (and the follow-ups it implies)."""
        sent = self.walker.fire(
            data.draw(_choice_strategy(self.walker), label="event"), data.draw(_GAPS, label="gap")
        )
        self.deliveries.append((sent, {}))
        self.deliver(sent)

    @invariant()
    def system_agrees_with_the_model(self) -> None:
        """Every key the system reports equals the model's state."""
        mismatches = []
        for endpoint in self.walker.endpoints:
            observed = self.observe(endpoint)
            expected = {
                key: self.walker.fleet.value(endpoint, key)
                for key in observed
                if key in DEVICE_NAMES
            }
            unknown = sorted(set(observed) - set(DEVICE_NAMES))
            if unknown:
                raise AssertionError(
                    f"observe() returned keys that are no machine or view: {unknown}"
                )
            if self.deliveries:
                self.deliveries[-1][1][endpoint] = expected
            mismatches += [
                f"{alias(endpoint)} {k}: model {v}, system {observed[k]}"
                for k, v in expected.items()
                if observed[k] != v
            ]
        if mismatches:
            # Only the final replay of the shrunk example is written: writing every failing
            # example met while shrinking would cost most of the shrinking time.
            path = self._export() if _final_run() else Path(self.export_dir)
            raise AssertionError(
                "system disagrees with the model: "
                + "; ".join(mismatches)
                + f"\nregression scenario: {path}"
            )

    def _export(self) -> Path:
        name = re.sub(r"(?<!^)(?=[A-Z])", "-", type(self).__name__).lower()
        description = (
            f"A history on which {type(self).__name__} disagreed with the model, shrunk by Hypothesis. "
            "Every step is a payload as delivered; expectations are the model's states for the keys the system "
            "reported. `devicesim run` passes it; replay the payloads against your system to reproduce the bug."
        )
        document = scenario_document(
            f"Regression found by {type(self).__name__}",
            description,
            self.walker.endpoints,
            self.deliveries,
        )
        return write_scenario(document, Path(self.export_dir) / f"{name}.yaml")


def _final_run() -> bool:
    """Whether Hypothesis is replaying its final (shrunk) example: only that one is worth
    writing out, and writing every intermediate one would cost most of the shrinking time."""
    try:
        from hypothesis.control import current_build_context

        return bool(current_build_context().is_final)
    except Exception:  # outside a Hypothesis run, or an API that moved: write it
        return True


def _choice_strategy(walker: Walker) -> st.SearchStrategy[Choice]:
    return st.composite(lambda draw: _choose(draw, walker))()

"""The event catalogue covers the platform's catalogue and domain.md, and kinds round-trip."""

from __future__ import annotations

import re

import pytest
from conftest import DATA

from sim.events.build import build_event
from sim.events.catalogue import CATALOGUE, CATEGORIES, KINDS, lookup
from sim.events.parse import parse_event

SEED = (DATA / "event-types.md").read_text()
SEED_ROWS = {
    int(i): name.strip()
    for i, name in re.findall(r"^\|\s*(\d+)\s*\|\s*(?:\[)?([^|\]]+)", SEED, re.M)
}
# domain.md section 2: the ids to recognise beyond the seed.
DOMAIN_EXTRA = {4, 17, 26, 27, 28, 29, 44, 49, 33, 34, 36, 37, 38, 39, 40, 61, 67, 68, 69}


def test_seed_parsed() -> None:
    assert len(SEED_ROWS) >= 45 and SEED_ROWS[19] == "Quota used up"


# Where our name differs from the seed's table: British spelling as in the payloads
# ("Organisation blocked"), and the name the payloads give type 45.
RENAMED = {12: "Organisation blocked", 45: "SIM factory test"}


@pytest.mark.parametrize("type_id", sorted(SEED_ROWS))
def test_every_seed_type_is_catalogued_under_its_name(type_id: int) -> None:
    assert CATALOGUE[type_id].name == RENAMED.get(type_id, SEED_ROWS[type_id])


def test_every_domain_type_is_catalogued() -> None:
    assert set(CATALOGUE) >= DOMAIN_EXTRA


def test_entries_are_complete() -> None:
    for etype in CATALOGUE.values():
        assert etype.category in CATEGORIES
        assert etype.scope in ("endpoint", "organisation", "service_profile")
        assert len(etype.explanation) > 20


@pytest.mark.parametrize(
    ("key", "expected"),
    [(19, 19), ("19", 19), ("quota USED up", 19), ("Create PDP Context", 3), (" 3 ", 3)],
)
def test_lookup(key: int | str, expected: int) -> None:
    found = lookup(key)
    assert found is not None and found.id == expected


@pytest.mark.parametrize("key", [24, "24", "Quota usd up", ""])
def test_lookup_unknown(key: int | str) -> None:
    assert lookup(key) is None


@pytest.mark.parametrize("kind", KINDS[1:], ids=lambda k: f"{k[0]}-{k[1] or 'default'}")
def test_built_events_parse_back_to_their_kind(kind: tuple[int, str]) -> None:
    type_id, variant = kind
    endpoint = 9 if CATALOGUE[type_id].scope == "endpoint" else None
    event = build_event(
        type_id,
        event_id=1,
        time=1.7e9,
        organisation=5,
        endpoint=endpoint,
        variant=variant,
        service_profile=7,
        subject="u@example.com",
    )
    parsed = parse_event(event)
    assert parsed.kind == kind
    assert KINDS[parsed.kind_id] == kind

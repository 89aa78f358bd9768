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
    found = lookup(SEED_ROWS[type_id])  # the seed's own name is accepted too
    assert found is not None and found.id == type_id


def test_an_exact_name_wins_over_a_keyword() -> None:
    for name, type_id in [("SIM factory", 45), ("SIM issued", 44), ("Organization blocked", 12)]:
        found = lookup(name)
        assert found is not None and found.id == type_id


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


@pytest.mark.parametrize(
    ("cause", "code"),
    [
        ("NO_QUOTA_FOUND", "no_quota"), ("QUOTA_EXPIRED", "quota_expired"),
        ("QUOTA_EXHAUSTED", "quota_exhausted"), ("DATA_SERVICE_BARRED", "data_service_disabled"),
        ("IMEI_LOCK_BREACHED", "imei_lock"), ("IMEI_LOCK_ENFORCED", "imei_lock"),
        ("APN_NOT_AUTHORIZED", "apn_not_authorized"), ("PDN_NOT_SUPPORTED", "pdn_not_supported"),
        ("IMSI_NOT_FOUND", "imsi_not_found"), ("MONTHLY_USAGE_LIMIT_EXCEEDED", "monthly_limit"),
        ("INACTIVITY_TIMER_EXPIRED", "inactivity"), ("SOMETHING_NEW", "unknown"),
    ],
)  # fmt: skip
def test_every_documented_failure_cause_has_its_refusal_code(cause: str, code: str) -> None:
    # A 1NCE v2 refusal: the cause in detail, a description that names none of them.
    payload = build_event(3, event_id=1, time=1.7e9, organisation=5, endpoint=9, variant="accepted")
    payload |= {
        "event_source": {"id": 1, "description": "Policy Control"},
        "description": "PDP Context Request rejected.",
        "detail": {"data_service_failure_cause": cause},
    }
    assert parse_event(payload).variant == f"rejected:{code}"

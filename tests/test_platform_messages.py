"""SMS and operator blacklists on the local platform: what becomes of an SMS to a device
as the model has it (registered, not registered, blocked), and where a device may register."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from platform_client import Served, serving


@pytest.fixture
def served() -> Iterator[Served]:
    with serving() as served:
        yield served


def sms(served: Served, endpoint: int, payload: str) -> None:
    answer = served.api.post(
        f"/v1/endpoint/{endpoint}/sms", json={"source_address": "123", "payload": payload}
    )
    assert answer.status_code == 201, answer.text


def statuses(served: Served, endpoint: int) -> list[tuple[str, str, str]]:
    found = served.api.get(f"/v1/endpoint/{endpoint}/sms").json()
    return [(m["payload"], m["sms_type"]["description"], m["status"]["description"]) for m in found]


def test_an_sms_waits_for_the_device_to_register(served: Served) -> None:
    sms(served, 1, "first")
    assert statuses(served, 1) == [("first", "MT", "BUFFERED")]
    served.control("endpoint/1/attach")
    sms(served, 1, "second")
    assert statuses(served, 1) == [("second", "MT", "DELIVERED"), ("first", "MT", "DELIVERED")]
    assert served.event_types(1) == [1, 2], "an SMS is not an event"


def test_an_sms_to_a_blocked_device_fails_and_what_it_sends_is_listed(served: Served) -> None:
    served.control("endpoint/2/attach")
    assert served.control("endpoint/2/sms", count=2) == []
    assert served.api.patch("/v1/sim/2", json={"status": {"id": 2}}).status_code == 204
    sms(served, 2, "too late")
    assert [status for _, kind, status in statuses(served, 2) if kind == "MT"] == ["FAILED"]
    assert [kind for _, kind, _ in statuses(served, 2)].count("MO") == 2


def test_a_blacklisted_operator_refuses_the_registration(served: Served) -> None:
    assert served.api.put("/v1/endpoint/1/operator_blacklist/2").status_code == 204
    assert [o["name"] for o in served.api.get("/v1/endpoint/1/operator_blacklist").json()] == [
        "Orange"
    ]
    refused = httpx.post(f"{served.url}_sim/endpoint/1/attach", json={"operator": 2})
    assert refused.status_code == 409 and "blacklist" in refused.json()["message"]
    assert served.control("endpoint/1/attach", operator=1) == [1, 2]
    assert served.api.put("/v1/endpoint/1/operator_blacklist/2").status_code == 409
    assert served.api.delete("/v1/endpoint/1/operator_blacklist/2").status_code == 204
    assert served.api.delete("/v1/endpoint/1/operator_blacklist/2").status_code == 404
    assert served.api.put("/v1/endpoint/1/operator_blacklist/99").status_code == 404
    assert served.control("endpoint/1/attach", operator=2) == [1, 2]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"payload": "x"}, "needs a payload and a source_address"),
        ({"source_address": "1", "payload": "x", "colour": 1}, "unknown field"),
    ],
)
def test_bad_sms_are_refused(served: Served, body: dict[str, object], words: str) -> None:
    answer = served.api.post("/v1/endpoint/1/sms", json=body)
    assert answer.status_code == 422 and words in answer.json()["message"]
    assert statuses(served, 1) == []

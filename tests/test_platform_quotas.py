"""Quotas, service profiles and the organisation on the local platform: each action's events,
what the network reports as the device uses its quota, what the model makes follow, and the
history rebuilt to the same model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from platform_client import Served, serving

from sim.platform.event_log import rebuild


@pytest.fixture
def served() -> Iterator[Served]:
    with serving() as served:
        yield served


def quota(served: Served, endpoint: int, kind: str = "data", **fields: Any) -> None:
    body = {"status": {"id": 1}, "volume": 10, "threshold_percentage": 20, **fields}
    answer = served.api.post(f"/v1/endpoint/{endpoint}/quota/{kind}", json=body)
    assert answer.status_code == 201, answer.text


def managed(served: Served, **switches: bool) -> None:
    assert served.api.patch("/v1/service_profile/1", json=switches).status_code == 204


def online(served: Served, endpoint: int) -> None:
    served.control(f"endpoint/{endpoint}/attach")
    assert served.control(f"endpoint/{endpoint}/session") == [3]


def last_event(served: Served, endpoint: int, type_id: int) -> dict[str, Any]:
    found = served.api.get(f"/v1/endpoint/{endpoint}/event", params={"q": f"type:{type_id}"})
    return dict(found.json()[0])


def test_a_block_quota_used_up_ends_the_session(served: Served) -> None:
    quota(served, 1, expiry_date="2099-01-01T00:00:00Z")
    assigned = last_event(served, 1, 56)
    assert assigned["detail"]["quota"]["expiryDate"] == "2099-01-01T00:00:00Z"
    assert assigned["detail"]["quota"]["action_on_exhaustion"]["description"] == "Block"
    assert "10.000000 MB without daily refill until 2099-01-01T00:00:00Z" in assigned["description"]
    managed(served, apply_data_quota=True)
    online(served, 1)
    assert served.control("endpoint/1/usage", megabytes=8.5) == [18]
    assert served.api.get("/v1/endpoint/1/quota/data").json()["volume"] == pytest.approx(1.5)
    assert served.control("endpoint/1/usage", megabytes=5) == [19, 5]
    assert last_event(served, 1, 5)["detail"]["volume"]["total"] == pytest.approx(10.0), (
        "the network carries no more than was left"
    )
    shown = served.api.get("/v1/endpoint/1/quota/data").json()
    assert shown["status"] == {"id": 2, "description": "EXHAUSTED"} and shown["volume"] == 0
    assert served.connectivity(1) == "ATTACHED"
    rejected = httpx.post(f"{served.url}_sim/endpoint/1/session").json()["events"]
    assert (
        rejected[0]["description"]
        == "PDP Context Request rejected, because quota volume of endpoint is exhausted and defined action is to block data traffic."
    )


def test_a_throttle_quota_used_up_keeps_the_session(served: Served) -> None:
    quota(served, 1, action_on_exhaustion={"id": 2})
    managed(served, apply_data_quota=True)
    online(served, 1)
    assert served.control("endpoint/1/usage", megabytes=12) == [18, 19]
    assert served.connectivity(1) == "ONLINE"
    assert served.platform.fleet.device(1)["data_service"] == "Throttled"


def test_without_quota_management_nothing_is_counted(served: Served) -> None:
    quota(served, 1)
    online(served, 1)
    assert served.control("endpoint/1/usage", megabytes=50) == []
    assert served.api.get("/v1/endpoint/1/quota/data").json()["volume"] == 10


def test_switching_quota_management_on_cuts_sessions_without_a_quota(served: Served) -> None:
    quota(served, 1)
    online(served, 1)
    online(served, 2)
    managed(served, apply_data_quota=True)
    profile_events = served.api.get("/v1/event", params={"q": "type:52"}).json()
    assert (
        profile_events[0]["description"]
        == "Data quota management enabled for service profile (id = 1 - Default service profile)."
    )
    assert served.event_types(2)[-1] == 5 and served.connectivity(2) == "ATTACHED"
    assert served.connectivity(1) == "ONLINE"
    assert served.api.get("/v1/service_profile/1").json()["apply_data_quota"] is True
    managed(served, apply_data_quota=False)
    managed(served, apply_data_quota=False)
    assert [
        e["event_type"]["id"]
        for e in served.api.get("/v1/event", params={"q": "type:52|53"}).json()
    ] == [53, 52]


def test_a_quota_expires_on_the_platforms_clock(served: Served) -> None:
    moment = served.api.get("/v1/endpoint/1").json()["created"]
    quota(served, 1, expiry_date=moment[:11] + "23:59:59Z")
    managed(served, apply_data_quota=True)
    online(served, 1)
    assert served.control("clock", seconds=86_400) == [60, 5]
    assert served.api.get("/v1/endpoint/1/quota/data").json()["status"]["description"] == "EXPIRED"
    assert served.platform.fleet.device(1)["data_service"] == "Denied"


def test_sms_quota_used_up_denies_sms(served: Served) -> None:
    quota(served, 2, kind="sms", volume=5, threshold_percentage=40)
    assert served.event_types(2) == [58]
    managed(served, apply_sms_quota=True)
    served.control("endpoint/2/attach")
    assert served.control("endpoint/2/sms", count=4) == [20]
    assert served.control("endpoint/2/sms", count=1) == [21]
    refused = httpx.post(f"{served.url}_sim/endpoint/2/sms", json={"count": 1})
    assert refused.status_code == 409 and "may not send SMS" in refused.json()["message"]
    assert served.api.delete("/v1/endpoint/2/quota/sms").status_code == 204
    assert served.event_types(2)[-1] == 59
    assert served.api.get("/v1/endpoint/2/quota/sms").status_code == 404


def test_the_organisation_blocked_and_unblocked(served: Served) -> None:
    online(served, 1)
    online(served, 3)
    assert served.control("organisation/block") == [12, 5, 5]
    assert served.api.get("/v1/organisation/my").json()["status"] == {
        "id": 2,
        "description": "Blocked",
    }
    assert served.connectivity(1) == "BLOCKED"
    assert served.control("organisation/unblock") == [], "the platform reports no unblock"
    assert served.api.get("/v1/organisation/my").json()["status"]["description"] == "Active"
    online(served, 1)
    again = rebuild(served.platform.database)
    assert again.store.to_json() == served.platform.fleet.store.to_json()
    assert again.organisations[1].to_json() == served.platform.fleet.organisations[1].to_json()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "words"),
    [
        ("POST", "/v1/endpoint/1/quota/data", {"volume": -1}, 422, "volume: expected a number from 0"),
        ("POST", "/v1/endpoint/1/quota/data", {"volume": 1, "expiry_date": "soon"}, 422, "expiry_date"),
        ("POST", "/v1/endpoint/1/quota/data", {"volume": 1, "status": {"id": 2}}, 422, "status"),
        ("POST", "/v1/endpoint/1/quota/data", {"volume": 1, "action_on_exhaustion": {"id": 3}}, 422, "action_on_exhaustion"),
        ("POST", "/v1/endpoint/1/quota/voice", {"volume": 1}, 404, "data or sms"),
        ("DELETE", "/v1/endpoint/1/quota/data", None, 404, "has no data quota"),
        ("PATCH", "/v1/service_profile/1", {"apply_data_quota": "yes"}, 422, "true or false"),
        ("PATCH", "/v1/service_profile/1", {"apply_voice_quota": True}, 422, "did you mean"),
        ("GET", "/v1/service_profile/7", None, 404, "service profile 7 not found"),
    ],
)  # fmt: skip
def test_bad_quota_and_profile_requests(
    served: Served, method: str, path: str, body: Any, status: int, words: str
) -> None:
    answer = served.api.request(method, path, json=body)
    assert answer.status_code == status, answer.text
    assert words in answer.json()["message"]
    assert served.api.get("/v1/event").json() == []


def test_a_new_service_profile(served: Served) -> None:
    answer = served.api.post(
        "/v1/service_profile", json={"name": "metered", "apply_data_quota": True}
    )
    assert answer.status_code == 201
    profile = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert served.api.get(f"/v1/service_profile/{profile}").json()["apply_data_quota"] is True
    assert [
        p["name"] for p in served.api.get("/v1/service_profile", params={"sort": "-id"}).json()
    ] == ["metered", "Default service profile"]
    device = served.api.post(
        "/v1/endpoint",
        json={"name": "m", "service_profile": {"id": profile}, "tariff_profile": {"id": 1}},
    )
    endpoint = int(device.headers["Location"].rsplit("/", 1)[1])
    assert served.platform.fleet.context(endpoint).data_quota_management == "Enabled"

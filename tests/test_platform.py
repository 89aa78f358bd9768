"""The local platform's REST API over HTTP: tokens, endpoints, SIMs, connectivity, the Event
API, the simulation's controls, bad input and many clients at once. Each action is checked
against the events it emitted and against the model."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from platform_client import Served, serving

from sim.engine.outcomes import INCONSISTENT
from sim.platform.event_log import rebuild
from sim.platform.seeding import SPARE_BIC

ACTIVATED = {"id": 1, "description": "Activated"}


@pytest.fixture
def served() -> Iterator[Served]:
    with serving() as served:
        yield served


def registered(served: Served) -> list[int]:
    answer = served.api.patch(f"/v1/sim_batch/bic/{SPARE_BIC}", json=ACTIVATED)
    assert answer.status_code == 200, answer.text
    return [sim["id"] for sim in answer.json()]


def online(served: Served, endpoint: int) -> None:
    assert served.control(f"endpoint/{endpoint}/attach") == [1, 2]
    assert served.control(f"endpoint/{endpoint}/session") == [3]
    assert served.connectivity(endpoint) == "ONLINE"


def assert_error(answer: httpx.Response, status: int, words: str) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error_code", "error_token", "message"}
    assert body["error_code"] == status
    assert words in body["message"]


def test_a_token_is_needed_and_given_only_for_the_application_token(served: Served) -> None:
    bare = httpx.Client(base_url=served.api.base_url)
    assert_error(bare.get("/v1/endpoint"), 401, "Authorization: Bearer")
    assert_error(bare.get("/v1/endpoint", headers={"Authorization": "Bearer nope"}), 401, "Bearer")
    assert_error(
        bare.post("/v1/authenticate", json={"application_token": "wrong"}),
        401,
        "invalid application token",
    )
    assert_error(bare.post("/v1/authenticate", content=b"{"), 400, "not JSON")
    token = bare.post("/v1/authenticate", json={"application_token": "devicesim"}).json()[
        "auth_token"
    ]
    assert bare.get("/v1/endpoint", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_seeded_fleet_is_in_service(served: Served) -> None:
    listed = served.api.get("/v1/endpoint").json()
    assert [device["name"] for device in listed] == [
        "device-000001",
        "device-000002",
        "device-000003",
    ]
    assert {device["sim"]["status"]["description"] for device in listed} == {"Activated"}
    assert served.platform.fleet.device(1)["connectivity"] == "Offline"
    assert served.connectivity(1) == "OFFLINE"
    assert served.api.get("/v1/event").json() == []


def test_registering_a_batch_and_creating_a_device_with_its_sim(served: Served) -> None:
    sims = registered(served)
    assert len(sims) == 10
    assert served.api.get("/v1/event", params={"sort": "id"}).json()[0]["event_type"]["id"] == 48
    endpoint = served.create("tracker", sim=sims[0])
    assert served.event_types(endpoint) == [51]
    state = served.platform.fleet.state(endpoint)
    assert (state.sim, state.sim_assignment) == ("Activated", "Assigned")
    sim = served.api.get(f"/v1/sim/{sims[0]}").json()
    assert sim["endpoint"]["id"] == endpoint and sim["status"] == ACTIVATED
    assert_error(
        served.api.patch(f"/v1/sim_batch/bic/{SPARE_BIC}", json=ACTIVATED),
        409,
        "registered already",
    )
    assert_error(served.api.patch("/v1/sim_batch/bic/NOPE", json=ACTIVATED), 404, "no SIM batch")


@pytest.mark.parametrize(
    ("moves", "last_status", "words"),
    [
        ([2, 1], 204, ""),
        ([0], 422, "from Activated to Issued"),
        ([4], 422, "from Activated to Factory Test"),
        ([3], 422, "release it from endpoint 1 first"),
    ],
)
def test_sim_status_changes_are_the_models(
    served: Served, moves: list[int], last_status: int, words: str
) -> None:
    for move in moves[:-1]:
        assert served.api.patch("/v1/sim/1", json={"status": {"id": move}}).status_code == 204
    answer = served.api.patch("/v1/sim/1", json={"status": {"id": moves[-1]}})
    assert answer.status_code == last_status, answer.text
    if words:
        assert_error(answer, 422, words)
        assert served.event_types(1) == [{2: 9, 1: 8}[m] for m in moves[:-1]]
    else:
        assert served.event_types(1) == [9, 8]
        assert served.platform.fleet.state(1).sim == "Activated"


def test_a_deleted_sim_stays_deleted(served: Served) -> None:
    assert served.api.patch("/v1/endpoint/1", json={"sim": {"id": None}}).status_code == 204
    assert served.api.patch("/v1/sim/1", json={"status": {"id": 3}}).status_code == 204
    assert_error(
        served.api.patch("/v1/sim/1", json={"status": {"id": 1}}), 422, "from Deleted to Activated"
    )
    assert_error(
        served.api.patch("/v1/endpoint/2", json={"sim": {"id": 1}}), 422, "SIM 1 is deleted"
    )
    assert served.event_types(1) == [50]
    assert [
        e["event_type"]["id"]
        for e in served.api.get("/v1/sim/1/event", params={"sort": "id"}).json()
    ] == [50, 10]


def test_suspending_a_sim_ends_its_session(served: Served) -> None:
    online(served, 1)
    assert served.api.patch("/v1/sim/1", json={"status": {"id": 2}}).status_code == 204
    assert served.event_types(1) == [1, 2, 3, 9, 5]
    assert served.connectivity(1) == "BLOCKED"
    suspension = served.api.get("/v1/endpoint/1/event", params={"q": "type:9"}).json()[0]
    assert suspension["detail"]["transition"]["sim"]["status"]["to"]["description"] == "SUSPENDED"
    assert suspension["user"]["username"] == "api@devicesim.local"


def test_disabling_an_endpoint_announces_the_cut(served: Served) -> None:
    online(served, 2)
    assert (
        served.api.patch(
            "/v1/endpoint/2", json={"status": {"id": 1.0, "description": "Disabled"}}
        ).status_code
        == 204
    )
    events = served.api.get("/v1/endpoint/2/event", params={"sort": "id"}).json()
    assert [e["event_type"]["id"] for e in events] == [1, 2, 3, 43, 0, 5]
    assert (
        events[4]["description"]
        == "Disconnecting data access for endpoint, because endpoint has been disabled."
    )
    assert served.api.get("/v1/endpoint/2").json()["status"] == {"id": 1, "description": "Disabled"}
    assert served.connectivity(2) == "BLOCKED"
    assert served.api.patch("/v1/endpoint/2", json={"status": {"id": 1}}).status_code == 204
    assert served.event_types(2)[-1] == 5, "no event for a status that does not change"


@pytest.mark.parametrize(("body", "after", "view"), [({"location": None}, [68, 5], "OFFLINE"), ({"pdp_context": None}, [5], "ATTACHED")])  # fmt: skip
def test_resetting_connectivity(
    served: Served, body: dict[str, Any], after: list[int], view: str
) -> None:
    online(served, 3)
    assert served.api.patch("/v1/endpoint/3/connectivity", json=body).status_code == 204
    assert served.event_types(3) == [1, 2, 3, *after]
    assert served.connectivity(3) == view


def test_the_platforms_clock_makes_a_device_offline_once(served: Served) -> None:
    online(served, 1)
    answer = httpx.delete(f"{served.url}_sim/endpoint/1/session")
    assert [e["event_type"]["id"] for e in answer.json()["events"]] == [5]
    assert served.connectivity(1) == "ATTACHED"
    assert served.control("clock", seconds=299) == []
    assert served.control("clock", seconds=2) == [49]
    assert served.connectivity(1) == "OFFLINE"
    assert served.control("clock", seconds=3600) == []
    assert served.event_types(1) == [1, 2, 3, 5, 49]


def test_sessions_the_platform_refuses_are_rejected_with_its_reason(served: Served) -> None:
    assert_error(httpx.post(f"{served.url}_sim/endpoint/1/session"), 409, "attach first")
    assert served.api.patch("/v1/sim/1", json={"status": {"id": 2}}).status_code == 204
    assert_error(httpx.post(f"{served.url}_sim/endpoint/1/attach", json={}), 409, "cannot register")
    assert served.event_types(1) == [9]


def test_event_api_pages_as_the_platform_does(served: Served) -> None:
    for endpoint in (1, 2, 3):
        served.control(f"endpoint/{endpoint}/attach")
    first = served.api.get("/v1/event", params={"per_page": 2, "sort": "id"})
    assert [e["id"] for e in first.json()] == [1, 2]
    assert (
        first.headers["X-Total-Count"],
        first.headers["X-Total-Pages"],
        first.headers["X-Current-Page"],
    ) == ("6", "3", "1")
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    last = served.api.get("/v1/event", params={"per_page": 2, "page": 99, "sort": "id"})
    assert [e["id"] for e in last.json()] == [5, 6] and last.headers["X-Current-Page"] == "3"
    assert (
        served.api.get("/v1/event", params={"page": -1, "per_page": 0}).headers["X-Count-Per-Page"]
        == "1000"
    )
    assert (
        served.api.get("/v1/event", params={"per_page": 10**6}).headers["X-Count-Per-Page"]
        == "2500"
    )
    assert [e["id"] for e in served.api.get("/v1/event").json()] == [6, 5, 4, 3, 2, 1]
    found = served.api.get(
        "/v1/event", params={"q": "endpoint:2|3,type:2", "sort": "-endpoint"}
    ).json()
    assert [(e["endpoint"]["id"], e["event_type"]["id"]) for e in found] == [(3, 2), (2, 2)]
    moment = found[0]["timestamp"][:19] + "Z"
    window = served.api.get(
        "/v1/event", params={"q": f"from:2000-01-01T00:00:00Z,until:{moment},alert:false"}
    ).json()
    assert len(window) == 6
    assert served.api.get("/v1/endpoint/999999/event").json() == []
    assert_error(served.api.get("/v1/event", params={"q": "tpye:1"}), 422, "did you mean 'type'")
    assert_error(served.api.get("/v1/event", params={"sort": "nope"}), 422, "unknown field 'nope'")
    assert_error(
        served.api.get("/v1/event", params={"q": "from:2020-01-01T00:00:00Z"}), 422, "go together"
    )
    assert_error(served.api.get("/v1/event", params={"page": "x"}), 422, "whole number")
    types = served.api.get("/v1/event/type").json()
    assert {"id": 68, "description": "Reset connectivity"} in types


def test_lists_filter_and_sort_as_the_sdk_asks(served: Served) -> None:
    names = served.api.get(
        "/v1/endpoint", params={"q": "name:DEVICE-00000,status:0", "sort": "-id"}
    ).json()
    assert [d["id"] for d in names] == [3, 2, 1]
    assert served.api.get("/v1/endpoint", params={"q": "name:nothing"}).json() == []
    registered(served)
    iccids = served.api.get("/v1/sim", params={"sort": "-ICCID", "q": "endpoint:null"}).json()
    assert len(iccids) == 10 and iccids[0]["iccid"] > iccids[-1]["iccid"]
    assert [s["name"] for s in served.api.get("/v1/operator").json()][:2] == ["Telekom", "Orange"]


BAD = [
    ("POST", "/v1/endpoint", b"{nope", 400, "not JSON"),
    ("POST", "/v1/endpoint", b"", 400, "empty"),
    ("POST", "/v1/endpoint", b"[1, 2]", 422, "expected a JSON object"),
    ("POST", "/v1/endpoint", b'{"nmae": "x"}', 422, "did you mean 'name'"),
    ("POST", "/v1/endpoint", b'{"name": 5}', 422, "name: expected text"),
    ("POST", "/v1/endpoint", b'{"name": "x", "service_profile": {"id": 99}, "tariff_profile": {"id": 1}}', 422, "no service profile 99"),
    ("POST", "/v1/endpoint", b'{"name": "x", "service_profile": {"id": -1}}', 422, "out of range"),
    ("POST", "/v1/endpoint", b'{"name": "x", "service_profile": {"id": 1}, "tariff_profile": {"id": 1}, "sim": {"id": 1}}', 409, "in endpoint 1 already"),
    ("POST", "/v1/endpoint", b'{"name": "x", "status": {"id": 7}}', 422, "status: expected"),
    ("PATCH", "/v1/endpoint/1", b'{"sim": {"id": 123456789012345678901234567890}}', 422, "sim.id: expected a whole number"),
    ("PATCH", "/v1/endpoint/1", b'{"service_profile": {"id": 2}}', 422, "not simulated yet"),
    ("PATCH", "/v1/endpoint/1", b'{"name": ""}', 422, "needs a name"),
    ("PATCH", "/v1/endpoint/1/connectivity", b'{"location": {}}', 422, "location"),
    ("PATCH", "/v1/sim/1", b'{"status": "Activated"}', 422, "status: expected"),
    ("GET", "/v1/endpoint/99999999999999999999999", b"", 404, "not found"),
    ("GET", "/v1/endpoint/-1", b"", 404, "not found"),
    ("GET", "/v1/sim/11", b"", 404, "SIM 11 not found"),
    ("PUT", "/v1/endpoint/1", b"{}", 405, "allowed: GET, PATCH, DELETE"),
    ("GET", "/v1/nothing", b"", 404, "Not Found"),
    ("POST", "/v1/endpoint", b"[" * 100_000, 400, "not JSON"),
    ("POST", "/v1/endpoint", b'{"name": "' + b"x" * 10_000_000 + b'"}', 413, "at most 1,048,576"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "content", "status", "words"),
    BAD,
    ids=[f"{m} {p} {s}" for m, p, _, s, _ in BAD],
)
def test_bad_input_is_a_4xx_in_the_platforms_shape_and_changes_nothing(
    served: Served, method: str, path: str, content: bytes, status: int, words: str
) -> None:
    before = dict(served.platform.fleet.store.devices)
    answer = served.api.request(
        method, path, content=content, headers={"Content-Type": "application/json"}
    )
    assert_error(answer, status, words)
    assert served.api.get("/v1/event").json() == []
    assert served.platform.fleet.store.devices == before
    assert len(served.api.get("/v1/endpoint").json()) == 3


def test_a_request_that_fails_half_way_leaves_nothing_behind(served: Served) -> None:
    """Release the SIM of endpoint 1 and put SIM 2 in it, which is in endpoint 2: the release
    is undone with the rest."""
    before = dict(served.platform.fleet.store.devices)
    assert_error(
        served.api.patch("/v1/endpoint/1", json={"name": "renamed", "sim": {"id": 2}}),
        409,
        "in endpoint 2",
    )
    assert served.api.get("/v1/endpoint/1").json()["name"] == "device-000001"
    assert served.api.get("/v1/event").json() == []
    assert served.platform.fleet.store.devices == before


def test_the_platforms_history_replays_as_the_model_ran_it(served: Served) -> None:
    sims = registered(served)
    endpoint = served.create("replayed", sim=sims[0])
    online(served, endpoint)
    served.api.patch(f"/v1/endpoint/{endpoint}", json={"status": {"id": 1}})
    served.api.patch(f"/v1/endpoint/{endpoint}", json={"status": {"id": 0}, "sim": {"id": None}})
    served.api.patch("/v1/endpoint/2", json={"sim": {"id": None}})
    served.api.patch("/v1/endpoint/2", json={"sim": {"id": sims[0]}})
    assert served.platform.fleet.state(2).sim == "Activated"
    served.control("clock", seconds=600)
    again = rebuild(served.platform.database)
    assert again.outcomes[INCONSISTENT] == 0
    assert again.store.to_json() == served.platform.fleet.store.to_json()


def test_fifty_clients_at_once_lose_no_write(served: Served) -> None:
    headers = dict(served.api.headers)

    def client(number: int) -> tuple[int, list[str]]:
        with httpx.Client(base_url=served.api.base_url, headers=headers, timeout=30) as api:
            body = {"name": f"c{number}", "service_profile": {"id": 1}, "tariff_profile": {"id": 1}}
            endpoint = int(
                api.post("/v1/endpoint", json=body).headers["Location"].rsplit("/", 1)[1]
            )
            assert (
                api.patch(
                    f"/v1/endpoint/{endpoint}", json={"tags": f"t{number}", "status": {"id": 1}}
                ).status_code
                == 204
            )
            seen = [device["name"] for device in api.get("/v1/endpoint").json()]
            shown = api.get(f"/v1/endpoint/{endpoint}").json()
            assert (shown["tags"], shown["status"]["id"]) == (f"t{number}", 1), (
                "an action seen half done"
            )
            return endpoint, seen

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(client, range(50)))
    endpoints = [endpoint for endpoint, _ in results]
    assert len(set(endpoints)) == 50
    listed = {d["id"]: d for d in served.api.get("/v1/endpoint").json()}
    assert all(
        listed[e]["tags"].startswith("t") and listed[e]["status"]["id"] == 1 for e in endpoints
    )
    assert all(f"c{n}" in seen for n, (_, seen) in enumerate(results))
    assert sorted(
        e["endpoint"]["id"] for e in served.api.get("/v1/event", params={"q": "type:43"}).json()
    ) == sorted(endpoints)

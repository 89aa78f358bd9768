"""The local platform's Data Streamer: events pushed to real receivers on 127.0.0.1, one per
POST or in bulk, paused and resumed, failing and resumed, and across a restart; nothing the
platform stored is lost, and what arrives is what the Event API serves."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from platform_client import Served, serving
from receiver import Receiver, receiving


def eventually(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.02)


def stored(served: Served) -> list[dict[str, object]]:
    return list(served.api.get("/v1/event", params={"sort": "id"}).json())


def traffic(served: Served) -> None:
    served.control("endpoint/1/attach")
    served.control("endpoint/1/session")
    assert served.api.patch("/v1/sim/1", json={"status": {"id": 2}}).status_code == 204


def stream(served: Served, receiver: Receiver, **fields: object) -> int:
    answer = served.api.post("/v1/data_stream", json={"api_callback_url": receiver.url, **fields})
    assert answer.status_code == 201, answer.text
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def test_events_are_pushed_one_per_post_as_stored() -> None:
    with serving() as served, receiving() as receiver:
        served.control("endpoint/2/attach")
        number = stream(served, receiver, api_username="me", api_password="secret")
        traffic(served)
        eventually(lambda: len(receiver.events()) == 5)
        assert receiver.events() == stored(served)[2:], (
            "from the next event on, in order, unchanged"
        )
        assert all(not isinstance(body, list) for body in receiver.bodies)
        expected = "Basic " + base64.b64encode(b"me:secret").decode()
        assert {h["Authorization"] for h in receiver.headers} == {expected}
        shown = served.api.get(f"/v1/data_stream/{number}").json()
        assert shown["status"]["description"] == "Running" and "api_password" not in shown
        eventually(
            lambda: served.api.get(f"/v1/data_stream/{number}").json()["delivered_up_to"] == 7
        )


def test_bulk_streams_send_arrays_and_history_when_asked() -> None:
    with serving() as served, receiving() as receiver:
        served.control("endpoint/2/attach")
        stream(served, receiver, api_type={"id": 2}, stream_historic_data=1)
        traffic(served)
        eventually(lambda: len(receiver.events()) == 7)
        assert all(isinstance(body, list) for body in receiver.bodies)
        assert receiver.events() == stored(served)


def test_a_paused_stream_delivers_what_it_missed_when_resumed() -> None:
    with serving() as served, receiving() as receiver:
        number = stream(served, receiver)
        assert (
            served.api.patch(f"/v1/data_stream/{number}", json={"status": {"id": 2}}).status_code
            == 204
        )
        traffic(served)
        time.sleep(0.3)
        assert receiver.events() == []
        assert (
            served.api.patch(f"/v1/data_stream/{number}", json={"status": {"id": 1}}).status_code
            == 204
        )
        eventually(lambda: len(receiver.events()) == 5)
        assert receiver.events() == stored(served)


def test_a_failing_receiver_puts_the_stream_in_error_and_resuming_loses_nothing() -> None:
    failing = True
    with (
        serving(retries=1, max_backoff=0.01) as served,
        receiving(lambda n: 500 if failing else 200) as receiver,
    ):
        number = stream(served, receiver)
        traffic(served)
        eventually(lambda: served.api.get(f"/v1/data_stream/{number}").json()["status"]["id"] == 3)
        error = served.api.get(f"/v1/data_stream/{number}").json()["error"]
        assert "gave up after 1 retries: 500" in error
        failing = False
        served.api.patch(f"/v1/data_stream/{number}", json={"status": {"id": 1}})
        eventually(lambda: len(receiver.events()) == 5)
        assert receiver.events() == stored(served)


def test_events_made_while_the_receiver_was_away_arrive_after_a_restart(tmp_path: Path) -> None:
    database = str(tmp_path / "platform.db")
    away = True
    with receiving(lambda n: 503 if away else 200) as receiver:
        with serving(database, retries=0, max_backoff=0.01, stream_to=receiver.url) as served:
            traffic(served)
            eventually(lambda: served.api.get("/v1/data_stream/1").json()["status"]["id"] == 3)
            expected = stored(served)
        away = False
        # Started again with --stream-to the same receiver: the stream resumes where it was.
        with serving(database, stream_to=receiver.url) as served:
            eventually(lambda: len(receiver.events()) == len(expected))
            assert receiver.events() == expected
            assert [
                s["status"]["description"] for s in served.api.get("/v1/data_stream").json()
            ] == ["Running"]


def test_bad_streams_are_refused() -> None:
    with serving() as served:
        for body, words in (
            ({"api_callback_url": "ftp://x"}, "http:// or https://"),
            ({"api_callback_url": "http://x", "data_stream_type": {"id": 2}}, "data_stream_type"),
            ({"api_callback_url": "http://x", "api_type": {"id": 9}}, "api_type"),
            ({"url": "http://x"}, "unknown field 'url'"),
        ):
            answer = served.api.post("/v1/data_stream", json=body)
            assert answer.status_code == 422 and words in answer.json()["message"], answer.text
        assert served.api.get("/v1/data_stream/5").status_code == 404
        assert httpx.get(f"{served.url}api/v1/data_stream").status_code == 401

"""The local platform served on 127.0.0.1 for a test, and an HTTP client logged in to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from sim.platform.app import LocalPlatform, local_platform
from sim.platform.core import Platform
from sim.web.server import serve_in_thread


class Served:
    """A running platform: the object itself (to read the model), its address, a client."""

    def __init__(self, local: LocalPlatform, url: str) -> None:
        self.platform: Platform = local.platform
        self.local = local
        self.url = url
        self.api = httpx.Client(base_url=f"{url}api", timeout=10)
        token = self.api.post("/v1/authenticate", json={"application_token": self.platform.token})
        self.api.headers["Authorization"] = f"Bearer {token.json()['auth_token']}"

    def control(self, path: str, **body: Any) -> list[int]:
        """A ``/_sim`` control; the type ids of the events it made the platform emit."""
        answer = httpx.post(f"{self.url}_sim/{path}", json=body, timeout=10)
        assert answer.status_code == 200, answer.text
        return [event["event_type"]["id"] for event in answer.json()["events"]]

    def connectivity(self, endpoint: int) -> str:
        """The endpoint's connectivity status, as the API says it."""
        answer = self.api.get(f"/v1/endpoint/{endpoint}/connectivity")
        assert answer.status_code == 200, answer.text
        return str(answer.json()["status"]["description"])

    def event_types(self, endpoint: int) -> list[int]:
        """The endpoint's events' type ids, oldest first."""
        answer = self.api.get(f"/v1/endpoint/{endpoint}/event", params={"sort": "id"})
        return [event["event_type"]["id"] for event in answer.json()]

    def create(self, name: str, sim: int | None = None, status: int = 0) -> int:
        """A new endpoint in the seeded profiles; its id."""
        body: dict[str, Any] = {"name": name, "status": {"id": status},
                                "service_profile": {"id": 1}, "tariff_profile": {"id": 1}}  # fmt: skip
        if sim is not None:
            body["sim"] = {"id": sim}
        answer = self.api.post("/v1/endpoint", json=body)
        assert answer.status_code == 201, answer.text
        return int(answer.headers["Location"].rsplit("/", 1)[1])


@contextmanager
def serving(
    path: str = ":memory:", seed_fleet: int = 3, token: str = "devicesim", **options: Any
) -> Iterator[Served]:
    """A platform over the database at ``path``, served until the block ends."""
    with (
        local_platform(path, token=token, seed_fleet=seed_fleet, **options) as local,
        serve_in_thread(local.app) as url,
    ):
        served = Served(local, url)
        try:
            yield served
        finally:
            served.api.close()

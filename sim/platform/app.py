"""The local platform put together: its database opened (and seeded), its Data Streamer, and
the API and the simulation's controls in one web app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette

from sim.platform.control import control_routes
from sim.platform.core import DEFAULT_TOKEN, Platform
from sim.platform.database import Database
from sim.platform.rest import api_routes, platform_app
from sim.platform.seeding import seed
from sim.platform.stream_routes import stream_routes
from sim.platform.streamer import Streamer


class LocalPlatform:
    """A platform, its Data Streamer and its web app."""

    def __init__(self, platform: Platform, streamer: Streamer, seeded: bool) -> None:
        self.platform = platform
        self.streamer = streamer
        self.seeded = seeded
        routes = [*api_routes(platform, stream_routes(streamer)), *control_routes(platform)]
        self.app: Starlette = platform_app(platform, routes)


@contextmanager
def local_platform(
    path: str,
    *,
    token: str = DEFAULT_TOKEN,
    seed_fleet: int = 0,
    stream_to: str | None = None,
    retries: int = 5,
    max_backoff: float = 30.0,
) -> Iterator[LocalPlatform]:
    """The platform over the database at ``path`` (created if new; an empty one gets the
    account and ``seed_fleet`` devices), streaming; ``stream_to`` makes sure a stream to that
    URL exists. Everything stops and closes at the end of the block."""
    platform = Platform(Database(path), token)
    try:
        seeded = seed(platform, seed_fleet)
        streamer = Streamer(platform, retries=retries, max_backoff=max_backoff)
        if stream_to is not None:
            streamer.ensure(stream_to)
        streamer.start()
        try:
            yield LocalPlatform(platform, streamer, seeded)
        finally:
            streamer.stop()
    finally:
        platform.close()

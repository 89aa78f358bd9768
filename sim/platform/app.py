"""The local platform put together: its database opened (and seeded), the API and the
simulation's controls in one web app."""

from __future__ import annotations

from starlette.applications import Starlette

from sim.platform.control import control_routes
from sim.platform.core import DEFAULT_TOKEN, Platform
from sim.platform.database import Database
from sim.platform.rest import platform_app
from sim.platform.seeding import seed


def open_platform(
    path: str, *, token: str = DEFAULT_TOKEN, seed_fleet: int = 0
) -> tuple[Platform, bool]:
    """The platform over the database at ``path`` (created if new); an empty database gets
    the account and ``seed_fleet`` devices (True when it did)."""
    platform = Platform(Database(path), token)
    return platform, seed(platform, seed_fleet)


def platform_server(platform: Platform) -> Starlette:
    """The web app: ``/api`` and ``/_sim``."""
    return platform_app(platform, control_routes(platform))

"""``devicesim serve``: the local emnify platform on this machine."""

from __future__ import annotations

import argparse
import sys

from sim.cli.exits import EXIT_OK
from sim.platform.app import open_platform, platform_server
from sim.web.server import bind, serve, url_of


def cmd_serve(args: argparse.Namespace) -> int:
    """Open (or create) the database, seed it if asked, and serve until Ctrl-C."""
    sock = bind(args.host, args.port)
    platform, seeded = open_platform(args.db, token=args.token, seed_fleet=args.seed_fleet)
    url = url_of(sock)
    devices = platform.database.row("SELECT COUNT(*) FROM endpoint WHERE deleted = 0")
    state = (
        f"seeded {args.seed_fleet} devices" if seeded else f"{devices[0] if devices else 0} devices"
    )
    print(f"devicesim platform: {url}api  ({args.db}: {state}; Ctrl-C stops it)", flush=True)
    print(f"  EMNIFY_SDK_API_ENDPOINT_URL={url}api", flush=True)
    try:
        serve(platform_server(platform), sock)
    finally:
        platform.close()
    print("devicesim platform: stopped", file=sys.stderr)
    return EXIT_OK

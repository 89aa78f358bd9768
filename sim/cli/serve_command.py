"""``devicesim serve``: the local emnify platform on this machine."""

from __future__ import annotations

import argparse
import sys

from sim.cli.exits import EXIT_OK
from sim.platform.app import local_platform
from sim.web.server import bind, serve, url_of


def cmd_serve(args: argparse.Namespace) -> int:
    """Open (or create) the database, seed it if asked, and serve until Ctrl-C."""
    sock = bind(args.host, args.port)
    url = url_of(sock)
    with local_platform(
        args.db, token=args.token, seed_fleet=args.seed_fleet, stream_to=args.stream_to
    ) as local:
        found = local.platform.database.row("SELECT COUNT(*) FROM endpoint WHERE deleted = 0")
        devices = found[0] if found else 0
        state = f"seeded {devices} devices" if local.seeded else f"{devices} devices"
        print(f"devicesim platform: {url}api  ({args.db}: {state}; Ctrl-C stops it)", flush=True)
        print(f"  EMNIFY_SDK_API_ENDPOINT_URL={url}api", flush=True)
        if args.stream_to:
            print(f"  streaming events to {args.stream_to}", flush=True)
        serve(local.app, sock)
    print("devicesim platform: stopped", file=sys.stderr)
    return EXIT_OK

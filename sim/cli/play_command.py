"""``devicesim play``: the browser playground on this machine."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from sim.cli.exits import EXIT_OK
from sim.web.playground import Playground
from sim.web.server import bind, serve, url_of


def cmd_play(args: argparse.Namespace) -> int:
    """Serve the playground until Ctrl-C; open it in a browser unless told not to."""
    sock = bind(args.host, args.port)
    url = url_of(sock)
    app = Playground().app()
    print(f"devicesim playground: {url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        webbrowser.open(url)
    serve(app, sock)
    print("devicesim playground: stopped", file=sys.stderr)
    return EXIT_OK

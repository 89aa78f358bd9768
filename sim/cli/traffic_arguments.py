"""The arguments of the commands that test integrations over HTTP: generate and stream.

Like ``sim.cli.arguments``, only argparse and the help texts: the commands' modules are
imported when they run.
"""

from __future__ import annotations

from typing import Any

from sim.cli.arguments import whole_number
from sim.cli.help_table import command_parser

#: The Data Streamer's documented limit of records per bulk POST: ``--bulk`` alone.
BULK_LIMIT = 3000


def add_traffic_commands(commands: Any) -> None:
    """generate and stream."""
    generate = command_parser(commands, "generate")
    generate.add_argument(
        "--devices", type=whole_number(1, 10_000_000), default=100, metavar="N",
        help="devices in the fleet (default 100)",
    )  # fmt: skip
    generate.add_argument(
        "--duration", default="7d", metavar="TIME",
        help="how long a history, e.g. 12h, 7d (default 7d; at most 3650d)",
    )  # fmt: skip
    generate.add_argument(
        "--seed", type=whole_number(0), default=1, metavar="S",
        help="the same seed (and profile) gives the same history (default 1)",
    )  # fmt: skip
    generate.add_argument(
        "--profile", metavar="FILE",
        help="a YAML file setting the fleet's mix and rates (see docs/traffic.md)",
    )  # fmt: skip
    generate.add_argument(
        "-o", "--output", metavar="FILE",
        help="write JSON Lines to FILE (gzip-compressed if it ends in .gz), not stdout",
    )  # fmt: skip
    generate.set_defaults(run="traffic_commands:cmd_generate")
    stream = command_parser(commands, "stream")
    stream.add_argument("paths", nargs="+", metavar="LOG", help="event files; - reads stdin")
    stream.add_argument("--to", required=True, metavar="URL", help="the webhook to POST to")
    stream.add_argument(
        "--bulk", type=whole_number(1, 1_000_000), nargs="?", const=BULK_LIMIT, metavar="N",
        help="bulk mode: JSON arrays of up to N events per POST (N default 3000); without "
        "it, one event object per POST",
    )  # fmt: skip
    stream.add_argument(
        "--interval", type=float, default=1.0, metavar="S",
        help="bulk mode: send a batch S seconds after its first event even if not full "
        "(default 1)",
    )  # fmt: skip
    stream.add_argument(
        "--auth", metavar="basic:USER:PASS|bearer:TOKEN", help="the Authorization header to send"
    )
    stream.add_argument(
        "--rate",
        type=float,
        metavar="EVENTS_PER_S",
        help="deliver at most this many events a second",
    )
    stream.add_argument(
        "--retries", type=whole_number(0, 100), default=5, metavar="N",
        help="retries of a request after a connection error, a timeout, 408, 429 or 5xx (default 5)",
    )  # fmt: skip
    stream.add_argument(
        "--max-backoff", type=float, default=30.0, metavar="S",
        help="the longest wait between retries; waits double from 0.5 s (default 30)",
    )  # fmt: skip
    stream.add_argument(
        "--timeout", type=float, default=30.0, metavar="S",
        help="how long to wait for an answer to one request (default 30)",
    )  # fmt: skip
    stream.add_argument(
        "--faults", metavar="KIND=P,...",
        help="inject delivery faults: duplicate=0.01 resends 1%% of events later, "
        "reorder=0.05 delays 5%% past later ones",
    )  # fmt: skip
    stream.add_argument(
        "--seed", type=whole_number(0), default=1, metavar="S", help="the faults' seed (default 1)"
    )
    stream.set_defaults(run="traffic_commands:cmd_stream")

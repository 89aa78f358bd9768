"""The arguments of the commands that test integrations over HTTP: generate, stream, fuzz,
serve.

Like ``sim.cli.arguments``, only argparse and the help texts: the commands' modules are
imported when they run.
"""

from __future__ import annotations

from typing import Any

from sim.cli.arguments import add_address, whole_number
from sim.cli.help_table import command_parser

#: The Data Streamer's documented limit of records per bulk POST: ``--bulk`` alone.
BULK_LIMIT = 3000


def add_traffic_commands(commands: Any) -> None:
    """generate, stream, fuzz and serve."""
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
    _add_connection(stream, timeout=30)
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
        "--faults", metavar="KIND=P,...",
        help="inject delivery faults: duplicate=0.01 resends 1%% of events later, "
        "reorder=0.05 delays 5%% past later ones",
    )  # fmt: skip
    stream.add_argument(
        "--seed", type=whole_number(0), default=1, metavar="S", help="the faults' seed (default 1)"
    )
    stream.set_defaults(run="traffic_commands:cmd_stream")
    _add_fuzz(command_parser(commands, "fuzz"))
    _add_serve(command_parser(commands, "serve"))


def _add_serve(serve: Any) -> None:
    add_address(serve, 8080)
    serve.add_argument(
        "--db", default="devicesim.db", metavar="FILE",
        help="the SQLite database the platform keeps its state in (default devicesim.db; "
        ":memory: keeps nothing)",
    )  # fmt: skip
    serve.add_argument(
        "--seed-fleet", type=whole_number(0, 1_000_000), default=0, metavar="N",
        help="fill an empty database with N in-service devices, each with an activated SIM "
        "(a database holding data is left as it is)",
    )  # fmt: skip
    serve.add_argument(
        "--token", default="devicesim", metavar="TOKEN",
        help="the application token POST /api/v1/authenticate accepts (default devicesim)",
    )  # fmt: skip
    serve.add_argument(
        "--stream-to", metavar="URL",
        help="push every event to URL as the Data Streamer does (one event per POST), "
        "from the next one on; more streams: POST /api/v1/data_stream",
    )  # fmt: skip
    serve.set_defaults(run="serve_command:cmd_serve")


def _add_fuzz(fuzz: Any) -> None:
    fuzz.add_argument("--webhook", required=True, metavar="URL", help="where events are POSTed")
    fuzz.add_argument(
        "--observe", required=True, metavar="URL_TEMPLATE",
        help="what the consumer believes about a device: a URL with {endpoint} in it, GET",
    )  # fmt: skip
    fuzz.add_argument(
        "--map", action="append", default=[], metavar="VIEW=JSONPATH",
        help="compare this field of the answer with the model's view or machine, e.g. "
        "connectivity=$.status (repeatable; default: every key of the answer named like one)",
    )  # fmt: skip
    fuzz.add_argument(
        "--reset", metavar="URL", help="POSTed before each example: the consumer forgets everything"
    )
    fuzz.add_argument(
        "--max-examples", type=whole_number(1, 100_000), default=100, metavar="N",
        help="histories to try before calling it a pass (default 100)",
    )  # fmt: skip
    fuzz.add_argument(
        "--steps", type=whole_number(1, 1000), default=30, metavar="N",
        help="events the platform sends per history, at most (default 30; follow-ups on top)",
    )  # fmt: skip
    fuzz.add_argument(
        "--devices", type=whole_number(1, 20), default=1, metavar="N",
        help="devices in each history, endpoints 1001... (default 1)",
    )  # fmt: skip
    fuzz.add_argument(
        "--bulk", action="store_true",
        help="POST each step's events as one JSON array (the Data Streamer's bulk mode), not "
        "one event object per POST",
    )  # fmt: skip
    _add_connection(fuzz, timeout=10)
    fuzz.add_argument(
        "--out", default="devicesim-failures", metavar="DIR",
        help="where a failing history and its HTTP exchange are written (default devicesim-failures)",
    )  # fmt: skip
    fuzz.add_argument(
        "--seed", type=whole_number(0), metavar="S", help="the same seed tries the same histories"
    )
    fuzz.set_defaults(run="fuzz_command:cmd_fuzz")


def _add_connection(command: Any, timeout: int) -> None:
    """How to talk to the other side: credentials and patience."""
    command.add_argument(
        "--auth", metavar="basic:USER:PASS|bearer:TOKEN", help="the Authorization header to send"
    )
    command.add_argument(
        "--timeout", type=float, default=float(timeout), metavar="S",
        help=f"how long to wait for an answer to one request (default {timeout})",
    )  # fmt: skip

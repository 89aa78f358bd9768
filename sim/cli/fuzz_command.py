"""``devicesim fuzz``: the stateful property test of a webhook consumer over HTTP.

The arguments are checked before anything is sent (views, paths, the template, the output
folder), so that a typo is one line and exit 2, not a minute of fuzzing. Hypothesis is
imported only here, when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from urllib.parse import urlsplit

from sim.cli.exits import EXIT_FAILED, EXIT_OK
from sim.cli.stream_command import authorization
from sim.cli.terminal import writable_folder
from sim.engine.vocabulary import DEVICE_NAMES
from sim.errors import UsageError, suggest


def cmd_fuzz(args: argparse.Namespace) -> int:
    """Fuzz the consumer; print the story of the first disagreement, or how many agreed."""
    from sim.testing.fuzz import Consumer, fuzz, probe
    from sim.testing.json_path import parse_path

    views = dict(_view(item) for item in args.map)
    for view, path in views.items():
        try:
            parse_path(path)
        except UsageError as exc:
            raise UsageError(f"fuzz: --map {view}={path}: {exc}") from None
    consumer = Consumer(
        webhook=_url(args.webhook, "--webhook"), observe=_template(args.observe), views=views,
        reset=_url(args.reset, "--reset") if args.reset else None, bulk=args.bulk,
        headers=authorization(args.auth) if args.auth else {}, timeout=args.timeout,
    )  # fmt: skip
    out = writable_folder(args.out, "--out")
    probe(consumer)
    if not args.reset:
        print(
            "fuzz: no --reset: the consumer keeps what earlier examples sent, which can "
            "make findings flaky; give it a URL that makes it forget everything",
            file=sys.stderr,
        )
    started = time.perf_counter()
    outcome = fuzz(
        consumer, devices=args.devices, max_examples=args.max_examples, steps=args.steps,
        out=out, seed_value=args.seed,
    )  # fmt: skip
    took = f"{time.perf_counter() - started:.1f} s"
    if outcome.failure is None:
        print(f"fuzz: {outcome.examples} histories, none disagreed with the model ({took})")
        return EXIT_OK
    print(outcome.failure)
    print(f"fuzz: a disagreement, shrunk; {outcome.examples} histories tried ({took})")
    return EXIT_FAILED


def _view(item: str) -> tuple[str, str]:
    """``VIEW=JSONPATH``, the view one the model knows."""
    view, equals, path = item.partition("=")
    if not equals or not path:
        raise UsageError(
            f"fuzz: --map {item!r}: expected VIEW=JSONPATH, e.g. connectivity=$.status"
        )
    if view not in DEVICE_NAMES:
        raise UsageError(
            f"fuzz: --map {item!r}: {view!r} is no view or machine{suggest(view, DEVICE_NAMES)}; "
            f"one of {', '.join(sorted(DEVICE_NAMES))}"
        )
    return view, path


def _url(text: str, option: str) -> str:
    """An http(s) URL with a host."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"fuzz: {option} {text!r}: expected an http:// or https:// URL")
    return text


def _template(text: str) -> str:
    """The observe URL, with {endpoint} and no other placeholder."""
    _url(text, "--observe")
    try:
        filled = text.format(endpoint=1001)
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(
            f"fuzz: --observe {text!r}: only {{endpoint}} can be filled in ({exc})"
        ) from None
    if filled == text:
        raise UsageError(
            f"fuzz: --observe {text!r}: expected {{endpoint}} in the URL, e.g. http://host/devices/{{endpoint}}"
        )
    return text

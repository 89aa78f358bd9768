"""Writing a replay's trace as the replay makes it, so that memory does not grow with it.

A replay of millions of events makes an entry per event. ``TraceWriter`` is the fleet's trace
sink (``Fleet(trace=writer)``): each entry that the ``--trace-where`` filters accept is
written at once and dropped, to any of three places:

- the terminal, as the text trace (``--trace``);
- the JSON document on stdout (``--json --trace``): the document opens with its ``"trace"``
  array, one compact entry per line, and the final states and counts follow when the replay
  is done. It stays one JSON document whatever the input's size;
- a JSON Lines file (``--trace-out FILE``), one entry per line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import IO, Any

import orjson

from sim.cli.render import trace_line
from sim.cli.trace_filter import Test
from sim.engine.trace import TraceEntry

_OPEN = b'{\n  "trace": ['


class TraceWriter:
    """The trace sink of ``devicesim replay`` (see the module)."""

    def __init__(
        self, tests: Sequence[Test], *, text: bool, json: bool, out: IO[bytes] | None
    ) -> None:
        self.tests = tuple(tests)
        self.text, self.json, self.out = text, json, out
        self.written = 0

    def __call__(self, entry: TraceEntry) -> None:
        """Write one entry where it is wanted, if every filter accepts it."""
        if not all(test(entry) for test in self.tests):
            return
        if self.text:
            print(trace_line(entry))
        if self.json or self.out:
            data = orjson.dumps(entry.to_json())
            if self.json:
                sys.stdout.buffer.write((b",\n    " if self.written else _OPEN + b"\n    ") + data)
            if self.out:
                self.out.write(data + b"\n")
        self.written += 1

    def finish(self, document: dict[str, Any] | None = None) -> None:
        """End the output: the JSON ``document``'s other keys after its trace, or the text
        trace's blank line."""
        if self.json and document is not None:
            head = b"" if self.written else _OPEN
            rest = orjson.dumps(document, option=orjson.OPT_INDENT_2)
            sys.stdout.buffer.write(head + b"\n  ],\n" + rest[2:] + b"\n")
            sys.stdout.flush()
        elif self.text:
            print()

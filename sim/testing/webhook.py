"""``WebhookIntegration``: the stateful property test of a webhook consumer written in any
language, over HTTP.

The events are POSTed to the consumer's webhook as the Data Streamer would (the platform's
own events in between included: Device offline, quota expiry); what it believes about a
device is read with a GET and compared with the model, ignoring case. Every request and
answer of an example is kept, so that the one that showed a bug can be written beside its
regression scenario as a ``.http`` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import httpx
import orjson

from sim.engine.vocabulary import DEVICE_NAMES
from sim.errors import ConsumerUnreachable
from sim.testing.exchange import Exchange
from sim.testing.integration import IntegrationStateMachine
from sim.testing.json_path import parse_path, read_path

#: What a device the consumer answers 404 for is compared as, once the model has seen it.
UNKNOWN = "(404: device unknown)"
#: Without ``views``, the view a 404 for a device the model has seen is reported against: the
#: one every dashboard shows.
UNMAPPED = ("connectivity",)
#: What a mapped field missing from the consumer's answer is compared as.
MISSING = "(missing)"


class WebhookIntegration(IntegrationStateMachine):
    """Property-test a webhook consumer over HTTP. Set the class attributes, then run
    ``TestCase`` under pytest (or use ``devicesim fuzz``, which builds this class)."""

    #: Where events are POSTed (``Content-Type: application/json``).
    webhook: ClassVar[str] = ""
    #: What the consumer believes about a device: a URL with ``{endpoint}`` in it.
    observe_url: ClassVar[str] = ""
    #: View or machine name -> JSONPath into the GET's answer. Empty: every key of the answer
    #: that is a view or machine name (``{"connectivity": "ONLINE"}``).
    views: ClassVar[Mapping[str, str]] = {}
    #: POSTed (empty body) before each example, so that no example sees another's devices.
    reset_url: ClassVar[str | None] = None
    #: One POST per delivery as a JSON array (the Data Streamer's bulk mode), or one per event.
    bulk: ClassVar[bool] = True
    #: Extra request headers (``Authorization``).
    headers: ClassVar[Mapping[str, str]] = {}
    #: Seconds to wait for an answer before the consumer counts as unreachable.
    timeout: ClassVar[float] = 10.0
    #: The first failure to reach the consumer: later examples fail at once with it, so that
    #: shrinking a dead consumer's failure does not wait for a timeout each time.
    unreachable: ClassVar[ConsumerUnreachable | None] = None
    #: How many examples were started (for the report of a run that found nothing).
    examples: ClassVar[int] = 0
    #: How many values were compared with the model, and the last answer read: a run that
    #: compared nothing proved nothing, and ``devicesim fuzz`` says so.
    compared: ClassVar[int] = 0
    last_answer: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        type(self).examples += 1
        self.exchange = Exchange()
        self.paths = {view: parse_path(path) for view, path in self.views.items()}
        self.seen: set[int] = set()
        if self.reset_url:
            self._request("POST", self.reset_url, b"")

    def deliver(self, events: list[dict[str, Any]]) -> None:
        """POST the events, as one array or one by one."""
        self.seen |= {event["endpoint"]["id"] for event in events if event.get("endpoint")}
        for body in [events] if self.bulk else events:
            self._request("POST", self.webhook, orjson.dumps(body))

    def observe(self, endpoint_id: int) -> dict[str, str]:
        """GET the device; 404 is a device the consumer has not seen, fine until the model has."""
        url = self.observe_url.format(endpoint=endpoint_id)
        response = self._request("GET", url, expected=(404,))
        if response.status_code == 404:
            known = endpoint_id in self.seen
            return {view: UNKNOWN for view in self.paths or UNMAPPED} if known else {}
        try:
            answer = response.json()
        except ValueError:
            self.fail(f"GET {url} answered with no JSON", self.exchange.last())
        type(self).last_answer = response.text
        if self.paths:
            found = {view: read_path(answer, steps) for view, steps in self.paths.items()}
            values = {view: _text(value) if ok else MISSING for view, (ok, value) in found.items()}
        elif isinstance(answer, dict):
            values = {key: _text(value) for key, value in answer.items() if key in DEVICE_NAMES}
        else:
            values = {}
        type(self).compared += len(values)
        return values

    def agrees(self, observed: Any, expected: str) -> bool:
        """Case does not matter: ``ONLINE`` is Online."""
        return str(observed).casefold() == expected.casefold()

    def _request(
        self, method: str, url: str, body: bytes | None = None, expected: tuple[int, ...] = ()
    ) -> httpx.Response:
        """One request, kept in the exchange; an answer outside 2xx and ``expected`` is a
        finding, no answer at all stops the run."""
        __tracebackhide__ = True
        lost_before = type(self).unreachable
        if lost_before is not None:
            raise lost_before
        headers = {**self.headers, **({"Content-Type": "application/json"} if body else {})}
        try:
            response = _client(self.timeout).request(method, url, content=body, headers=headers)
        except httpx.TransportError as exc:
            lost = ConsumerUnreachable(
                f"{method} {url}: {type(exc).__name__}: {exc or 'no answer'}"
            )
            type(self).unreachable = lost
            raise lost from None
        self.exchange.add(method, url, headers, body, response)
        if not (response.is_success or response.status_code in expected):
            self.fail(
                f"{method} {url} answered {response.status_code} {response.reason_phrase}",
                self.exchange.last(),
            )
        return response

    def found_by(self) -> str:
        return f"{type(self).__name__} at {self.webhook}"

    def _export(self) -> list[str]:
        written = super()._export()
        path = self.exchange.write(Path(self.export_dir) / f"{self.export_name()}.http")
        return [*written, f"HTTP exchange: {path}"]


@cache
def _client(timeout: float) -> httpx.Client:
    """One kept-alive client per timeout for the whole run: examples are many and short, and
    a client of its own would cost each one a connection and a TLS context."""
    return httpx.Client(timeout=timeout, follow_redirects=False)


def _text(value: Any) -> str:
    """A JSON value as the text compared with a state name."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()

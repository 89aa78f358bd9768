"""The HTTP exchange of one example, kept to be written beside its regression scenario.

Written as an HTTP request file (``###`` between requests, each answer as comments): the
format editors' REST clients send again with one click, and readable as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import httpx

HEADER = (
    "# The HTTP exchange of `devicesim fuzz` that showed the disagreement, in the order it happened.\n"
    "# Each request as sent, its answer as comments. Editors' HTTP clients can send the requests again.\n"
)


class Request(NamedTuple):
    """One request and the answer it got."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None
    status: int
    reason: str
    answer: str


class Exchange:
    """The requests of one example, in order."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def add(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        response: httpx.Response,
    ) -> None:
        self.requests.append(
            Request(
                method,
                url,
                headers,
                body,
                response.status_code,
                response.reason_phrase,
                response.text,
            )
        )

    def last(self) -> list[str]:
        """The last request and its answer, as the lines of a failure message."""
        method, url, _, _, status, reason, answer = self.requests[-1]
        return [
            f"{method} {url}",
            f"-> {status} {reason}: {answer.strip()[:500] or '(empty body)'}",
        ]

    def write(self, path: Path) -> Path:
        """Write the exchange as an HTTP request file."""
        blocks = [HEADER]
        for number, request in enumerate(self.requests, start=1):
            lines = [f"### {number}", f"{request.method} {request.url}"]
            lines += [f"{name}: {_shown(name, value)}" for name, value in request.headers.items()]
            if request.body:
                lines += ["", request.body.decode()]
            lines += ["", f"# -> {request.status} {request.reason}"]
            lines += [f"# {line}" for line in request.answer.splitlines()]
            blocks.append("\n".join(lines) + "\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(blocks))
        return path


def _shown(name: str, value: str) -> str:
    """A header as written to the file: credentials are not."""
    return "(as given with --auth)" if name.lower() == "authorization" else value

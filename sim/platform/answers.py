"""How the local platform answers over HTTP: JSON, the platform's error shape, pages with
their headers, 201 and 204; and reading a request's JSON body no further than the limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from sim.platform.core import Platform
from sim.platform.listing import Page, headers
from sim.platform.validation import MAX_BODY, json_body

Handler = Callable[[Platform, Request], Awaitable[Response]]


def json_response(value: Any, status: int = 200, extra: dict[str, str] | None = None) -> Response:
    """A JSON answer."""
    body = value if isinstance(value, bytes) else orjson.dumps(value)
    return Response(body, status, headers=extra, media_type="application/json")


def error_response(status: int, token: str, message: str) -> Response:
    """The platform's error shape."""
    return json_response({"error_code": status, "error_token": token, "message": message}, status)


def listed(request: Request, items: Any, found: Page) -> Response:
    """A page of a list with the pagination headers."""
    url = str(request.url.replace(query=""))
    return json_response(items, 200, headers(url, dict(request.query_params), found))


async def body_of(request: Request) -> Any:
    """The request's JSON body, read no further than the limit."""
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            break
    return json_body(bytes(raw))


def created(location: str) -> Response:
    """201, naming what was made."""
    return Response(status_code=201, headers={"Location": location})


def no_content() -> Response:
    """204: done."""
    return Response(status_code=204)

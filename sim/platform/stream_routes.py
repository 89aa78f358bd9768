"""The data-stream resource of the API: ``/api/v1/data_stream``, over a ``Streamer``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sim.platform.answers import Handler, body_of, created, json_response, listed, no_content
from sim.platform.core import Platform
from sim.platform.streamer import Streamer
from sim.platform.validation import path_id


def stream_routes(streamer: Streamer) -> dict[str, dict[str, Handler]]:
    """Paths and their handlers: list, create, retrieve, pause or resume, delete."""

    def stream(request: Request) -> int:
        return path_id(request.path_params["stream"], "data stream")

    async def listing(platform: Platform, request: Request) -> Response:
        return listed(request, *streamer.listing(request.query_params))

    async def create(platform: Platform, request: Request) -> Response:
        made = streamer.create(await body_of(request))
        return created(f"/api/v1/data_stream/{made}")

    async def retrieve(platform: Platform, request: Request) -> Response:
        return json_response(streamer.retrieve(stream(request)))

    async def update(platform: Platform, request: Request) -> Response:
        streamer.update(stream(request), await body_of(request))
        return no_content()

    async def delete(platform: Platform, request: Request) -> Response:
        streamer.delete(stream(request))
        return no_content()

    return {
        "/api/v1/data_stream": {"GET": listing, "POST": create},
        "/api/v1/data_stream/{stream}": {"GET": retrieve, "PATCH": update, "DELETE": delete},
    }

"""The webhook consumer of ``webhook_consumer.py`` as the small web service integrations run.

    python -m examples.webhook_app --port 8000           # with the planted bug
    python -m examples.webhook_app --port 8000 --fixed   # the bug fixed

Routes: ``POST /events`` (the Data Streamer's webhook: one event object, or an array of them
in bulk mode), ``GET /devices/{endpoint}`` (the dashboard's row: ``{"endpoint": 1001,
"status": "ONLINE"}``, 404 for a device it has never heard of), ``POST /reset`` (forget
everything: what a test calls before each example). Test it with:

    devicesim fuzz --webhook http://127.0.0.1:8000/events \\
        --observe 'http://127.0.0.1:8000/devices/{endpoint}' --map 'connectivity=$.status' \\
        --reset http://127.0.0.1:8000/reset
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from examples.webhook_consumer import DeviceTable

#: What a refused data session says: the platform sends it with the type id of an accepted one.
REFUSED = "PDP Context Request rejected"


class FixedDeviceTable(DeviceTable):
    """The consumer once its bug is fixed: a refused Create PDP Context is no session."""

    def _network(self, row: Any, type_id: int, event: dict[str, Any]) -> None:
        if type_id == 3 and str(event.get("description", "")).startswith(REFUSED):
            return
        super()._network(row, type_id, event)


def webhook_app(fixed: bool = False) -> Starlette:
    """The consumer as a Starlette app; ``fixed`` without the planted bug."""
    make = FixedDeviceTable if fixed else DeviceTable
    consumer = {"table": make()}

    async def events(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, status_code=400)
        batch = body if isinstance(body, list) else [body]
        if not all(isinstance(event, dict) for event in batch):
            return JSONResponse(
                {"error": "expected an event object or an array of them"}, status_code=400
            )
        consumer["table"].handle(batch)
        return JSONResponse({"accepted": len(batch)})

    async def device(request: Request) -> Response:
        endpoint = int(request.path_params["endpoint"])
        table = consumer["table"]
        if endpoint not in table.rows:
            return JSONResponse({"error": f"no device {endpoint}"}, status_code=404)
        return JSONResponse({"endpoint": endpoint, "status": table.connectivity(endpoint).upper()})

    async def reset(request: Request) -> Response:
        consumer["table"] = make()
        return Response(status_code=204)

    return Starlette(
        routes=[
            Route("/events", events, methods=["POST"]),
            Route("/devices/{endpoint:int}", device),
            Route("/reset", reset, methods=["POST"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fixed", action="store_true", help="without the planted bug")
    args = parser.parse_args()
    uvicorn.run(webhook_app(args.fixed), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

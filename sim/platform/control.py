"""Simulation-only controls under ``/_sim`` (no token; not part of the emnify API): what the
network and the devices do, and the platform's clock, so that tests and people can make a
device attach, open and close a data session, and let time pass.

Each answers ``{"events": [...]}``: the events it made the platform emit, in order, as they
were stored and pushed. The model decides them: a session the platform refuses is a rejected
Create PDP Context with the platform's reason; a device that may not use the network at all
is a 409 naming why, and nothing is emitted.
"""

from __future__ import annotations

import random
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sim.engine.outcomes import INCONSISTENT, INVALID
from sim.engine.views import access_denier, refusal_reason
from sim.errors import ApiError
from sim.events.catalogue import UNKNOWN_REFUSAL, Kind
from sim.platform.core import Platform, iso
from sim.platform.rest import error_response, json_response
from sim.platform.validation import json_body, known_fields, path_id
from sim.traffic.payloads import NETWORKS
from statemachines.network import PS_REGISTERED

#: The longest a clock may be moved at once: a year.
MAX_ADVANCE = 366 * 86_400


def _allowed(platform: Platform, endpoint: int, kind: Kind) -> bool:
    step = platform.fleet.preview(endpoint, kind)
    return step.outcome not in (INCONSISTENT, INVALID) and not step.warnings


def _network(body: dict[str, Any]) -> int:
    operator = body.get("operator", 1)
    if (
        isinstance(operator, bool)
        or not isinstance(operator, int)
        or not 1 <= operator <= len(NETWORKS)
    ):
        raise ApiError(
            422,
            "invalid_value",
            f"operator: expected an operator id from 1 to {len(NETWORKS)} (GET /api/v1/operator)",
        )
    return operator - 1


def attach(platform: Platform, endpoint: int, body: dict[str, Any]) -> None:
    """The device registers: Update location, then Update GPRS location."""
    network = NETWORKS[_network(known_fields(body, ("operator",), "attach"))]
    detail = {"country": {"name": network[0], "mcc": network[1], "country_code": network[2],
                          "iso_code": network[3]}, "name": network[4]}  # fmt: skip
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        denied = access_denier(platform.fleet.state(endpoint), platform.fleet.context(endpoint))
        if denied is not None or not _allowed(platform, endpoint, (1, "")):
            why = f"{denied[0]} {denied[1]}" if denied else "the model refuses a registration now"
            raise ApiError(409, "no_network_access", f"endpoint {endpoint} cannot register: {why}")
        for kind in ((1, ""), (2, "")):
            platform.log.emit(kind, now, row["organisation"], row, detail=detail)


def open_session(platform: Platform, endpoint: int) -> None:
    """The device asks for a data session: accepted, or rejected with the platform's reason."""
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        state, context = platform.fleet.state(endpoint), platform.fleet.context(endpoint)
        if state.network not in PS_REGISTERED:
            raise ApiError(
                409,
                "not_registered",
                f"endpoint {endpoint} is not registered for data ({state.network}): attach first",
            )
        if state.pdp == "Connected":
            raise ApiError(
                409, "session_open", f"endpoint {endpoint} has a data session open already"
            )
        if _allowed(platform, endpoint, (3, "accepted")):
            context_id = random.Random(f"{endpoint}:{now}").randrange(1, 10**9)
            detail = {"pdp_context": {"pdp_context_id": context_id, "apn": "em", "rat_type": 6,
                                      "ue_ip_address": row["ip_address"],
                                      "tunnel_created": iso(now)}}  # fmt: skip
            platform.log.emit((3, "accepted"), now, row["organisation"], row, detail=detail)
            return
        reason = refusal_reason(state, context)
        if reason == UNKNOWN_REFUSAL:
            raise ApiError(
                409, "no_data_service", f"endpoint {endpoint} cannot open a data session now"
            )
        platform.log.emit((3, f"rejected:{reason}"), now, row["organisation"], row)


def close_session(platform: Platform, endpoint: int) -> None:
    """The device ends its data session: Delete PDP Context."""
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        if platform.fleet.state(endpoint).pdp != "Connected":
            raise ApiError(409, "no_session", f"endpoint {endpoint} has no data session open")
        platform.log.emit(
            (5, ""), now, row["organisation"], row, detail=platform.log.session_detail(endpoint)
        )


def advance_clock(platform: Platform, body: dict[str, Any]) -> None:
    """Let time pass on the platform's clock (the model's timers fire on the way)."""
    seconds = known_fields(body, ("seconds",), "clock").get("seconds")
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not 0 <= seconds <= MAX_ADVANCE
    ):
        raise ApiError(422, "invalid_value", f"seconds: expected a number from 0 to {MAX_ADVANCE}")
    with platform.action():
        platform.log.advance(seconds)
    with platform.reading():
        pass


def control_routes(platform: Platform) -> list[Route]:
    """The ``/_sim`` routes over one platform."""

    def route(path: str, method: str, act: Any, with_body: bool) -> Route:
        async def answer(request: Request) -> Response:
            try:
                arguments: list[Any] = []
                if "endpoint" in request.path_params:
                    arguments.append(path_id(request.path_params["endpoint"], "endpoint"))
                if with_body:
                    raw = await request.body()
                    arguments.append(json_body(raw) if raw.strip() else {})
                emitted = _emitted_by(platform, lambda: act(platform, *arguments))
            except ApiError as exc:
                return error_response(exc.status, exc.token, exc.message)
            return json_response({"events": emitted, "time": iso(platform.log.now_ms())})

        return Route(path, answer, methods=[method])

    return [
        route("/_sim/clock", "POST", advance_clock, True),
        route("/_sim/endpoint/{endpoint}/attach", "POST", attach, True),
        route("/_sim/endpoint/{endpoint}/session", "POST", open_session, False),
        route("/_sim/endpoint/{endpoint}/session", "DELETE", close_session, False),
    ]


def _emitted_by(platform: Platform, act: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    platform.listeners.append(found.extend)
    try:
        act()
    finally:
        platform.listeners.remove(found.extend)
    return found

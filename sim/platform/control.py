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
from sim.engine.views import access_denier, refusal_reason, sms_service
from sim.errors import ApiError
from sim.events.catalogue import UNKNOWN_REFUSAL, Kind
from sim.platform import messages, quotas
from sim.platform.answers import error_response, json_response
from sim.platform.core import Platform, iso
from sim.platform.seeding import sim_values
from sim.platform.validation import json_body, known_fields, path_id
from sim.traffic.payloads import NETWORKS, registration_detail
from statemachines import organisation as organisation_machine
from statemachines.network import PS_REGISTERED

#: The longest a clock may be moved at once: a year.
MAX_ADVANCE = 366 * 86_400
MAX_VOLUME = quotas.MAX_VOLUME


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
    operator = _network(known_fields(body, ("operator",), "attach"))
    network, detail = NETWORKS[operator], registration_detail(operator)
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        denied = access_denier(platform.fleet.state(endpoint), platform.fleet.context(endpoint))
        if denied is not None or not _allowed(platform, endpoint, (1, "")):
            why = f"{denied[0]} {denied[1]}" if denied else "the model refuses a registration now"
            raise ApiError(409, "no_network_access", f"endpoint {endpoint} cannot register: {why}")
        if messages.barred(platform, endpoint, operator + 1):
            raise ApiError(
                409,
                "operator_blacklisted",
                f"endpoint {endpoint} may not register on {network[4]}: the operator is in its blacklist",
            )
        for kind in ((1, ""), (2, "")):
            platform.log.emit(kind, now, row["organisation"], row, detail=detail)
        messages.deliver_buffered(platform, endpoint, now)


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
            platform.database.run(
                "UPDATE endpoint SET session_volume = 0 WHERE id = ?", (endpoint,)
            )
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


def use_data(platform: Platform, endpoint: int, body: dict[str, Any]) -> None:
    """The device sends and receives data in its session: the quota events that follow."""
    megabytes = known_fields(body, ("megabytes",), "usage").get("megabytes")
    if (
        isinstance(megabytes, bool)
        or not isinstance(megabytes, int | float)
        or not 0 < megabytes <= MAX_VOLUME
    ):
        raise ApiError(
            422, "invalid_value", f"megabytes: expected a number above 0, at most {MAX_VOLUME:g}"
        )
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        if platform.fleet.state(endpoint).pdp != "Connected":
            raise ApiError(409, "no_session", f"endpoint {endpoint} has no data session open")
        through = quotas.carried(platform, endpoint, quotas.DATA, megabytes)
        platform.database.run(
            "UPDATE endpoint SET session_volume = session_volume + ? WHERE id = ?",
            (through, endpoint),
        )
        quotas.use(platform, row, quotas.DATA, megabytes, now)


def send_sms(platform: Platform, endpoint: int, body: dict[str, Any]) -> None:
    """The device sends SMS: the SMS quota events that follow; 409 while SMS is denied."""
    count = known_fields(body, ("count",), "sms").get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= 1_000_000:
        raise ApiError(422, "invalid_value", "count: expected a whole number from 1 to 1,000,000")
    with platform.action() as now:
        row = platform.endpoint_row(endpoint)
        service, why = sms_service(platform.fleet.state(endpoint), platform.fleet.context(endpoint))
        if service == "Denied":
            raise ApiError(409, "sms_denied", f"endpoint {endpoint} may not send SMS: {why}")
        messages.sent_by_device(platform, endpoint, count, now)
        quotas.use(platform, row, quotas.SMS, count, now)


def new_sim_batch(platform: Platform, body: dict[str, Any]) -> dict[str, Any]:
    """A batch of SIMs not registered yet (``{"size": N}``, at most 1,000), to register by
    its BIC with ``PATCH /api/v1/sim_batch/bic/{bic}``."""
    size = known_fields(body, ("size",), "sim batch").get("size", 10)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= 1000:
        raise ApiError(422, "invalid_value", "size: expected a whole number from 1 to 1,000")
    with platform.action() as now:
        first = (platform.database.row("SELECT COALESCE(MAX(id), 0) + 1 FROM sim") or (1,))[0]
        bic = f"DEVICESIM{first:06d}"
        for number in range(first, first + size):
            platform.database.insert("sim", sim_values(number, bic, now))
    return {"bic": bic, "sims": list(range(first, first + size))}


def block_organisation(platform: Platform, body: dict[str, Any]) -> None:
    """The organisation passes its monthly cost limit: Organisation blocked (12); every
    device loses network access, and the sessions that ends are closed."""
    known_fields(body, (), "block")
    with platform.action() as now:
        organisation = platform.account()
        if (
            platform.fleet.store.organisation(organisation).organisation
            == organisation_machine.BLOCKED
        ):
            raise ApiError(409, "blocked", f"organisation {organisation} is blocked already")
        platform.log.emit((12, ""), now, organisation,
                          description="Blocking services for organisation, because monthly cost limit exceeded.")  # fmt: skip


def unblock_organisation(platform: Platform, body: dict[str, Any]) -> None:
    """The cost limit is raised: the organisation is Active again, and no event says so."""
    known_fields(body, (), "unblock")
    with platform.action() as now:
        organisation = platform.account()
        if (
            platform.fleet.store.organisation(organisation).organisation
            != organisation_machine.BLOCKED
        ):
            raise ApiError(409, "not_blocked", f"organisation {organisation} is not blocked")
        platform.log.silent("organisation", organisation_machine.ACTIVE, organisation, now)


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
    # A read stores what the timers fired on the way, and tells it (the control's answer).
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
                emitted, extra = _emitted_by(platform, lambda: act(platform, *arguments))
            except ApiError as exc:
                return error_response(exc.status, exc.token, exc.message)
            time = iso(platform.log.now_ms())
            return json_response({"events": emitted, "time": time, **(extra or {})})

        return Route(path, answer, methods=[method])

    return [
        route("/_sim/clock", "POST", advance_clock, True),
        route("/_sim/endpoint/{endpoint}/attach", "POST", attach, True),
        route("/_sim/endpoint/{endpoint}/session", "POST", open_session, False),
        route("/_sim/endpoint/{endpoint}/session", "DELETE", close_session, False),
        route("/_sim/endpoint/{endpoint}/usage", "POST", use_data, True),
        route("/_sim/endpoint/{endpoint}/sms", "POST", send_sms, True),
        route("/_sim/sim_batch", "POST", new_sim_batch, True),
        route("/_sim/organisation/block", "POST", block_organisation, True),
        route("/_sim/organisation/unblock", "POST", unblock_organisation, True),
    ]


def _emitted_by(platform: Platform, act: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """What a control made the platform emit, and what else it answers."""
    found: list[dict[str, Any]] = []
    platform.listeners.append(found.extend)
    try:
        extra = act()
    finally:
        platform.listeners.remove(found.extend)
    return found, extra

"""The REST API of the local platform, under ``/api`` as the emnify platform serves it: the
routes the official SDK calls, and the Event API.

Every route but ``POST /api/v1/authenticate`` and ``/api/openapi.json`` needs
``Authorization: Bearer <auth_token>``. Every refusal is answered in the platform's error
shape, ``{"error_code", "error_token", "message"}``: 400 for a body that is not JSON, 401
without a valid token, 404 for what does not exist, 409 for a conflict, 413 for a body over
1 MB, 422 for values the platform does not accept. Handlers run one at a time on the server's
event loop (each is a short SQLite transaction), so no request sees another half done.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sim.errors import ApiError, shown, suggest
from sim.platform import endpoints, event_api, messages, profiles, quotas, sims
from sim.platform.answers import (
    Handler,
    body_of,
    created,
    error_response,
    json_response,
    listed,
    no_content,
)
from sim.platform.core import Platform
from sim.platform.openapi import document
from sim.platform.shapes import operators_json
from sim.platform.validation import path_id


def _id(request: Request, name: str, what: str) -> int:
    return path_id(request.path_params[name], what)


def _quota(request: Request) -> tuple[int, quotas.QuotaKind]:
    return _id(request, "endpoint", "endpoint"), quotas.kind_of(request.path_params["kind"])


async def openapi_document(platform: Platform, request: Request) -> Response:
    return json_response(OPENAPI)


async def authenticate(platform: Platform, request: Request) -> Response:
    body = await body_of(request)
    token = body.get("application_token") if isinstance(body, dict) else None
    return json_response({"auth_token": platform.authenticate(token)})


async def endpoint_list(platform: Platform, request: Request) -> Response:
    return listed(request, *endpoints.listing(platform, request.query_params))


async def endpoint_create(platform: Platform, request: Request) -> Response:
    endpoint = endpoints.create(platform, await body_of(request))
    return created(f"/api/v1/endpoint/{endpoint}")


async def endpoint_get(platform: Platform, request: Request) -> Response:
    return json_response(endpoints.retrieve(platform, _id(request, "endpoint", "endpoint")))


async def endpoint_patch(platform: Platform, request: Request) -> Response:
    endpoint = _id(request, "endpoint", "endpoint")
    endpoints.update(platform, endpoint, await body_of(request))
    return no_content()


async def endpoint_delete(platform: Platform, request: Request) -> Response:
    endpoints.delete(platform, _id(request, "endpoint", "endpoint"))
    return no_content()


async def connectivity_get(platform: Platform, request: Request) -> Response:
    return json_response(endpoints.connectivity(platform, _id(request, "endpoint", "endpoint")))


async def connectivity_patch(platform: Platform, request: Request) -> Response:
    endpoint = _id(request, "endpoint", "endpoint")
    endpoints.reset(platform, endpoint, await body_of(request))
    return no_content()


async def sim_list(platform: Platform, request: Request) -> Response:
    return listed(request, *sims.listing(platform, request.query_params))


async def sim_get(platform: Platform, request: Request) -> Response:
    return json_response(sims.retrieve(platform, _id(request, "sim", "SIM")))


async def sim_patch(platform: Platform, request: Request) -> Response:
    sims.update(platform, _id(request, "sim", "SIM"), await body_of(request))
    return no_content()


async def sim_batch_patch(platform: Platform, request: Request) -> Response:
    bic = request.path_params["bic"]
    return json_response(sims.register_batch(platform, bic, await body_of(request)))


async def quota_get(platform: Platform, request: Request) -> Response:
    endpoint, kind = _quota(request)
    return json_response(quotas.retrieve(platform, endpoint, kind))


async def quota_post(platform: Platform, request: Request) -> Response:
    endpoint, kind = _quota(request)
    quotas.assign(platform, endpoint, kind, await body_of(request))
    return created(str(request.url.path))


async def quota_delete(platform: Platform, request: Request) -> Response:
    endpoint, kind = _quota(request)
    quotas.delete(platform, endpoint, kind)
    return no_content()


async def sms_list(platform: Platform, request: Request) -> Response:
    return json_response(messages.listing(platform, _id(request, "endpoint", "endpoint")))


async def sms_send(platform: Platform, request: Request) -> Response:
    messages.send(platform, _id(request, "endpoint", "endpoint"), await body_of(request))
    return created(str(request.url.path))


async def blacklist_get(platform: Platform, request: Request) -> Response:
    return json_response(messages.blacklist(platform, _id(request, "endpoint", "endpoint")))


async def blacklist_put(platform: Platform, request: Request) -> Response:
    endpoint, operator = _id(request, "endpoint", "endpoint"), _id(request, "operator", "operator")
    messages.bar(platform, endpoint, operator, barred=True)
    return no_content()


async def blacklist_delete(platform: Platform, request: Request) -> Response:
    endpoint, operator = _id(request, "endpoint", "endpoint"), _id(request, "operator", "operator")
    messages.bar(platform, endpoint, operator, barred=False)
    return no_content()


async def profile_list(platform: Platform, request: Request) -> Response:
    return listed(request, *profiles.listing(platform, request.query_params))


async def profile_create(platform: Platform, request: Request) -> Response:
    profile = profiles.create(platform, await body_of(request))
    return created(f"/api/v1/service_profile/{profile}")


async def profile_get(platform: Platform, request: Request) -> Response:
    return json_response(profiles.retrieve(platform, _id(request, "profile", "service profile")))


async def profile_patch(platform: Platform, request: Request) -> Response:
    profiles.update(platform, _id(request, "profile", "service profile"), await body_of(request))
    return no_content()


async def organisation_get(platform: Platform, request: Request) -> Response:
    return json_response(profiles.organisation(platform))


async def event_list(platform: Platform, request: Request) -> Response:
    return listed(request, *event_api.events(platform, request.query_params))


async def endpoint_events(platform: Platform, request: Request) -> Response:
    endpoint = _id(request, "endpoint", "endpoint")
    return listed(request, *event_api.events(platform, request.query_params, endpoint=endpoint))


async def sim_events(platform: Platform, request: Request) -> Response:
    sim = _id(request, "sim", "SIM")
    return listed(request, *event_api.events(platform, request.query_params, sim=sim))


async def event_types(platform: Platform, request: Request) -> Response:
    return json_response(event_api.event_types())


async def operators(platform: Platform, request: Request) -> Response:
    return json_response(operators_json())


#: path -> method -> handler; every one of them needs a token except authentication's.
ROUTES: dict[str, dict[str, Handler]] = {
    "/api/openapi.json": {"GET": openapi_document},
    "/api/v1/authenticate": {"POST": authenticate},
    "/api/v1/endpoint": {"GET": endpoint_list, "POST": endpoint_create},
    "/api/v1/endpoint/{endpoint}": {"GET": endpoint_get, "PATCH": endpoint_patch, "DELETE": endpoint_delete},
    "/api/v1/endpoint/{endpoint}/connectivity": {"GET": connectivity_get, "PATCH": connectivity_patch},
    "/api/v1/endpoint/{endpoint}/event": {"GET": endpoint_events},
    "/api/v1/endpoint/{endpoint}/sms": {"GET": sms_list, "POST": sms_send},
    "/api/v1/endpoint/{endpoint}/operator_blacklist": {"GET": blacklist_get},
    "/api/v1/endpoint/{endpoint}/operator_blacklist/{operator}": {"PUT": blacklist_put, "DELETE": blacklist_delete},
    "/api/v1/endpoint/{endpoint}/quota/{kind}": {"GET": quota_get, "POST": quota_post, "DELETE": quota_delete},
    "/api/v1/sim": {"GET": sim_list},
    "/api/v1/sim/{sim}": {"GET": sim_get, "PATCH": sim_patch},
    "/api/v1/sim/{sim}/event": {"GET": sim_events},
    "/api/v1/sim_batch/bic/{bic}": {"PATCH": sim_batch_patch},
    "/api/v1/event": {"GET": event_list},
    "/api/v1/event/type": {"GET": event_types},
    "/api/v1/operator": {"GET": operators},
    "/api/v1/service_profile": {"GET": profile_list, "POST": profile_create},
    "/api/v1/service_profile/{profile}": {"GET": profile_get, "PATCH": profile_patch},
    "/api/v1/organisation/my": {"GET": organisation_get},
}  # fmt: skip
OPEN = {"/api/v1/authenticate", "/api/openapi.json"}
#: The lists: their GET takes the paging parameters; no other route takes any.
LISTS = {"/api/v1/endpoint", "/api/v1/endpoint/{endpoint}/event", "/api/v1/sim",
         "/api/v1/sim/{sim}/event", "/api/v1/event", "/api/v1/service_profile",
         "/api/v1/data_stream"}  # fmt: skip
PAGING = ("page", "per_page", "sort", "q")


def _query(path: str, method: str) -> tuple[str, ...]:
    return PAGING if path in LISTS and method in ("GET", "HEAD") else ()


def _query_refused(request: Request, known: tuple[str, ...]) -> str:
    """Why the query is refused: a parameter the route does not take, or one given twice."""
    for name in request.query_params:
        if name not in known:
            takes = f"; it takes {', '.join(known)}" if known else "; it takes none"
            return f"unknown query parameter {shown(name)}{suggest(name, known)}{takes}"
        if len(request.query_params.getlist(name)) > 1:
            return f"query parameter {name} is given more than once"
    return ""


#: The API's OpenAPI document, made once.
OPENAPI = orjson.dumps(document())
#: Routes take every method, so that a wrong one gets a 405 in the platform's shape.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _route(platform: Platform, path: str, methods: dict[str, Handler]) -> Route:
    async def answer(request: Request) -> Response:
        handler = methods.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            allowed = ", ".join(methods)
            return error_response(
                405, "method_not_allowed", f"{request.method} {path}: allowed: {allowed}"
            )
        refused = _query_refused(request, _query(path, request.method))
        if refused:
            return error_response(422, "invalid_query", refused)
        if path not in OPEN and not platform.authorised(request.headers.get("authorization")):
            return error_response(
                401,
                "unauthorized",
                "send Authorization: Bearer <auth_token> (POST /api/v1/authenticate gives one)",
            )
        try:
            return await handler(platform, request)
        except ApiError as exc:
            return error_response(exc.status, exc.token, exc.message)

    return Route(path, answer, methods=ALL_METHODS)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, "not_found" if exc.status_code == 404 else "http_error",
                          f"{request.method} {request.url.path}: {exc.detail}")  # fmt: skip


async def _internal_error(request: Request, exc: Exception) -> Response:
    return error_response(
        500, "internal_error", f"internal error ({type(exc).__name__}); nothing was changed"
    )


def api_routes(platform: Platform, more: dict[str, dict[str, Handler]]) -> list[Route]:
    """The ``/api`` routes over one platform, and ``more`` of them (the data streams')."""
    return [_route(platform, path, methods) for path, methods in {**ROUTES, **more}.items()]


def platform_app(platform: Platform, routes: list[Route]) -> Starlette:
    """The local platform's web app over its routes, answering errors in its shape."""
    return Starlette(
        routes=routes, exception_handlers={HTTPException: _http_error, Exception: _internal_error}
    )

"""The OpenAPI document of the local platform (``/api/openapi.json``): exactly the routes,
bodies, answers and headers it implements. Request bodies are strict (an unknown field is a
422, as the server answers); answers list their fields and allow more, as the platform's do.
The suite's schemathesis run holds the server to it."""

from __future__ import annotations

from typing import Any

from sim.platform.quotas import DATE_TIME
from sim.platform.validation import MAX_ID, MAX_TEXT

JSON = "application/json"
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
STRING = {"type": "string"}
TEXT = {"type": "string", "maxLength": MAX_TEXT}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null."""
    return {**schema, "nullable": True}


def obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), *, strict: bool = False
) -> dict[str, Any]:
    """An object; ``strict`` allows no other fields (request bodies)."""
    found: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        found["required"] = list(required)
    if strict:
        found["additionalProperties"] = False
    return found


def ref(name: str) -> dict[str, str]:
    """A schema of ``components``."""
    return {"$ref": f"#/components/schemas/{name}"}


def status_of(ids: list[int]) -> dict[str, Any]:
    """A status in a request: ``{"id": N}`` with N one of ``ids`` (a description may come, and
    is not read)."""
    return obj({"id": {"type": "integer", "enum": ids}, "description": ANY}, ("id",))


ANY: dict[str, Any] = {}
REFERENCE = obj({"id": ID}, ("id",))
STATUS = obj({"id": INTEGER, "description": STRING}, ("id", "description"))
NAMED = obj({"id": INTEGER, "name": nullable(STRING)}, ("id",))
NAME = {**TEXT, "minLength": 1}
NULL = {"type": "object", "nullable": True, "enum": [None]}
_ENDPOINT_FIELDS = {
    "name": NAME,
    "tags": nullable(TEXT),
    "status": status_of([0, 1]),
    "service_profile": REFERENCE,
    "tariff_profile": REFERENCE,
    "ip_address": nullable(TEXT),
    "ip_address_space": ANY,
    "imei": nullable(TEXT),
    "imei_lock": BOOLEAN,
    "sim": nullable(obj({"id": nullable(ID), "status": ANY, "activate": ANY})),
    "id": ANY,
    "created": ANY,
    "last_updated": ANY,
}
_STREAM_FIELDS = {
    "api_callback_url": {**TEXT, "pattern": "^https?://"},
    "api_type": status_of([1, 2]),
    "data_stream_type": status_of([1]),
    "stream_historic_data": {"enum": [0, 1, True, False]},
    "api_username": nullable(TEXT),
    "api_password": nullable(TEXT),
}
_PROFILE_FIELDS = {"name": NAME, "apply_data_quota": BOOLEAN, "apply_sms_quota": BOOLEAN}
SCHEMAS: dict[str, Any] = {
    "Error": obj({"error_code": INTEGER, "error_token": STRING, "message": STRING}, ("error_code", "error_token", "message")),
    "Authentication": obj({"application_token": STRING}, ("application_token",)),
    "Token": obj({"auth_token": STRING}, ("auth_token",)),
    "Endpoint": obj({
        "id": INTEGER, "name": STRING, "tags": nullable(STRING), "created": STRING,
        "last_updated": STRING, "status": STATUS, "service_profile": NAMED, "tariff_profile": NAMED,
        "ip_address": nullable(STRING), "ip_address_space": REFERENCE, "imei": nullable(STRING),
        "imei_lock": BOOLEAN,
        "sim": nullable(obj({"id": INTEGER, "iccid": STRING, "imsi": STRING, "msisdn": STRING, "status": STATUS})),
    }, ("id", "name", "status", "service_profile", "tariff_profile")),
    "EndpointNew": obj(_ENDPOINT_FIELDS, ("name", "service_profile", "tariff_profile"), strict=True),
    "EndpointChange": obj(_ENDPOINT_FIELDS, strict=True),
    "Connectivity": obj({
        "status": STATUS, "location": nullable({"type": "object"}),
        "pdp_context": nullable({"type": "object"}), "services": {"type": "array", "items": STRING},
    }, ("status", "location", "pdp_context", "services")),
    "ConnectivityReset": {**obj({"location": NULL, "pdp_context": NULL}, strict=True), "minProperties": 1},
    "Sim": obj({
        "id": INTEGER, "iccid": STRING, "imsi": STRING, "msisdn": STRING, "status": STATUS,
        "production_date": STRING, "activation_date": nullable(STRING),
        "endpoint": nullable({"type": "object"}), "customer_org": nullable(NAMED),
        "issuer_org": NAMED, "model": {"type": "object"},
    }, ("id", "iccid", "status")),
    "SimChange": obj({"status": status_of([0, 1, 2, 3, 4])}, strict=True),
    "SimStatus": status_of([0, 1, 2, 3, 4]),
    "Event": obj({
        "id": INTEGER, "timestamp": STRING, "alert": BOOLEAN, "description": STRING,
        "event_type": STATUS, "event_source": STATUS, "event_severity": STATUS,
        "organisation": NAMED, "endpoint": {"type": "object"}, "sim": {"type": "object"},
    }, ("id", "timestamp", "event_type", "event_source", "event_severity", "alert", "organisation")),
    "EventType": obj({"id": INTEGER, "description": STRING}, ("id", "description")),
    "Operator": obj({"id": INTEGER, "name": STRING, "country": {"type": "object"}}, ("id", "name")),
    "Quota": obj({
        "status": STATUS, "volume": NUMBER, "last_volume_added": NUMBER, "expiry_date": nullable(STRING),
        "auto_refill": BOOLEAN, "threshold_percentage": NUMBER, "threshold_volume": NUMBER,
        "last_status_change_date": STRING, "action_on_exhaustion": STATUS,
    }, ("status", "volume")),
    "QuotaAssignment": obj({
        "status": status_of([1]), "volume": {"type": "number", "minimum": 0, "maximum": 1e9},
        "expiry_date": nullable({"type": "string", "pattern": DATE_TIME.pattern}),
        "auto_refill": {"enum": [True, False, 0, 1]},
        "threshold_percentage": {"type": "number", "minimum": 0, "maximum": 100},
        "action_on_exhaustion": status_of([1, 2]), "peak_throughput": ANY,
    }, ("volume",), strict=True),
    "ServiceProfile": obj({"id": INTEGER, "name": STRING, "organisation": NAMED,
                           "apply_data_quota": BOOLEAN, "apply_sms_quota": BOOLEAN},
                          ("id", "name", "apply_data_quota", "apply_sms_quota")),
    "ServiceProfileNew": obj(_PROFILE_FIELDS, ("name",), strict=True),
    "ServiceProfileChange": obj(_PROFILE_FIELDS, strict=True),
    "Sms": obj({
        "id": INTEGER, "submit_date": STRING, "delivery_date": nullable(STRING),
        "source_address": nullable(STRING), "payload": STRING, "status": STATUS, "sms_type": STATUS,
        "endpoint": NAMED,
    }, ("id", "submit_date", "payload", "status", "sms_type")),
    "SmsNew": obj({"source_address": NAME, "payload": NAME, "source_address_type": ANY,
                   "expiry_date": ANY, "udh": ANY, "dcs": ANY}, ("source_address", "payload"), strict=True),
    "Organisation": obj({"id": INTEGER, "name": STRING, "status": STATUS}, ("id", "name", "status")),
    "DataStream": obj({
        "id": INTEGER, "api_callback_url": STRING, "api_type": STATUS, "data_stream_type": STATUS,
        "stream_historic_data": INTEGER, "api_username": nullable(STRING), "status": STATUS,
        "delivered_up_to": INTEGER, "error": nullable(STRING), "created": STRING,
    }, ("id", "api_callback_url", "api_type", "status")),
    "DataStreamNew": obj(_STREAM_FIELDS, ("api_callback_url",), strict=True),
    "DataStreamStatus": obj({"status": status_of([1, 2])}, ("status",), strict=True),
}  # fmt: skip

PAGING = [
    {"name": "page", "in": "query", "schema": INTEGER},
    {"name": "per_page", "in": "query", "schema": INTEGER},
    {"name": "sort", "in": "query", "schema": STRING, "description": "comma list of fields, - for descending"},
    {"name": "q", "in": "query", "schema": STRING, "description": "comma list of field:value, values separated by |"},
]  # fmt: skip
PAGE_HEADERS = {
    name: {"schema": INTEGER if name.startswith("X-") else STRING}
    for name in ("Link", "X-Count-Per-Page", "X-Current-Page", "X-Total-Count", "X-Total-Pages")
}
ERRORS = {
    "400": "the body is not JSON, or is empty", "401": "no valid token",
    "404": "no such resource", "409": "a conflict with what exists", "413": "a body over 1 MB",
    "422": "a value the platform does not accept",
}  # fmt: skip


def _answer(
    code: str,
    description: str,
    schema: dict[str, Any] | None = None,
    headers: dict[str, Any] | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {"description": description}
    if schema is not None:
        found["content"] = {JSON: {"schema": schema}}
    if headers:
        found["headers"] = headers
    return found


def operation(summary: str, success: str, answer: dict[str, Any] | None = None, *,
              body: str | None = None, paged: bool = False, errors: str = "401 404",
              parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    """One operation: its success answer, the errors it may answer, its body and query."""
    headers = dict(PAGE_HEADERS) if paged else {}
    if success == "201":
        headers["Location"] = {"schema": STRING}
    codes = set(errors.split()) | ({"400", "413", "422"} if body else set())
    found: dict[str, Any] = {
        "summary": summary,
        "responses": {
            success: _answer(success, summary, answer, headers),
            **{code: _answer(code, ERRORS[code], ref("Error")) for code in sorted(codes)},
        },
    }
    if body:
        found["requestBody"] = {"required": True, "content": {JSON: {"schema": ref(body)}}}
    found["parameters"] = [*(parameters or []), *(PAGING if paged else [])]
    return found


def _path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or ID}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


ENDPOINT, SIM, PROFILE, STREAM = _path("endpoint"), _path("sim"), _path("profile"), _path("stream")
KIND = _path("kind", {"type": "string", "enum": ["data", "sms"]})
PATHS: dict[str, dict[str, Any]] = {
    "/v1/authenticate": {"post": {**operation("a bearer token for the application token", "200", ref("Token"), body="Authentication", errors="401"), "security": []}},
    "/v1/endpoint": {
        "get": operation("endpoints", "200", _list("Endpoint"), paged=True, errors="401 422"),
        "post": operation("create an endpoint", "201", body="EndpointNew", errors="401 404 409"),
    },
    "/v1/endpoint/{endpoint}": {
        "get": operation("an endpoint", "200", ref("Endpoint"), parameters=[ENDPOINT]),
        "patch": operation("change an endpoint", "204", body="EndpointChange", errors="401 404 409", parameters=[ENDPOINT]),
        "delete": operation("delete an endpoint", "204", parameters=[ENDPOINT]),
    },
    "/v1/endpoint/{endpoint}/connectivity": {
        "get": operation("the endpoint's connectivity", "200", ref("Connectivity"), parameters=[ENDPOINT]),
        "patch": operation("reset the registration or the data session", "204", body="ConnectivityReset", parameters=[ENDPOINT]),
    },
    "/v1/endpoint/{endpoint}/event": {"get": operation("the endpoint's events", "200", _list("Event"), paged=True, errors="401 404 422", parameters=[ENDPOINT])},
    "/v1/endpoint/{endpoint}/quota/{kind}": {
        "get": operation("the endpoint's quota", "200", ref("Quota"), parameters=[ENDPOINT, KIND]),
        "post": operation("assign a quota", "201", body="QuotaAssignment", parameters=[ENDPOINT, KIND]),
        "delete": operation("delete the quota", "204", parameters=[ENDPOINT, KIND]),
    },
    "/v1/endpoint/{endpoint}/sms": {
        "get": operation("the endpoint's SMS", "200", _list("Sms"), parameters=[ENDPOINT]),
        "post": operation("send an SMS to the device", "201", body="SmsNew", parameters=[ENDPOINT]),
    },
    "/v1/endpoint/{endpoint}/operator_blacklist": {"get": operation("operators the endpoint may not register on", "200", _list("Operator"), parameters=[ENDPOINT])},
    "/v1/endpoint/{endpoint}/operator_blacklist/{operator}": {
        "put": operation("bar an operator", "204", errors="401 404 409", parameters=[ENDPOINT, _path("operator")]),
        "delete": operation("allow an operator again", "204", parameters=[ENDPOINT, _path("operator")]),
    },
    "/v1/sim": {"get": operation("SIMs", "200", _list("Sim"), paged=True, errors="401 422")},
    "/v1/sim/{sim}": {
        "get": operation("a SIM", "200", ref("Sim"), parameters=[SIM]),
        "patch": operation("change a SIM's status", "204", body="SimChange", parameters=[SIM]),
    },
    "/v1/sim/{sim}/event": {"get": operation("the SIM's events", "200", _list("Event"), paged=True, errors="401 404 422", parameters=[SIM])},
    "/v1/sim_batch/bic/{bic}": {"patch": operation("register a SIM batch", "200", _list("Sim"), body="SimStatus", errors="401 404 409", parameters=[_path("bic", STRING)])},
    "/v1/event": {"get": operation("events", "200", _list("Event"), paged=True, errors="401 422")},
    "/v1/event/type": {"get": operation("event types", "200", _list("EventType"), errors="401")},
    "/v1/operator": {"get": operation("operators", "200", _list("Operator"), errors="401")},
    "/v1/service_profile": {
        "get": operation("service profiles", "200", _list("ServiceProfile"), paged=True, errors="401 422"),
        "post": operation("create a service profile", "201", body="ServiceProfileNew", errors="401"),
    },
    "/v1/service_profile/{profile}": {
        "get": operation("a service profile", "200", ref("ServiceProfile"), parameters=[PROFILE]),
        "patch": operation("rename it or switch quota management", "204", body="ServiceProfileChange", parameters=[PROFILE]),
    },
    "/v1/organisation/my": {"get": operation("the account's organisation", "200", ref("Organisation"), errors="401")},
    "/v1/data_stream": {
        "get": operation("Data Streamer streams", "200", _list("DataStream"), paged=True, errors="401 422"),
        "post": operation("create a stream", "201", body="DataStreamNew", errors="401"),
    },
    "/v1/data_stream/{stream}": {
        "get": operation("a stream", "200", ref("DataStream"), parameters=[STREAM]),
        "patch": operation("pause or resume a stream", "204", body="DataStreamStatus", parameters=[STREAM]),
        "delete": operation("delete a stream", "204", parameters=[STREAM]),
    },
}  # fmt: skip


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document of ``/api``."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "devicesim local emnify platform", "version": "1",
                 "description": "The subset of the emnify REST API that devicesim serve implements; "
                 "every action emits its events through the model. /_sim routes are not part of it."},
        "servers": [{"url": "/api"}],
        "security": [{"bearer": []}],
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": PATHS,
    }  # fmt: skip

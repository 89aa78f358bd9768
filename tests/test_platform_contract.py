"""The local platform's contract: its OpenAPI document describes what it serves, and a
property-based run of schemathesis over every operation (valid and invalid requests) finds no
5xx and no answer that breaks the document: its status codes, content types, headers and
bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from platform_client import Served, serving
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sim.platform.openapi import document
from sim.platform.rest import ROUTES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]  # fmt: skip


@pytest.fixture(scope="module")
def served_platform() -> Iterator[Served]:
    with serving(retries=0, max_backoff=0.01) as served:
        yield served


#: The document the server publishes (the test below checks that it is the one served).
schema = schemathesis.openapi.from_dict(orjson.loads(orjson.dumps(document())))


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_contract(case: Any, served_platform: Served) -> None:
    # Schemathesis makes up the bearer token; a real one is sent instead, except where the
    # headers are the invalid part of the request: then the server must refuse the made-up one.
    components = case.meta.components if case.meta else {}
    invalid_headers = any(
        location.value == "header" and info.mode.is_negative
        for location, info in components.items()
    )
    headers = (
        {} if invalid_headers else {"Authorization": served_platform.api.headers["Authorization"]}
    )
    case.call_and_validate(base_url=f"{served_platform.url}api", headers=headers, checks=CHECKS)


def test_the_document_lists_every_route_served(served_platform: Served) -> None:
    published = httpx.get(f"{served_platform.url}api/openapi.json").json()
    assert published == orjson.loads(orjson.dumps(document()))
    described = {
        (f"/api{path}", method.upper())
        for path, item in published["paths"].items()
        for method in item
    }
    served = {
        (path, method)
        for path, methods in ROUTES.items()
        for method in methods
        if path != "/api/openapi.json"
    }
    served |= {("/api/v1/data_stream", "GET"), ("/api/v1/data_stream", "POST"),
               ("/api/v1/data_stream/{stream}", "GET"), ("/api/v1/data_stream/{stream}", "PATCH"),
               ("/api/v1/data_stream/{stream}", "DELETE")}  # fmt: skip
    assert described == served

"""Reading what a request sends: a JSON object of known fields, ids in range, text of sane
length. Anything else is a 4xx in the platform's error shape naming the field and what was
expected, never a 500."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from sim.errors import ApiError, shown, suggest

#: The largest body a request may send.
MAX_BODY = 1 << 20
#: Ids are positive 64-bit integers, as the platform's are.
MAX_ID = 2**63 - 1
MAX_TEXT = 1000


def json_body(raw: bytes) -> Any:
    """A request's body as JSON (400 if it is not JSON, 413 if it is too large)."""
    if len(raw) > MAX_BODY:
        raise ApiError(
            413, "body_too_large", f"the body has {len(raw):,} bytes; at most {MAX_BODY:,} are read"
        )
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the body is empty; expected a JSON object")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "invalid_json", f"the body is not JSON: {exc}") from None


def known_fields(body: Any, allowed: Iterable[str], what: str) -> dict[str, Any]:
    """A JSON object whose fields are all ``allowed``."""
    names = list(allowed)
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_body", f"{what}: expected a JSON object, got {_kind(body)}")
    for name in body:
        if name not in names:
            raise ApiError(
                422,
                "unknown_field",
                f"{what}: unknown field {shown(name)}{suggest(name, names)}; fields: {', '.join(names)}",
            )
    return body


def identifier(value: Any, field: str) -> int:
    """A positive id (an integral float is taken too: some clients send ``1.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_ID:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        got = shown(value) if isinstance(value, float) else _kind(value)
        raise ApiError(422, "invalid_value", f"{field}: expected a whole number, got {got}")
    if not 0 < value <= MAX_ID:
        raise ApiError(422, "invalid_value", f"{field}: {value} is out of range (1 to {MAX_ID})")
    return value


def reference(value: Any, field: str, *, nullable: bool = False) -> int | None:
    """An object naming another by id: ``{"id": 7}`` (other fields, such as a status's
    ``description``, are ignored); ``{"id": null}`` or null where ``nullable``."""
    if value is None or (isinstance(value, dict) and value.get("id", 0) is None):
        if nullable:
            return None
        raise ApiError(422, "invalid_value", f"{field}: expected an object with an id, got null")
    if not isinstance(value, dict) or "id" not in value:
        raise ApiError(
            422, "invalid_value", f"{field}: expected an object with an id, got {_kind(value)}"
        )
    return identifier(value["id"], f"{field}.id")


def status_id(value: Any, field: str, statuses: Mapping[int, str]) -> int:
    """A status object, ``{"id": 1, "description": ...}``, of one of ``statuses`` (by id)."""
    number = value.get("id") if isinstance(value, dict) else None
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or number not in statuses:
        choices = ", ".join(f"{key} {name}" for key, name in statuses.items())
        raise ApiError(
            422,
            "invalid_value",
            f'{field}: expected {{"id": N}} with N one of {choices}, got {shown(value)}',
        )
    return number


def text(value: Any, field: str) -> str | None:
    """Text, or null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "invalid_value", f"{field}: expected text, got {_kind(value)}")
    if len(value) > MAX_TEXT:
        raise ApiError(
            422, "invalid_value", f"{field}: at most {MAX_TEXT} characters, got {len(value):,}"
        )
    return value


def flag(value: Any, field: str) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise ApiError(422, "invalid_value", f"{field}: expected true or false, got {_kind(value)}")
    return value


def path_id(value: str, what: str) -> int:
    """An id in a path; anything else names no resource (404)."""
    digits = value.isascii() and value.isdigit() and len(value) < 20
    if not digits or not 0 < int(value) <= MAX_ID:
        raise ApiError(404, "not_found", f"{what} {value[:40]!r} not found")
    return int(value)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text",
             list: "a list", dict: "an object"}  # fmt: skip
    return names.get(type(value), type(value).__name__)

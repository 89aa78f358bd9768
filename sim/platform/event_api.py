"""The Event API: the stored events, filtered, sorted and paged in SQL, answered as the JSON
array the platform sends (each payload exactly as it was emitted and pushed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sim.errors import ApiError
from sim.events.catalogue import CATALOGUE
from sim.platform.core import Platform
from sim.platform.listing import Page, filters, page, sorting

#: Sort fields and their columns.
SORT = {"id": "id", "timestamp": "ms", "source": "source", "severity": "severity",
        "alert": "alert", "organisation": "organisation", "endpoint": "endpoint",
        "type": "type", "sim": "sim"}  # fmt: skip
#: Filter fields and their columns (``from`` and ``until`` are a range of time).
NUMERIC = ("type", "source", "severity", "organisation", "endpoint", "sim", "id")
TEXTUAL = ("iccid", "imsi")
FILTERS = (*NUMERIC, *TEXTUAL, "alert", "from", "until")
DEFAULT_SORT = "-id"


def _moment(name: str, value: str) -> int:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            422, "invalid_filter", f"q: {name}: expected YYYY-MM-DDTHH:mm:ssZ, got {value[:40]!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _number(name: str, value: str) -> int:
    if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 19:
        raise ApiError(
            422, "invalid_filter", f"q: {name}: expected a whole number, got {value[:40]!r}"
        )
    return int(value)


def _where(wanted: dict[str, list[str]]) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    values: list[Any] = []
    found: list[Any]
    if ("from" in wanted) != ("until" in wanted):
        raise ApiError(422, "invalid_filter", "q: from and until go together")
    if "from" in wanted:
        clauses.append("ms BETWEEN ? AND ?")
        # Times are to the second: ``until`` takes in the whole of its second.
        values += [_moment("from", wanted["from"][0]), _moment("until", wanted["until"][0]) + 999]
    for name, alternatives in wanted.items():
        if name in ("from", "until"):
            continue
        if name == "alert":
            flags = {"true": 1, "1": 1, "false": 0, "0": 0}
            if any(alt.lower() not in flags for alt in alternatives):
                raise ApiError(422, "invalid_filter", "q: alert: expected true or false")
            found = [flags[alt.lower()] for alt in alternatives]
        elif name in NUMERIC:
            found = [_number(name, alt) for alt in alternatives]
        else:
            found = [*alternatives]
        clauses.append(f"{name} IN ({', '.join('?' for _ in found)})")
        values += found
    return clauses, values


def events(
    platform: Platform,
    params: Mapping[str, str],
    *,
    endpoint: int | None = None,
    sim: int | None = None,
) -> tuple[bytes, Page]:
    """A page of events as a JSON array, of one endpoint or SIM or of the whole account."""
    clauses, values = _where(filters(params.get("q"), FILTERS))
    if endpoint is not None:
        clauses.append("endpoint = ?")
        values.append(endpoint)
    if sim is not None:
        clauses.append("sim = ?")
        values.append(sim)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    order = ", ".join(
        f"{SORT[name]} {'DESC' if descending else 'ASC'}"
        for name, descending in sorting(params.get("sort") or DEFAULT_SORT, list(SORT))
    )
    with platform.reading():
        total = platform.database.row(f"SELECT COUNT(*) FROM event {where}", tuple(values))
        found = page(params, total[0] if total else 0)
        rows = platform.database.rows(
            f"SELECT payload FROM event {where} ORDER BY {order}, id DESC LIMIT ? OFFSET ?",
            (*values, found.per_page, found.offset),
        )
    return ("[" + ",".join(row[0] for row in rows) + "]").encode(), found


def event_types() -> list[dict[str, Any]]:
    """Every event type the platform knows."""
    return [
        {"id": etype.id, "description": etype.name}
        for etype in sorted(CATALOGUE.values(), key=lambda e: e.id)
    ]

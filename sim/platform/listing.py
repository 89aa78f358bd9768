"""Lists as the emnify REST API serves them: ``page``, ``per_page``, ``sort`` and ``q``, and the
pagination headers (``Link``, ``X-Count-Per-Page``, ``X-Current-Page``, ``X-Total-Count``,
``X-Total-Pages``).

As the platform does (``shared/domain.md`` §6): ``per_page`` below 1 gives the default and
above the cap gives the cap; ``page`` below 1 gives the first page, beyond the last the last.
``sort`` is a comma list of fields, ``-`` for descending; ``q`` a comma list of ``field:value``
filters, a value being up to six alternatives separated by ``|``. A field the list does not
know is a 422 naming the fields it does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import urlencode

from sim.errors import ApiError, suggest

DEFAULT_PER_PAGE = 1000
MAX_PER_PAGE = 2500
MAX_ALTERNATIVES = 6


class Page(NamedTuple):
    """Which page of a list was asked for, and where it starts."""

    number: int
    per_page: int
    pages: int
    total: int

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.number - 1) * self.per_page


class Field(NamedTuple):
    """A field a list can be filtered and sorted by: how to read it from an item, and whether
    a filter matches a part of it (text) or all of it."""

    read: Callable[[Any], object]
    text: bool = False


def _whole(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(
            422, "invalid_query", f"{name}: expected a whole number, got {value[:40]!r}"
        ) from None


def page(params: Mapping[str, str], total: int) -> Page:
    """The page asked for, within the list's ``total`` items."""
    per_page = _whole(params, "per_page")
    per_page = DEFAULT_PER_PAGE if per_page is None or per_page < 1 else min(per_page, MAX_PER_PAGE)
    pages = max(1, math.ceil(total / per_page))
    number = _whole(params, "page") or 1
    return Page(min(max(number, 1), pages), per_page, pages, total)


def headers(url: str, params: Mapping[str, str], found: Page) -> dict[str, str]:
    """The pagination headers of a page."""

    def link(number: int, rel: str) -> str:
        query = {**params, "page": str(number), "per_page": str(found.per_page)}
        return f'<{url}?{urlencode(query)}>; rel="{rel}"'

    links = [link(1, "first")]
    if found.number > 1:
        links.append(link(found.number - 1, "prev"))
    if found.number < found.pages:
        links.append(link(found.number + 1, "next"))
    links.append(link(found.pages, "last"))
    return {
        "Link": ", ".join(links),
        "X-Count-Per-Page": str(found.per_page),
        "X-Current-Page": str(found.number),
        "X-Total-Count": str(found.total),
        "X-Total-Pages": str(found.pages),
    }


def filters(q: str | None, known: Sequence[str]) -> dict[str, list[str]]:
    """``q`` as field -> alternatives."""
    found: dict[str, list[str]] = {}
    for part in (q or "").split(","):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        if not colon or name not in known:
            what = (
                f"unknown filter {name!r}{suggest(name, known)}"
                if colon
                else f"{part[:40]!r} is not field:value"
            )
            raise ApiError(422, "invalid_filter", f"q: {what}; filters: {', '.join(known)}")
        alternatives = value.split("|")
        if len(alternatives) > MAX_ALTERNATIVES:
            raise ApiError(
                422,
                "invalid_filter",
                f"q: {name}: at most {MAX_ALTERNATIVES} values separated by |",
            )
        found[name] = alternatives
    return found


def sorting(sort: str | None, known: Sequence[str]) -> list[tuple[str, bool]]:
    """``sort`` as (field, descending) pairs; fields are named in any case."""
    found = []
    for part in (sort or "").split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("-+").lower()
        if not name:
            continue
        if name not in known:
            raise ApiError(
                422,
                "invalid_sort",
                f"sort: unknown field {name!r}{suggest(name, known)}; fields: {', '.join(known)}",
            )
        found.append((name, descending))
    return found


def _matches(item: object, fields: Mapping[str, Field], wanted: dict[str, list[str]]) -> bool:
    for name, alternatives in wanted.items():
        field = fields[name]
        value = field.read(item)
        shown = "null" if value is None else str(value).lower()
        if not any(
            (alt.lower() in shown) if field.text and value is not None else alt.lower() == shown
            for alt in alternatives
        ):
            return False
    return True


def listed(
    items: list[Any], params: Mapping[str, str], fields: Mapping[str, Field], default: str
) -> tuple[list[Any], Page]:
    """One page of a list kept in memory, filtered and sorted as the query asks."""
    names = list(fields)
    wanted = filters(params.get("q"), names)
    chosen = [item for item in items if _matches(item, fields, wanted)]
    for name, descending in reversed(sorting(params.get("sort") or default, names)):
        read = fields[name].read
        chosen.sort(key=lambda item: _sort_key(read(item)), reverse=descending)
    found = page(params, len(chosen))
    return chosen[found.offset : found.offset + found.per_page], found


def _sort_key(value: object) -> tuple[int, Any]:
    """None first, numbers by value, the rest as text."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return (2, str(value).lower())

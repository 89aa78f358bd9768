"""A replay as a section of the HTML report: the outcome counts, a table of every device (to
filter and sort) and a timeline per device: drawn when the page loads for up to
``DRAWN_AT_LOAD`` devices, else when a row is clicked, so that a fleet of thousands still
opens at once."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sim.engine.fleet import Fleet
from sim.engine.store import by_id
from sim.events.event import Event
from sim.pictures.page import badge, e, timeline_holder
from sim.pictures.timeline import timelines

#: Devices whose timelines are drawn as the page loads (their events are then in its text).
DRAWN_AT_LOAD = 100
#: The columns of the device table after the device id: views, then machines people ask about.
COLUMNS = ("connectivity", "data_service", "sms_service", "sim", "network", "pdp", "data_quota",
           "sms_quota")  # fmt: skip
#: Unreadable events named in the report (the rest are counted).
SHOWN_INVALID = 20


def _row(key: Hashable, states: dict[str, str], events: int) -> str:
    cells = [f"<td>{e(key)}</td>", f"<td>{badge(states['connectivity'])}</td>"]
    cells += [f"<td>{e(states[name])}</td>" for name in COLUMNS[1:]]
    cells.append(f"<td>{events}</td>")
    return f'<tr class="pick" data-key="{e(timeline_key(key))}" data-device="{e(key)}">{"".join(cells)}</tr>'


def _summary(paths: Sequence[str], fleet: Fleet, invalid: Sequence[str]) -> list[str]:
    head = "".join(f"<th>{e(name)}</th>" for name in fleet.outcomes)
    counts = "".join(
        f'<td data-outcome="{e(name)}">{count}</td>' for name, count in fleet.outcomes.items()
    )
    files = " ".join(e(path) for path in paths)
    parts = [
        f"<details><summary>{len(paths)} file{'s' * (len(paths) != 1)}</summary>"
        f'<p class="muted mono">{files}</p></details>'
        if len(paths) > 3
        else f'<p class="muted mono">{files}</p>',
        f'<table class="grid outcomes"><thead><tr>{head}</tr></thead><tbody><tr>{counts}</tr>'
        "</tbody></table>",
    ]
    if invalid:
        more = len(invalid) - SHOWN_INVALID
        lines = [e(message) for message in invalid[:SHOWN_INVALID]]
        lines += [f"... and {more} more unreadable events"] if more > 0 else []
        parts.append(f'<div class="failure">{"<br>".join(lines)}</div>')
    return parts


def timeline_key(device: Hashable) -> str:
    """Where the page's data keeps a replayed device's timeline."""
    return f"replay:{device}"


def replay_section(
    paths: Sequence[str],
    fleet: Fleet,
    events: Sequence[Event],
    invalid: Sequence[str],
) -> tuple[str, dict[str, Any]]:
    """The section of one replay (all its files as one fleet), and its timelines by key."""
    assert fleet.trace is not None, "a report replays with a trace"
    payloads: dict[tuple[int | None, int, float | None], Any] = {
        (event.id, event.type_id, event.time): event.raw for event in events
    }
    keys = sorted(fleet.endpoints(), key=by_id)
    finals = {key: fleet.device(key) for key in keys}
    built = timelines(fleet.trace, finals, lambda entry: payloads.get(entry.event_key))
    rows = "".join(_row(key, finals[key], len(built[key].events)) for key in keys)
    head = "".join(
        f'<th data-sort="{"number" if name == "events" else "text"}">{e(name)}</th>'
        for name in ("device", *COLUMNS, "events")
    )
    parts = [
        '<section class="block replay" id="replay">',
        f"<h2>Replay of {len(paths)} file{'s' * (len(paths) != 1)}: {len(keys)} devices</h2>",
        *_summary(paths, fleet, invalid),
        f'<p><input class="filter" id="device-filter" data-count="device-count" '
        f'placeholder="filter devices, e.g. Offline or Exhausted"> '
        f'<span id="device-count">{len(keys)}</span> shown; click a device for its timeline</p>',
        f'<table class="grid" id="devices"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>',
    ]
    drawn = len(keys) <= DRAWN_AT_LOAD
    if drawn:
        for key in keys:
            parts.append(f"<h3>device {e(key)}</h3>")
            parts.append(timeline_holder(timeline_key(key), built[key].events))
    else:
        parts.append('<div id="device-panel"><p class="muted">click a device above</p></div>')
    parts.append("</section>")
    return "\n".join(parts), {timeline_key(key): built[key].to_json() for key in keys}

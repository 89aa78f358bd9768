"""A self-contained HTML page: our stylesheet and scripts inline, data as embedded JSON, and a
Content-Security-Policy that lets the page load nothing from anywhere, so that a report
opened from a mail attachment or a ticket makes no network request at all.

Diagrams travel as ``<template id="diagram-MACHINE">`` elements: the SVG Graphviz drew for the
machine (once per page, however many devices show it), or, without Graphviz, its states as
chips. Either way every state carries ``data-node="machine:State"``, which the scripts use to
highlight the states a device visited and the one it is in.
"""

from __future__ import annotations

import base64
import gzip
import html
import re
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

import orjson

from sim.pictures import diagram, drawing, graphviz
from statemachines import ALL_MACHINES, state_names

#: Nothing from the network: styles and scripts only inline, images only as data. A page that
#: talks to its own server (the playground) may also fetch from it.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
SAME_ORIGIN = "; connect-src 'self'"
#: Data larger than this is embedded gzip-compressed (base64, in a template element): a
#: fleet's payloads shrink about tenfold, and the browser unpacks them itself, with no request.
PACKED_FROM = 1_000_000
#: A Graphviz node group and its title: where ``data-node`` goes.
_NODE = re.compile(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>')
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def e(value: object) -> str:
    """Text made safe for HTML, quotes included."""
    return html.escape(str(value), quote=True)


def prose(text: str) -> str:
    """A description as HTML paragraphs: the hard line breaks of a YAML block joined, blank
    lines kept as paragraph breaks, and lines starting with "- " kept as list lines."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not line.lstrip().startswith("- "):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("<br>".join(e(line) for line in lines))
    return "".join(f'<p class="description">{p}</p>' for p in paragraphs)


def asset(name: str) -> str:
    """One of the stylesheets or scripts shipped in ``sim/pictures/assets``."""
    return files("sim.pictures").joinpath("assets", name).read_text(encoding="utf-8")


def embedded_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``</`` cannot end it early."""
    return orjson.dumps(value).decode().replace("</", "<\\/")


def data_element(data: Any) -> str:
    """The page's data: JSON as it is, or packed when it is large (see ``PACKED_FROM``)."""
    text = orjson.dumps(data)
    if len(text) < PACKED_FROM:
        return f'<script type="application/json" id="data">{embedded_json(data)}</script>'
    packed = base64.b64encode(gzip.compress(text, compresslevel=6)).decode()
    # A template, not a script element: Chromium takes seconds to parse megabytes of script.
    return f'<template id="data-gz">{packed}</template>'


def page(title: str, body: str, data: Any, scripts: Sequence[str], *, fetches: bool = False) -> str:
    """The whole page: head with the policy and the stylesheet, the body, the data, scripts;
    ``fetches`` lets the page call its own server."""
    code = "\n".join(asset(name) for name in ("common.js", *scripts))
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}{SAME_ORIGIN * fetches}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>\n{asset('common.css')}</style>\n</head>\n<body>\n"
        f'{body}\n<div id="tip" hidden></div>\n'
        f"{data_element(data)}\n"
        f"<script>\n{code}</script>\n</body>\n</html>\n"
    )


def machine_svg(machine: str) -> str:
    """Graphviz's SVG of one machine with ``data-node`` on every state (element ids dropped:
    the same diagram may appear many times on a page)."""
    drawn = drawing.dot(diagram.diagram([machine]), {}, {})
    svg = _PROLOGUE.sub("", graphviz.svg(drawn), count=1)
    svg = _NODE.sub(lambda m: f'<g class="node" data-node="{m[1]}">\n<title>{m[1]}</title>', svg)
    return re.sub(r' id="[^"]*"', "", svg)


def machine_chips(machine: str) -> str:
    """The states of a machine as chips: what a page shows where Graphviz is not installed."""
    chips = "".join(
        f'<span class="chip" data-node="{e(machine)}:{e(state)}">{e(state)}</span>'
        for state in state_names(ALL_MACHINES[machine])
    )
    return f'<div class="chips">{chips}</div>'


def diagram_templates(machines: Iterable[str], again: str) -> tuple[str, str]:
    """A template per machine, and the line to show near the diagrams: none when Graphviz
    drew them, else how to get the drawings (``again``: what to do once it is installed)."""
    drawn = graphviz.available()
    parts = [
        f'<template id="diagram-{e(machine)}">'
        f"{machine_svg(machine) if drawn else machine_chips(machine)}</template>"
        for machine in dict.fromkeys(machines)
    ]
    note = f"The diagrams are lists of states: {graphviz.INSTALL}, then {again}."
    return "\n".join(parts), f'<p class="muted">{e(note)}</p>' if parts and not drawn else ""


def diagram_holder(machine: str, visited: Iterable[str], current: str) -> str:
    """Where the scripts put a machine's diagram with the visited states and the current one."""
    return (
        f'<div class="diagram" data-diagram="{e(machine)}" '
        f"data-visited='{e(embedded_json(sorted(set(visited))))}' data-current=\"{e(current)}\">"
        f'<div class="title">{e(machine)}</div></div>'
    )


def badge(connectivity: str) -> str:
    """The Portal's connectivity status as a coloured badge."""
    return (
        f'<span class="badge {e(connectivity)}" data-badge="connectivity">{e(connectivity)}</span>'
    )


def event_list(events: Sequence[dict[str, Any]]) -> str:
    """A timeline's events as a table, in the page's text (the scripts draw the same list for
    a device opened on demand)."""
    rows = "".join(
        f'<tr data-mark="{i}"><td>{i + 1}</td><td class="mono">{e(mark["time"] or "")}</td>'
        f"<td>{mark['type']} {e(mark['name'])}</td><td>{e(mark['outcome'])}</td>"
        f"<td>{e('; '.join(mark['changes']))}"
        + (f" (warning: {e('; '.join(mark['warnings']))})" if mark["warnings"] else "")
        + "</td></tr>"
        for i, mark in enumerate(events)
    )
    head = "".join(f"<th>{h}</th>" for h in ("#", "time", "event", "outcome", "what changed"))
    return (
        f'<details class="events"><summary>{len(events)} event{"s" * (len(events) != 1)}</summary>'
        '<table class="grid">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
    )


def timeline_holder(key: str, events: Sequence[dict[str, Any]]) -> str:
    """Where the scripts draw a timeline as the page loads, above its list of events."""
    return f'<div class="timeline" data-key="{e(key)}" data-auto="true">{event_list(events)}</div>'

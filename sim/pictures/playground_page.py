"""The playground's page: the frame the scripts fill from ``/api/state`` (the model runs in
Python; the page only shows what the server answers). Its hooks are stable for tests and for
people who script it: ``[data-event]`` buttons (``data-variant``, ``data-possible``), one
``[data-machine]`` cell per machine and view of the selected device, ``[data-action]`` for
undo, redo and save."""

from __future__ import annotations

from collections.abc import Sequence

from sim.engine.state import DeviceState
from sim.engine.vocabulary import MACHINES, states
from sim.pictures.page import diagram_templates, e, page

#: The waits offered, in seconds: long enough for the five-minute offline timer, a day for a
#: quota's expiry or a daily refill.
WAITS = ((60, "1 min"), (300, "5 min"), (3600, "1 h"), (86_400, "1 day"))


def _state_pickers() -> str:
    """A select per device machine for a new device, set to an in-service device's state."""
    usual = DeviceState()
    rows = []
    for machine in MACHINES:
        options = "".join(
            f"<option{' selected' if state == getattr(usual, machine) else ''}>{e(state)}</option>"
            for state in states(machine)
        )
        rows.append(f'<label>{machine} <select data-pick="{machine}">{options}</select></label>')
    return (
        f'<details class="pickers"><summary>starting in&hellip;</summary>{"".join(rows)}</details>'
    )


def playground_html(scenarios: Sequence[str]) -> str:
    """The page, with the bundled scenarios it can load."""
    options = "".join(f'<option value="{e(name)}">{e(name)}</option>' for name in scenarios)
    waits = " ".join(f'<button data-wait="{s}">{e(label)}</button>' for s, label in WAITS)
    holders = "".join(
        f'<div class="diagram" data-diagram="{machine}"><div class="title">{machine}</div></div>'
        for machine in MACHINES
    )
    templates, note = diagram_templates(MACHINES, "restart the playground")
    body = f"""<header class="top"><h1>devicesim playground</h1><p id="session"></p></header>
<main class="play">
<div class="toolbar">
<button data-action="undo" title="undo the last step (step back through a loaded scenario)">&#8630; undo</button>
<button data-action="redo" title="redo (step forward through a loaded scenario)">redo &#8631;</button>
<span id="position" class="muted"></span>
<a class="button" data-action="save" href="/api/save" download="playground.yaml">save as scenario</a>
<button data-action="reset">start again</button>
<select id="scenario" aria-label="load a bundled scenario"><option value="">load a bundled scenario&hellip;</option>{options}</select>
<span class="muted">wait:</span> {waits}
</div>
<div id="message" hidden></div>
<div class="columns">
<section class="now">
<div class="devices"><label>device <select id="device"></select></label>
<form id="add-device"><input name="name" placeholder="another device, e.g. b" aria-label="device name">
<button type="submit">add device</button>{_state_pickers()}</form></div>
<p class="portal"><span id="badge"></span> <span id="services" class="service"></span></p>
<table class="grid states"><tbody id="states"></tbody></table>
<h3>last step</h3><div id="last" class="muted">nothing yet: click an event</div>
</section>
<section class="events" id="events"></section>
</div>
<h3>the selected device's machines</h3>{note}<div class="diagrams">{holders}</div>
</main>
{templates}"""
    return page("devicesim playground", body, {}, ["play.js"], fetches=True)

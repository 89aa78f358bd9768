"""A ``Diagram`` written as Mermaid (``stateDiagram-v2``) or Graphviz DOT text.

Both formats say the same: the initial state entered from a dot, final states marked (an
arrow to Mermaid's end, a double border in DOT), edges labelled one line per event or rule,
no-ops dashed, highlighted states filled. ``current`` is the state a machine is in now (one
per machine); ``visited`` are states it passed through (a report's scenario). ``transitions``
has diagrams of its own, but they label edges with trigger names and write state names with
spaces as Mermaid ids that Mermaid cannot read, so this writes both formats itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

from sim.pictures.diagram import Diagram, MachineDiagram

#: Fill and border of a machine's current state, and of a state it passed through.
CURRENT = ("#fde68a", "#b45309")
VISITED = ("#dbeafe", "#1d4ed8")
#: A view's box, and the grey of no-op edges.
VIEW_FILL = "#ecfdf5"
NO_OP = "#6b7280"

Visited = Mapping[str, Set[str]]


def _id(*parts: str) -> str:
    """A Mermaid id: letters, digits and underscores only."""
    return "__".join(re.sub(r"\W", "_", part) for part in parts)


def _state_class(machine: str, state: str, current: Mapping[str, str], visited: Visited) -> str:
    if current.get(machine) == state:
        return "current"
    return "visited" if state in visited.get(machine, ()) else ""


def mermaid(drawn: Diagram, current: Mapping[str, str], visited: Visited) -> str:
    """The diagram as a Mermaid state diagram: one composite state per machine when there are
    several, and the views as states fed by the machines they read."""
    lines = ["stateDiagram-v2", "  direction LR"]
    nested = len(drawn.machines) > 1
    for machine in drawn.machines:
        body = _mermaid_machine(machine, current, visited)
        if nested:
            lines += [f'  state "{machine.name}" as {_id(machine.name)} {{']
            lines += [f"  {line}" for line in body]
            lines.append("  }")
        else:
            lines += body
    for view in drawn.views:
        lines.append(f'  state "{view.name}: {", ".join(view.values)}" as {_id("view", view.name)}')
        lines += [f"  {_id(m)} --> {_id('view', view.name)}" for m in view.machines]
        lines.append(f"  class {_id('view', view.name)} view")
    lines += [
        f"  classDef current fill:{CURRENT[0]},stroke:{CURRENT[1]},stroke-width:3px",
        f"  classDef visited fill:{VISITED[0]},stroke:{VISITED[1]}",
        f"  classDef view fill:{VIEW_FILL}",
    ]
    return "\n".join(lines) + "\n"


def _mermaid_machine(
    machine: MachineDiagram, current: Mapping[str, str], visited: Visited
) -> list[str]:
    name = machine.name
    lines = [f'  state "{state}" as {_id(name, state)}' for state in machine.states]
    lines.append(f"  [*] --> {_id(name, machine.initial)}")
    for edge in machine.edges:
        label = "<br/>".join(edge.labels)
        lines.append(f"  {_id(name, edge.source)} --> {_id(name, edge.dest)}: {label}")
    lines += [f"  {_id(name, state)} --> [*]" for state in sorted(machine.finals)]
    for state in machine.states:
        shown = _state_class(name, state, current, visited)
        if shown:
            lines.append(f"  class {_id(name, state)} {shown}")
    return lines


def _quoted(text: str) -> str:
    """A DOT string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def dot(drawn: Diagram, current: Mapping[str, str], visited: Visited) -> str:
    """The diagram as one Graphviz digraph: a cluster per machine when there are several, and
    the views as boxes with an arrow from each machine they read."""
    title = drawn.machines[0].name if len(drawn.machines) == 1 else "devicesim"
    lines = [
        f"digraph {_quoted(title)} {{",
        "  rankdir=LR; compound=true; newrank=true;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    nested = len(drawn.machines) > 1
    for machine in drawn.machines:
        body = _dot_machine(machine, current, visited)
        if nested:
            lines.append(f"  subgraph {_quoted('cluster_' + machine.name)} {{")
            lines.append(f'    label={_quoted(machine.name)}; style="rounded"; color="#9ca3af";')
            lines += [f"  {line}" for line in body]
            lines.append("  }")
        else:
            lines += body
    first = {machine.name: machine.initial for machine in drawn.machines}
    for view in drawn.views:
        node = _quoted(f"view:{view.name}")
        label = _quoted(f"{view.name}\n{' | '.join(view.values)}")
        lines.append(f'  {node} [label={label}, shape=note, fillcolor="{VIEW_FILL}"];')
        lines += [
            f"  {_quoted(m + ':' + first[m])} -> {node} "
            f'[ltail={_quoted("cluster_" + m)}, style=dotted, color="{NO_OP}"];'
            for m in view.machines
            if m in first
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_machine(
    machine: MachineDiagram, current: Mapping[str, str], visited: Visited
) -> list[str]:
    name = machine.name
    start = _quoted(f"{name}:start")
    lines = [f'  {start} [shape=point, width=0.15, label=""];']
    for state in machine.states:
        attributes = [f"label={_quoted(state)}"]
        if state in machine.finals:
            attributes.append("peripheries=2")
        shown = _state_class(name, state, current, visited)
        if shown:
            fill, border = CURRENT if shown == "current" else VISITED
            attributes += [f'fillcolor="{fill}"', f'color="{border}"']
            attributes += ["penwidth=3"] if shown == "current" else []
        lines.append(f"  {_quoted(name + ':' + state)} [{', '.join(attributes)}];")
    lines.append(f"  {start} -> {_quoted(name + ':' + machine.initial)};")
    for edge in machine.edges:
        attributes = [f"label={_quoted(chr(10).join(edge.labels))}"]
        if edge.internal:
            attributes += ["style=dashed", f'color="{NO_OP}"', f'fontcolor="{NO_OP}"']
        lines.append(
            f"  {_quoted(name + ':' + edge.source)} -> {_quoted(name + ':' + edge.dest)} "
            f"[{', '.join(attributes)}];"
        )
    return lines

// devicesim pages: diagrams highlighted, timelines drawn, payloads shown on hover.
// Plain JavaScript, no library and no request to any network.
"use strict";

const STATE_COLOURS = {
  Online: "#16a34a", Attached: "#2563eb", Offline: "#9ca3af", Blocked: "#dc2626",
  Allowed: "#86efac", Throttled: "#fcd34d", Denied: "#fca5a5",
  Activated: "#bbf7d0", Suspended: "#fde68a", Deleted: "#d1d5db", Issued: "#e5e7eb",
  "Factory Test": "#c7d2fe", Assigned: "#bbf7d0", Unassigned: "#fecaca",
  Enabled: "#bbf7d0", Disabled: "#fecaca", Unblocked: "#bbf7d0",
  Detached: "#e5e7eb", "IMSI Attached": "#bfdbfe", "GPRS Attached": "#93c5fd",
  "Combined Attached": "#60a5fa", Connected: "#86efac", Disconnected: "#e5e7eb",
  None: "#f3f4f6", Active: "#bbf7d0", Exhausted: "#fca5a5", Expired: "#fdba74",
};
const OUTCOME_COLOURS = {
  applied: "#1d4ed8", unchanged: "#9ca3af", rejected: "#f97316", recorded: "#a3a3a3",
  inconsistent: "#dc2626", duplicate: "#c4b5fd", unknown: "#a16207", invalid: "#7c3aed",
};
const DARK_STATES = new Set(["Online", "Attached", "Blocked"]);

function colourOf(state) {
  if (state in STATE_COLOURS) return STATE_COLOURS[state];
  let hash = 0;
  for (const ch of state) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 60%, 85%)`;
}

function el(tag, attrs, ...children) {
  const svg = ["svg", "g", "rect", "text", "circle", "line", "title"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// The page's data: embedded JSON, or gzip-compressed JSON (a large fleet) unpacked here. The
// chunks are read and decoded by hand: Response.text() on the stream is ten times slower.
async function pageData() {
  const plain = document.getElementById("data");
  if (plain) return JSON.parse(plain.textContent);
  const packed = atob(document.getElementById("data-gz").content.textContent.trim());
  const bytes = new Uint8Array(packed.length);
  for (let i = 0; i < packed.length; i += 1) bytes[i] = packed.charCodeAt(i);
  const reader = new ReadableStream({start(c) { c.enqueue(bytes); c.close(); }})
    .pipeThrough(new DecompressionStream("gzip")).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
  }
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return JSON.parse(new TextDecoder().decode(whole));
}

// Mark the states of a diagram: those passed through, and the current one.
function highlight(container, machine, visited, current) {
  for (const node of container.querySelectorAll("[data-node]")) {
    const [owner, state] = splitNode(node.getAttribute("data-node"));
    if (owner !== machine) continue;
    node.classList.toggle("current", state === current);
    node.classList.toggle("visited", state !== current && visited.includes(state));
  }
}

function splitNode(text) {
  const at = text.indexOf(":");
  return [text.slice(0, at), text.slice(at + 1)];
}

// A diagram from its <template id="diagram-MACHINE">, highlighted.
function drawDiagram(holder) {
  const machine = holder.dataset.diagram;
  const template = document.getElementById(`diagram-${machine}`);
  if (!template) return;
  holder.append(template.content.cloneNode(true));
  highlight(holder, machine, JSON.parse(holder.dataset.visited || "[]"), holder.dataset.current);
}

// The tooltip: an event's name, time, outcome, changes and payload.
const tip = () => document.getElementById("tip");

function showTip(event, mark) {
  const box = tip();
  box.replaceChildren();
  box.append(el("strong", {}, `${mark.type} ${mark.name}`), ` ${mark.outcome}`);
  box.append(el("div", {}, mark.time || "(no time)"));
  for (const line of mark.changes) box.append(el("div", {}, line));
  for (const line of mark.warnings) box.append(el("div", {class: "warning"}, `warning: ${line}`));
  if (mark.refusal) box.append(el("div", {}, `refusal: ${mark.refusal}`));
  const payload = mark.payload ? JSON.stringify(JSON.parse(mark.payload), null, 2) : mark.synthesised
    ? "(synthesised by the simulator's clock: no payload)" : "(no payload kept)";
  box.append(el("pre", {}, payload));
  box.hidden = false;
  moveTip(event);
}

function moveTip(event) {
  const box = tip();
  const x = Math.min(event.clientX + 14, window.innerWidth - box.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - box.offsetHeight - 8);
  box.style.left = `${Math.max(4, x)}px`;
  box.style.top = `${Math.max(4, y)}px`;
}

function hideTip() { tip().hidden = true; }

const LANE_HEIGHT = 22, LABEL_WIDTH = 118, MARK_ROW = 26, SLOT = 34;

// x of each event: evenly spaced ("events"), or by its timestamp ("time").
function positions(events, scale, width) {
  if (scale === "time") {
    const times = events.map((m) => (m.time ? Date.parse(m.time) : NaN));
    const known = times.filter((t) => !Number.isNaN(t));
    const first = Math.min(...known), last = Math.max(...known);
    if (known.length > 1 && last > first) {
      return times.map((t, i) => LABEL_WIDTH + 12 + (Number.isNaN(t) ? i * SLOT
        : ((t - first) / (last - first)) * (width - LABEL_WIDTH - 24)));
    }
  }
  return events.map((_, i) => LABEL_WIDTH + 12 + i * SLOT + SLOT / 2);
}

function drawLanes(svg, timeline, xs, right) {
  const names = Object.keys(timeline.lanes);
  names.forEach((lane, row) => {
    const y = MARK_ROW + row * LANE_HEIGHT;
    svg.append(el("text", {x: 4, y: y + 15, fill: "#374151"}, lane));
    const points = timeline.lanes[lane];
    points.forEach(([start, state], k) => {
      const x0 = start < 0 ? LABEL_WIDTH : xs[start];
      const x1 = k + 1 < points.length ? xs[points[k + 1][0]] : right;
      const width = Math.max(1, x1 - x0);
      const group = el("g", {"data-lane": lane, "data-state": state});
      group.append(el("rect", {x: x0, y: y + 2, width, height: LANE_HEIGHT - 4, rx: 3, fill: colourOf(state)},
        el("title", {}, `${lane}: ${state}`)));
      if (width > state.length * 6 + 6) {
        group.append(el("text", {x: x0 + 4, y: y + 15, fill: DARK_STATES.has(state) ? "#fff" : "#111827"}, state));
      }
      svg.append(group);
    });
  });
  return MARK_ROW + names.length * LANE_HEIGHT;
}

function drawMarks(svg, timeline, xs, bottom) {
  timeline.events.forEach((mark, i) => {
    svg.append(el("line", {x1: xs[i], x2: xs[i], y1: MARK_ROW - 4, y2: bottom, stroke: "rgba(17, 24, 39, 0.12)"}));
    const dot = el("circle", {class: "mark", cx: xs[i], cy: 12, r: 9, fill: OUTCOME_COLOURS[mark.outcome] || "#6b7280",
      "data-mark": i, "data-type": mark.type});
    dot.addEventListener("mouseenter", (e) => showTip(e, mark));
    dot.addEventListener("mousemove", moveTip);
    dot.addEventListener("mouseleave", hideTip);
    // The event's type id on its mark: which event it is, before hovering.
    const id = mark.type >= 0 ? String(mark.type) : "set";
    svg.append(dot, el("text", {x: xs[i], y: 15.5, "text-anchor": "middle", fill: "#fff", "font-size": 9,
      "pointer-events": "none"}, id));
  });
}

function eventTable(timeline) {
  const body = el("tbody");
  timeline.events.forEach((mark, i) => {
    body.append(el("tr", {"data-mark": i}, el("td", {}, String(i + 1)), el("td", {class: "mono"}, mark.time || ""),
      el("td", {}, `${mark.type} ${mark.name}`), el("td", {}, mark.outcome),
      el("td", {}, mark.changes.join("; ") + (mark.warnings.length ? ` (warning: ${mark.warnings.join("; ")})` : ""))));
  });
  const head = el("thead", {}, el("tr", {}, ...["#", "time", "event", "outcome", "what changed"].map((h) => el("th", {}, h))));
  return el("details", {class: "events"}, el("summary", {}, `${timeline.events.length} event${timeline.events.length === 1 ? "" : "s"}`), el("table", {class: "grid"}, head, body));
}

// One device's timeline: a lane per view and machine, a mark per event (hover: payload).
function drawTimeline(holder, timeline) {
  const listed = holder.querySelector("details.events") || eventTable(timeline);
  holder.replaceChildren();
  let scale = "events";
  const scroll = el("div", {class: "scroll"});
  const draw = () => {
    const width = Math.max(640, LABEL_WIDTH + 24 + timeline.events.length * SLOT);
    const xs = positions(timeline.events, scale, width);
    const svg = el("svg", {width, height: MARK_ROW + Object.keys(timeline.lanes).length * LANE_HEIGHT + 6,
      class: "lanes", role: "img"});
    const bottom = drawLanes(svg, timeline, xs, width - 6);
    drawMarks(svg, timeline, xs, bottom);
    scroll.replaceChildren(svg);
  };
  const toggle = el("select", {"aria-label": "spacing"}, el("option", {value: "events"}, "one slot per event"),
    el("option", {value: "time"}, "by time"));
  toggle.addEventListener("change", () => { scale = toggle.value; draw(); });
  holder.append(el("div", {class: "controls"}, "spacing: ", toggle), scroll, listed);
  draw();
}

// Sorting and filtering of a table whose header cells carry data-sort.
function sortable(table) {
  const body = table.tBodies[0];
  table.querySelectorAll("th[data-sort]").forEach((th, column) => {
    let up = true;
    th.addEventListener("click", () => {
      const numeric = th.dataset.sort === "number";
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = a.cells[column].textContent, y = b.cells[column].textContent;
        const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return up ? order : -order;
      });
      up = !up;
      body.append(...rows);
    });
  });
}

function filterable(input, table) {
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of table.tBodies[0].rows) {
      const text = row.textContent.toLowerCase();
      row.hidden = !words.every((w) => text.includes(w));
      if (!row.hidden) shown += 1;
    }
    const count = document.getElementById(input.dataset.count);
    if (count) count.textContent = String(shown);
  });
}

// The playground: every click asks the server (where the model runs) and shows its answer.
"use strict";

let view = null;

async function call(method, path, body) {
  document.body.dataset.busy = "true";
  try {
    const answer = await fetch(path, {
      method,
      headers: body === undefined ? {} : {"Content-Type": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await answer.json();
    if (!answer.ok) {
      say(data.error || `the server answered ${answer.status}`, "error");
      return;
    }
    render(data);
  } catch (error) {
    say(`the playground's server does not answer (${error.message}): is devicesim play still running?`, "error");
  } finally {
    document.body.dataset.busy = "false";
  }
}

function say(text, kind) {
  const box = document.getElementById("message");
  box.textContent = text || "";
  box.className = kind || "";
  box.hidden = !text;
}

function renderStates(states, changed) {
  const body = document.getElementById("states");
  body.replaceChildren();
  for (const [name, value] of Object.entries(states)) {
    const attribute = !view.lanes.includes(name);
    const cell = el("td", attribute ? {"data-attribute": name} : {"data-machine": name}, value);
    body.append(el("tr", {class: changed.includes(name) ? "changed" : null}, el("th", {}, name), cell));
  }
  const badge = document.getElementById("badge");
  badge.replaceChildren(el("span", {class: `badge ${states.connectivity}`, "data-badge": "connectivity"}, states.connectivity));
  document.getElementById("services").textContent = `data ${states.data_service}, SMS ${states.sms_service}`;
}

function renderLast(last) {
  const box = document.getElementById("last");
  box.replaceChildren();
  box.className = last ? "" : "muted";
  if (!last) {
    box.textContent = "nothing yet: click an event";
    return;
  }
  const list = el("ul", {class: "changes"});
  for (const mark of last.marks) {
    list.append(el("li", {}, el("b", {}, `${mark.type >= 0 ? mark.type + " " : ""}${mark.name}`), `: ${mark.outcome}`));
    for (const line of mark.changes) list.append(el("li", {}, line));
    for (const line of mark.warnings) list.append(el("li", {class: "warning"}, `warning: ${line}`));
    if (mark.refusal) list.append(el("li", {}, `refused: ${mark.refusal}`));
  }
  box.append(el("div", {}, last.label), list);
}

function renderEvents(sections) {
  const box = document.getElementById("events");
  box.replaceChildren();
  for (const section of sections) {
    const buttons = el("div", {class: "buttons"});
    for (const item of section.events) {
      const button = el("button", {
        "data-event": item.type, "data-variant": item.variant || null, "data-possible": String(item.possible),
        title: item.possible ? item.explanation : `impossible now (${item.why}); clicking follows it anyway, as a lenient scenario does`,
      }, item.label);
      button.addEventListener("click", () => call("POST", "/api/event", {type: item.type, variant: item.variant}));
      buttons.append(button);
    }
    box.append(el("div", {class: "section"}, el("h4", {}, section.category), buttons));
  }
}

function render(data) {
  view = data;
  const strict = data.mode === "strict" ? " (strict: impossible events are refused, not followed)" : "";
  document.getElementById("session").textContent = `${data.name}: step ${data.position} of ${data.length}${strict}`;
  document.getElementById("position").textContent = data.next ? `next: ${data.next}` : "";
  document.querySelector('[data-action="undo"]').disabled = !data.can_undo;
  document.querySelector('[data-action="redo"]').disabled = !data.can_redo;
  const devices = document.getElementById("device");
  devices.replaceChildren(...data.devices.map((d) => el("option", {value: d.alias}, `${d.alias} (endpoint ${d.endpoint})`)));
  devices.value = data.selected;
  renderStates(data.states, data.changed);
  renderLast(data.last);
  renderEvents(data.events);
  for (const holder of document.querySelectorAll(".diagram[data-diagram]")) {
    if (!holder.querySelector("[data-node]")) drawDiagram(holder);
    const machine = holder.dataset.diagram;
    highlight(holder, machine, data.visited[machine] || [], data.states[machine]);
  }
  const warnings = data.last ? data.last.marks.flatMap((m) => m.warnings) : [];
  const what = data.mode === "strict" ? "refused an impossible event" : "followed an impossible event";
  say(warnings.length ? `${what}: ${warnings.join("; ")}` : "", "warning");
  document.documentElement.dataset.position = String(data.position);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelector('[data-action="undo"]').addEventListener("click", () => call("POST", "/api/undo", {}));
  document.querySelector('[data-action="redo"]').addEventListener("click", () => call("POST", "/api/redo", {}));
  document.querySelector('[data-action="reset"]').addEventListener("click", () => call("POST", "/api/reset", {}));
  for (const button of document.querySelectorAll("[data-wait]")) {
    button.addEventListener("click", () => call("POST", "/api/wait", {seconds: Number(button.dataset.wait)}));
  }
  document.getElementById("scenario").addEventListener("change", (event) => {
    if (event.target.value) call("POST", "/api/load", {scenario: event.target.value});
    event.target.value = "";
  });
  document.getElementById("device").addEventListener("change", (event) => call("POST", "/api/select", {device: event.target.value}));
  document.getElementById("add-device").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = event.target.elements.name;
    const state = {};
    for (const pick of event.target.querySelectorAll("[data-pick]")) {
      const usual = pick.querySelector("option[selected]");
      if (pick.value !== (usual ? usual.value : pick.value)) state[pick.dataset.pick] = pick.value;
    }
    call("POST", "/api/device", {name: input.value.trim(), state});
    event.target.reset();
  });
  call("GET", "/api/state");
});

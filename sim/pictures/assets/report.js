// The report: diagrams and timelines drawn when the page loads, the device table sorted,
// filtered and opened per device.
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  document.querySelectorAll(".diagram[data-diagram]").forEach(drawDiagram);
  const data = await pageData();
  for (const holder of document.querySelectorAll(".timeline[data-key]")) {
    if (holder.dataset.auto === "true") drawTimeline(holder, data.timelines[holder.dataset.key]);
  }
  document.documentElement.dataset.ready = "true";
  performance.mark("devicesim-ready");
  const table = document.getElementById("devices");
  if (!table) return;
  sortable(table);
  filterable(document.getElementById("device-filter"), table);
  const panel = document.getElementById("device-panel");
  table.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-key]");
    if (!row) return;
    table.querySelectorAll("tr.chosen").forEach((r) => r.classList.remove("chosen"));
    row.classList.add("chosen");
    const key = row.dataset.key;
    const target = document.querySelector(`.timeline[data-key="${CSS.escape(key)}"]`) || panel;
    if (target === panel) {
      panel.replaceChildren(el("h3", {}, `device ${row.dataset.device}`), el("div", {class: "timeline"}));
      drawTimeline(panel.lastChild, data.timelines[key]);
    }
    target.scrollIntoView({behavior: "instant", block: "start"});
  });
});

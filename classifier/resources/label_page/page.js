// The labeling page: shows the comment the server picked, sends labels, shows progress.
// No framework and no asset from the internet: the page must work offline.
"use strict";

const LABELS = ["substantive", "generic"];
const PICKS = {
  uncertain: "picked where the model is least sure",
  random: "picked at random: honest test sample",
};
let state = null;
let categories = null;
let pending = null; // "substantive" | "generic" while waiting for a category
let busy = false;

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

function baseName(path) {
  return path.split(/[\\/]/).pop();
}

function setStatus(message, isError = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function element(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function renderCategories() {
  const box = $("categories");
  box.replaceChildren();
  for (const label of LABELS) {
    const group = element("div", { className: "group", id: `group-${label}` }, [
      element("h3", { textContent: label === "substantive" ? "Substantive" : "Generic" }),
    ]);
    categories[label].forEach((rule, i) => {
      const pick = element("button", { type: "button", className: "pick", title: rule.what }, [
        element("kbd", { textContent: String(i + 1) }),
        ` ${rule.name}`,
      ]);
      pick.dataset.category = rule.name;
      pick.addEventListener("click", () => give(label, rule.name));
      const why = element("button", {
        type: "button", className: "why", textContent: "?", title: `the rule for ${rule.name}`,
      });
      why.setAttribute("aria-label", `rule for ${rule.name}`);
      why.addEventListener("click", () => showRule(rule));
      group.append(element("div", { className: "cat" }, [pick, why]));
    });
    box.append(group);
  }
}

function showRule(rule) {
  const box = $("rule");
  const list = element("dl");
  list.append(element("dt", { textContent: `${rule.name} (${rule.label})` }));
  list.append(element("dd", { textContent: rule.what }));
  for (const [lang, examples] of Object.entries(rule.examples)) {
    list.append(element("dd", { textContent: `${lang}: ${examples}` }));
  }
  box.replaceChildren(list, element("a", { href: "/guide", target: "_blank", textContent: "the whole guide" }));
  box.hidden = false;
}

function setPending(label) {
  pending = label;
  for (const name of LABELS) {
    $(`btn-${name}`).classList.toggle("pending", name === label);
    $(`group-${name}`).classList.toggle("active", name === label);
  }
  if (label) setStatus(`${label}: press a category number, Enter for none, Esc to cancel`);
}

function render(next) {
  state = next;
  const current = state.current;
  const second = state.progress.second;
  const who = $("who");
  who.textContent = `${state.labeler} · ${baseName(state.input)} → ${baseName(state.output)}`;
  who.title = `labels of ${state.input} are saved to ${state.output}`;
  $("mode-banner").hidden = !second;
  if (second) {
    $("mode-banner").textContent =
      `Second labeler: earlier labels are hidden. ${second.left} of ${second.total} left.`;
  }
  $("done").hidden = current !== null;
  for (const id of ["pick-line", "text-box", "hint", "categories"]) $(id).hidden = current === null;
  $("post-box").hidden = !(current && current.post);
  if (current) {
    const pick = $("pick");
    pick.textContent = PICKS[current.pick] || current.pick;
    pick.className = `badge ${current.pick}`;
    pick.dataset.pick = current.pick;
    const copies = current.rows_with_this_text > 1 ? ` · on ${current.rows_with_this_text} rows` : "";
    $("where").textContent = `row ${current.row}${copies}`;
    $("text").textContent = current.text;
    $("post").textContent = current.post || "";
  } else {
    $("done").textContent = second
      ? "Every comment of the first labeler's file is labeled. Compare with: genuine label --agreement A B"
      : "Every comment of the input is labeled or skipped.";
  }
  setPending(null);
  renderProgress(state.progress);
}

function renderProgress(p) {
  $("counts").replaceChildren(
    element("div", { id: "labeled-count", textContent: `${p.labeled} labeled` }),
    element("div", { textContent: `substantive ${p.by_label.substantive} · generic ${p.by_label.generic}` }),
    element("div", { textContent: `skipped ${p.skipped} · ${p.left_to_pick} left to pick` }),
  );
  if (p.rows_left_out) {
    $("counts").append(element("div", {
      className: "warning",
      textContent: `${p.rows_left_out} input rows could not be read (the terminal names them)`,
    }));
  }
  const estimate = $("estimate");
  if (p.estimate) {
    const e = p.estimate;
    estimate.replaceChildren(
      element("div", { className: "f1", textContent: `macro-F1 ${e.macro_f1.toFixed(2)}` }),
      element("div", { textContent: `95% interval ${e.low.toFixed(2)}–${e.high.toFixed(2)} on ${e.n} random labels` }),
    );
  } else {
    estimate.replaceChildren(element("div", { id: "need", textContent: p.need }));
  }
  const body = $("per-category").tBodies[0];
  body.replaceChildren();
  for (const [name, n] of Object.entries(p.by_category)) {
    body.append(element("tr", {}, [
      element("td", { textContent: name }),
      element("td", { className: "n", textContent: String(n) }),
    ]));
  }
}

async function act(work) {
  if (busy) return;
  busy = true;
  try {
    return await work();
  } catch (error) {
    setStatus(`Not saved: ${error.message}`, true);
  } finally {
    busy = false;
  }
}

function give(label, category = null) {
  if (!state || !state.current) return;
  const textHash = state.current.text_hash;
  return act(async () => {
    const next = await api("POST", "/api/label", { text_hash: textHash, label, category });
    render(next);
    const s = next.saved;
    setStatus(`Saved ${s.label}${s.category ? " / " + s.category : ""} (row ${s.row})`);
  });
}

function undo() {
  return act(async () => {
    const next = await api("POST", "/api/undo", {});
    render(next);
    const u = next.undone;
    setStatus(`Undone: ${u.label}${u.category ? " / " + u.category : ""} (row ${u.row}); label it again`);
  });
}

async function openGuide() {
  if (!$("guide-text").textContent) {
    const response = await fetch("/guide");
    $("guide-text").textContent = await response.text();
  }
  $("guide").showModal();
}

function onKey(event) {
  if ($("guide").open || event.altKey || event.metaKey) return;
  if (event.ctrlKey) {
    if (event.key.toLowerCase() === "z") { event.preventDefault(); undo(); }
    return;
  }
  const key = event.key;
  const lower = key.toLowerCase();
  if (key === "?") { event.preventDefault(); openGuide(); return; }
  if (lower === "u") { undo(); return; }
  if (!state || !state.current) return;
  if (lower === "s") setPending("substantive");
  else if (lower === "g") setPending("generic");
  else if (lower === "x") give("skip");
  else if (key === "Escape") { setPending(null); setStatus(""); }
  else if (key === "Enter" && pending) { event.preventDefault(); give(pending); }
  else if (/^[1-9]$/.test(key) && pending) {
    const rule = categories[pending][Number(key) - 1];
    if (rule) give(pending, rule.name);
  }
}

async function start() {
  try {
    categories = await api("GET", "/api/categories");
    renderCategories();
    render(await api("GET", "/api/state"));
  } catch (error) {
    setStatus(`Cannot reach the labeling server: ${error.message}`, true);
  }
  document.addEventListener("keydown", onKey);
  $("btn-substantive").addEventListener("click", () => setPending("substantive"));
  $("btn-generic").addEventListener("click", () => setPending("generic"));
  $("btn-skip").addEventListener("click", () => give("skip"));
  $("btn-undo").addEventListener("click", undo);
  $("guide-button").addEventListener("click", openGuide);
}

start();

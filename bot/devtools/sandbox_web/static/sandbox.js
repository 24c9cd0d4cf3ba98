// The sandbox page: sends what the person does to the server, which sends it to the bot as
// Slack would, and keeps the page up to date by polling. No framework, no build step.
"use strict";

const state = {
  as: document.body.dataset.as,
  where: document.body.dataset.where,
  digest: document.body.dataset.digest,
  busy: false,
  main: "", // the conversation's HTML as last drawn, so an unchanged one is left alone
};

function $(selector) {
  return document.querySelector(selector);
}

// `follow`: after the person's own action, what it brought (an answer only they see, say) is
// scrolled into view, as Slack does; a poll leaves someone reading further up where they are.
function show(parts, follow = false) {
  if (!parts || parts.digest === state.digest) return;
  state.digest = parts.digest;
  document.body.dataset.digest = parts.digest;
  for (const name of ["sidebar", "lock", "clock"]) {
    const box = $("#" + name);
    if (box.innerHTML !== parts[name]) box.innerHTML = parts[name];
  }
  const main = $("#main");
  if (state.main !== parts.main) {
    const items = main.querySelector(".conv-items");
    const atEnd = !items || main.scrollTop + main.clientHeight >= main.scrollHeight - 40;
    main.innerHTML = parts.main;
    state.main = parts.main;
    if (atEnd || follow) main.scrollTop = main.scrollHeight;
  }
  const modal = $("#modal");
  // A modal is redrawn only when the bot changed it, so what the person typed stays put.
  if (modal.dataset.key !== parts.modal_key) {
    modal.innerHTML = parts.modal;
    modal.dataset.key = parts.modal_key;
    const first = modal.querySelector("input, select, textarea, button");
    if (first) first.focus();
  }
}

function notice(text) {
  $("#notice").textContent = text || "";
}

function showErrors(errors) {
  const form = document.querySelector(".live-modal");
  if (!form) return;
  for (const box of form.querySelectorAll(".sk-error")) box.textContent = "";
  for (const input of form.querySelectorAll(".has-error")) input.classList.remove("has-error");
  let first = null;
  for (const [block, message] of Object.entries(errors || {})) {
    const box = form.querySelector(`[data-error-for="${CSS.escape(block)}"]`);
    if (box) {
      box.textContent = message;
      box.closest(".sk-input")?.classList.add("has-error");
      first = first || box.closest(".sk-input");
    } else {
      form.querySelector('[data-error-for=""]').textContent = message;
    }
  }
  // As Slack does, the first field with an error comes into view, ready to correct.
  if (first) {
    first.scrollIntoView({ block: "center" });
    first.querySelector("input, select, textarea")?.focus({ preventScroll: true });
  }
}

async function send(path, body) {
  if (state.busy) return null;
  state.busy = true;
  document.body.classList.add("busy");
  try {
    const answer = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ as: state.as, where: state.where, ...body }),
    });
    const result = await answer.json();
    show(result.parts, true);
    notice(result.notice);
    if (result.errors && Object.keys(result.errors).length) showErrors(result.errors);
    return result;
  } catch (error) {
    notice("The sandbox did not answer: " + error);
    return null;
  } finally {
    state.busy = false;
    document.body.classList.remove("busy");
  }
}

async function poll() {
  if (!state.busy) {
    try {
      const query = new URLSearchParams({ as: state.as, where: state.where, digest: state.digest });
      const answer = await fetch("/api/state?" + query);
      const result = await answer.json();
      if (result.parts) show(result.parts);
    } catch (error) {
      notice("Lost touch with the sandbox; retrying.");
    }
  }
  setTimeout(poll, 1000);
}

// Where a control sits decides what Slack sends: a view's block action or a message's.
function act(element, value) {
  const view = element.closest("[data-view]");
  const common = { action_id: element.dataset.action, block_id: element.dataset.block, value };
  if (view) return send("/api/view-action", { view_id: view.dataset.view, ...common });
  const message = element.closest("[data-ts]");
  return send("/api/click", { channel: message.dataset.channel, ts: message.dataset.ts, ...common });
}

function fieldValue(field) {
  if (field.tagName === "FIELDSET") {
    const ticked = [...field.querySelectorAll("input:checked")].map((input) => input.value);
    return field.dataset.type === "checkboxes" ? ticked : ticked[0] || null;
  }
  if (field.tagName === "SELECT" && field.multiple) {
    return [...field.selectedOptions].map((option) => option.value);
  }
  return field.value === "" ? null : field.value;
}

function go(where) {
  state.where = where;
  document.body.dataset.where = where;
  history.replaceState(null, "", `?as=${encodeURIComponent(state.as)}&where=${encodeURIComponent(where)}`);
  if (where === "home") return send("/api/home", {});
  state.digest = "";
  return fetch(`/api/state?as=${encodeURIComponent(state.as)}&where=${encodeURIComponent(where)}`)
    .then((answer) => answer.json())
    .then((result) => show(result.parts));
}

document.addEventListener("click", (event) => {
  // A file opens in a tab of its own, leaving this page where it was.
  const file = event.target.closest("a[href^='/files/']");
  if (file) {
    event.preventDefault();
    window.open(file.href, "_blank", "noopener");
    return;
  }
  const target = event.target.closest("button, a[data-where]");
  if (!target) return;
  if (target.matches("a[data-where]")) {
    event.preventDefault();
    go(target.dataset.where);
  } else if (target.dataset.act === "button") {
    act(target, target.dataset.value || null);
  } else if (target.dataset.act === "close") {
    send("/api/close", { view_id: target.closest("[data-view]").dataset.view });
  } else if (target.dataset.time) {
    const to = target.dataset.time === "date" ? $("#to-day").value : target.dataset.time;
    if (to) send("/api/time", { to });
  }
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.id === "person") {
    location.href = `/?as=${encodeURIComponent(target.value)}`;
    return;
  }
  const live = target.closest(".live[data-act='pick']");
  if (!live) return;
  const value = fieldValue(live);
  if (value !== null && !(Array.isArray(value) && value.length === 0)) act(live, value);
});

document.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.id === "command") {
    const box = $("#command-text");
    send("/api/command", { channel: state.where, text: box.value }).then((result) => {
      if (result && !result.notice) box.value = "/coregroup ";
    });
    return;
  }
  if (form.classList.contains("live-modal")) {
    const values = {};
    for (const field of form.querySelectorAll("[data-act='field']")) {
      values[field.dataset.block] = fieldValue(field);
    }
    send("/api/submit", { view_id: form.dataset.view, values });
  }
});

state.main = $("#main").innerHTML;
$("#main").scrollTop = $("#main").scrollHeight;
setTimeout(poll, 1000);

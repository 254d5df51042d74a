// digitize web app: uploads with capture feedback, progress polling, keyboard review.
// Plain JavaScript, no inline handlers (the CSP forbids inline scripts).
"use strict";

function csrfOf(form) {
  const input = form.querySelector('input[name="csrf"]');
  return input ? input.value : "";
}

async function post(url, body, csrf) {
  return fetch(url, {
    method: "POST", body: body, credentials: "same-origin",
    headers: {"X-Requested-With": "fetch", "X-CSRF-Token": csrf},
  });
}

// -- uploads: one request per file so each photo's feedback appears as soon as it is ready --
function setupUpload() {
  const form = document.getElementById("upload");
  if (!form) return;
  const results = document.getElementById("upload-results");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector('input[type="file"]');
    const files = Array.from(input.files || []);
    for (const file of files) {
      const note = document.createElement("div");
      note.className = "capture pending";
      note.textContent = "Đang kiểm tra ảnh…";
      results.prepend(note);
      const body = new FormData();
      body.append("csrf", csrfOf(form));
      body.append("files", file, file.name);
      try {
        const response = await post(form.getAttribute("action"), body, csrfOf(form));
        const html = await response.text();
        const holder = document.createElement("div");
        holder.innerHTML = response.ok ? html : "";
        if (!response.ok) {
          const p = document.createElement("p");
          p.className = "error";
          p.textContent = "Tải lên không được (" + response.status + ").";
          holder.appendChild(p);
        }
        note.replaceWith(...holder.childNodes);
      } catch (err) {
        note.textContent = "Mất kết nối, thử lại.";
        note.className = "capture bad";
      }
    }
    input.value = "";
    pollProgress(true);
  });
}

// -- dossier progress: refreshed every 2 s while pages are being read ----------------------
let polling = false;
function pollProgress(force) {
  const block = document.querySelector("[data-poll]");
  if (!block || polling) return;
  if (!force && !block.querySelector("[data-running]")) return;
  polling = true;
  const tick = async () => {
    try {
      const response = await fetch(block.dataset.poll, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}});
      if (response.ok) block.innerHTML = await response.text();
    } catch (err) { /* try again on the next tick */ }
    if (block.querySelector("[data-running]")) {
      setTimeout(tick, 2000);
    } else {
      polling = false;
    }
  };
  setTimeout(tick, 1000);
}

// -- review: keyboard first -----------------------------------------------------------------
const KEY_UNREADABLE = "F8";
const KEY_NOT_ON_DOCUMENT = "F9";

function items() { return Array.from(document.querySelectorAll("form[data-item]")); }

function focusItem(index) {
  const list = items();
  if (index < 0 || index >= list.length) return;
  const input = list[index].querySelector('input[name="value"]');
  input.focus();
  input.select();
  list[index].scrollIntoView({block: "center"});
}

async function submitReview(form, action) {
  const body = new FormData(form);
  body.set("action", action);
  const result = form.querySelector(".result");
  result.textContent = "Đang lưu…";
  const response = await post(form.getAttribute("action"), body, csrfOf(form));
  result.innerHTML = await response.text();
  if (response.ok) {
    form.classList.add("done");
    const version = result.querySelector("[data-version]");
    if (version) form.querySelector('input[name="version"]').value = version.dataset.version;
    const list = items();
    focusItem(list.indexOf(form) + 1);
  } else {
    form.classList.add("failed");
  }
}

function setupReview() {
  for (const form of items()) {
    const input = form.querySelector('input[name="value"]');
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = event.submitter;
      let action = button && button.value ? button.value : "";
      if (!action) action = input.value === input.dataset.initial ? "confirm" : "correct";
      submitReview(form, action);
    });
    input.addEventListener("keydown", (event) => {
      const index = items().indexOf(form);
      if (event.key === "Enter") {
        event.preventDefault();
        submitReview(form, input.value === input.dataset.initial ? "confirm" : "correct");
      } else if (event.key === KEY_UNREADABLE) {
        event.preventDefault();
        submitReview(form, "unreadable");
      } else if (event.key === KEY_NOT_ON_DOCUMENT) {
        event.preventDefault();
        submitReview(form, "not_on_document");
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        focusItem(index + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        focusItem(index - 1);
      }
    });
  }
  if (items().length) focusItem(0);
}

document.addEventListener("DOMContentLoaded", () => {
  setupUpload();
  setupReview();
  pollProgress(false);
});

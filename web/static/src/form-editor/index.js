// Acompaña's form editor: the fields of a JSON-Schema task form, a JSON view for the rest, a
// live preview drawn by the caseworker's renderer, and the problems of the schema beside the
// fields they concern. Plain DOM, no framework; bundled by esbuild into build/form-editor/index.js.

import { debounce, h } from "./dom.js";
import { fieldList } from "./field-list.js";
import { postJson, previewFrame } from "./preview.js";
import { showProblems } from "./problems.js";

// The modeler of the programme (another tab, often the one that opened this editor) learns
// that a form was saved into the draft: it adds it to its picker and gives it to its step.
function announce(config, schema, answer) {
  if (!window.BroadcastChannel) return;
  const channel = new BroadcastChannel(`acompana-draft:${config.programme}`);
  channel.postMessage({ type: "form-saved", key: config.formKey, schema,
    revision: answer.revision, previous: answer.previous_revision });
  channel.close();
}

function start() {
  const root = document.getElementById("form-editor");
  const configNode = document.getElementById("form-editor-config");
  if (!root || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const token = document.getElementById("form-editor-csrf").value;
  const words = config.words;
  const state = { schema: config.schema, revision: config.revision ?? null };

  const fieldsBox = h("div", { class: "fe-fields-box" });
  const problemsBox = h("div", { class: "fe-problems", id: "fe-problems", "aria-live": "polite" });
  const status = h("p", { class: "fe-status", role: "status" });
  const jsonArea = h("textarea", { class: "fe-json", id: "fe-json", rows: 18, spellcheck: false });
  const jsonNote = h("p", { class: "fe-json-note", "aria-live": "polite" });
  const stylesheets = (root.dataset.stylesheets || "").split(" ").filter(Boolean);
  const preview = previewFrame(stylesheets, words.preview);
  const formTitle = h("input", { type: "text", id: "fe-form-title", class: "fe-form-title" });
  const formHelp = h("textarea", { id: "fe-form-help", rows: 2 });
  const staleNote = h("p", { class: "note fe-stale", hidden: true }, words.previewStale);

  let lastProblems = [];
  const refresh = debounce(async () => {
    try {
      const { data } = await postJson(config.previewUrl, token, { schema: state.schema });
      if (!data) { status.textContent = words.failed; return; }
      const drawn = data.html !== null && data.html !== undefined;
      if (drawn) preview.show(data.html);
      staleNote.hidden = drawn;
      lastProblems = data.problems || [];
      root.dataset.problems = String(lastProblems.length);
      showProblems(fieldsBox, problemsBox, lastProblems, words);
      root.dataset.previewed = String(Number(root.dataset.previewed || 0) + 1);
    } catch (error) {
      status.textContent = words.failed;
    }
  }, 350);

  const editor = {
    words,
    references: config.references || [],
    changed(structural, focusPointer) {
      if (structural) drawFields(focusPointer);
      if (document.activeElement !== jsonArea) jsonArea.value = JSON.stringify(state.schema, null, 2);
      refresh();
    },
  };

  function drawFields(focusPointer) {
    fieldsBox.replaceChildren(fieldList(editor, state.schema, []));
    showProblems(fieldsBox, problemsBox, lastProblems, words);
    if (focusPointer) {
      const card = [...fieldsBox.querySelectorAll(".fe-card")].find((c) => c.dataset.pointer === focusPointer);
      const input = card && card.querySelector(".fe-label");
      if (input) input.focus();
    }
  }

  function drawHeader() {
    formTitle.value = state.schema.title || "";
    formHelp.value = state.schema.description || "";
  }

  formTitle.addEventListener("input", () => { state.schema.title = formTitle.value; editor.changed(false); });
  formHelp.addEventListener("input", () => {
    if (formHelp.value) state.schema.description = formHelp.value; else delete state.schema.description;
    editor.changed(false);
  });
  jsonArea.addEventListener("input", debounce(() => {
    let parsed;
    try {
      parsed = JSON.parse(jsonArea.value);
    } catch (error) {
      jsonNote.textContent = `${words.jsonInvalid} ${error.message}`;
      jsonNote.classList.add("formkit-error");
      return;
    }
    jsonNote.textContent = "";
    jsonNote.classList.remove("formkit-error");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      postJson(config.previewUrl, token, { schema: parsed }).then(({ data }) => data && showProblems(fieldsBox, problemsBox, data.problems || [], words));
      return;
    }
    state.schema = parsed;
    drawHeader();
    drawFields();
    refresh();
  }, 500));

  const save = h("button", {
    type: "button", class: "primary fe-save",
    onclick: async () => {
      status.textContent = words.saving;
      try {
        const { data } = await postJson(config.saveUrl, token, { schema: state.schema, revision: state.revision });
        status.textContent = (data && data.message) || words.failed;
        if (data && data.revision !== undefined) state.revision = data.revision;
        if (data && data.saved) announce(config, state.schema, data);
        if (data && data.problems && data.problems.length) showProblems(fieldsBox, problemsBox, data.problems, words);
      } catch (error) {
        status.textContent = words.failed;
      }
    },
  }, words.save);

  root.replaceChildren(
    h("div", { class: "fe-layout" },
      h("section", { class: "fe-edit", "aria-labelledby": "fe-fields-title" },
        h("div", { class: "fe-control fe-wide" }, h("label", { for: "fe-form-title" }, words.formTitle), formTitle),
        h("div", { class: "fe-control fe-wide" }, h("label", { for: "fe-form-help" }, words.formHelp), formHelp),
        h("h2", { id: "fe-fields-title" }, words.fields), fieldsBox,
        h("details", { class: "fe-json-box" }, h("summary", {}, words.json),
          h("p", { class: "note" }, words.jsonHelp), jsonArea, jsonNote),
        h("div", { class: "actions" }, save, status, backLink(config, words))),
      h("section", { class: "fe-side", "aria-labelledby": "fe-preview-title" },
        h("h2", { id: "fe-problems-title" }, words.problems), problemsBox,
        h("h2", { id: "fe-preview-title" }, words.preview),
        h("p", { class: "note" }, words.previewNote), staleNote, preview.frame)));
  drawHeader();
  drawFields();
  jsonArea.value = JSON.stringify(state.schema, null, 2);
  root.dataset.ready = "true";
  refresh();
}

// Opened from the modeler: back to it (the tab that opened this one, when it is still there).
function backLink(config, words) {
  if (!config.fromModeler) return null;
  return h("a", { href: config.modelerUrl, class: "fe-back", id: "fe-back-modeler",
    onclick: (event) => {
      if (window.opener && !window.opener.closed) {
        event.preventDefault();
        window.opener.focus();
        window.close();
      }
    } }, words.backToModeler);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

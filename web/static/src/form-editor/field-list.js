// The list of fields of an object schema (the form, or a repeating group's row), each as a
// card: name, kind, label, help, required, choices or reference, and nested fields.

import { h, uid } from "./dom.js";
import {
  KINDS, addField, choicesText, isRequired, kindOf, move, pointer, removeField, rename,
  setChoices, setKind, setRequired,
} from "./schema-model.js";

// ``editor`` is { words, references, changed(structural) }; ``parent`` the object schema
// whose fields are listed; ``where`` its path (an array of pointer parts).
export function fieldList(editor, parent, where) {
  const list = h("ol", { class: "fe-fields" });
  const names = Object.keys(parent.properties || {});
  names.forEach((name, index) => {
    list.append(h("li", {}, fieldCard(editor, parent, name, where, index, names.length)));
  });
  const addLabel = where.length ? editor.words.addInnerField : editor.words.addField;
  const add = h("button", {
    type: "button", class: "fe-add", dataset: { feAdd: pointer(where) || "/" },
    onclick: () => {
      const name = addField(parent, editor.words.newField);
      editor.changed(true, pointer([...where, "properties", name]));
    },
  }, addLabel);
  return h("div", { class: "fe-field-list" }, list, add);
}

function labelled(text, control, extra = "") {
  const id = control.id || uid("fe");
  control.id = id;
  return h("div", { class: `fe-control ${extra}` }, h("label", { for: id }, text), control);
}

function fieldCard(editor, parent, name, where, index, count) {
  const { words } = editor;
  const node = parent.properties[name];
  const kind = kindOf(node);
  let current = name;
  const card = h("section", {
    class: "fe-card", dataset: { pointer: pointer([...where, "properties", name]), name },
  });
  const heading = h("h3", { class: "fe-card-title" }, node && node.title ? node.title : name);
  const nameInput = h("input", {
    type: "text", value: name, class: "fe-name", autocomplete: "off", spellcheck: false,
    oninput: () => {
      const wanted = nameInput.value.trim();
      if (rename(parent, current, wanted)) {
        current = wanted;
        card.dataset.name = wanted;
        card.dataset.pointer = pointer([...where, "properties", wanted]);
        editor.changed(false);
      }
    },
  });
  const kindSelect = h("select", {
    class: "fe-kind",
    onchange: () => {
      setKind(parent.properties[current], kindSelect.value, { newField: words.newField, references: editor.references });
      editor.changed(true, card.dataset.pointer);
    },
  }, ...[...KINDS, ...(kind === "other" ? ["other"] : [])].map((k) => h("option", { value: k, selected: k === kind }, words[`kind.${k}`] || k)));
  const title = h("input", {
    type: "text", value: (node && node.title) || "", class: "fe-label",
    oninput: () => {
      const target = parent.properties[current];
      if (title.value) target.title = title.value; else delete target.title;
      heading.textContent = title.value || current;
      editor.changed(false);
    },
  });
  const help = h("textarea", {
    rows: 2, class: "fe-help",
    oninput: () => {
      const target = parent.properties[current];
      if (help.value) target.description = help.value; else delete target.description;
      editor.changed(false);
    },
  });
  help.value = (node && node.description) || "";
  const required = h("input", {
    type: "checkbox", class: "fe-required", checked: isRequired(parent, name),
    onchange: () => { setRequired(parent, current, required.checked); editor.changed(false); },
  });
  const tools = h("div", { class: "fe-tools" },
    h("button", { type: "button", disabled: index === 0, onclick: () => { move(parent, current, -1); editor.changed(true); } }, words.moveUp),
    h("button", { type: "button", disabled: index === count - 1, onclick: () => { move(parent, current, 1); editor.changed(true); } }, words.moveDown),
    h("button", { type: "button", class: "fe-remove", onclick: () => { removeField(parent, current); editor.changed(true); } }, words.remove));
  card.append(h("header", { class: "fe-card-head" }, heading, tools),
    h("div", { class: "fe-grid" },
      labelled(words.name, nameInput), labelled(words.kind, kindSelect),
      labelled(words.label, title, "fe-wide"), labelled(words.help, help, "fe-wide"),
      h("div", { class: "fe-control fe-check" }, h("label", {}, required, " ", words.required))));
  card.append(...kindControls(editor, parent, () => current, where, kind));
  card.append(h("ul", { class: "fe-card-problems", "aria-live": "polite" }));
  return card;
}

function kindControls(editor, parent, currentName, where, kind) {
  const { words } = editor;
  const node = parent.properties[currentName()];
  if (kind === "choice" || kind === "choices") {
    const box = h("textarea", {
      rows: 4, class: "fe-choices",
      oninput: () => { setChoices(parent.properties[currentName()], box.value); editor.changed(false); },
    });
    box.value = choicesText(node);
    return [labelled(words.choices, box, "fe-wide")];
  }
  if (kind === "grid") {
    const names = editor.references.includes(node["x-reference"]) ? editor.references : [node["x-reference"], ...editor.references];
    const pick = h("select", {
      class: "fe-reference",
      onchange: () => { parent.properties[currentName()]["x-reference"] = pick.value; editor.changed(false); },
    }, ...names.map((n) => h("option", { value: n, selected: n === node["x-reference"] }, n)));
    return [labelled(words.reference, pick)];
  }
  if (kind === "group" && node.items && typeof node.items === "object") {
    const inner = [...where, "properties", currentName(), "items"];
    return [h("div", { class: "fe-group" }, fieldList(editor, node.items, inner))];
  }
  return [];
}

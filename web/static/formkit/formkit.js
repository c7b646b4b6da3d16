// formkit.js: repeating rows of formkit task forms (web/formkit). Plain ES2015, no dependencies.
//
// The server already renders every saved row plus one empty row, so the form works without
// this script. With it, "Agregar" adds a row from the field's <template> and "Quitar" removes
// one; rows are then renumbered so names stay 0, 1, 2… (metas[2].acciones[0].accion →
// metas[1].acciones[0].accion) and ids, label targets and aria references follow.
// After a failed submission it also moves focus to the error summary at the top.
(function () {
  "use strict";

  // Attributes holding a field path (name syntax) or ids derived from a path.
  const PATH_ATTRIBUTES = ["name", "data-formkit-item", "data-formkit-path"];
  const ID_ATTRIBUTES = ["id", "for", "aria-describedby", "aria-labelledby", "data-formkit-add"];

  // Same rule as web/formkit/paths.py dom_id().
  function domId(path) {
    return "f-" + path.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function swapPath(value, from, to) {
    if (value === from || value.startsWith(from + ".") || value.startsWith(from + "[")) {
      return to + value.slice(from.length);
    }
    return value;
  }

  function swapIds(value, from, to) {
    return value.split(/\s+/).map(function (id) {
      return id === from || id.startsWith(from + "-") ? to + id.slice(from.length) : id;
    }).join(" ");
  }

  function rewriteElement(element, from, to) {
    PATH_ATTRIBUTES.forEach(function (name) {
      if (element.hasAttribute(name)) {
        element.setAttribute(name, swapPath(element.getAttribute(name), from, to));
      }
    });
    ID_ATTRIBUTES.forEach(function (name) {
      if (element.hasAttribute(name)) {
        element.setAttribute(name, swapIds(element.getAttribute(name), domId(from), domId(to)));
      }
    });
    if (element.content) { // a nested <template>: its rows must follow too
      rewrite(element.content, from, to);
    }
  }

  // Rename every path under `from` to `to` in `root` (an element or a fragment).
  function rewrite(root, from, to) {
    if (root.nodeType === Node.ELEMENT_NODE) {
      rewriteElement(root, from, to);
    }
    Array.from(root.querySelectorAll("*")).forEach(function (element) {
      rewriteElement(element, from, to);
    });
  }

  function ownNumbers(row) {
    return Array.from(row.querySelectorAll(".formkit-number")).filter(function (number) {
      return number.closest("[data-formkit-item]") === row;
    });
  }

  function updateRemoveButtons(rows) {
    const min = Number(rows.getAttribute("data-formkit-min") || 0);
    Array.from(rows.children).forEach(function (row) {
      Array.from(row.querySelectorAll("[data-formkit-remove]")).forEach(function (button) {
        if (button.closest("[data-formkit-item]") === row) {
          button.hidden = rows.children.length <= Math.max(min, 1);
        }
      });
    });
  }

  function renumber(rows) {
    const path = rows.getAttribute("data-formkit-path");
    Array.from(rows.children).forEach(function (row, index) {
      const from = row.getAttribute("data-formkit-item");
      const to = path + "[" + index + "]";
      if (from !== to) {
        rewrite(row, from, to);
      }
      ownNumbers(row).forEach(function (number) { number.textContent = String(index + 1); });
    });
    updateRemoveButtons(rows);
  }

  function firstControl(element) {
    return element.querySelector("input, select, textarea");
  }

  function addRow(button) {
    const base = button.getAttribute("data-formkit-add");
    const rows = document.getElementById(base + "-rows");
    const template = document.getElementById(base + "-template");
    if (!rows || !template) { return; }
    const fragment = document.importNode(template.content, true);
    const row = fragment.firstElementChild;
    const path = rows.getAttribute("data-formkit-path") + "[" + rows.children.length + "]";
    rewrite(fragment, row.getAttribute("data-formkit-item"), path);
    rows.appendChild(fragment);
    renumber(rows);
    const control = firstControl(row);
    if (control) { control.focus(); }
  }

  function removeRow(button) {
    const row = button.closest("[data-formkit-item]");
    const rows = row && row.parentElement;
    if (!rows) { return; }
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(rows);
    const field = rows.parentElement;
    const target = (next && firstControl(next)) ||
      field.querySelector(":scope > [data-formkit-add]");
    if (target) { target.focus(); }
  }

  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-formkit-add]");
    if (add) {
      event.preventDefault();
      addRow(add);
      return;
    }
    const remove = event.target.closest("[data-formkit-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(remove);
    }
  });

  function start() {
    Array.from(document.querySelectorAll(".formkit-rows")).forEach(updateRemoveButtons);
    const summary = document.querySelector(".formkit-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());

// Repeating groups of a task form: add a row from its <template>, remove a row, renumber.
(function () {
  "use strict";
  function renumber(rows) {
    Array.prototype.forEach.call(rows.children, function (row, index) {
      const number = row.querySelector(":scope > legend .formkit-number");
      if (number) { number.textContent = " " + (index + 1); }
    });
  }
  document.addEventListener("click", function (event) {
    const add = event.target.closest("[data-formkit-add]");
    if (add) {
      const base = add.getAttribute("data-formkit-add");
      const rows = document.getElementById(base + "-rows");
      const template = document.getElementById(base + "-template");
      const token = add.getAttribute("data-formkit-token");
      // indices only need to be unique and increasing: the server keeps their order
      const next = Number(add.dataset.next || rows.children.length + 100);
      add.dataset.next = String(next + 1);
      const html = template.innerHTML.split(token).join(String(next));
      rows.insertAdjacentHTML("beforeend", html);
      renumber(rows);
      const first = rows.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      return;
    }
    const remove = event.target.closest("[data-formkit-remove]");
    if (remove) {
      const row = remove.closest(".formkit-item");
      const rows = row.parentElement;
      row.remove();
      renumber(rows);
    }
  });
}());

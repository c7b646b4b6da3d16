// Problems beside the fields they concern, and all of them in one list.

import { h } from "./dom.js";

function concerns(cardPointer, problemPath) {
  return problemPath === cardPointer || problemPath.startsWith(cardPointer + "/");
}

// The innermost card whose pointer the problem's path starts with (null: the whole form).
export function cardFor(root, path) {
  let best = null;
  for (const card of root.querySelectorAll(".fe-card")) {
    const at = card.dataset.pointer;
    if (concerns(at, path) && (!best || at.length > best.dataset.pointer.length)) best = card;
  }
  return best;
}

export function showProblems(root, listBox, problems, words) {
  for (const card of root.querySelectorAll(".fe-card")) {
    card.classList.remove("fe-card--problem");
    card.querySelector(":scope > .fe-card-problems").replaceChildren();
  }
  const items = problems.map((problem) => {
    const card = cardFor(root, problem.path);
    const where = card ? card.querySelector(".fe-card-title").textContent : words.wholeForm;
    if (card) {
      card.classList.add("fe-card--problem");
      card.querySelector(":scope > .fe-card-problems").append(
        h("li", { class: "formkit-error" }, problem.message));
    }
    const name = card
      ? h("button", {
        type: "button", class: "link fe-goto",
        onclick: () => {
          card.scrollIntoView({ block: "center" });
          const input = card.querySelector("input, select, textarea");
          if (input) input.focus();
        },
      }, where)
      : h("strong", {}, where);
    return h("li", { dataset: { path: problem.path, code: problem.code } },
      name, ": ", problem.message, " ", h("code", {}, problem.path || "/"));
  });
  listBox.replaceChildren(items.length ? h("ul", {}, items) : h("p", { class: "fe-ok" }, words.noProblems));
}

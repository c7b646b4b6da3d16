// The attendance list: ticking "Asistió" puts the family on the list, taking it off the list
// clears "Asistió", and the counts above the list follow (the server decides the same way).
(function () {
  "use strict";
  const form = document.querySelector("form[data-attendance]");
  if (!form) {
    return;
  }
  const count = document.querySelector("[data-attendance-count]");
  const boxes = (name, value) => form.querySelector(`input[name=${name}][value="${value}"]`);
  function recount() {
    if (!count) {
      return;
    }
    const listed = form.querySelectorAll("input[name=listed]:checked").length;
    const came = form.querySelectorAll("input[name=attended]:checked").length;
    count.textContent = count.dataset.template.replace("{listed}", listed).replace("{came}", came);
  }
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name === "attended" && box.checked) {
      boxes("listed", box.value).checked = true;
    } else if (box.name === "listed" && !box.checked) {
      boxes("attended", box.value).checked = false;
    }
    recount();
  });
  recount();  // boxes ticked before this script ran (it is deferred) count too
})();

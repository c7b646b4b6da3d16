// Shows a case's BPMN diagram with completed and current steps highlighted (bpmn-js viewer).
(function () {
  "use strict";
  const box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  fetch(box.dataset.source, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (state) {
      const viewer = new window.BpmnJS({ container: box });
      return viewer.importXML(state.xml).then(function () {
        const canvas = viewer.get("canvas");
        const registry = viewer.get("elementRegistry");
        function mark(ids, cls) {
          ids.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, cls); } });
        }
        mark(state.done, "step-done");
        mark(state.current, "step-current");
        canvas.zoom("fit-viewport");
        box.dataset.ready = "true";
      });
    })
    .catch(function (error) {
      box.textContent = "";
      box.dataset.ready = "error";
      console.error(error);
    });
}());

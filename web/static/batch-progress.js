// The progress bar of background work (a migration batch: templates/migrations/show.html; a
// household import: templates/household_imports/show.html — the section with
// data-batch-progress): while it runs, ask its JSON endpoint for the figures every second and
// update the <progress> and the numbers; once every case or row is dealt with, load the page
// again to list what became of each.
// Without script the page shows the figures as they were when it was loaded.
(function () {
  "use strict";
  var section = document.querySelector("[data-batch-progress]");
  if (!section || section.dataset.state === "done") { return; }
  var bar = document.getElementById("progress-bar");
  var status = document.getElementById("progress-status");
  var hint = document.getElementById("progress-reload");
  if (hint) { hint.hidden = true; }

  function show(figures) {
    bar.max = figures.total || 1;
    bar.value = figures.total ? figures.done : 0;
    bar.textContent = figures.done + " / " + figures.total;
    section.querySelectorAll("[data-figure]").forEach(function (span) {
      span.textContent = figures[span.dataset.figure];
    });
  }

  function poll() {
    fetch(section.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (figures) {
        show(figures);
        if (figures.finished) {
          section.dataset.state = "done";
          if (status) { status.dataset.code = figures.status; }
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        if (hint) { hint.hidden = false; }
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 300);
}());

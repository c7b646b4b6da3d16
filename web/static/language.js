// Changing the language in the header's picker submits its form at once (no inline handler,
// so the Content-Security-Policy can forbid inline script). Without script, a button shows.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
}());

// Starts Swagger UI (npm swagger-ui-dist, served from static/vendor/swagger-ui/) on the
// API's OpenAPI document; the page names the document in data-spec-url (no inline script).
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // a person signed in uses the API with their session: send the page's CSRF token
    requestInterceptor: (request) => {
      if (root.dataset.csrf) request.headers["X-CSRFToken"] = root.dataset.csrf;
      return request;
    },
  });
});

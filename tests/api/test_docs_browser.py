"""The API's interactive documentation in a real headless Chromium: Swagger UI (from npm,
served by the app) renders every operation under the app's Content-Security-Policy, and a
signed-in person calls the API from the page with her session and its CSRF token."""

from tests.e2e.browsers import SHOTS, VIEWPORTS, assert_no_csp_violation, new_page, sign_in

CREATE = """async () => {
  const csrf = document.getElementById("swagger-ui").dataset.csrf;
  const answer = await fetch("/api/v1/cases", {method: "POST", headers: {
      "Content-Type": "application/json", "X-CSRFToken": csrf},
    body: JSON.stringify({programme: "familias", territory: "antofagasta",
                          caseworker: "ana", family_name: "Rojas"})});
  return answer.status;
}"""


def test_the_documentation_page_shows_the_api_and_works_with_the_session(chromium, server):
    page = new_page(chromium, VIEWPORTS["desktop"])
    sign_in(page, server, "jorge")
    page.wait_for_selector("text=Salir")
    page.goto(server + "/api/v1/docs")
    page.wait_for_selector("text=Acompaña API")
    page.wait_for_selector(".opblock")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=False)
    paths = page.eval_on_selector_all(".opblock-summary-path",
                                      "nodes => nodes.map(n => n.dataset.path)")
    assert "/api/v1/cases/{case_id}/household" in paths and len(paths) >= 10
    assert page.evaluate(CREATE) == 201
    assert_no_csp_violation(page)

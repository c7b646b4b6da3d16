"""Every response carries the security headers; HSTS only over HTTPS."""

import re

import pytest

from web import create_app

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
DIRECTIVES = {"default-src 'self'", "script-src 'self'", "style-src 'self'",
              "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
              "form-action 'self'"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style|\sstyle\s*=", re.IGNORECASE)


def assert_secure(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    policy = {d.strip() for d in response.headers["Content-Security-Policy"].split(";")}
    assert policy >= DIRECTIVES
    assert not any("unsafe" in d for d in policy)
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


@pytest.mark.parametrize("path", ["/login", "/", "/static/app.css", "/no-such-page"])
def test_anonymous_responses_carry_the_headers(browser, path):
    assert_secure(browser.get(path))


def test_signed_in_pages_files_and_refusals_carry_the_headers(as_person, start_case):
    case_id = start_case()
    jorge = as_person("jorge")
    for path in ("/", f"/cases/{case_id}", f"/cases/{case_id}/diagram", "/dashboard/",
                 "/dashboard/overdue.csv", "/reports/familias.csv", "/cases/999999"):
        assert_secure(jorge.get(path))
    assert_secure(jorge.post("/logout"))


def test_no_page_has_inline_script_or_style(as_person, start_case):
    case_id = start_case()
    ana, jorge = as_person("ana"), as_person("jorge")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    pages = [ana.get(p) for p in ("/", f"/cases/{case_id}", f"/tasks/{task_id}", "/cases/new",
                                  "/notifications/")]
    pages += [jorge.get(p) for p in ("/dashboard/", "/reports/", "/reports/familias")]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200, response.request.path
        assert not INLINE_SCRIPT.search(html), response.request.path
        assert not INLINE_HANDLER.search(html), response.request.path
        assert not INLINE_STYLE.search(html), response.request.path


def test_hsts_over_https_only(browser):
    assert "Strict-Transport-Security" not in browser.get("/login").headers
    secure = browser.client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_forwarded_scheme_counts_only_behind_a_configured_proxy(database_url):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    direct = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert "Strict-Transport-Security" not in direct.test_client().get(
        "/login", headers=forwarded).headers
    proxied = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                          "PROXIES": 1})
    assert "Strict-Transport-Security" in proxied.test_client().get(
        "/login", headers=forwarded).headers

"""``next`` only ever leads to a page of this site (sign-in, language, claim)."""

import pytest

from tests.e2e.conftest import PASSWORD, csrf_of
from web.redirects import is_safe_path

HOSTILE = [
    "//evil.example/",                 # scheme-relative
    "/\\evil.example/",                # a backslash browsers read as a slash
    "\\\\evil.example/",
    "/%09/evil.example/",              # the reported one: a tab the browser drops
    "/\t/evil.example/",
    "/%5Cevil.example/",               # encoded backslash
    "/%2F/evil.example/",              # encoded slash after the first
    "%2F%2Fevil.example/",
    "/%252F%252Fevil.example/",        # encoded twice
    "/ok\r\nSet-Cookie: x=1",          # header injection
    "/%0d%0aSet-Cookie:%20x=1",
    "/%0a/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    " /inbox",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert not is_safe_path(target)


@pytest.mark.parametrize("target", ["/", "/cases/7", "/?vista=pool&page=2", "/tasks/a-b?x=%20y",
                                    "/?familia=Rojas%20P%C3%A9rez"])
def test_paths_of_this_site_are_followed(target):
    assert is_safe_path(target)


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_leaves_the_site(browser, target):
    token = csrf_of(browser.get("/login").get_data(as_text=True))
    response = browser.client.post("/login", query_string={"next": target},
                                   data={"username": "ana", "password": PASSWORD,
                                         "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_signing_in_goes_back_to_the_page_asked_for(browser):
    asked = browser.get("/cases/new").headers["Location"]
    token = csrf_of(browser.get(asked).get_data(as_text=True))
    response = browser.client.post(asked, data={"username": "ana", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.headers["Location"] == "/cases/new"


@pytest.mark.parametrize("target", HOSTILE)
def test_changing_language_never_leaves_the_site(as_person, target):
    response = as_person("ana").post("/account/language", {"locale": "it", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/ok\r\nX: y", "//evil.example"])
def test_claiming_never_leaves_the_site(as_person, start_case, target):
    case_id = start_case()
    jorge = as_person("jorge")
    task_id = jorge.open_tasks(case_id)["primer_contacto"]
    jorge.post(f"/tasks/{task_id}/release")  # back to the pool, so ana can claim it
    response = as_person("ana").post(f"/tasks/{task_id}/claim", {"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{task_id}"


def test_changing_language_returns_to_the_filtered_page(as_person):
    target = "/?familia=Rojas%20P%C3%A9rez&page=2"
    response = as_person("ana").post("/account/language", {"locale": "it", "next": target})
    assert response.headers["Location"] == target

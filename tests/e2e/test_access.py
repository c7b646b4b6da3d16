"""Who may see and do what: sign-in, CSRF, territories and roles."""

import logging

import pytest

from tests.e2e.conftest import PASSWORD
from tests.entry import sweep
from web import create_app


@pytest.mark.parametrize("path", ["/", "/tasks/whatever", "/cases/1", "/cases/new"])
def test_anonymous_people_are_sent_to_sign_in(browser, path):
    response = browser.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(browser):
    response = browser.login("ana", "nope")
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos." in response.get_data(as_text=True)
    assert browser.login("nobody", "nope").status_code == 401


def test_five_failures_slow_the_account_down_with_a_429_not_a_lock(browser):
    for _ in range(5):
        assert browser.login("ana", "nope").status_code == 401
    response = browser.login("ana", PASSWORD)  # even the right password must wait
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Demasiados intentos de ingreso. Espere" in response.get_data(as_text=True)
    assert "bloqueada" not in response.get_data(as_text=True)


def test_an_unknown_account_is_throttled_exactly_like_a_known_one(browser):
    answers = [browser.login("nadie", "nope").status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_signing_in_leads_to_the_inbox(browser):
    response = browser.login("ana")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Mis tareas" in browser.get("/").get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(as_person, start_case):
    ana = as_person("ana")
    case_id = start_case()
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    response = ana.client.post(f"/tasks/{task_id}", data={"action": "draft"})
    assert response.status_code == 400
    response = ana.client.post("/logout")
    assert response.status_code == 400


def test_sign_in_without_csrf_is_refused(browser):
    response = browser.client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 400
    assert browser.get("/").status_code == 302


def test_a_case_in_another_territory_answers_404_and_is_logged(as_person, start_case, caplog):
    case_id = start_case()
    giulia = as_person("giulia")
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        assert giulia.get(f"/cases/{case_id}").status_code == 404
        assert giulia.get(f"/cases/{case_id}/diagram").status_code == 404
        task_id = giulia.open_tasks(case_id)["primer_contacto"]
        assert giulia.get(f"/tasks/{task_id}").status_code == 404
    refusals = [r.getMessage() for r in caplog.records]
    assert any("giulia" in m and f"/cases/{case_id}" in m for m in refusals)
    assert any("giulia" in m and f"/tasks/{task_id}" in m for m in refusals)


def test_a_task_of_another_role_answers_403_and_is_logged(as_person, start_case, caplog):
    case_id = start_case()
    jorge = as_person("jorge")
    ana_task = jorge.open_tasks(case_id)["primer_contacto"]
    ana = as_person("ana")
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        response = ana.post("/tasks/" + ana_task + "/reassign", {"assignee": "pedro"})
    assert response.status_code == 403
    assert any("ana" in r.getMessage() and "reassign" in r.getMessage() for r in caplog.records)


def test_a_caseworker_cannot_work_a_supervisor_task(as_person, start_case, web_app):
    from datetime import UTC, datetime

    from web.extensions import db

    case_id = start_case(at=datetime(2026, 3, 2, tzinfo=UTC))
    with web_app.app_context():
        sweep(db.session, datetime(2026, 3, 30, tzinfo=UTC))
    pedro = as_person("pedro")
    review = pedro.open_tasks(case_id)["revisar_atraso_primer_contacto"]
    assert pedro.get(f"/tasks/{review}").status_code == 403
    assert pedro.post(f"/tasks/{review}", {"action": "submit", "accion": "otro"}).status_code == 403
    assert pedro.post(f"/tasks/{review}/claim").status_code == 403


def test_session_cookies_are_secure_and_http_only_by_default(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"

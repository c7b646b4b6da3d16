"""The app's own error pages, in the person's language, with no traceback; a 500 is logged
with its path, and its page is made without a database query (the database may be what
failed). The crashing routes exist only in these tests' app."""

import logging

import pytest
from flask import abort
from sqlalchemy import event, text

from tests.integration.redis_server import free_port
from web import create_app
from web.extensions import db


@pytest.fixture
def crashing(web_app):
    """Test-only routes that fail; the queries run once a route has failed are recorded."""
    web_app.config["PROPAGATE_EXCEPTIONS"] = False  # serve the 500 page, as in production
    after_failure: list[str] = []

    @web_app.get("/test-only/crash")
    def crash():
        raise RuntimeError("boom: secret internals")

    @web_app.get("/test-only/database-fails")
    def database_fails():
        from flask import g
        from flask_login import current_user

        assert current_user.is_authenticated  # the person is loaded, as in any page
        g.failed = True
        db.session.execute(text("SELECT * FROM no_such_table"))

    @web_app.get("/test-only/too-large")
    def too_large():
        abort(413)

    @web_app.get("/test-only/too-many")
    def too_many():
        abort(429)

    with web_app.app_context():
        @event.listens_for(db.engine, "before_cursor_execute")
        def record(conn, cursor, statement, *args):
            from flask import g, has_request_context

            if has_request_context() and g.get("failed") and "no_such_table" not in statement:
                after_failure.append(statement)

    return after_failure


@pytest.mark.parametrize(("person", "title", "text_"), [
    ("ana", "No encontrado", "Esta página no existe o no tiene acceso a ella."),
    ("giulia", "Non trovato", "Questa pagina non esiste o non è accessibile."),
])
def test_a_missing_page_answers_the_apps_404_in_the_persons_language(as_person, person, title,
                                                                     text_):
    response = as_person(person).get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in page and text_ in page


@pytest.mark.parametrize(("person", "lang", "title"), [
    ("ana", "es", "Error del sistema"), ("giulia", "it", "Errore del sistema")])
def test_a_crash_answers_the_apps_500_without_a_traceback_and_logs_it(
        crashing, as_person, caplog, person, lang, title):
    browser = as_person(person)
    with caplog.at_level(logging.ERROR, logger="acompana.errors"):
        response = browser.get("/test-only/crash")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in page and f"<h1>{title}</h1>" in page
    assert "Traceback" not in page and "boom" not in page and "RuntimeError" not in page
    [record] = caplog.records
    assert record.getMessage() == "GET /test-only/crash failed with an unhandled RuntimeError"
    assert record.exc_info[0] is RuntimeError


def test_a_database_failure_still_gets_the_500_page_without_another_query(crashing,
                                                                         as_person):
    response = as_person("giulia").get("/test-only/database-fails",
                                       headers={"Accept-Language": "it"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "<h1>Errore del sistema</h1>" in page
    assert crashing == []  # not one query between the failure and the page


def test_with_the_database_down_an_anonymous_visitor_gets_the_page_in_their_language():
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/gone",
                      "TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/test-only/query")
    def query():
        db.session.execute(text("SELECT 1"))

    response = app.test_client().get("/test-only/query", headers={"Accept-Language": "it-IT"})
    assert response.status_code == 500
    assert "<h1>Errore del sistema</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "code", "es", "it"), [
    ("/test-only/too-large", 413, "Envío demasiado grande", "Invio troppo grande"),
    ("/test-only/too-many", 429, "Demasiados intentos", "Troppi tentativi"),
])
def test_too_large_and_too_many_have_their_own_pages(crashing, as_person, path, code, es, it):
    assert f"<h1>{es}</h1>" in as_person("ana").get(path).get_data(as_text=True)
    response = as_person("giulia").get(path)
    assert response.status_code == code and f"<h1>{it}</h1>" in response.get_data(as_text=True)


def test_a_wrong_method_has_its_own_page(as_person):
    response = as_person("giulia").client.put("/")
    assert response.status_code == 405
    assert "<h1>Azione non disponibile</h1>" in response.get_data(as_text=True)


def test_a_form_without_its_token_is_explained_in_the_persons_language(as_person):
    response = as_person("giulia").client.post("/logout")
    assert response.status_code == 400
    assert "Il modulo è scaduto o non è valido." in response.get_data(as_text=True)

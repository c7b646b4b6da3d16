"""Who may call the API: a token client within its territories, a person with their
session; a missing, unknown, revoked or expired token is refused (401, problem+json), and
each refusal is logged naming the client. The API's smoke module: it also runs on SQLite."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

import engine
from web.api import tokens
from web.extensions import db

PROBLEM = "application/problem+json"
pytestmark = pytest.mark.both_databases


def test_a_request_without_a_token_is_refused_as_a_problem(web_app):
    answer = web_app.test_client().get("/api/v1/territories")
    assert answer.status_code == 401
    assert answer.mimetype == PROBLEM
    body = answer.get_json()
    assert body["code"] == "api.unauthenticated" and body["status"] == 401
    assert body["errors"] == {} and body["title"] and body["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused(web_app):
    answer = web_app.test_client().get("/api/v1/territories",
                                       headers={"Authorization": "Bearer acp_nonsense"})
    assert answer.status_code == 401


def test_a_token_sees_only_its_own_territories(api_as):
    api = api_as("registry", territories=("antofagasta",))
    answer = api.get("/api/v1/territories")
    assert answer.status_code == 200
    assert [t["code"] for t in answer.get_json()] == ["antofagasta"]
    assert answer.headers["X-Total-Count"] == "1"


def test_a_revoked_token_is_refused_and_the_refusal_names_the_client(web_app, api_as,
                                                                     caplog):
    api = api_as("warehouse")
    assert api.get("/api/v1/territories").status_code == 200
    with web_app.app_context(), engine.unit_of_work(db.session):
        tokens.revoke(db.session, "warehouse", engine.SYSTEM)
    with caplog.at_level(logging.WARNING, logger="acompana.access"):
        answer = api.get("/api/v1/territories")
    assert answer.status_code == 401
    assert answer.get_json()["code"] == "api.token_revoked"
    assert "api client warehouse" in caplog.text


def test_an_expired_token_is_refused(web_app, make_client):
    token = make_client("visits", expires_at=datetime.now(UTC) + timedelta(seconds=1))
    with web_app.app_context():
        from web.api.models import ApiClient

        client = db.session.query(ApiClient).filter_by(name="visits").one()
        client.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    answer = web_app.test_client().get("/api/v1/territories",
                                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.get_json()["code"] == "api.token_expired"


def test_the_token_is_kept_only_as_its_hash_and_its_last_use_is_recorded(web_app, api_as):
    api = api_as("registry")
    api.get("/api/v1/territories")
    with web_app.app_context():
        from web.api.models import ApiClient

        client = db.session.query(ApiClient).filter_by(name="registry").one()
        assert client.token_hash != api.token and len(client.token_hash) == 64
        assert api.token not in str(client.__dict__)
        assert client.last_used_at is not None


def test_a_person_uses_the_api_with_their_session(session_api):
    api = session_api("giulia")
    answer = api.get("/api/v1/territories")
    assert answer.status_code == 200
    assert [t["code"] for t in answer.get_json()] == ["somma_lombardo"]


def test_answers_are_worded_in_the_clients_language(web_app):
    client = web_app.test_client()
    for language, word in (("en", "token"), ("it", "token"), ("es", "token")):
        body = client.get("/api/v1/territories",
                          headers={"Accept-Language": language}).get_json()
        assert word in body["detail"]
    english = client.get("/api/v1/territories", headers={"Accept-Language": "en"}).get_json()
    spanish = client.get("/api/v1/territories", headers={"Accept-Language": "es"}).get_json()
    assert english["detail"] != spanish["detail"]


def test_the_openapi_document_and_its_documentation_page(web_app):
    client = web_app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/v1/territories" in spec["paths"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css",
                  "api-docs.js"):
        assert client.get(f"/static/{asset}").status_code == 200, asset

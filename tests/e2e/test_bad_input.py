"""Every bad input gets a clean 400/404/413/422 answer in the person's language, and changes
nothing (on SQLite and on PostgreSQL, which refuses NUL characters outright)."""

import json

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Base, Case, Event, Household
from tests.e2e.conftest import MARCH_2, csrf_of
from tests.e2e.test_programme_settings import SETTINGS, form_values, managers  # noqa: F401
from web import create_app
from web.extensions import db

NUL = "Rojas\x00Pérez"


def row_counts(app) -> dict[str, int]:
    """How many rows every table holds (what "nothing changed" is measured by), but the log
    of views: the page a refused request shows again is a view, logged by design."""
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables if table.name != "access_log"}


def page_text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def case_id(start_case):
    return start_case(at=MARCH_2)


# NUL bytes and other characters the database cannot store


def test_a_nul_in_the_pause_reason_is_refused_naming_the_field(as_person, case_id, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post(f"/cases/{case_id}/pause", {"reason": "viaje\x00"},
                        token_from=f"/cases/{case_id}")
    assert response.status_code == 400
    assert "El campo «Motivo» contiene caracteres no válidos" in page_text(response)
    assert row_counts(web_app) == before


def test_a_nul_in_the_new_case_form_is_refused(as_person, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post("/cases/new", {"family_name": NUL, "programme": "familias",
                                       "territory": "antofagasta", "caseworker": "ana"},
                        token_from="/cases/new")
    assert response.status_code == 400
    assert "«Familia (apellidos)»" in page_text(response)
    assert row_counts(web_app) == before


def test_a_nul_in_a_task_form_is_refused(as_person, case_id, web_app):
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    before = row_counts(web_app)
    for action in ("draft", "complete"):
        response = ana.post(f"/tasks/{task_id}", {"action": action, "observaciones": "a\x00"},
                            token_from=f"/tasks/{task_id}")
        assert response.status_code == 400, action
        assert "«observaciones»" in page_text(response)
    assert row_counts(web_app) == before


def test_a_nul_in_a_query_parameter_or_the_path_is_refused(as_person):
    ana = as_person("ana")
    for path in ("/?programme=%00", "/?step=x%00", "/tasks/ab%00cd", "/login?next=/%00"):
        response = ana.get(path)
        assert response.status_code == 400, path
        assert "contiene caracteres no válidos" in page_text(response)


def test_a_nul_at_sign_in_is_refused_without_touching_the_account(browser, web_app):
    token = csrf_of(page_text(browser.get("/login")))
    before = row_counts(web_app)
    response = browser.client.post("/login", data={"username": "ana\x00", "password": "x\x00",
                                                   "csrf_token": token})
    assert response.status_code == 400
    assert "«Usuario»" in page_text(response)
    assert row_counts(web_app) == before


@pytest.mark.parametrize("value", ["a\u0000b", "\ud800"])
def test_nul_and_lone_surrogates_in_a_json_body_are_refused(as_person, web_app, value):
    ana = as_person("ana")
    token = csrf_of(page_text(ana.get("/notifications/")))
    body = json.dumps({"nota": [value]})  # ASCII escapes: \\u0000, \\ud800
    response = ana.client.post("/notifications/read", data=body, content_type="application/json",
                               headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "«json.nota[0]»" in page_text(response)


def test_the_refusal_is_in_the_persons_language(as_person):
    giulia = as_person("giulia")
    response = giulia.get("/?programme=%00")
    assert response.status_code == 400
    assert "Il campo «Programma» contiene caratteri non validi" in page_text(response)


# out-of-range ids and page numbers


@pytest.mark.parametrize("path", ["/cases/2147483648", "/cases/99999999999999999999",
                                  "/cases/-1", "/cases/0", "/cases/2147483648/diagram",
                                  "/cases/" + "9" * 400, "/tasks/99999999999999999999",
                                  "/tasks/" + "x" * 500])
def test_ids_out_of_range_are_not_found(as_person, path):
    response = as_person("ana").get(path)
    assert response.status_code == 404
    assert "Esta página no existe" in page_text(response)


def test_pausing_a_case_past_32_bits_is_not_found_and_changes_nothing(as_person, case_id,
                                                                       web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post("/cases/2147483648/pause", {"reason": "x"}, token_from="/")
    assert response.status_code == 404
    assert row_counts(web_app) == before


@pytest.mark.parametrize("page", ["9" * 400, "-3", "abc", "٣", "1e9", "", "2147483648"])
def test_any_page_number_gives_a_page(as_person, case_id, page):
    response = as_person("ana").get(f"/?page={page}")
    assert response.status_code == 200


def test_a_huge_page_number_shows_an_empty_last_page_not_an_error(as_person, case_id):
    page = page_text(as_person("ana").get("/?page=" + "9" * 400))
    assert "Rojas Pérez" not in page
    assert "Rojas Pérez" in page_text(as_person("ana").get("/?page=1"))


# overlong and blank values


def test_an_overlong_family_name_is_refused_naming_the_field(as_person, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post("/cases/new", {"family_name": "R" * 201, "programme": "familias",
                                       "territory": "antofagasta", "caseworker": "ana"},
                        token_from="/cases/new")
    assert response.status_code == 422
    assert 'id="family_name-error"' in page_text(response)
    assert row_counts(web_app) == before


def test_a_blank_family_name_is_refused(as_person, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post("/cases/new", {"family_name": "   ", "programme": "familias",
                                       "territory": "antofagasta", "caseworker": "ana"},
                        token_from="/cases/new")
    assert response.status_code == 422
    assert 'id="family_name-error"' in page_text(response)
    assert row_counts(web_app) == before


def test_an_overlong_pause_reason_is_refused_naming_the_field(as_person, case_id, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post(f"/cases/{case_id}/pause", {"reason": "x" * 201},
                        token_from=f"/cases/{case_id}")
    assert response.status_code == 422
    assert "«Motivo»: Máximo 200 caracteres." in page_text(response)
    assert row_counts(web_app) == before
    with web_app.app_context():
        assert db.session.get(Case, case_id).deadlines_paused_at is None


def test_a_pause_reason_of_200_characters_is_kept(as_person, case_id, web_app):
    ana = as_person("ana")
    response = ana.post(f"/cases/{case_id}/pause", {"reason": "x" * 200},
                        token_from=f"/cases/{case_id}")
    assert response.status_code == 302
    with web_app.app_context():
        event = db.session.scalars(select(Event).where(Event.kind == "deadlines_paused")).one()
        assert event.data["reason"] == "x" * 200


def test_an_overlong_deadline_title_is_refused_naming_the_field(managers, web_app):  # noqa: F811
    from tests.e2e.conftest import Browser

    marta = Browser(web_app.test_client())
    assert marta.login("marta").status_code == 302
    values = form_values(page_text(marta.get(SETTINGS)))
    before = row_counts(web_app)
    response = marta.client.post(SETTINGS, data={**values, "plazo_diagnostico-titulo": "T" * 201})
    assert response.status_code == 422
    assert "Escriba un título de 1 a 200 caracteres." in page_text(response)
    assert row_counts(web_app) == before


# the request body limit


def test_a_body_over_the_limit_gets_413_with_the_apps_page(as_person, case_id, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    response = ana.post(f"/cases/{case_id}/pause", {"reason": "x" * (1024 * 1024 + 1)},
                        token_from=f"/cases/{case_id}")
    assert response.status_code == 413
    page = page_text(response)
    assert "La solicitud es demasiado grande (máximo 1024 KB)" in page
    assert "Volver a la bandeja" in page  # the app's own page, not Werkzeug's
    assert row_counts(web_app) == before


def test_a_draft_over_the_limit_gets_413(as_person, case_id, web_app):
    ana = as_person("ana")
    task_id = ana.open_tasks(case_id)["primer_contacto"]
    before = row_counts(web_app)
    response = ana.post(f"/tasks/{task_id}", {"action": "draft",
                                              "observaciones": "x" * (2 * 1024 * 1024)},
                        token_from=f"/tasks/{task_id}")
    assert response.status_code == 413
    assert row_counts(web_app) == before


def test_the_body_limit_is_configurable(database_url, web_app):
    small = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                        "WTF_CSRF_ENABLED": False, "MAX_CONTENT_LENGTH": 2048})
    response = small.test_client().post("/login", data={"username": "a" * 4096,
                                                        "password": "x"})
    assert response.status_code == 413
    assert "máximo 2 KB" in page_text(response)


def test_the_default_limit_is_one_megabyte(web_app):
    assert web_app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_households_are_untouched_by_every_refusal_above(as_person, web_app):
    """A refused new case leaves no household behind either (the engine checks first)."""
    ana = as_person("ana")
    ana.post("/cases/new", {"family_name": "   ", "programme": "familias",
                            "territory": "antofagasta", "caseworker": "ana"},
             token_from="/cases/new")
    with web_app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 0


def test_the_engine_refuses_a_caseworker_from_another_territory_on_the_web(as_person, web_app):
    """Jorge supervises both territories, so Giulia is offered; she does not work in
    Antofagasta, and the engine's rule says so beside the field."""
    from engine.persistence.models import Territory
    from web.auth.models import User

    with web_app.app_context():
        jorge = db.session.scalars(select(User).where(User.username == "jorge")).one()
        jorge.territories = db.session.scalars(select(Territory)).all()
        db.session.commit()
    jorge = as_person("jorge")
    before = row_counts(web_app)
    response = jorge.post("/cases/new", {"family_name": "Vega", "programme": "familias",
                                         "territory": "antofagasta", "caseworker": "giulia"},
                          token_from="/cases/new")
    assert response.status_code == 422
    page = page_text(response)
    assert 'id="caseworker-error">Esta persona no trabaja en el territorio elegido.' in page
    assert row_counts(web_app) == before


def test_too_many_household_members_are_refused_beside_the_field(as_person, web_app):
    ana = as_person("ana")
    before = row_counts(web_app)
    members = "\n".join(f"Persona {n}, {n}" for n in range(51))
    response = ana.post("/cases/new", {"family_name": "Vega", "members": members,
                                       "programme": "familias", "territory": "antofagasta",
                                       "caseworker": "ana"}, token_from="/cases/new")
    assert response.status_code == 422
    assert 'id="members-error">Máximo 50 elementos.' in page_text(response)
    assert row_counts(web_app) == before


@pytest.mark.parametrize("age", ["²", "٣", "9" * 400, "-4", "x"])
def test_an_odd_age_in_the_members_list_is_left_out_not_an_error(as_person, web_app, age):
    ana = as_person("ana")
    response = ana.post("/cases/new", {"family_name": "Vega", "members": f"Tomás Vega, {age}",
                                       "programme": "familias", "territory": "antofagasta",
                                       "caseworker": "ana"}, token_from="/cases/new")
    assert response.status_code == 302
    with web_app.app_context():
        assert db.session.scalars(select(Household.members)).one() == [{"name": "Tomás Vega"}]

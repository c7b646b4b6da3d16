"""The people named in a case, from the pages: the Comunidad Crece tutor chosen on the
new-case form gets the tutorings in his inbox; the case file changes the tutor with a picker
of the people the policy lets take the post, moving his open tutoring, in the history."""

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import Case, Event
from tests.e2e.conftest import PASSWORD
from tests.e2e.crece_world import CRECE, add_crece, tasks, tutored_case
from web.extensions import db


@pytest.fixture
def database_seed():
    """Coquimbo's team and Comunidad Crece come with the seed (add_crece finds them)."""
    return CRECE


def _options(page: str, select_name: str, post: str | None = None) -> list[str]:
    forms = re.findall(r"<form[^>]*>.*?</form>", page, re.S)
    if post:
        forms = [f for f in forms if f'name="post" value="{post}"' in f]
    block = next(f for f in forms if f'name="{select_name}"' in f) if forms else page
    chosen = re.search(rf'<select[^>]*name="{re.escape(select_name)}"[^>]*>(.*?)</select>',
                       block, re.S).group(1)
    return [v for v in re.findall(r'<option value="([^"]*)"', chosen) if v]


def test_the_tutor_chosen_when_the_case_is_opened_gets_the_tutorings(web_app, as_person):
    add_crece(web_app, PASSWORD)
    rodrigo = as_person("rodrigo")
    form = rodrigo.get("/cases/new").get_data(as_text=True)
    assert "Tutor/a" in form and "Coordinador/a barrial" in form
    assert _options(form, "post:comunidad_crece:tutor") == ["camila", "tomas", "valentina"]
    assert _options(form, "post:comunidad_crece:coordinador") == ["rodrigo"]
    response = rodrigo.post("/cases/new", {
        "family_name": "Rojas", "members": "Matías Rojas, 15", "programme": "comunidad_crece",
        "territory": "coquimbo", "caseworker": "valentina",
        "post:comunidad_crece:tutor": "tomas", "post:comunidad_crece:coordinador": "rodrigo"},
        token_from="/cases/new")
    assert response.status_code == 302
    with web_app.app_context():
        case = db.session.scalars(select(Case).where(Case.programme_key ==
                                                     "comunidad_crece")).one()
        assert case.people == {"tutor": "tomas", "coordinador": "rodrigo"}

    case_id = tutored_case(web_app, "Benjamín Tapia")
    assert tasks(web_app, case_id) == {"tutoria": "tomas"}
    assert "Benjamín Tapia" in as_person("tomas").get("/").get_data(as_text=True)
    assert "Benjamín Tapia" not in as_person("valentina").get("/").get_data(as_text=True)


def test_a_tutor_who_may_not_take_the_post_is_refused_when_the_case_is_opened(web_app,
                                                                             as_person):
    add_crece(web_app, PASSWORD)
    rodrigo = as_person("rodrigo")
    response = rodrigo.post("/cases/new", {
        "family_name": "Rojas", "members": "Matías Rojas, 15", "programme": "comunidad_crece",
        "territory": "coquimbo", "caseworker": "valentina",
        "post:comunidad_crece:tutor": "ana"}, token_from="/cases/new")
    assert response.status_code == 422
    with web_app.app_context():
        assert db.session.scalars(select(Case)).all() == []


def test_the_case_file_changes_the_tutor_and_his_open_tutoring_moves(web_app, as_person):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app)
    valentina = as_person("valentina")  # the case's caseworker may name its people
    page = valentina.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Tomás Olivares" in page and "Rodrigo Cortés" in page
    assert _options(page, "to", post="tutor") == ["camila", "valentina"]  # not Tomás again
    assert 'name="post" value="coordinador"' not in page  # Rodrigo holds it, nobody else may
    valentina.post(f"/cases/{case_id}/people", {"post": "tutor", "to": "rodrigo"},
                   token_from=f"/cases/{case_id}")
    refused = valentina.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "rodrigo no puede recibir «Tutor/a»: no tiene el rol" in refused
    assert tasks(web_app, case_id) == {"tutoria": "tomas"}

    valentina.post(f"/cases/{case_id}/people", {"post": "tutor", "to": "camila"},
                   token_from=f"/cases/{case_id}")
    assert tasks(web_app, case_id) == {"tutoria": "camila"}
    page = valentina.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Camila Vega quedó a cargo." in page
    assert "Tutor/a del caso: Camila Vega (pasos abiertos que pasaron a esa persona: 1)" in page
    with web_app.app_context():
        named = db.session.scalars(select(Event).where(Event.kind == "case_person_named")).one()
        assert (named.data["from"], named.data["to"], named.actor) == ("tomas", "camila",
                                                                       "valentina")
    assert "Matías Rojas" in as_person("camila").get("/").get_data(as_text=True)
    assert "Matías Rojas" not in as_person("tomas").get("/").get_data(as_text=True)


def test_a_colleague_may_not_name_the_case_people(web_app, as_person):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app)
    camila = as_person("camila")
    assert 'name="post"' not in camila.get(f"/cases/{case_id}").get_data(as_text=True)
    response = camila.post(f"/cases/{case_id}/people", {"post": "tutor", "to": "camila"},
                           token_from=f"/cases/{case_id}")
    assert response.status_code == 403
    assert tasks(web_app, case_id) == {"tutoria": "tomas"}
